"""Per-person write limits that hold across processes: each write leaves a stamp in the
database, and a write is refused once the person has `limit` stamps in the window."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.adapters.db.models_social import ActionStamp


class RateLimited(ValueError):
    """Too many writes of one kind; the message says when to try again."""


def stamp(
    session: Session, user_id: int, action: str, *, limit: int, window: timedelta, now: datetime
) -> None:
    """Record one write, or raise RateLimited if the person already made `limit` in `window`."""
    since = now - window
    used = session.exec(
        select(func.count())
        .select_from(ActionStamp)
        .where(
            ActionStamp.user_id == user_id,
            ActionStamp.action == action,
            col(ActionStamp.at) > since,
        )
    ).one()
    if used >= limit:
        minutes = max(1, int(window.total_seconds() // 60))
        span = f"{minutes} minutes" if minutes > 1 else "a minute"
        raise RateLimited(f"That's a lot in a short time. Please try again within {span}.")
    session.add(ActionStamp(user_id=user_id, action=action, at=now))
    # Old stamps of this person are no longer needed by any window.
    session.exec(
        delete(ActionStamp).where(
            col(ActionStamp.user_id) == user_id,
            col(ActionStamp.at) < now - timedelta(days=1),
        )
    )
