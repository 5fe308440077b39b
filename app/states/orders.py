"""/orders: the shopper's cart orders and group-buy deal orders."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.services import checkout
from app.services.checkout import OrderView
from app.services.context import app_context
from app.states.session import SessionState


class OrdersState(SessionState):
    orders: list[OrderView] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to see your orders.")
        self.orders = await asyncio.to_thread(checkout.list_orders, app_context(), user.id)
        self.loaded = True
        return None
