"""Deal cards on the home page, the deals page and a product's page, kept live.

A page of cards puts its socket in the room "deals:cards"; per event, one renderer
(rendering.py) loads the cards once and pushes them to every such page, so `cards` is only ever
set by load handlers.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from app.realtime.rooms import Viewer
from app.services import deals, experiments
from app.services.context import app_context
from app.services.deals.views import DealCard
from app.states.rooms import enter_room, leave_rooms
from app.states.session import SessionState
from app.states.visitor import VisitorState


class DealCardsState(SessionState):
    """Deal cards on the home page, the deals page and a product's page (live)."""

    cards: list[DealCard] = []
    ended: list[DealCard] = []
    product_id: int = 0
    can_host: bool = False
    layout: str = "classic"  # the deal-card-layout experiment's arm for this shopper
    loaded: bool = False  # cards read at least once in this tab (placeholders until then)

    async def _pick_layout(self) -> None:
        visitor = (await self.get_state(VisitorState))._ensure()
        user = self.user
        self.layout = await asyncio.to_thread(
            experiments.deal_card_layout, app_context(), user.id if user else None, visitor
        )

    async def _watch_cards(self) -> None:
        await self._pick_layout()
        await leave_rooms(self, "deal:")
        await enter_room(self, deals.CARDS_CHANNEL, Viewer(None, ""))

    @rx.event
    async def load_home(self) -> None:
        self.cards = await asyncio.to_thread(deals.live_deal_cards, app_context())
        self.product_id, self.loaded = 0, True
        await self._watch_cards()

    @rx.event
    async def load_list(self) -> None:
        user = await self._user_now()
        overview = await asyncio.to_thread(
            deals.deals_overview, app_context(), user.id if user else None
        )
        self.cards, self.ended, self.can_host = overview.cards, overview.ended, overview.can_host
        self.product_id, self.loaded = 0, True
        await self._watch_cards()

    @rx.event
    async def load_product(self) -> None:
        key = self._route_arg("product_key")[:100]
        found = await asyncio.to_thread(deals.product_deals, app_context(), key)
        self.product_id, self.cards = found.product_id, found.cards
        self.loaded = True
        await self._watch_cards()
