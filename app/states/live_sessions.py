"""Live shopping pages: the schedule (/live), scheduling (/live/new) and a session (/live/<id>).

Thin states over app/services/live.py. Everything every viewer sees the same way (the session,
its pinned product, its deals, hearts, the viewer count) reaches them through the rooms
broadcast path: one render per event per process and one socket.io room emit (channel
live:<id>). Those pushed vars are only written here by load handlers, which read the database,
so a viewer who reconnects catches up on load. Per-viewer things (may I run it, do I follow the
host, which deals did I join) are ordinary vars.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import reflex as rx

from app.adapters.bus import bus
from app.adapters.db.session import session_scope
from app.adapters.payments.configured import app_gateway, app_payments
from app.adapters.payments.gateway import PaymentError, PaymentGateway
from app.config import settings
from app.domain.events import DomainEvent
from app.domain.live import FlashDealRequest, LifecycleError, SessionDraft
from app.domain.payments import SandboxCard
from app.realtime.hub import hub
from app.realtime.rooms import Presence, Viewer, delta, rooms
from app.services import carts, deals
from app.services import live as live_service
from app.services.live import (
    CoverChoice,
    LiveDealView,
    LiveError,
    LiveSessionView,
    LiveValidationError,
    PartyMemberView,
    ProductChoice,
    ScheduleItem,
    WatchPartyView,
)
from app.services.unit_of_work import unit_of_work
from app.states.chat import ChatState, SideChatState, open_chat
from app.states.live import enter_room, leave_rooms
from app.states.session import SessionState

log = logging.getLogger(__name__)

SCHEDULE_CHANNEL = f"live:{live_service.SCHEDULE_CHANNEL_ID}"
FLUSH_INTERVAL = 0.25  # reactions reach viewers at most four times a second
HEARTS_KEPT = 14
HEARTS_PER_BURST = 6
DEAL_RELAY_GRACE = timedelta(minutes=10)


# --------------------------------------------------------------------------- view types


@dataclass(frozen=True)
class Heart:
    id: int
    x: int  # percent from the left of the video
    drift: int  # -1, 0 or 1: which way it sways


# --------------------------------------------------------------------------- shared helpers


def _payment_gateway() -> PaymentGateway | None:
    """The app's card processor when it is a test one (the stream's join button pays with a
    test card); None sends shoppers to the deal page instead."""
    config = settings()
    key = config.stripe_secret_key
    if not key or not (config.stripe_api_base or key.startswith("sk_test_")):
        return None
    return app_gateway()


def _parse_start(raw: str, tz_name: str) -> datetime | None:
    """A datetime-local value ("2026-11-23T18:30") in the browser's time zone, as UTC."""
    if not raw:
        return None
    try:
        naive = datetime.fromisoformat(raw)
    except ValueError:
        return None
    try:
        zone: Any = ZoneInfo(tz_name) if tz_name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    if naive.tzinfo is None:
        naive = naive.replace(tzinfo=zone)
    return naive.astimezone(UTC)


def _int(value: object, default: int = 0) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


# --------------------------------------------------------------------------- /live


class LiveScheduleState(SessionState):
    live: list[ScheduleItem] = []
    upcoming: list[ScheduleItem] = []
    ended: list[ScheduleItem] = []
    followed_ids: list[int] = []
    is_host: bool = False

    @rx.event
    async def load(self) -> None:
        user = self.signed_in_user()
        with session_scope() as session:
            lists = live_service.schedule(session)
            self.followed_ids = live_service.followed_host_ids(session, user.id) if user else []
        self.live, self.upcoming, self.ended = lists["live"], lists["upcoming"], lists["ended"]
        self.is_host = bool(user and user.role in ("host", "admin"))
        await leave_rooms(self, "live:")
        await enter_room(
            self, SCHEDULE_CHANNEL, Viewer(user.id if user else None, user.name if user else "")
        )


# --------------------------------------------------------------------------- /live/new


