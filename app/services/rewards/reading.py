"""What the rewards page and the profile show: points, the VIP level with its fixed target,
badges with exact progress, and the latest ledger lines."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from app.adapters.db.models_rewards import PointsEntry
from app.domain.clock import as_utc
from app.domain.rewards import (
    BADGE_RULES,
    LEVELS,
    REASON_LABELS,
    PointsReason,
    is_vip,
    level_name,
    progress_text,
)
from app.services.context import Context
from app.services.rewards.badges import metric_counts
from app.services.rewards.ledger import balance, refresh_level, rolling_points

HISTORY = 20


@dataclass(frozen=True)
class BadgeProgress:
    label: str
    earned: bool
    progress: str  # "3 of 5 helpful answers"


@dataclass(frozen=True)
class LedgerLine:
    points: int
    label: str
    when: str


@dataclass(frozen=True)
class RewardsView:
    balance: int
    rolling: int
    level: str
    vip: bool
    next_level: str  # "" at the top
    level_progress: str  # "40 of 100 points" toward the next level, fixed when started
    percent: int
    badges: list[BadgeProgress]
    history: list[LedgerLine]


def _line_label(reason: str, points: int) -> str:
    label = REASON_LABELS[PointsReason(reason)]
    return label if points > 0 else f"Taken back (mark withdrawn): {label.lower()}"


def rewards_page(ctx: Context, viewer_id: int) -> RewardsView:
    """The viewer's points, level and badges. Reading it also stores the level as of now (points
    older than 12 months no longer count toward it)."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        state = refresh_level(session, viewer_id, now)
        rolling = rolling_points(session, viewer_id, now)
        total = balance(session, viewer_id)
        counts = metric_counts(session, [viewer_id]).get(viewer_id, {})
        rows = session.exec(
            select(PointsEntry)
            .where(col(PointsEntry.user_id) == viewer_id)
            .order_by(col(PointsEntry.id).desc())
            .limit(HISTORY)
        ).all()
    badges = [
        BadgeProgress(
            rule.label,
            counts.get(rule.metric, 0) >= rule.needed,
            progress_text(counts.get(rule.metric, 0), rule.needed, rule.unit),
        )
        for rule in BADGE_RULES
    ]
    history = [
        LedgerLine(
            row.points,
            _line_label(row.reason, row.points),
            as_utc(row.created_at).strftime("%Y-%m-%d %H:%M UTC"),
        )
        for row in rows
    ]
    target = state.target
    top = max(level.rank for level in LEVELS)
    return RewardsView(
        balance=total,
        rolling=rolling,
        level=level_name(state.rank),
        vip=is_vip(state.rank),
        next_level="" if target is None else level_name(min(state.rank + 1, top)),
        level_progress="" if target is None else progress_text(rolling, target, "points"),
        percent=100 if target is None else max(0, min(100, rolling * 100 // max(target, 1))),
        badges=badges,
        history=history,
    )
