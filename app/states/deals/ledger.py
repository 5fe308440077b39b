"""A deal's public ledger page: one service call on load (names depend on who is looking)."""

from __future__ import annotations

import asyncio

import reflex as rx

from app.domain.numbers import id_or_zero
from app.services import deals
from app.services.context import app_context
from app.services.deals import LedgerEntry
from app.services.deals.views import DealCard
from app.states.keyed_page import KeyedPage
from app.states.session import SessionState


class DealLedgerState(KeyedPage, SessionState):
    card: DealCard | None = None
    entries: list[LedgerEntry] = []
    joined: int = 0
    not_found: bool = False

    @rx.event
    async def load(self) -> None:
        raw = self._route_arg("deal_id")
        deal_id = id_or_zero(raw)
        user = await self._user_now()
        found = await asyncio.to_thread(
            deals.deal_ledger, app_context(), user.id if user else None, deal_id
        )
        self.not_found = found is None
        self.card = found.card if found else None
        self.entries = found.entries if found else []
        self.joined = found.joined if found else 0
        self._mark_shown()