class LiveNewState(SessionState):
    covers: list[CoverChoice] = []
    products: list[ProductChoice] = []
    errors: dict[str, str] = {}
    may_host: bool = False
    tz_name: str = ""
    start_default: str = ""
    cover: str = ""

    @rx.event
    def load(self) -> list[rx.event.EventSpec] | rx.event.EventSpec | None:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in("Sign in to schedule a live session.")
        self.may_host = user.role in ("host", "admin")
        self.errors = {}
        with session_scope() as session:
            self.covers = live_service.cover_choices(session)
            self.products = live_service.product_choices(session)
        self.cover = self.covers[0].url if self.covers else ""
        return rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=LiveNewState.set_zone
        )

    @rx.event
    def set_zone(self, tz_name: str) -> None:
        self.tz_name = str(tz_name or "")[:64]
        try:
            zone: Any = ZoneInfo(self.tz_name) if self.tz_name else UTC
        except (ZoneInfoNotFoundError, ValueError):
            zone = UTC
        soon = (datetime.now(UTC) + timedelta(minutes=15)).astimezone(zone)
        self.start_default = soon.strftime("%Y-%m-%dT%H:%M")

    @rx.event
    def choose_cover(self, url: str) -> None:
        self.cover = url

    @rx.event
    def submit(self, form: dict[str, Any]) -> list[rx.event.EventSpec] | rx.event.EventSpec | None:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in("Sign in to schedule a live session.")
        product_ids = tuple(
            _int(key.removeprefix("product-"))
            for key, value in form.items()
            if key.startswith("product-") and value
        )
        draft = SessionDraft(
            title=str(form.get("title", ""))[:400],
            description=str(form.get("description", ""))[:2000],
            cover_image=self.cover,
            starts_at=_parse_start(str(form.get("starts_at", "")), self.tz_name),
            stream_url=str(form.get("stream_url", ""))[:1000],
            product_ids=product_ids,
        )
        if not draft.starts_at and form.get("starts_at"):
            self.errors = {"starts_at": "Enter a date and time."}
            return rx.toast.error("Please check the form.")
        try:
            with unit_of_work() as uow:
                session_id = live_service.schedule_session(uow, user.id, draft)
        except LiveValidationError as error:
            self.errors = error.field_errors
            return rx.toast.error("Please check the highlighted fields.")
        except LiveError as error:
            return rx.toast.error(error.message)
        self.errors = {}
        return [rx.toast.success("Session scheduled"), rx.redirect(f"/live/{session_id}")]


# --------------------------------------------------------------------------- /live/<id>


