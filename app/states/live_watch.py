"""A live session's page (/live/<id>) for its viewers, and what the broadcast path pushes there.

Everything every viewer sees the same way (the session, its pinned product, its deals, hearts,
the viewer count) reaches them through the rooms broadcast path: one render per event per
process and one socket.io room emit (channel live:<id>). Those pushed vars are only written here
by `load`, which reads the database, so a viewer who reconnects catches up on load. Per-viewer
things (may I run it, do I follow the host, which deals did I join) are ordinary vars. The host
console is `LiveConsoleState`, the watch party `WatchPartyState`.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from app import routes
from app.domain.events import DomainEvent, EventKind
from app.domain.numbers import id_or_zero, int_or_zero
from app.realtime import deal_relay
from app.realtime.rooms import Presence, Viewer, delta, rooms
from app.services import live
from app.services.context import app_context
from app.services.live import LiveError, LiveSessionView, StreamJoinStatus
from app.states.chat import ChatState, SideChatState, open_chat
from app.states.keyed_page import KeyedPage
from app.states.live_console import LiveConsoleState
from app.states.live_schedule import SCHEDULE_CHANNEL, Events, LiveScheduleState
from app.states.rooms import enter_room, leave_rooms, new_load_id
from app.states.session import SessionState
from app.states.watch_party import WatchPartyState

HEARTS_KEPT = 14
HEARTS_PER_BURST = 6


@dataclass(frozen=True)
class Heart:
    id: int
    x: int  # percent from the left of the video
    drift: int  # -1, 0 or 1: which way it sways


class LiveRoomState(KeyedPage, SessionState):
    # Pushed to the whole room (set on the backend only by `load`).
    view: LiveSessionView | None = None
    viewer_count: int = 0
    hearts: list[Heart] = []
    # This viewer's own.
    not_found: bool = False
    own_session: bool = False
    following: bool = False
    joined_deal_ids: list[int] = []
    can_pay_here: bool = False
    busy: bool = False
    load_id: str = ""  # which `load` the page shows: see leave_page

    @rx.var
    def title(self) -> str:
        """The page's name in the browser's tab: the session's."""
        return self.view.title if self.view else ""

    def _session_id(self) -> int:
        return int_or_zero(self._route_arg("session_id"))

    @rx.event
    async def leave_page(self, session_id: int, load_id: str = "") -> None:
        """The session's page unmounted (navigation inside the app): stop counting as a viewer
        of that session only; the next page's load may already have entered another room.
        Not when the unmounted page came from an earlier load (see `new_load_id`)."""
        if load_id != self.load_id:
            return
        await rooms.leave(self.router.session.session_id, f"live:{int_or_zero(session_id)}")

    @rx.event
    async def load(self) -> None:
        user = await self._user_now()
        user_id = user.id if user else None
        session_id = self._session_id()
        party = await self.get_state(WatchPartyState)
        console = await self.get_state(LiveConsoleState)
        try:
            page = await asyncio.to_thread(live.session_page, app_context(), user_id, session_id)
        except LiveError:
            self.view, self.not_found = None, True
            self._mark_shown()
            console._show(can_run=False)
            party._show(None, [])
            await leave_rooms(self, "live:")
            return
        self.view, self.not_found = page.view, False
        self._mark_shown()
        self.following = page.following
        console._show(can_run=page.can_run)
        self.own_session = bool(user and user.id == page.view.host_id)
        self.joined_deal_ids, self.can_pay_here = page.joined_deal_ids, page.pays_in_stream
        self.hearts = []
        party._show(page.party.party, page.party.invitable)
        viewer = Viewer(user_id, user.name if user else "", "")
        self.load_id = new_load_id()
        await leave_rooms(self, "live:")
        await leave_rooms(self, "liveparty:")
        await enter_room(self, f"live:{session_id}", viewer)
        if user is not None:
            await enter_room(self, f"liveparty:{session_id}:{user.id}", viewer)
        await open_chat(self, ChatState, f"live:{session_id}")
        if page.party.party is not None:
            await open_chat(self, SideChatState, live.party_room_key(page.party.party.id))
        deal_relay.keep_deals_flowing(session_id, page.view.deals)

    @rx.event
    async def react(self) -> list[EventSpec] | None:
        user = await self._user_now()
        if user is None:  # a toast, not a redirect: guests keep watching
            return [rx.toast.info("Sign in to send hearts.")]
        await live.send_heart(app_context(), user.id, self._session_id())
        return None

    @rx.event
    async def toggle_follow(self) -> Events:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to follow hosts.")
        if self.view is None:
            return rx.toast.error("This session is gone.")
        change = live.unfollow_host if self.following else live.follow_host
        try:
            await asyncio.to_thread(change, app_context(), user.id, self.view.host_id)
        except LiveError as error:
            return rx.toast.error(error.message)
        self.following = not self.following
        return rx.toast.success(
            "You'll see when they go live on the Live page" if self.following else "Unfollowed"
        )

    @rx.event(background=True)
    async def join_deal(self, deal_id: int) -> Any:
        async with self:
            user = await self._user_now()
            if user is None:
                return self.ask_to_sign_in("Sign in to join the deal.")
            if self.busy:
                return None
            self.busy = True
        deal_id = int_or_zero(deal_id)
        try:
            joined = await asyncio.to_thread(
                live.join_flash_deal, app_context(), user.id, deal_id, self.client_address()
            )
        except LiveError as error:
            return rx.toast.error(error.message)
        finally:
            async with self:
                self.busy = False
        if joined.status == StreamJoinStatus.DEAL_PAGE:
            return rx.redirect(routes.deal_url(deal_id))
        async with self:
            if deal_id not in self.joined_deal_ids:
                self.joined_deal_ids = [*self.joined_deal_ids, deal_id]
        if joined.status == StreamJoinStatus.NEEDS_ACTION:  # the deal page asks the bank
            return rx.redirect(routes.deal_url(deal_id))
        return rx.toast.success("You're in! Your card is held until the deal closes.")

    @rx.event
    async def add_to_cart(self, product_id: int) -> Events:
        return await self._into_my_cart(
            id_or_zero(product_id), "Sign in to add to your cart.", go=False
        )

    @rx.event
    async def buy_now(self, product_id: int) -> Events:
        return await self._into_my_cart(id_or_zero(product_id), "Sign in to buy.", go=True)

    async def _into_my_cart(self, product_id: int, guest_message: str, go: bool) -> Events:
        """One of the pinned product into the viewer's own cart; `go` opens the cart to pay."""
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in(guest_message)
        try:
            added = await asyncio.to_thread(
                live.add_to_my_cart, app_context(), user.id, int_or_zero(product_id)
            )
        except LiveError as error:
            return rx.toast.error(error.message)
        if go:
            return rx.redirect(routes.cart_url(added.cart_id))
        if added.warning:
            return rx.toast.warning(added.warning)
        return rx.toast.success("Added to your cart")


