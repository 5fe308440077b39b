"""Group trips: the experience panel of a product page (dates, "Organise a group") and the
booking page (join from the link, pay my share, the organiser's cover). Each handler parses its
input, makes one service call in a worker thread and shows what it answers; the booking page
follows its deal's channel and re-reads the view on each change, without a reload.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import reflex as rx

from app import routes
from app.domain.numbers import id_or_zero, parse_whole
from app.domain.payments import SandboxCard, sandbox_card
from app.services import trips
from app.services.context import app_context
from app.services.trips import BookingError, BookingView, ExperienceView
from app.services.trips.experiences import NOT_AN_EXPERIENCE
from app.states.keyed_page import KeyedPage
from app.states.rooms import follow
from app.states.session import SessionState, route_arg

DECIDE_IN_HOURS = ("24", "48", "72")


def _int(raw: object, default: int = 0) -> int:
    value = parse_whole(raw, 0, 999_999)
    return default if value is None else value


class ExperienceState(SessionState):
    """A product page's dates and seats, and the organiser's form."""

    experience: ExperienceView = NOT_AN_EXPERIENCE
    form_errors: dict[str, str] = {}
    busy: bool = False

    @rx.event
    async def load_product(self) -> None:
        key = route_arg(self, "product_key")[:100]
        self.experience = await asyncio.to_thread(trips.experience_view, app_context(), key)
        self.form_errors = {}
        self.busy = False

    @rx.event
    async def organise(self, form: dict[str, Any]) -> AsyncIterator[Any]:
        user = await self._user_now()
        if user is None:
            yield self.ask_to_sign_in("Sign in to organise a group.")
            return
        errors: dict[str, str] = {}
        date_id = _int(form.get("date_id"))
        low, high = _int(form.get("min_size"), -1), _int(form.get("max_size"), -1)
        hours = str(form.get("decide_in", "48"))
        if not date_id:
            errors["date_id"] = "Choose a date."
        if low < 1:
            errors["min_size"] = "Enter how many people must come, at least 1."
        if high < 1:
            errors["max_size"] = "Enter how many people may come, at least 1."
        if hours not in DECIDE_IN_HOURS:
            errors["decide_in"] = "Choose when the group must be decided."
        self.form_errors = errors
        if errors or self.busy:
            return
        self.busy = True
        yield
        ctx = app_context()
        deadline = ctx.now() + timedelta(hours=int(hours))
        try:
            opened = await asyncio.to_thread(
                trips.open_booking, ctx, user.id, date_id, low, high, deadline
            )
        except BookingError as refusal:
            self.busy = False
            self.form_errors = refusal.field_errors or {"date_id": refusal.message}
            yield rx.toast.error(refusal.message)
            return
        self.busy = False
        yield rx.redirect(routes.trip_url(opened.code))


class BookingState(KeyedPage, SessionState):
    """One booking's page. `booking` is re-read on every change of its deal."""

    booking: BookingView | None = None
    not_found: bool = False
    me: int = 0
    test_cards: bool = False
    card_choice: str = SandboxCard.SUCCESS.value
    busy: bool = False
    error: str = ""

    def _code(self) -> str:
        return route_arg(self, "code")[:20]

    @rx.event
    async def load(self) -> Any:
        user = await self._user_now()
        ctx = app_context()
        self.me = user.id if user else 0
        view = await asyncio.to_thread(trips.booking_page, ctx, self.me or None, self._code())
        self.booking, self.not_found = view, view is None
        self._mark_shown()
        self.test_cards = ctx.payments.sandbox is not None
        self.busy, self.error = False, ""
        return BookingState.watch if view is not None else None

    @rx.event(background=True)
    async def watch(self) -> None:
        """Re-read the booking whenever its deal changes (joins, payments, releases, closing)."""
        async with self:
            booking = self.booking
            token = self.router.session.client_token
            code = self._code()
        if booking is None:
            return

        async def refresh(_event: object) -> bool:
            view = await asyncio.to_thread(trips.booking_page, app_context(), None, code)
            async with self:
                if self._code() != code:
                    return False  # the tab moved on to another booking
                self.booking = view
            return True

        await follow(token, f"deal:{booking.deal_id}", refresh)

    @rx.event
    def set_card_choice(self, value: str) -> None:
        if sandbox_card(value) is not None:
            self.card_choice = value

    async def _reload(self) -> None:
        self.booking = await asyncio.to_thread(
            trips.booking_page, app_context(), self.me or None, self._code()
        )

    async def _act(self, action: Any, success: str) -> AsyncIterator[Any]:
        user = await self._user_now()
        if user is None:
            yield self.ask_to_sign_in("Sign in to join this group.")
            return
        if self.busy:
            return
        self.busy, self.error = True, ""
        yield
        try:
            await asyncio.to_thread(action, app_context(), user.id)
        except BookingError as refusal:
            self.busy, self.error = False, refusal.message
            await self._reload()
            yield rx.toast.error(refusal.message)
            return
        self.busy = False
        await self._reload()
        yield rx.toast.success(success)

    @rx.event
    async def join(self) -> AsyncIterator[Any]:
        code, address = self._code(), self.client_address()
        async for step in self._act(
            lambda ctx, me: trips.join_booking(ctx, me, code, address),
            "You're in the group. Pay your share within 72 hours to keep your seat.",
        ):
            yield step

    @rx.event
    async def pay(self, member_id: int) -> AsyncIterator[Any]:
        code, card = self._code(), sandbox_card(self.card_choice)
        member = id_or_zero(member_id)
        mine, address = member == self.me, self.client_address()
        async for step in self._act(
            lambda ctx, me: trips.pay_share(
                ctx, me, code, member, sandbox_card=card, address=address
            ),
            "Your share is on hold: you're charged only if the group goes ahead."
            if mine
            else "You covered their share: it's on hold on your card.",
        ):
            yield step

    @rx.event
    async def bank_check(self, approve: bool) -> AsyncIterator[Any]:
        """The test bank's answer to 3-D Secure for the viewer's own share."""
        code = self._code()
        async for step in self._act(
            lambda ctx, me: trips.confirm_share_with_bank(ctx, me, code, bool(approve)),
            "Confirmed with your bank: your share is on hold.",
        ):
            yield step

    # -- what this viewer may do (the service checks every one again) ---------------------------

    def _member(self) -> bool:
        members = self.booking.members if self.booking else []
        return any(m.user_id == self.me and m.status != "released" for m in members)

    @rx.var
    def is_member(self) -> bool:
        return self._member()

    @rx.var
    def is_organiser(self) -> bool:
        return self.booking is not None and self.me != 0 and self.booking.organiser_id == self.me

    @rx.var
    def can_join(self) -> bool:
        booking = self.booking
        return (
            booking is not None
            and booking.open
            and booking.places_left > 0
            and booking.date_seats_left > 0
            and not self._member()
        )

    @rx.var
    def share_path(self) -> str:
        # Joined with the origin in the browser: reading self.router here would make Reflex load
        # this state from Redis for every event of every page.
        return routes.trip_url(self.booking.code) if self.booking else ""
