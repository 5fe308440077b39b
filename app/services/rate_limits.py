"""Per-person write limits that hold across processes and under concurrency.

Each (person, kind of write) has one row holding the times of their recent writes (a sliding
window, app/domain/throttle.py). A write spends a slot by compare-and-set on that row: the
UPDATE only matches the window it read, so of two simultaneous writers (threads, processes, on
SQLite or PostgreSQL) one wins and the other reads again and decides on the new window. Count
then insert, by contrast, lets both count "one slot left" and both insert. The slot is spent in
the caller's transaction, so a write that fails afterwards gives it back by rolling back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from app.adapters.db.cart_statements import insert_ignoring_conflicts
from app.adapters.db.models_social import RateWindow
from app.domain.throttle import format_stamps, parse_stamps, seconds_text, throttle

ATTEMPTS = 8  # compare-and-set rounds before asking the person to retry


class RateLimited(ValueError):
    """Too many writes of one kind; the message says when to try again."""


def _message(wait: float) -> str:
    return f"That's a lot in a short time. Please try again in {seconds_text(wait)}."


def stamp(
    session: Session,
    user_id: int,
    action: str,
    *,
    limit: int,
    window: timedelta,
    now: datetime,
    refuse: Callable[[str], Exception] = RateLimited,
) -> None:
    """Spend one of the person's `limit` writes of `action` per `window`, or raise `refuse`
    (RateLimited unless the caller names its own error) with a message saying how long to
    wait, when they are all spent. Atomic: concurrent callers never get more than `limit`
    through between them."""
    moment, period = now.timestamp(), window.total_seconds()
    where = (col(RateWindow.user_id) == user_id, col(RateWindow.action) == action)
    for _ in range(ATTEMPTS):
        stored = session.exec(select(RateWindow.stamps).where(*where)).first()
        decision = throttle(parse_stamps(stored or ""), moment, limit, period)
        if not decision.allowed:
            raise refuse(_message(decision.retry_after))
        new = format_stamps(decision.stamps)
        if stored is None:
            values = {"user_id": user_id, "action": action, "stamps": new}
            if insert_ignoring_conflicts(session, RateWindow, values):
                return
            continue  # someone else wrote the first stamp a moment ago: read theirs
        moved = session.exec(
            update(RateWindow)
            .where(*where, col(RateWindow.stamps) == stored)
            .values(stamps=new)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount == 1:
            return
    raise refuse(_message(1.0))  # heavy contention on one person's window
