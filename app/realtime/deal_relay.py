"""Deal news into a live session's room: one relay task per open flash deal per process.

A flash deal's news arrives on its own channel (deal:<id>); the viewers of the session it was
launched in (channel live:<session>) need it too. The relay turns each burst of deal news into
one local redraw of the session's room, and wakes once just after the deadline, when the deal
stops being joinable without any news until it is closed. It stops when nobody here watches the
session, the deal closed, or the deadline is long past.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol

from app.domain.clock import utcnow
from app.domain.events import DomainEvent, EventKind
from app.realtime.hub import hub
from app.realtime.rooms import rooms

log = logging.getLogger(__name__)
GRACE = timedelta(minutes=10)
_relays: dict[int, asyncio.Task[None]] = {}


class ShownDeal(Protocol):
    """What the relay needs of a deal shown in a session."""

    @property
    def id(self) -> int: ...
    @property
    def joinable(self) -> bool: ...
    @property
    def deadline(self) -> str: ...  # ISO 8601


def keep_deals_flowing(session_id: int, deals: Iterable[ShownDeal]) -> None:
    """Start a relay for each joinable deal of the session that has none on this process.
    Call it from the event loop (a page's load, a room render)."""
    for deal in deals:
        if not deal.joinable:
            continue
        task = _relays.get(deal.id)
        if task is None or task.done():
            deadline = datetime.fromisoformat(deal.deadline)
            _relays[deal.id] = asyncio.get_running_loop().create_task(
                relay_deal(session_id, deal.id, deadline)
            )


async def relay_deal(session_id: int, deal_id: int, deadline: datetime) -> None:
    channel = f"live:{session_id}"

    def redraw() -> None:  # a local render of the session's room, not news on the bus
        rooms.dispatch(
            DomainEvent(
                "live", str(session_id), -1, EventKind.LIVE_DEAL_PROGRESS, {"deal_id": deal_id}
            )
        )

    shown_closed = False
    try:
        async with hub.watch(f"deal:{deal_id}") as queue:
            while rooms.local_count(channel) > 0:
                left = (deadline - utcnow()).total_seconds()
                if left < -GRACE.total_seconds():
                    return
                try:
                    # Also wake just after the deadline: the deal stops being joinable then,
                    # without any news from the deal service until it is closed.
                    wait = 30.0 if shown_closed or left <= 0 else min(30.0, left + 0.5)
                    event = await asyncio.wait_for(queue.get(), wait)
                except TimeoutError:
                    if not shown_closed and utcnow() >= deadline:
                        shown_closed = True
                        redraw()
                    continue
                # A burst of joins becomes one redraw.
                await asyncio.sleep(0.1)
                while not queue.empty():
                    event = queue.get_nowait()
                redraw()
                if event.kind == EventKind.DEAL_CLOSED:
                    return
    except Exception:  # a relay that dies costs live progress, never the process
        log.exception("deal relay for %s stopped", deal_id)
    finally:
        _relays.pop(deal_id, None)
