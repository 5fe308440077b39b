"""The points ledger: append an award or its reversal, read balances and levels.

Helpers for other services, called inside their own transaction (a helpful mark and its points
commit together). Rows are only ever inserted. Each fact (`subject`) alternates award and
reversal (domain rule `next_move`), and each move's `source` (subject + its place) is unique, so
the same move appended twice, by a retry or a second process, fails on the constraint and is
skipped: awards are idempotent per fact.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.adapters.db.cart_statements import insert_ignoring_conflicts
from app.adapters.db.models_rewards import LevelProgress, PointsEntry
from app.domain.rewards import (
    POINTS,
    ROLLING,
    LevelState,
    PointsReason,
    advance,
    next_move,
    start_state,
)


def award(
    session: Session,
    user_id: int,
    reason: PointsReason,
    subject: str,
    now: datetime,
    *,
    by_user: int | None = None,
) -> int:
    """Give `user_id` the points for `reason` about `subject` (e.g. "review_helpful:7:12"),
    unless that fact is already awarded. Never for one's own doing (`by_user` is who caused it:
    the one marking helpful, the friend joining). Returns the points appended (0: nothing)."""
    if by_user is not None and by_user == user_id:
        return 0
    return _move(session, user_id, reason, subject, now, award=True)


def reverse(
    session: Session, user_id: int, reason: PointsReason, subject: str, now: datetime
) -> int:
    """Take back what `subject` earned (a helpful mark withdrawn): a negative entry, appended.
    Returns the points appended (negative), or 0 when nothing was awarded for it."""
    return _move(session, user_id, reason, subject, now, award=False)


def _move(
    session: Session,
    user_id: int,
    reason: PointsReason,
    subject: str,
    now: datetime,
    *,
    award: bool,
) -> int:
    net, count = session.exec(
        select(func.coalesce(func.sum(PointsEntry.points), 0), func.count()).where(
            col(PointsEntry.subject) == subject
        )
    ).one()
    points = next_move(int(net), award=award, points=POINTS[reason])
    if points is None:
        return 0
    entry = {
        "user_id": user_id,
        "points": points,
        "reason": reason.value,
        "subject": subject,
        "source": f"{subject}#{int(count) + 1}",
        "created_at": now,
    }
    if not insert_ignoring_conflicts(session, PointsEntry, entry):
        return 0  # the same move was appended a moment ago (a retry, another process)
    refresh_level(session, user_id, now)
    return points


def balance(session: Session, user_id: int) -> int:
    """All the person's points: the sum of their ledger entries."""
    total = session.exec(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            col(PointsEntry.user_id) == user_id
        )
    ).one()
    return int(total)


def rolling_points(session: Session, user_id: int, now: datetime) -> int:
    """Points earned in the 12 months up to `now` (levels are measured on these)."""
    total = session.exec(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            col(PointsEntry.user_id) == user_id,
            col(PointsEntry.created_at) > now - ROLLING,
            col(PointsEntry.created_at) <= now,
        )
    ).one()
    return int(total)


def _stored(session: Session, user_id: int) -> LevelState:
    row = session.get(LevelProgress, user_id)
    if row is None:
        return start_state()
    return LevelState(rank=row.rank, target=row.target, kept_with=row.kept_with)


def level_now(session: Session, user_id: int, now: datetime) -> LevelState:
    """The person's level as of now, without writing (the stored target, today's points)."""
    return advance(_stored(session, user_id), rolling_points(session, user_id, now))


def refresh_level(session: Session, user_id: int, now: datetime) -> LevelState:
    """Store the person's level after a change of points; a new level fixes its target now."""
    before = _stored(session, user_id)
    after = advance(before, rolling_points(session, user_id, now))
    if session.get(LevelProgress, user_id) is None:
        values = {
            "user_id": user_id,
            "rank": after.rank,
            "target": after.target,
            "kept_with": after.kept_with,
            "started_at": now,
        }
        insert_ignoring_conflicts(session, LevelProgress, values)
    elif after != before:
        row = session.get(LevelProgress, user_id)
        assert row is not None
        row.rank, row.target, row.kept_with, row.started_at = (
            after.rank,
            after.target,
            after.kept_with,
            now,
        )
        session.add(row)
        session.flush()
    return after