class LiveRoomState(SessionState):
    # Pushed to the whole room (set on the backend only by `load`).
    view: LiveSessionView | None = None
    viewer_count: int = 0
    hearts: list[Heart] = []
    # This viewer's own.
    party: WatchPartyView | None = None
    not_found: bool = False
    can_run: bool = False
    own_session: bool = False
    following: bool = False
    joined_deal_ids: list[int] = []
    invitable: list[PartyMemberView] = []
    deal_errors: dict[str, str] = {}
    can_pay_here: bool = False
    busy: bool = False
    load_id: str = ""  # which `load` the page shows: see leave_page

    def _session_id(self) -> int:
        return _int(self._route_arg("session_id"), 0)

    @rx.event
    @rx.event
    async def leave_page(self, session_id: int, load_id: str = "") -> None:
        """The session's page unmounted (navigation inside the app): stop counting as a viewer
        of that session only; the next page's load may already have entered another room.
        Not when the unmounted page came from an earlier load: a tab that reconnects to another
        worker after its own died gets a fresh state, whose first render unmounts the page,
        and that unmount may arrive after the new load entered the room."""
        if load_id != self.load_id:
            return
        await rooms.leave(self.router.session.session_id, f"live:{_int(session_id, 0)}")

    async def load(self) -> None:
        user = self.signed_in_user()
        session_id = self._session_id()
        self.deal_errors = {}
        self.can_pay_here = _payment_gateway() is not None
        try:
            view, extra = await asyncio.to_thread(_load_for_viewer, session_id, user)
        except LiveError:
            self.view, self.not_found, self.can_run, self.party = None, True, False, None
            await leave_rooms(self, "live:")
            return
        self.view, self.not_found = view, False
        self.can_run, self.following = extra["can_run"], extra["following"]
        self.own_session = bool(user and user.id == view.host_id)
        self.joined_deal_ids, self.party = extra["joined"], extra["party"]
        self.invitable = extra["invitable"]
        self.hearts = []
        viewer = Viewer(user.id if user else None, user.name if user else "", "")
        self.load_id = uuid.uuid4().hex[:12]
        await leave_rooms(self, "live:")
        await leave_rooms(self, "liveparty:")
        await enter_room(self, f"live:{session_id}", viewer)
        if user is not None:
            await enter_room(self, f"liveparty:{session_id}:{user.id}", viewer)
        await open_chat(self, ChatState, f"live:{session_id}")
        if self.party is not None:
            await open_chat(self, SideChatState, live_service.party_room_key(self.party.id))
        _ensure_deal_relays(session_id, view.deals)

    # -- the host console ----------------------------------------------------------------------
    def _runner(self) -> tuple[Any, int] | None:
        """The signed-in user and the session, for console actions. The service checks the
        user may run the session again, inside its transaction."""
        user = self.signed_in_user()
        if user is None:
            return None
        return user, self._session_id()

    def _may_run(self, user: Any, session_id: int) -> bool:
        with session_scope() as session:
            allowed = live_service.may_run(session, session_id, user.id)
        self.can_run = allowed
        return allowed

    @rx.event
    def go_live(self) -> rx.event.EventSpec | list[rx.event.EventSpec]:
        return self._lifecycle(live_service.go_live, "You're live!")

    @rx.event
    def end(self) -> rx.event.EventSpec | list[rx.event.EventSpec]:
        return self._lifecycle(live_service.end_session, "Session ended. The replay stays up.")

    def _lifecycle(self, action: Any, done: str) -> rx.event.EventSpec | list[rx.event.EventSpec]:
        runner = self._runner()
        if runner is None:
            return self.ask_to_sign_in("Sign in first.")
        user, session_id = runner
        if not self._may_run(user, session_id):
            return rx.toast.error(live_service.NOT_ALLOWED)
        try:
            with unit_of_work() as uow:
                action(uow, session_id, user.id)
        except (LiveError, LifecycleError) as error:
            return rx.toast.error(getattr(error, "message", str(error)))
        return rx.toast.success(done)

    @rx.event
    def pin(self, product_id: int) -> rx.event.EventSpec | list[rx.event.EventSpec]:
        runner = self._runner()
        if runner is None:
            return self.ask_to_sign_in("Sign in first.")
        user, session_id = runner
        if not self._may_run(user, session_id):
            return rx.toast.error(live_service.NOT_ALLOWED)
        target = _int(product_id) or None
        try:
            with unit_of_work() as uow:
                live_service.pin_product(uow, session_id, user.id, target)
        except LiveError as error:
            return rx.toast.error(error.message)
        return rx.toast.success("Pinned for every viewer" if target else "Unpinned")

    @rx.event
    def launch_deal(self, form: dict[str, Any]) -> rx.event.EventSpec | list[rx.event.EventSpec]:
        runner = self._runner()
        if runner is None:
            return self.ask_to_sign_in("Sign in first.")
        user, session_id = runner
        if not self._may_run(user, session_id):
            return rx.toast.error(live_service.NOT_ALLOWED)
        request = FlashDealRequest(
            product_id=_int(form.get("product"), 0),
            minutes=_int(form.get("minutes"), 0),
            min_to_unlock=_int(form.get("min_to_unlock"), 0),
            discount_percent=_int(form.get("discount_percent"), 0),
        )
        try:
            live_service.launch_flash_deal(session_id, user.id, request)
        except LiveValidationError as error:
            self.deal_errors = error.field_errors
            return rx.toast.error("Please check the flash deal values.")
        except LiveError as error:
            return rx.toast.error(error.message)
        self.deal_errors = {}
        return rx.toast.success("Flash deal launched")

    # -- viewers -------------------------------------------------------------------------------
    @rx.event
    async def react(self) -> list[rx.event.EventSpec] | None:
        user = self.signed_in_user()
        if user is None:  # a toast, not a redirect: guests keep watching
            return [rx.toast.info("Sign in to send hearts.")]
        session_id = self._session_id()
        if _tally.add(session_id, user.id):
            _start_flusher()
        return None

    @rx.event
    def toggle_follow(self) -> rx.event.EventSpec | list[rx.event.EventSpec]:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in("Sign in to follow hosts.")
        if self.view is None:
            return rx.toast.error("This session is gone.")
        host_id = self.view.host_id
        try:
            with unit_of_work() as uow:
                if self.following:
                    live_service.unfollow_host(uow, user.id, host_id)
                else:
                    live_service.follow_host(uow, user.id, host_id)
                self.following = host_id in live_service.followed_host_ids(uow.session, user.id)
        except LiveError as error:
            return rx.toast.error(error.message)
        return rx.toast.success(
            "You'll see when they go live on the Live page" if self.following else "Unfollowed"
        )

    @rx.event(background=True)
    async def join_deal(self, deal_id: int) -> Any:
        async with self:
            user = self.signed_in_user()
            if user is None:
                return self.ask_to_sign_in("Sign in to join the deal.")
            if self.busy:
                return None
            self.busy = True
        deal_id = _int(deal_id)
        gateway = _payment_gateway()
        try:
            if gateway is None:
                return rx.redirect(f"/deal/{deal_id}")
            method = await asyncio.to_thread(_test_card, gateway)
            result = await asyncio.to_thread(
                deals.join_deal, user.id, deal_id, 1, method, gateway=gateway
            )
        except deals.JoinError as error:
            return rx.toast.error(error.message)
        except PaymentError as error:
            return rx.toast.error(error.user_message)
        finally:
            async with self:
                self.busy = False
        async with self:
            if deal_id not in self.joined_deal_ids:
                self.joined_deal_ids = [*self.joined_deal_ids, deal_id]
        if result.status == "needs_action":
            return rx.redirect(f"/deal/{deal_id}")
        return rx.toast.success("You're in! Your card is held until the deal closes.")

    @rx.event
    def add_to_cart(self, product_id: int) -> rx.event.EventSpec | list[rx.event.EventSpec]:
        return self._into_personal_cart(product_id, "Sign in to add to your cart.", go=False)

    @rx.event
    def buy_now(self, product_id: int) -> rx.event.EventSpec | list[rx.event.EventSpec]:
        return self._into_personal_cart(product_id, "Sign in to buy.", go=True)

    def _into_personal_cart(
        self, product_id: int, guest_message: str, go: bool
    ) -> rx.event.EventSpec | list[rx.event.EventSpec]:
        """One of the pinned product into the viewer's own cart; `go` opens the cart to pay."""
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in(guest_message)
        try:
            with unit_of_work() as uow:
                cart_id = carts.personal_cart(uow, user.id)
                change = carts.add_item(uow, cart_id, user.id, _int(product_id))
        except carts.CartError as error:
            return rx.toast.error(error.message)
        if go:
            return rx.redirect(f"/cart/{cart_id}")
        if getattr(change, "warning", None):
            return rx.toast.warning(str(change.warning))
        return rx.toast.success("Added to your cart")

    # -- watch together ------------------------------------------------------------------------
    @rx.event
    async def start_party(self) -> rx.event.EventSpec | list[rx.event.EventSpec]:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in("Sign in to watch with friends.")
        session_id = self._session_id()
        try:
            with unit_of_work() as uow:
                party_id = live_service.start_watch_party(uow, session_id, user.id)
            with session_scope() as session:
                self.party = live_service.load_party(session, session_id, user.id)
                self.invitable = live_service.friends_to_invite(session, party_id, user.id)
        except LiveError as error:
            return rx.toast.error(error.message)
        await open_chat(self, SideChatState, live_service.party_room_key(party_id))
        return rx.toast.success("Watch party open: invite friends to chat and shop together")

    @rx.event
    async def open_party_chat(self) -> rx.event.EventSpec | list[rx.event.EventSpec] | None:
        """A friend invited while watching opens the party's chat (the chat checks membership)."""
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in("Sign in first.")
        with session_scope() as session:
            party = live_service.load_party(session, self._session_id(), user.id)
        if party is None:
            return rx.toast.error("You're not in a watch party for this session.")
        await open_chat(self, SideChatState, live_service.party_room_key(party.id))
        return None

    @rx.event
    def invite(self, friend_id: int) -> rx.event.EventSpec | list[rx.event.EventSpec]:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in("Sign in first.")
        if self.party is None:
            return rx.toast.error("Open a watch party first.")
        party_id = self.party.id
        try:
            with unit_of_work() as uow:
                live_service.invite_to_party(uow, party_id, user.id, _int(friend_id))
            with session_scope() as session:
                self.invitable = live_service.friends_to_invite(session, party_id, user.id)
        except LiveError as error:
            return rx.toast.error(error.message)
        return rx.toast.success("Invited")

    @rx.event
    def add_to_party_cart(self, product_id: int) -> rx.event.EventSpec | list[rx.event.EventSpec]:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in("Sign in first.")
        if self.party is None:
            return rx.toast.error("Open a watch party first.")
        try:
            with unit_of_work() as uow:
                live_service.add_to_party_cart(uow, self.party.id, user.id, _int(product_id))
        except LiveError as error:
            return rx.toast.error(error.message)
        return rx.toast.success("Added to your shared cart")


