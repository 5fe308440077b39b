"""Keeping a page live: a background task per client that waits for news on one channel.

The task lives on the backend process the client is connected to and is fed by that process's
hub, so there is no Redis connection per client. One task per (client, channel): a second page
load of the same channel reuses the running task.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from app.domain.events import DomainEvent
from app.realtime.hub import hub

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
