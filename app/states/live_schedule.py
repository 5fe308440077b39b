"""Live shopping's lists: the schedule (/live) and scheduling a session (/live/new).

The schedule's lists are pushed to everyone on /live (channel live:schedule) by
`app.states.live_watch.render_live`; only `load` writes them on the backend, from the database.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import reflex as rx
from reflex.event import EventSpec

from app import routes
from app.domain.clock import local_to_utc, utcnow
from app.domain.live import SessionDraft
from app.domain.numbers import int_or_zero
from app.realtime.rooms import Viewer
from app.services import live
from app.services.context import app_context
from app.services.live import (
    CoverChoice,
    LiveError,
    LiveValidationError,
    ProductChoice,
    ScheduleItem,
)
from app.states.rooms import enter_room, leave_rooms
from app.states.session import SessionState

SCHEDULE_CHANNEL = f"live:{live.SCHEDULE_CHANNEL_ID}"
Events: TypeAlias = list[EventSpec] | EventSpec | None


class LiveScheduleState(SessionState):
    live: list[ScheduleItem] = []
    upcoming: list[ScheduleItem] = []
    ended: list[ScheduleItem] = []
    followed_ids: list[int] = []
    is_host: bool = False

    @rx.event
    async def load(self) -> None:
        user = await self._user_now()
        page = await asyncio.to_thread(live.schedule_page, app_context(), user.id if user else None)
        self.live, self.upcoming, self.ended = page.live, page.upcoming, page.ended
        self.followed_ids, self.is_host = page.followed_ids, page.is_host
        await leave_rooms(self, "live:")
        await enter_room(
            self, SCHEDULE_CHANNEL, Viewer(user.id if user else None, user.name if user else "")
        )


class LiveNewState(SessionState):
    covers: list[CoverChoice] = []
    products: list[ProductChoice] = []
    errors: dict[str, str] = {}
    may_host: bool = False
    tz_name: str = ""
    start_default: str = ""
    cover: str = ""

    @rx.event
    async def load(self) -> Events:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to schedule a live session.")
        self.errors = {}
        try:
            form = await asyncio.to_thread(live.new_session_form, app_context(), user.id)
        except LiveError as error:
            return rx.toast.error(error.message)
        self.may_host, self.covers, self.products = form.may_host, form.covers, form.products
        self.cover = self.covers[0].url if self.covers else ""
        return rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=LiveNewState.set_zone
        )

    @rx.event
    def set_zone(self, tz_name: str) -> None:
        """The browser's time zone: the start field's default is 15 minutes from now there."""
        self.tz_name = str(tz_name or "")[:64]
        try:
            zone: Any = ZoneInfo(self.tz_name) if self.tz_name else UTC
        except (ZoneInfoNotFoundError, ValueError):
            zone = UTC
        soon = (utcnow() + timedelta(minutes=15)).astimezone(zone)
        self.start_default = soon.strftime("%Y-%m-%dT%H:%M")

    @rx.event
    def choose_cover(self, url: str) -> None:
        self.cover = url

    @rx.event
    async def submit(self, form: dict[str, Any]) -> Events:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to schedule a live session.")
        product_ids = tuple(
            int_or_zero(key.removeprefix("product-"))
            for key, value in form.items()
            if key.startswith("product-") and value
        )
        raw_start = str(form.get("starts_at", ""))
        draft = SessionDraft(
            title=str(form.get("title", ""))[:400],
            description=str(form.get("description", ""))[:2000],
            cover_image=self.cover,
            starts_at=local_to_utc(raw_start, tz_name=self.tz_name or "UTC"),
            stream_url=str(form.get("stream_url", ""))[:1000],
            product_ids=product_ids,
        )
        if not draft.starts_at and raw_start:
            self.errors = {"starts_at": "Enter a date and time."}
            return rx.toast.error("Please check the form.")
        try:
            session_id = await asyncio.to_thread(
                live.schedule_session, app_context(), user.id, draft
            )
        except LiveValidationError as error:
            self.errors = error.field_errors
            return rx.toast.error("Please check the highlighted fields.")
        except LiveError as error:
            return rx.toast.error(error.message)
        self.errors = {}
        return [rx.toast.success("Session scheduled"), rx.redirect(routes.live_url(session_id))]
