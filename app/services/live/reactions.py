"""Hearts: not stored (a heart is a moment, not a fact), limited per person across every
backend process, only for a session that is live now, counted per process and published a few
times a second as one event per session, so a thousand taps cost a handful of messages."""

from __future__ import annotations

import asyncio
import contextlib
import time

from sqlmodel import select

from app.adapters.db.models_live import LiveSession
from app.domain.events import DomainEvent, EventKind
from app.domain.live import HEARTS, SessionStatus
from app.services.context import Context
from app.services.live.records import live_event

FLUSH_INTERVAL = 0.25  # reactions reach viewers at most four times a second
FLUSH_IDLE_STOP = 5.0  # the flusher stops after this long without hearts
LIVE_CHECK_TTL = 5.0  # how long "this session is live" is trusted without a new read


class ReactionTally:
    """Hearts counted on this process since the last flush, per session."""

    def __init__(self) -> None:
        self._pending: dict[int, int] = {}

    def add(self, session_id: int) -> None:
        self._pending[session_id] = self._pending.get(session_id, 0) + 1

    def drain(self) -> list[DomainEvent]:
        pending, self._pending = self._pending, {}
        return [live_event(sid, 0, EventKind.LIVE_REACTIONS, count=n) for sid, n in pending.items()]

    @property
    def pending(self) -> bool:
        return bool(self._pending)


_tally = ReactionTally()
_flusher: asyncio.Task[None] | None = None
_live_seen: dict[int, float] = {}  # session id -> when it was last read as live


def _is_live(ctx: Context, session_id: int) -> bool:
    """Whether the session exists and is live: read at most once per LIVE_CHECK_TTL per session,
    so a room full of tapping viewers costs no query per heart."""
    now = time.monotonic()
    if now - _live_seen.get(session_id, -LIVE_CHECK_TTL) < LIVE_CHECK_TTL:
        return True
    with ctx.session() as session:
        status = session.exec(
            select(LiveSession.status).where(LiveSession.id == session_id)
        ).first()
    if status != SessionStatus.LIVE:
        _live_seen.pop(session_id, None)
        return False
    if len(_live_seen) > 1_000:  # only live sessions are kept: a handful at a time
        _live_seen.clear()
    _live_seen[session_id] = now
    return True


def _may_react(ctx: Context, actor_id: int, session_id: int) -> bool:
    return _is_live(ctx, session_id) and ctx.limiter.attempt(HEARTS, str(actor_id)) is None


async def send_heart(ctx: Context, actor_id: int, session_id: int) -> bool:
    """A signed-in viewer sends a heart to a live session; False when the session is not live
    or the sender is over their allowance (HEARTS, counted across processes). Await it on the
    event loop: the first heart starts this process's flusher there."""
    global _flusher
    if not await asyncio.to_thread(_may_react, ctx, actor_id, session_id):
        return False
    _tally.add(session_id)
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
