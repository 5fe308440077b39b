"""How a state keeps its page live: join a channel's room (`enter_room`, `leave_rooms`), or
follow a channel with a background task (`follow`); and `LiveStatus`, whether updates flow.

Rooms are the broadcast path (app/realtime/rooms.py). A followed channel is a background task
per client on the backend process it is connected to, fed by that process's hub, so there is no
Redis connection per client. One task per (client, channel): a second page load of the same
channel reuses the running task.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import reflex as rx

from app.domain.events import DomainEvent
from app.realtime.hub import hub
from app.realtime.rooms import Viewer, delta, rooms
from app.states.changes import set_changed

IDLE_LIMIT_SECONDS = 30 * 60
_running: set[tuple[str, str]] = set()


async def follow(
    client_token: str,
    channel: str,
    on_event: Callable[[DomainEvent], Awaitable[bool]],
) -> None:
    """Call on_event for each event on the channel until it returns False or the client idles."""
    key = (client_token, channel)
    if key in _running:
        return
    _running.add(key)
    try:
        async with hub.watch(channel) as queue:
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), IDLE_LIMIT_SECONDS)
                except TimeoutError:
                    return
                if not await on_event(event):
                    return
    finally:
        _running.discard(key)


class LiveStatus(rx.State):
    """Whether live updates flow. Pushed to every client when the bus drops or comes back."""

    live_ok: bool = True

    @rx.event
    def load(self) -> None:
        set_changed(self, live_ok=hub.bus_ok)


rooms.register_status(lambda ok: delta(LiveStatus, live_ok=ok))


async def enter_room(state: rx.State, channel: str, viewer: Viewer) -> None:
    """Put the calling client's socket in a channel's room (after the caller checked access)."""
    await rooms.enter(state.router.session.session_id, channel, viewer)


async def leave_rooms(state: rx.State, prefix: str) -> None:
    """Leave the rooms of one kind ("cart:", "deal:") this client's socket is in."""
    await rooms.leave_all(state.router.session.session_id, prefix)


def new_load_id() -> str:
    """A fresh id for one load of a page. After its worker dies a tab reconnects with a fresh
    state (Reflex hands it a new token); the unmount of its first, empty render can arrive
    after the new load entered its rooms. Unmount handlers carry the id of the load they
    belong to and leave only when it is still the current one."""
    return uuid.uuid4().hex[:12]
