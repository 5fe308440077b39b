"""A bus inside one process, for the embedded default and for tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from app.domain.events import DomainEvent


class InProcessBus:
    def __init__(self) -> None:
        self._listeners: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[DomainEvent]]] = []

    def publish(self, event: DomainEvent) -> None:
        # Services run in worker threads as well as on the loop: hand over thread-safely.
        for loop, queue in list(self._listeners):
            if not loop.is_closed():
                loop.call_soon_threadsafe(queue.put_nowait, event)

    async def listen(self) -> AsyncIterator[DomainEvent]:
        queue: asyncio.Queue[DomainEvent] = asyncio.Queue()
        entry = (asyncio.get_running_loop(), queue)
        self._listeners.append(entry)
        try:
            while True:
                yield await queue.get()
        finally:
            self._listeners.remove(entry)
