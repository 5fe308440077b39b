"""Rooms: the broadcast path from one bus event to every client of this process that watches it.

A page that shows a live aggregate (a cart, a deal, a live session, a chat) puts its socket in the
room of that aggregate's channel with `enter()`. When the process's single bus subscriber sees an
event on the channel, the renderer registered for the aggregate runs ONCE for the whole room (one
database read), and the result goes out as one socket.io room emit of a Reflex state delta. The
cost per event is one read plus one encoded packet, however many viewers watch: no per-viewer
Redis lock, state load or diff, which is what linking every viewer to one shared state would cost.

The backend copy of a pushed var is only the snapshot taken at page load; the frontend copy moves
ahead with each push. Pushed vars must therefore only be written by load handlers (which read the
database and so are never behind) and never feed computed vars on the backend. Every (re)connect
runs the page's load handler again, so a reconnecting client re-enters its rooms and catches up
from the database.

Presence ("who is viewing") is counted per process and shared over the bus as one message per
process per `PRESENCE_INTERVAL` carrying a small summary of each room whose viewers changed, so a
thousand viewers arriving do not cost a million messages and a hundred rooms do not cost a hundred
publishes.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from engineio import packet as eio_packet
from socketio import packet as sio_packet

from app.domain.events import DomainEvent
from app.services.telemetry import RENDER_SECONDS

log = logging.getLogger(__name__)

NAMESPACE = "/_event"
FIELD_MARKER = "_rx_state_"  # Reflex's suffix for state fields in a delta
# The event Reflex's page sends on every (re)connect: a fresh snapshot, then the page's on_load.
REHYDRATE = {"name": "reflex___state____state.hydrate_and_load", "payload": {}}
PRESENCE_INTERVAL = 0.5
PRESENCE_HEARTBEAT = 15.0
PRESENCE_EXPIRY = 45.0
PRESENCE_NAMES = 50  # names listed per room; the count covers everyone
# Pushes waiting for one socket's writer. A client that reads normally keeps this near zero; one
# this far behind (a stalled or very slow connection) is dropped to a resync: see _fan_out.
MAX_QUEUED = 100
# Collector thresholds once serving: young collections every 10,000 net allocations instead of
# 700, and a full one only after 50 middle ones. See freeze_startup_heap.
GC_THRESHOLDS = (10_000, 20, 50)

Push = dict[str, dict[str, Any]]
Renderer = Callable[[DomainEvent], Awaitable[Push | None]]


@dataclass(frozen=True)
class Viewer:
    user_id: int | None
    name: str
    avatar_url: str = ""


@dataclass(frozen=True)
class Presence:
    count: int
    viewers: list[Viewer]


PresenceRenderer = Callable[[str, Presence], Push | None]
# Told which rooms of an aggregate changed viewers on any process (see listen_presence).
PresenceListener = Callable[[set[str]], None]


def delta(state: Any, **values: Any) -> Push:
    """A Reflex delta that sets `values` on one state class (as a handler returning would)."""
    return {state.get_full_name(): {name + FIELD_MARKER: value for name, value in values.items()}}


def merge(*pushes: Push | None) -> Push:
    out: Push = {}
    for push in pushes:
        for state_name, values in (push or {}).items():
            out.setdefault(state_name, {}).update(values)
    return out


def _drop_to_resync(socket: Any) -> None:
    """A socket MAX_QUEUED pushes behind: the pushes it has not been sent are dropped, and its
    writer closes the websocket as soon as it gets to the end marker (None, engineio's own). The
    browser reconnects and the page's load handler reads the current state from the database, so
    the client skips what it missed instead of holding memory and replaying stale pushes. The
    others never wait for it: every push is a put_nowait."""
    dropped = 0
    with contextlib.suppress(asyncio.QueueEmpty):
        while True:
            socket.queue.get_nowait()
            socket.queue.task_done()
            dropped += 1
    socket.queue.put_nowait(None)
    log.warning("socket %s was %d pushes behind: dropped them, it resyncs", socket.sid, dropped)


class Rooms:
    def __init__(self) -> None:
        self.instance = uuid.uuid4().hex[:12]
        self._app: Any = None
        self._hooked = False
        self._members: dict[str, dict[str, Viewer]] = defaultdict(dict)  # channel -> sid -> viewer
        self._rooms_of: dict[str, set[str]] = defaultdict(set)  # sid -> channels
        self._renderers: dict[str, Renderer] = {}
        self._presence_renderers: dict[str, PresenceRenderer] = {}
        # channel -> instance -> (seen, count, named viewers, ids of every signed-in viewer)
        self._remote: dict[str, dict[str, tuple[float, int, list[Viewer], frozenset[int]]]] = (
            defaultdict(dict)
        )
        self._dirty: set[str] = set()  # local viewers changed: share and push
        self._stale: set[str] = set()  # another process's viewers changed: push only
        self._listeners: dict[str, list[PresenceListener]] = defaultdict(list)
        self._event_listeners: dict[str, list[Callable[[DomainEvent], None]]] = defaultdict(list)
        self._moved: set[str] = set()  # viewers changed elsewhere in a room someone listens to
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._queued: dict[tuple[str, str], DomainEvent] = {}  # (room, kind) -> newest waiting
        self._status_renderer: Callable[[bool], Push] | None = None

    # -- wiring -------------------------------------------------------------------------------
    def bind(self, app: Any) -> None:
        """Remember the Reflex app; its socket.io server exists only once the app is served."""
        self._app = app

    def register(self, aggregate: str, renderer: Renderer) -> None:
        """Render events of `aggregate` into a push for its room (called once per event)."""
        self._renderers[aggregate] = renderer

    def register_presence(self, aggregate: str, renderer: PresenceRenderer) -> None:
        """Render the viewers of a room of `aggregate` into a push."""
        self._presence_renderers[aggregate] = renderer

    def listen_presence(self, aggregate: str, listener: PresenceListener) -> None:
        """Tell `listener`, once per presence tick, which rooms of `aggregate` changed viewers
        on any process, whether or not anyone in this process is in them ("who is watching
        which live session", for friends' activity). Keep it quick: it runs on the loop."""
        self._listeners[aggregate].append(listener)

    def listen(self, aggregate: str, listener: Callable[[DomainEvent], None]) -> None:
        """Tell `listener` every event of `aggregate`, whether or not anyone here is in its
        room (a page that shows news of one aggregate in another's room). Keep it quick: it
        runs on the loop for every such event."""
        self._event_listeners[aggregate].append(listener)

    def register_status(self, renderer: Callable[[bool], Push]) -> None:
        """Render "live updates are (not) flowing" for every connected client."""
        self._status_renderer = renderer

    async def announce_status(self, ok: bool) -> None:
        """Tell every tab here whether news flows. When it flows again after Redis was away,
        Redis's copy of each tab's page state may be gone (a restart empties it): the packet
        also asks each tab to load its page again, as the browser does on a reconnect."""
        server = self._server()
        if server is not None and self._status_renderer is not None:
            push = self._status_renderer(ok)
            events = [REHYDRATE] if ok else []
            await server.emit("event", {"delta": push, "events": events}, namespace=NAMESPACE)

    def _server(self) -> Any:
        if self._app is None or getattr(self._app, "sio", None) is None:
            return None
        if not self._hooked:
            self._hook_disconnect(self._app.event_namespace)
        return self._app.sio

    def _hook_disconnect(self, namespace: Any) -> None:
        original = namespace.on_disconnect

        def on_disconnect(sid: str) -> Any:
            self.forget(sid)
            return original(sid)

        # python-socketio looks handlers up by name on the namespace instance.
        namespace.on_disconnect = on_disconnect
        self._hooked = True

    # -- membership ---------------------------------------------------------------------------
    async def enter(self, sid: str, channel: str, viewer: Viewer) -> None:
        """Put one socket in a channel's room. Call only after checking the viewer may see it."""
        server = self._server()
        if server is None or not sid:
            return
        await server.enter_room(sid, channel, namespace=NAMESPACE)
        self._members[channel][sid] = viewer
        self._rooms_of[sid].add(channel)
        self._dirty.add(channel)

    async def leave(self, sid: str, channel: str) -> None:
        server = self._server()
        if server is not None:
            await server.leave_room(sid, channel, namespace=NAMESPACE)
        self._drop(sid, channel)

    async def leave_all(self, sid: str, prefix: str = "") -> None:
        """Leave every room (of one kind, by channel prefix) this socket is in: on navigation."""
        for channel in [c for c in self._rooms_of.get(sid, ()) if c.startswith(prefix)]:
            await self.leave(sid, channel)

    async def evict(self, channel: str, user_id: int, push: Push | None = None) -> None:
        """Take a user's sockets out of a room (removed from a cart, kicked from a chat)."""
        members = self._members.get(channel, {})
        await self._evict(
            channel, [s for s, v in list(members.items()) if v.user_id == user_id], push
        )

    async def keep_only(
        self, channel: str, allowed: Collection[int], push: Push | None = None
    ) -> None:
        """Take out of a room every socket whose signed-in user is not in `allowed` (guests too).
        A cart room runs this before each push, so a removal that arrived in news coalesced with
        other news, or that was missed while the bus was down, still ends the member's view."""
        members = self._members.get(channel, {})
        outsiders = [s for s, v in list(members.items()) if v.user_id not in allowed]
        await self._evict(channel, outsiders, push)

    async def _evict(self, channel: str, sids: list[str], push: Push | None) -> None:
        server = self._server()
        for sid in sids:
            if push and server is not None:
                await server.emit(
                    "event", {"delta": push, "events": []}, to=sid, namespace=NAMESPACE
                )
            await self.leave(sid, channel)

    def forget(self, sid: str) -> None:
        for channel in list(self._rooms_of.get(sid, ())):
            self._drop(sid, channel)

    def _drop(self, sid: str, channel: str) -> None:
        members = self._members.get(channel)
        if members is not None and members.pop(sid, None) is not None:
            self._dirty.add(channel)
            if not members:
                del self._members[channel]
        channels = self._rooms_of.get(sid)
        if channels is not None:
            channels.discard(channel)
            if not channels:
                del self._rooms_of[sid]

    def local_count(self, channel: str) -> int:
        return len(self._members.get(channel, ()))

    def presence(self, channel: str) -> Presence:
        """Everyone viewing the channel on any process (distinct signed-in users, plus guests)."""
        now = time.monotonic()
        count = self.local_count(channel)
        viewers = list(self._members.get(channel, {}).values())
        for instance, (seen, remote_count, remote_viewers, _) in list(
            self._remote[channel].items()
        ):
            if now - seen > PRESENCE_EXPIRY:
                del self._remote[channel][instance]
                if channel.partition(":")[0] in self._listeners:
                    self._moved.add(channel)
                continue
            count += remote_count
            viewers.extend(remote_viewers)
        unique: dict[Any, Viewer] = {}
        for viewer in viewers:
            unique.setdefault(viewer.user_id if viewer.user_id is not None else id(viewer), viewer)
        named = sorted((v for v in unique.values() if v.user_id is not None), key=lambda v: v.name)
        return Presence(count=count, viewers=named[:PRESENCE_NAMES])

    def user_ids(self, channel: str) -> set[int]:
        """Every signed-in user viewing the channel on any process (not only the named few)."""
        now = time.monotonic()
        ids = {v.user_id for v in self._members.get(channel, {}).values() if v.user_id is not None}
        for seen, _count, _viewers, remote_ids in self._remote.get(channel, {}).values():
            if now - seen <= PRESENCE_EXPIRY:
                ids |= remote_ids
        return ids

    def channels_of(self, aggregate: str) -> set[str]:
        """The rooms of `aggregate` with viewers on this or (as last heard) another process."""
        prefix = aggregate + ":"
        here = {c for c in self._members if c.startswith(prefix)}
        return here | {c for c, by in self._remote.items() if by and c.startswith(prefix)}

    # -- delivery -----------------------------------------------------------------------------
    async def push(self, channel: str, push: Push) -> None:
        """Send one delta to every local member of the room (one encode, one fan-out)."""
        server = self._server()
        if server is None or not push or channel not in self._members:
            return
        data = {"delta": push, "events": []}
        if not self._fan_out(server, channel, data):
            await server.emit("event", data, to=channel, namespace=NAMESPACE)

    @staticmethod
    def _fan_out(server: Any, room: str, data: Any) -> bool:
        """Encode the packet once and put the very same Engine.IO packet on each member's send
        queue, where its websocket writer picks it up. python-socketio's own room emit encodes
        once too, but then starts and awaits one task per member; at hundreds of members that
        is most of the cost of a push and of the garbage it leaves. False when the server is
        not the python-socketio/engineio pair this relies on (the caller then emits)."""
        try:
            manager, sockets = server.manager, server.eio.sockets
            packet = server.packet_class(
                sio_packet.EVENT, namespace=NAMESPACE, data=["event", data]
            )
            encoded = packet.encode()
            if isinstance(encoded, list):  # binary attachments: leave them to python-socketio
                return False
            message = eio_packet.Packet(eio_packet.MESSAGE, encoded)
            message.encode()  # cached on the packet: every writer sends the same string
            for _sid, eio_sid in manager.get_participants(NAMESPACE, room):
                socket = sockets.get(eio_sid)
                if socket is None or socket.closed or socket.closing:
                    continue
                if socket.queue.qsize() >= MAX_QUEUED:
                    _drop_to_resync(socket)
                else:
                    socket.queue.put_nowait(message)
        except AttributeError:
            return False
        return True

    async def push_to(self, sid: str, push: Push) -> None:
        server = self._server()
        if server is not None and push:
            await server.emit("event", {"delta": push, "events": []}, to=sid, namespace=NAMESPACE)

    def dispatch(self, event: DomainEvent) -> None:
        """Called by the hub for every bus event; renders only for rooms with local members."""
        if event.kind == "presence":
            self._receive_presence(event)
            return
        for listener in self._event_listeners.get(event.aggregate, ()):
            try:
                listener(event)
            except Exception:  # one listener must not keep the news from the rooms
                log.exception("listener of %s failed on %s", event.aggregate, event.kind)
        renderer = self._renderers.get(event.aggregate)
        if renderer is None or event.channel not in self._members:
            return
        key = (event.channel, event.kind)
        if key in self._queued:
            # A render of this room for the same kind of news has not started yet: it will
            # render the newest of them (a snapshot it carries, or a database read after its
            # commit), so a burst of messages costs one render however many arrive meanwhile.
            if event.version >= self._queued[key].version:
                self._queued[key] = event
            return
        self._queued[key] = event
        asyncio.get_running_loop().create_task(self._render(event.channel, renderer, key))

    async def _render(self, channel: str, renderer: Renderer, key: tuple[str, str]) -> None:
        # One render at a time per room keeps pushes in version order.
        async with self._locks[channel]:
            event = self._queued.pop(key)
            started = time.perf_counter()
            try:
                push = await renderer(event)
                if push:
                    await self.push(channel, push)
            except Exception:
                log.exception("could not render %s for %s", event.kind, channel)
            RENDER_SECONDS.labels(event.aggregate).observe(time.perf_counter() - started)
        if channel not in self._members:
            self._locks.pop(channel, None)

    async def resync(self) -> None:
        """After the bus was down: re-render every room with members (events may be lost)."""
        for channel in list(self._members):
            aggregate, _, aggregate_id = channel.partition(":")
            renderer = self._renderers.get(aggregate)
            if renderer is not None:
                event = DomainEvent(aggregate, aggregate_id, -1, "resync", {})
                self._queued[(channel, event.kind)] = event
                await self._render(channel, renderer, (channel, event.kind))

    # -- presence across processes -------------------------------------------------------------
    def _receive_presence(self, event: DomainEvent) -> None:
        payload = event.payload
        instance = str(payload.get("instance", ""))
        if not instance or instance == self.instance:
            return
        now = time.monotonic()
        for channel, summary in payload.get("rooms", {}).items():
            viewers = [Viewer(**v) for v in summary.get("viewers", [])]
            count = int(summary.get("count", 0))
            ids = frozenset(
                [v.user_id for v in viewers if v.user_id is not None]
                + [int(i) for i in summary.get("more", [])]
            )
            before = self._remote[channel].get(instance)
            self._remote[channel][instance] = (now, count, viewers, ids)
            # A heartbeat that changes nothing only keeps the entry alive: no push.
            if before is not None and before[1:] == (count, viewers, ids):
                continue
            if channel in self._members:
                self._stale.add(channel)
            if channel.partition(":")[0] in self._listeners:
                self._moved.add(channel)

    def _expire_remote(self) -> None:
        """Forget processes that stopped announcing a room; its local viewers get a new count."""
        now = time.monotonic()
        for channel, by_instance in list(self._remote.items()):
            for instance, (seen, _count, _viewers, _ids) in list(by_instance.items()):
                if now - seen > PRESENCE_EXPIRY:
                    del by_instance[instance]
                    if channel in self._members:
                        self._stale.add(channel)
                    if channel.partition(":")[0] in self._listeners:
                        self._moved.add(channel)
            if not by_instance:
                del self._remote[channel]

    def _presence_event(self, channels: Iterable[str]) -> DomainEvent:
        """This process's viewers of `channels`, as ONE bus message however many rooms."""
        summaries = {}
        for channel in channels:
            members = self._members.get(channel, {})
            named = {v.user_id: v for v in members.values() if v.user_id is not None}
            listed = list(named.values())
            viewers = [asdict(v) for v in listed[:PRESENCE_NAMES]]
            summaries[channel] = {"count": len(members), "viewers": viewers}
            if len(listed) > PRESENCE_NAMES:  # ids only, for listeners (who is watching)
                summaries[channel]["more"] = [v.user_id for v in listed[PRESENCE_NAMES:]]
        payload = {"instance": self.instance, "rooms": summaries}
        return DomainEvent("presence", self.instance, 0, "presence", payload)

    async def run_presence(self, publish: Callable[[DomainEvent], None]) -> None:
        """Share this process's viewers and push merged presence to local rooms, coalesced.

        One bus message per tick carries every room whose local viewers changed (all rooms on
        a heartbeat, which keeps them alive elsewhere): a publish per room would hold the event
        loop for a while. Only rooms whose merged presence may have changed are pushed, so a
        heartbeat costs no burst of pushes on any process."""
        last_heartbeat = time.monotonic()
        while True:
            await asyncio.sleep(PRESENCE_INTERVAL)
            heartbeat = time.monotonic() - last_heartbeat > PRESENCE_HEARTBEAT
            if heartbeat:
                last_heartbeat = time.monotonic()
                self._expire_remote()
            dirty, self._dirty = self._dirty, set()
            stale, self._stale = self._stale, set()
            shared = (dirty | set(self._members)) if heartbeat else dirty
            if shared:
                with contextlib.suppress(Exception):
                    publish(self._presence_event(sorted(shared)))
            if self._listeners:
                moved, self._moved = dirty | self._moved, set()
                self._tell_listeners(moved)
            for channel in dirty | stale:
                aggregate = channel.partition(":")[0]
                renderer = self._presence_renderers.get(aggregate)
                if renderer is not None and channel in self._members:
                    try:
                        push = renderer(channel, self.presence(channel))
                        if push:
                            await self.push(channel, push)
                    except Exception:
                        log.exception("could not push presence for %s", channel)

    def _tell_listeners(self, channels: set[str]) -> None:
        by_aggregate: dict[str, set[str]] = defaultdict(set)
        for channel in channels:
            aggregate = channel.partition(":")[0]
            if aggregate in self._listeners:
                by_aggregate[aggregate].add(channel)
        for aggregate, changed in by_aggregate.items():
            for listener in self._listeners[aggregate]:
                try:
                    listener(changed)
                except Exception:
                    log.exception("presence listener for %s failed", aggregate)


rooms = Rooms()


async def freeze_startup_heap() -> None:
    """Lifespan task: once the app is compiled and serving, take everything alive (modules, the
    compiled app, the state classes: about 160,000 objects) out of the cyclic garbage
    collector's scans, and collect less often. Measured with 500 sockets per process: full
    collections walked ~150,000 connection objects (coroutines, tasks, websockets) every 5-7 s,
    pauses of 70-110 ms that land on whichever room push is in flight. Refcounting still frees
    almost everything at once; only cyclic garbage waits longer for its collection."""
    await asyncio.sleep(0)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    log.info("froze %d start-up objects out of the collector's scans", gc.get_freeze_count())