def _test_card(gateway: PaymentGateway) -> str:
    sandbox = app_payments().sandbox
    return sandbox.payment_method(SandboxCard.SUCCESS) if sandbox else "pm_card_visa"


def _load_for_viewer(session_id: int, user: Any) -> tuple[LiveSessionView, dict[str, Any]]:
    """One database visit for everything the page needs at load."""
    with session_scope() as session:
        view = live_service.load_session_view(session, session_id)
        extra: dict[str, Any] = {"can_run": False, "following": False, "joined": []}
        extra["party"], extra["invitable"] = None, []
        if user is not None:
            extra["can_run"] = live_service.may_run(session, session_id, user.id)
            extra["following"] = view.host_id in live_service.followed_host_ids(session, user.id)
            deal_ids = [d.id for d in view.deals]
            extra["joined"] = live_service.joined_deal_ids(session, deal_ids, user.id)
            party = live_service.load_party(session, session_id, user.id)
            extra["party"] = party
            if party is not None:
                extra["invitable"] = live_service.friends_to_invite(session, party.id, user.id)
        return view, extra


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
    if event.aggregate_id == live_service.SCHEDULE_CHANNEL_ID:
        lists = await asyncio.to_thread(_load_schedule)
        return delta(
            LiveScheduleState,
            live=[asdict(i) for i in lists["live"]],
            upcoming=[asdict(i) for i in lists["upcoming"]],
            ended=[asdict(i) for i in lists["ended"]],
        )
    if event.kind == "live.reactions":
        count = int(event.payload.get("count", 1))
        return delta(LiveRoomState, hearts=_hearts_for(event.channel, count))
    session_id = _int(event.aggregate_id)
    try:
        view = await asyncio.to_thread(_load_view, session_id)
    except LiveError:
        return None
    _ensure_deal_relays(session_id, view.deals)
    return delta(LiveRoomState, view=asdict(view))


