"""The host's form for a new deal: errors are shown next to their fields."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.numbers import parse_int
from app.routes import deal_url
from app.services import deals
from app.services.context import app_context
from app.services.deals import DealValidationError, NotAllowed
from app.services.deals.views import HostForm
from app.states.session import SessionState


class DealFormState(SessionState):
    """The host's form for a new deal; errors are shown next to their fields."""

    host: HostForm = HostForm(allowed=False)
    errors: dict[str, str] = {}
    tz_offset: int = 0

    @rx.event
    def load(self) -> Any:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in("Sign in to open a deal.")
        self.host = deals.deal_form(app_context(), user.id)
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
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in()
        fields = {key: str(value) for key, value in form.items()}
        try:
            deal_id = await asyncio.to_thread(
                deals.create_deal_from_form, app_context(), user.id, fields, self.tz_offset
            )
        except DealValidationError as invalid:
            self.errors = invalid.field_errors
            return rx.toast.error("Please fix the fields marked in red.")
        except NotAllowed as refusal:
            return rx.toast.error(str(refusal))
        self.errors = {}
        return [rx.toast.success("Your deal is open."), rx.redirect(deal_url(deal_id))]
