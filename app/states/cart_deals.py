"""A shared cart's deals panel: the cart's products that have an open group-buy deal, which
friends' holds already count toward its tier, and "Hold my line for the deal". The panel
comes with the cart's room push on every change of the cart or of one of its deals (no reload)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from app.domain.numbers import id_or_zero
from app.domain.payments import SandboxCard, sandbox_card
from app.realtime.rooms import rooms
from app.services import deals
from app.services.context import app_context
from app.services.deals import CartDeal, JoinError
from app.states.cart_room import DealPanels
from app.states.session import SessionState, route_arg


def _cart_id(state: rx.State) -> int:
    raw = route_arg(state, "cart_id")
    return id_or_zero(raw)


class CartDealsState(SessionState):
    cart_deals: list[CartDeal] = []
    me: int = 0
    test_cards: bool = False
    card_choice: str = SandboxCard.SUCCESS.value
    busy: bool = False
    error: str = ""

    async def _read(self) -> None:
        cart_id = _cart_id(self)
        if not self.me or not cart_id:
            self.cart_deals = []
            return
        panel = await asyncio.to_thread(deals.cart_panel, app_context(), self.me, cart_id)
        if panel.heads:
            # The panel's later changes come with the cart's room push, the cart's and its
            # deals' (app/states/cart_room.py): this process now keeps the cart's panel.
            panel = deal_panels.remember(cart_id, panel)
        self.cart_deals = panel.entries()

    @rx.event
    async def load(self) -> None:
        user = await self._user_now()
        self.me = user.id if user else 0
        self.test_cards = app_context().payments.sandbox is not None
        self.busy, self.error = False, ""
        await self._read()

    @rx.event
    def set_card_choice(self, value: str) -> None:
        if sandbox_card(value) is not None:
            self.card_choice = value

    @rx.event
    async def hold(self, deal_id: int) -> AsyncIterator[Any]:
        user = await self._user_now()
        if user is None:
            yield self.ask_to_sign_in()
            return
        if self.busy:
            return
        self.busy, self.error = True, ""
        yield
        cart_id, card = _cart_id(self), sandbox_card(self.card_choice)
        address = self.client_address()
        try:
            await asyncio.to_thread(
                lambda: deals.hold_cart_lines_for_deal(
                    app_context(),
                    user.id,
                    cart_id,
                    id_or_zero(deal_id),
                    sandbox_card=card,
                    address=address,
                )
            )
        except JoinError as refusal:
            self.busy, self.error = False, refusal.message
            yield rx.toast.error(refusal.message)
            return
        self.busy = False
        await self._read()
        yield rx.toast.success("Your hold is placed: your line now counts toward the deal's price.")


# The cart page's deals panel in this process, pushed with the cart's changes
# (app/states/carts.py registers it with the cart's renderer) and its deals' changes.
deal_panels = DealPanels(
    CartDealsState,
    lambda cart_id: deals.room_cart_panel(app_context(), cart_id),
    lambda: deals.open_deal_products(app_context()),
)
rooms.listen("deal", deal_panels.on_deal_event)