# --------------------------------------------------------------------------- room renderers

_hearts: dict[str, deque[Heart]] = {}
_heart_seq = 0


def _hearts_for(channel: str, count: int) -> list[dict[str, Any]]:
    global _heart_seq
    kept = _hearts.setdefault(channel, deque(maxlen=HEARTS_KEPT))
    for _ in range(min(count, HEARTS_PER_BURST)):
        _heart_seq += 1
        # Spread hearts over the right side of the video without randomness in tests.
        kept.append(Heart(_heart_seq, 62 + (_heart_seq * 37) % 30, (_heart_seq % 3) - 1))
    return [asdict(h) for h in kept]


async def render_live(event: DomainEvent) -> dict[str, dict[str, Any]] | None:
    """One render of a live event for every viewer of its room on this process."""
    if event.aggregate_id == live.SCHEDULE_CHANNEL_ID:
        lists = await asyncio.to_thread(live.schedule, app_context())
        return delta(
            LiveScheduleState,
            live=[asdict(i) for i in lists["live"]],
            upcoming=[asdict(i) for i in lists["upcoming"]],
            ended=[asdict(i) for i in lists["ended"]],
        )
    if event.kind == EventKind.LIVE_REACTIONS:
        count = int(event.payload.get("count", 1))
        return delta(LiveRoomState, hearts=_hearts_for(event.channel, count))
    session_id = int_or_zero(event.aggregate_id)
    try:
        view = await asyncio.to_thread(live.session_view, app_context(), session_id)
    except LiveError:
        return None
    deal_relay.keep_deals_flowing(session_id, view.deals)
    return delta(LiveRoomState, view=asdict(view))


def render_presence(channel: str, presence: Presence) -> dict[str, dict[str, Any]] | None:
    if channel == SCHEDULE_CHANNEL:
        return None
    return delta(LiveRoomState, viewer_count=presence.count)


rooms.register("live", render_live)
rooms.register_presence("live", render_presence)
