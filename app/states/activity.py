"""Friends' activity page: read at load, then pushed live (room "activity:<viewer id>", one read
per change) when a friend shares something, changes what they share, or starts or stops
watching a live session.

Who watches which session is the presence of the session pages' rooms ("live:<id>"), which every
backend process already shares over the bus; it is read here and handed to the service, which
keeps only friends who share "watching live" (app/domain/sharing.py)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import reflex as rx

from app.domain.events import DomainEvent, EventKind
from app.domain.numbers import parse_id
from app.realtime.rooms import Push, Viewer, delta, rooms
from app.services import activity
from app.services.activity import ActivityItem
from app.services.context import app_context
from app.states.rooms import enter_room, leave_rooms
from app.states.session import SessionState

log = logging.getLogger(__name__)

FEED = "activity"
LIVE = "live"


def _session_id(channel: str) -> int | None:
    ident = channel.partition(":")[2]
    return parse_id(ident)  # None: not the schedule's room


def watching() -> dict[int, list[int]]:
    """Who has which live session's page open now, on any process: user id -> session ids."""
    out: dict[int, list[int]] = {}
    for channel in rooms.channels_of(LIVE):
        session_id = _session_id(channel)
        if session_id is not None:
            for user_id in rooms.user_ids(channel):
                out.setdefault(user_id, []).append(session_id)
    return out


class ActivityState(SessionState):
    items: list[ActivityItem] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to see what your friends are up to.")
        self.items = await asyncio.to_thread(
            activity.friends_activity, app_context(), user.id, watching()
        )
        self.loaded = True
        await leave_rooms(self, f"{FEED}:")
        await enter_room(self, f"{FEED}:{user.id}", Viewer(user.id, user.name))
        return None


async def render_activity(event: DomainEvent) -> Push | None:
    """A friend of this person did something they share: the person's feed, read once."""
    if parse_id(event.aggregate_id) is None:
        return None
    items = await asyncio.to_thread(
        activity.friends_activity, app_context(), int(event.aggregate_id), watching()
    )
    return delta(ActivityState, items=items)


# The viewers of each session page at the last presence tick: what changed since is who
# started or stopped watching.
_seen: dict[str, frozenset[int]] = {}


def on_live_presence(channels: set[str]) -> None:
    """Viewers of some live session pages changed (on any process): redraw the open feeds of
    this process whose reader has a friend among them who shares it. One read finds them."""
    moved: set[int] = set()
    for channel in channels:
        if _session_id(channel) is None:
            continue
        now = frozenset(rooms.user_ids(channel))
        moved |= now ^ _seen.pop(channel, frozenset())
        if now:
            _seen[channel] = now
    readers = {int(c.partition(":")[2]) for c in rooms.channels_of(FEED) if rooms.local_count(c)}
    if moved and readers:
        asyncio.get_running_loop().create_task(_redraw(moved, readers))


async def _redraw(moved: set[int], readers: set[int]) -> None:
    try:
        touched = await asyncio.to_thread(activity.feeds_to_redraw, app_context(), moved, readers)
    except Exception:
        log.exception("could not tell which feeds changed")
        return
    for reader in sorted(touched):
        rooms.dispatch(DomainEvent(FEED, str(reader), -1, EventKind.ACTIVITY_CHANGED))


rooms.register(FEED, render_activity)
rooms.listen_presence(LIVE, on_live_presence)
