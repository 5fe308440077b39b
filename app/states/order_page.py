"""One order's page (/orders/<key>): who paid what, cancelling before payment, asking for a
refund. Each handler makes one service call; `order` is pushed live to everyone allowed to see
the order (the room "order:<key>"), so a refund's progress shows without a reload."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.checkout import CheckoutError
from app.domain.events import DomainEvent
from app.realtime.rooms import Push, Viewer, delta, rooms
from app.services import orders
from app.services.context import app_context
from app.services.deals.form import parse_price
from app.services.orders import OrderPage, RefundError
from app.states.keyed_page import KeyedPage
from app.states.rooms import enter_room, leave_rooms
from app.states.session import SessionState


class OrderPageState(KeyedPage, SessionState):
    order: OrderPage | None = None
    not_found: bool = False
    viewer_id: int = 0
    refund_error: str = ""
    busy: bool = False

    def _key(self) -> str:
        return self._route_arg("order_key")[:40]

    @rx.event
    async def load(self) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to see your order.")
        key = self._key()
        page = await asyncio.to_thread(orders.order_page, app_context(), user.id, key)
        self.order, self.not_found, self.viewer_id = page, page is None, user.id
        self._mark_shown()
        self.refund_error, self.busy = "", False
        await leave_rooms(self, "order:")
        if page is not None:
            await enter_room(self, f"order:{key}", Viewer(user.id, user.name, user.avatar_url))
        return None

    @rx.event
    async def request_refund(self, form: dict[str, Any]) -> Any:
        """The refund form: `amount` (empty: everything paid) and `reason`."""
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        raw = str(form.get("amount", "")).strip()[:12]
        amount = parse_price(raw) if raw else None  # empty: everything they paid
        if raw and amount is None:
            self.refund_error = "Enter an amount such as 12.50."
            return None
        self.busy = True
        try:
            await asyncio.to_thread(
                orders.request_refund,
                app_context(),
                user.id,
                self._key(),
                amount,
                str(form.get("reason", ""))[:300],
            )
        except RefundError as refused:
            self.refund_error = refused.message
            return rx.toast.error(refused.message)
        finally:
            self.busy = False
        self.refund_error = ""
        return rx.toast.success("Refund requested. You'll see here when the shop decides.")

    @rx.event
    async def cancel(self) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        try:
            await asyncio.to_thread(orders.cancel_order, app_context(), user.id, self._key())
        except CheckoutError as refused:
            return rx.toast.error(refused.message)
        return rx.toast.info("Order cancelled. Nothing was charged; anything paid is refunded.")


async def render_order(event: DomainEvent) -> Push | None:
    """An order changed (a refund, a cancel): its page goes to everyone who has it open."""
    page = await asyncio.to_thread(orders.public_order_page, app_context(), event.aggregate_id)
    return delta(OrderPageState, order=page) if page is not None else None


rooms.register("order", render_order)
