"""Hearts: not stored (a heart is a moment, not a fact), rate limited per viewer, counted per
process and published a few times a second as one event per session, so a thousand taps cost
a handful of messages."""

from __future__ import annotations

import asyncio
import contextlib
import time

from app.domain.events import DomainEvent, EventKind
from app.domain.live import ReactionLimiter
from app.services.context import Context
from app.services.live.records import live_event

FLUSH_INTERVAL = 0.25  # reactions reach viewers at most four times a second
FLUSH_IDLE_STOP = 5.0  # the flusher stops after this long without hearts


class ReactionTally:
    """Hearts sent on this process since the last flush, per session."""

    def __init__(self, limiter: ReactionLimiter | None = None) -> None:
        self.limiter = limiter or ReactionLimiter()
        self._pending: dict[int, int] = {}

    def add(self, session_id: int, sender: object) -> bool:
        """Count one heart unless the sender is over the rate limit."""
        if not self.limiter.allow((session_id, sender)):
            return False
        self._pending[session_id] = self._pending.get(session_id, 0) + 1
        return True

    def drain(self) -> list[DomainEvent]:
        pending, self._pending = self._pending, {}
        return [live_event(sid, 0, EventKind.LIVE_REACTIONS, count=n) for sid, n in pending.items()]

    @property
    def pending(self) -> bool:
        return bool(self._pending)


_tally = ReactionTally()
_flusher: asyncio.Task[None] | None = None


def send_heart(ctx: Context, actor_id: int, session_id: int) -> bool:
    """A viewer sends a heart; False when they are over the rate limit. Call it from the event
    loop: the first heart starts this process's flusher there."""
    global _flusher
    if not _tally.add(session_id, actor_id):
        return False
    if _flusher is None or _flusher.done():
        _flusher = asyncio.get_running_loop().create_task(_flush(ctx))
    return True


async def _flush(ctx: Context) -> None:
    """Publish the hearts counted on this process, coalesced, until none come for a while."""
    idle_since = time.monotonic()
    while time.monotonic() - idle_since < FLUSH_IDLE_STOP:
        await asyncio.sleep(FLUSH_INTERVAL)
        if not _tally.pending:
            continue
        idle_since = time.monotonic()
        for event in _tally.drain():
            with contextlib.suppress(Exception):  # a lost heart is fine; the loop must go on
                await asyncio.to_thread(ctx.bus.publish, event)
