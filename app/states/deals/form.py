"""The host's form for a new deal: errors are shown next to their fields."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import reflex as rx

from app.domain.numbers import parse_int
from app.routes import deal_url
from app.services import deals
from app.services.context import Context, app_context
from app.services.deals import DealValidationError, NotAllowed
from app.services.deals.views import HostForm
from app.states.session import SessionState


class DealFormState(SessionState):
    """The host's form for a new deal; errors are shown next to their fields."""

    host: HostForm = HostForm(allowed=False)
    errors: dict[str, str] = {}
    tz_offset: int = 0

    @rx.event
    async def load(self) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to open a deal.")
        self.host = await asyncio.to_thread(deals.deal_form, app_context(), user.id)
        self.errors = {}
        # datetime-local fields carry no time zone: learn the browser's.
        return rx.call_script("new Date().getTimezoneOffset()", callback=DealFormState.set_tz)

    @rx.event
    def set_tz(self, offset: Any) -> None:
        value = parse_int(offset, -16 * 60, 16 * 60)
        if value is not None:
            self.tz_offset = value

    @rx.event
    async def submit(self, form: dict[str, Any]) -> Any:
        return await self._submit(form)

    async def _submit(self, form: dict[str, Any]) -> Any:
        """Open the deal the form describes; the console's form submits through here too."""
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        fields = {key: str(value) for key, value in form.items()}
        try:
            deal_id = await asyncio.to_thread(
                self._opener(), app_context(), user.id, fields, self.tz_offset
            )
        except DealValidationError as invalid:
            self.errors = invalid.field_errors
            return rx.toast.error("Please fix the fields marked in red.")
        except self._refusals() as refusal:
            return rx.toast.error(str(refusal))
        self.errors = {}
        return await self._opened(user.id, deal_id)

    # What the console's form (states/console/deals.py) does its own way (a substate reaches
    # its own handlers only: it keeps a `submit` of its own that calls `_submit`):
    def _opener(self) -> Callable[[Context, int, dict[str, str], int], int]:
        """The use case that opens the deal from the form's fields."""
        return deals.create_deal_from_form

    def _refusals(self) -> tuple[type[Exception], ...]:
        """The refusals shown as a toast."""
        return (NotAllowed,)

    async def _opened(self, user_id: int, deal_id: int) -> Any:
        return [rx.toast.success("Your deal is open."), rx.redirect(deal_url(deal_id))]
