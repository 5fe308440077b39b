"""Deals in the console: the shop's deal form (tier editor) and the list with cancel."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import reflex as rx

from app.domain.numbers import id_or_zero
from app.services.console import deals as console_deals
from app.services.console.access import ConsoleRefused
from app.services.console.deals import ConsoleDeal
from app.services.context import Context, app_context
from app.services.deals import NotAllowed, deal_form
from app.states.deals import DealFormState


class ConsoleDealsState(DealFormState):
    """The shop's deal form state, submitting through the console (audited)."""

    deal_rows: list[ConsoleDeal] = []
    opened_deal: int = 0

    async def _reload(self, user_id: int) -> None:
        self.deal_rows = await asyncio.to_thread(
            console_deals.console_deals, app_context(), user_id
        )

    @rx.event
    async def load_section(self) -> Any:
        user = await self._user_now()
        if user is None:
            return None
        try:
            await self._reload(user.id)
        except ConsoleRefused:
            self.deal_rows = []
            return None
        self.host = await asyncio.to_thread(deal_form, app_context(), user.id)
        self.errors = {}
        return rx.call_script("new Date().getTimezoneOffset()", callback=ConsoleDealsState.set_tz)

    @rx.event
    async def submit(self, form: dict[str, Any]) -> Any:
        """The form's submit (DealFormState), opening the deal through the console, audited."""
        return await self._submit(form)

    def _opener(self) -> Callable[[Context, int, dict[str, str], int], int]:
        return console_deals.open_deal

    def _refusals(self) -> tuple[type[Exception], ...]:
        return (NotAllowed, ConsoleRefused)

    async def _opened(self, user_id: int, deal_id: int) -> Any:
        self.opened_deal = deal_id
        await self._reload(user_id)
        return rx.toast.success(f"Deal {deal_id} is open.")

    @rx.event
    async def cancel(self, deal_id: int) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        try:
            report = await asyncio.to_thread(
                console_deals.cancel_deal, app_context(), user.id, id_or_zero(deal_id)
            )
            await self._reload(user.id)
        except (NotAllowed, ConsoleRefused) as refusal:
            return rx.toast.error(str(refusal))
        if report is None:
            return rx.toast.info("That deal was already over.")
        return rx.toast.success(f"Deal cancelled: {len(report.released)} holds released.")