def _load_schedule() -> dict[str, list[ScheduleItem]]:
    with session_scope() as session:
        return live_service.schedule(session)


def _load_view(session_id: int) -> LiveSessionView:
    with session_scope() as session:
        return live_service.load_session_view(session, session_id)


async def render_party(event: DomainEvent) -> dict[str, dict[str, Any]] | None:
    """A watch party changed: redraw it for the one member this channel belongs to."""
    session_text, _, user_text = event.aggregate_id.partition(":")
    session_id, user_id = _int(session_text), _int(user_text)

    def load() -> tuple[WatchPartyView | None, list[PartyMemberView]]:
        with session_scope() as session:
            party = live_service.load_party(session, session_id, user_id)
            friends = live_service.friends_to_invite(session, party.id, user_id) if party else []
            return party, friends

    party, friends = await asyncio.to_thread(load)
    return delta(
        LiveRoomState,
        party=asdict(party) if party else None,
        invitable=[asdict(f) for f in friends],
    )


def render_presence(channel: str, presence: Presence) -> dict[str, dict[str, Any]] | None:
    if channel == SCHEDULE_CHANNEL:
        return None
    return delta(LiveRoomState, viewer_count=presence.count)


rooms.register("live", render_live)
rooms.register("liveparty", render_party)
rooms.register_presence("live", render_presence)


