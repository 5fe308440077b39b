"""The host console on a live session's page: go live, pin, launch a flash deal, end.

Each handler is one call into app.services.live, which checks again, inside its transaction,
that the user may run the session (the console is only hidden from others, not trusted).
What every viewer sees changes through the session's events, not through this state.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from app.domain.live import FlashDealRequest, LifecycleError
from app.domain.numbers import int_or_zero
from app.services import live
from app.services.context import app_context
from app.services.live import LiveError, LiveValidationError
from app.states.live_schedule import Events
from app.states.session import SessionState


class LiveConsoleState(SessionState):
    can_run: bool = False  # set by the page's load; shows the console
    deal_errors: dict[str, str] = {}

    def _show(self, *, can_run: bool) -> None:
        """From the page's load: whether this user may run the session."""
        self.can_run, self.deal_errors = can_run, {}

    def _refused(self, error: LiveError) -> EventSpec:
        if error.code == "forbidden":  # their role changed since the page loaded
            self.can_run = False
        return rx.toast.error(error.message)

    def _session_id(self) -> int:
        return int_or_zero(self._route_arg("session_id"))

    @rx.event
    async def go_live(self) -> Events:
        return await self._lifecycle(live.go_live, "You're live!")

    @rx.event
    async def end(self) -> Events:
        return await self._lifecycle(live.end_session, "Session ended. The replay stays up.")

    async def _lifecycle(self, action: Any, done: str) -> Events:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in first.")
        try:
            await asyncio.to_thread(action, app_context(), user.id, self._session_id())
        except LiveError as error:
            return self._refused(error)
        except LifecycleError as error:
            return rx.toast.error(str(error))
        return rx.toast.success(done)

    @rx.event
    async def pin(self, product_id: int) -> Events:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in first.")
        target = int_or_zero(product_id) or None
        try:
            await asyncio.to_thread(
                live.pin_product, app_context(), user.id, self._session_id(), target
            )
        except LiveError as error:
            return self._refused(error)
        return rx.toast.success("Pinned for every viewer" if target else "Unpinned")

    @rx.event
    async def launch_deal(self, form: dict[str, Any]) -> Events:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in first.")
        request = FlashDealRequest(
            product_id=int_or_zero(form.get("product")),
            minutes=int_or_zero(form.get("minutes")),
            min_to_unlock=int_or_zero(form.get("min_to_unlock")),
            discount_percent=int_or_zero(form.get("discount_percent")),
        )
        try:
            await asyncio.to_thread(
                live.launch_flash_deal, app_context(), user.id, self._session_id(), request
            )
        except LiveValidationError as error:
            self.deal_errors = error.field_errors
            return rx.toast.error("Please check the flash deal values.")
        except LiveError as error:
            return self._refused(error)
        self.deal_errors = {}
        return rx.toast.success("Flash deal launched")
