"""The admins' refund queue (/admin/refunds): approve or decline, one service call each."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.numbers import id_or_zero
from app.services import orders
from app.services.context import app_context
from app.services.orders import RefundError, RefundRow
from app.states.session import SessionState


class AdminRefundsState(SessionState):
    rows: list[RefundRow] = []
    allowed: bool = False
    loaded: bool = False

    async def _reload(self, user_id: int) -> None:
        try:
            self.rows = await asyncio.to_thread(orders.refund_queue, app_context(), user_id)
            self.allowed = True
        except RefundError:
            self.rows, self.allowed = [], False
        self.loaded = True

    @rx.event
    async def load(self) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in as an admin to decide refunds.")
        await self._reload(user.id)
        return None

    async def _decide(self, action: Any, request_id: int, done: str) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        try:
            result = await asyncio.to_thread(action, app_context(), user.id, request_id)
        except RefundError as refused:
            await self._reload(user.id)
            return rx.toast.error(refused.message)
        await self._reload(user.id)
        if result.status == "failed":
            return rx.toast.error("The payment provider refused this refund. See the row.")
        return rx.toast.success(done)

    @rx.event
    async def approve(self, request_id: int) -> Any:
        return await self._decide(orders.approve_refund, id_or_zero(request_id), "Refunded.")

    @rx.event
    async def reject(self, request_id: int) -> Any:
        return await self._decide(orders.reject_refund, id_or_zero(request_id), "Refund declined.")