# --------------------------------------------------------------------------- reactions


_tally = live_service.ReactionTally()
_flusher: asyncio.Task[None] | None = None


def _start_flusher() -> None:
    global _flusher
    if _flusher is None or _flusher.done():
        _flusher = asyncio.get_running_loop().create_task(_flush_reactions())


async def _flush_reactions() -> None:
    """Publish the hearts counted on this process, coalesced, until none come for a while."""
    idle_since = time.monotonic()
    while time.monotonic() - idle_since < 5.0:
        await asyncio.sleep(FLUSH_INTERVAL)
        if not _tally.pending:
            continue
        idle_since = time.monotonic()
        for event in _tally.drain():
            with contextlib.suppress(Exception):
                await asyncio.to_thread(bus().publish, event)


# --------------------------------------------------------------------------- deal progress


_deal_relays: dict[int, asyncio.Task[None]] = {}


def _ensure_deal_relays(session_id: int, session_deals: list[LiveDealView]) -> None:
    """Deal news arrives on deal:<id>; viewers of the session on this process need it too.
    One relay per open deal per process turns it into a render of the session's room."""
    for deal in session_deals:
        if not deal.joinable:
            continue
        task = _deal_relays.get(deal.id)
        if task is None or task.done():
            deadline = datetime.fromisoformat(deal.deadline)
            _deal_relays[deal.id] = asyncio.get_running_loop().create_task(
                _relay_deal(session_id, deal.id, deadline)
            )


async def _relay_deal(session_id: int, deal_id: int, deadline: datetime) -> None:
    channel = f"live:{session_id}"

    def redraw() -> None:
        rooms.dispatch(
            live_service.live_event(session_id, -1, "live.deal_progress", deal_id=deal_id)
        )

    shown_closed = False
    try:
        async with hub.watch(f"deal:{deal_id}") as queue:
            while rooms.local_count(channel) > 0:
                left = (deadline - datetime.now(UTC)).total_seconds()
                if left < -DEAL_RELAY_GRACE.total_seconds():
                    return
                try:
                    # Also wake just after the deadline: the deal stops being joinable then,
                    # without any news from the deal service until it is closed.
                    wait = 30.0 if shown_closed or left <= 0 else min(30.0, left + 0.5)
                    event = await asyncio.wait_for(queue.get(), wait)
                except TimeoutError:
                    if not shown_closed and datetime.now(UTC) >= deadline:
                        shown_closed = True
                        redraw()
                    continue
                # A burst of joins becomes one redraw.
                await asyncio.sleep(0.1)
                while not queue.empty():
                    event = queue.get_nowait()
                redraw()
                if event.kind == "deal.closed":
                    return
    except Exception:
        log.exception("deal relay for %s stopped", deal_id)
    finally:
        _deal_relays.pop(deal_id, None)
