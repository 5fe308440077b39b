"""A shopper's friends right now, read on every request that shares something with them, so
removing a friend stops sharing at once. (No imports of other use cases: every social service
reads it.)"""

from __future__ import annotations

from sqlmodel import Session, or_, select

from app.adapters.db.models_people import Friendship


def friend_ids(session: Session, user_id: int | None) -> set[int]:
    """The ids of the person's friends (empty for a guest)."""
    if not user_id:
        return set()
    rows = session.exec(
        select(Friendship).where(
            or_(Friendship.user_low == user_id, Friendship.user_high == user_id)
        )
    ).all()
    return {r.user_high if r.user_low == user_id else r.user_low for r in rows}
