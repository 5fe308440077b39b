"""The console's Orders & refunds section: recent orders (refund requests use the same state
as /admin/refunds)."""

from __future__ import annotations

import asyncio

import reflex as rx

from app.services.console.access import ConsoleRefused
from app.services.console.orders import ConsoleOrder, recent_orders
from app.services.context import app_context
from app.states.console.base import ConsoleState


class ConsoleOrdersState(ConsoleState):
    orders: list[ConsoleOrder] = []

    @rx.event
    async def load_section(self) -> None:
        user = await self._staff()
        if user is None:
            return
        try:
            self.orders = await asyncio.to_thread(recent_orders, app_context(), user.id)
        except ConsoleRefused:
            self.orders = []
