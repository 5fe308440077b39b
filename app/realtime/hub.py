"""The process-wide hub: one bus listener, many local watchers keyed by channel.

A watcher is a client connected to this process that cares about one aggregate (a cart, a deal, a
user's friend list). Watchers get the event and reload from the database when the version shows a
gap, so a lost message costs a reload, never a wrong screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

from app.adapters.bus import EventBus, bus
from app.domain.events import DomainEvent
from app.realtime.rooms import Rooms, rooms
from app.services.telemetry import BUS_EVENTS, BUS_LAG_SECONDS

log = logging.getLogger(__name__)
QUEUE_LIMIT = 100
# News that the realtime layer makes itself: never in the event log, so no reason to read it.
NOT_LOGGED = frozenset({"presence", "analytics"})


class Hub:
    def __init__(self, room_registry: Rooms | None = None) -> None:
        self._watchers: dict[str, set[asyncio.Queue[DomainEvent]]] = defaultdict(set)
        self.rooms = room_registry or rooms
        self.bus_ok = True
        self._news: set[asyncio.Event] = set()

    def dispatch(self, event: DomainEvent) -> None:
        if event.aggregate == "bus":
            self._bus_status(event.kind == "bus_up")
            return
        _measure(event)
        self.rooms.dispatch(event)
        if event.aggregate not in NOT_LOGGED:
            for flag in self._news:
                flag.set()
        for queue in list(self._watchers.get(event.channel, ())):
            if queue.full():  # a stuck watcher: drop its backlog, it will reload anyway
                with contextlib.suppress(asyncio.QueueEmpty):
                    while True:
                        queue.get_nowait()
            queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def watch(self, channel: str) -> AsyncIterator[asyncio.Queue[DomainEvent]]:
        queue: asyncio.Queue[DomainEvent] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self._watchers[channel].add(queue)
        try:
            yield queue
        finally:
            self._watchers[channel].discard(queue)
            if not self._watchers[channel]:
                del self._watchers[channel]

    @contextlib.contextmanager
    def news(self) -> Iterator[asyncio.Event]:
        """A flag set whenever any event arrives (for work that follows the whole log)."""
        flag = asyncio.Event()
        self._news.add(flag)
        try:
            yield flag
        finally:
            self._news.discard(flag)

    def watcher_count(self, channel: str) -> int:
        return len(self._watchers.get(channel, ()))

    def _bus_status(self, ok: bool) -> None:
        self.bus_ok = ok
        loop = asyncio.get_running_loop()
        loop.create_task(self.rooms.announce_status(ok))
        if ok:  # events published while Redis was away are lost: every room reloads
            loop.create_task(self.rooms.resync())
            for queues in list(self._watchers.values()):
                for queue in list(queues):
                    with contextlib.suppress(asyncio.QueueFull):
                        queue.put_nowait(DomainEvent("bus", "redis", -1, "resync", {}))

    async def run(self, source: EventBus | None = None) -> None:
        """Forward every bus event to local watchers and rooms until cancelled."""
        source = source or bus()
        presence = asyncio.get_running_loop().create_task(self.rooms.run_presence(source.publish))
        try:
            async for event in source.listen():
                try:
                    self.dispatch(event)
                except Exception:  # one bad event must not stop the feed
                    log.exception("could not dispatch %s", event.kind)
        finally:
            presence.cancel()


def _measure(event: DomainEvent) -> None:
    BUS_EVENTS.labels(event.aggregate).inc()
    if event.kind != "presence":  # presence carries no commit time worth measuring
        with contextlib.suppress(ValueError):
            sent = datetime.fromisoformat(event.occurred_at)
            BUS_LAG_SECONDS.observe(max(0.0, (datetime.now(UTC) - sent).total_seconds()))


hub = Hub()
