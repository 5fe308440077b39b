"""A deal's public ledger page: one service call on load (names depend on who is looking)."""

from __future__ import annotations

import asyncio

import reflex as rx

from app.services import deals
from app.services.context import app_context
from app.services.deals import DealLedger
from app.states.session import SessionState


class DealLedgerState(SessionState):
    ledger: DealLedger | None = None
    not_found: bool = False

    @rx.event
    async def load(self) -> None:
        raw = self._route_arg("deal_id")
        deal_id = int(raw) if raw.isdigit() and len(raw) < 12 else 0
        user = self.signed_in_user()
        found = await asyncio.to_thread(
            deals.deal_ledger, app_context(), user.id if user else None, deal_id
        )
        self.ledger, self.not_found = found, found is None
