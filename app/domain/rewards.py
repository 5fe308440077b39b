"""Rewards: points for helping others, VIP levels from the last 12 months, and badges.

Points live in an append-only ledger: an award is an entry, taking it back (a helpful mark
withdrawn) is another, negative, entry; nothing is ever changed or removed, and a balance is the
sum of the entries. Standard library only.

Never points for a positive review or for merely buying: only the reasons below exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

ROLLING = timedelta(days=365)  # points count toward a level for 12 months, never less


class PointsReason(StrEnum):
    REVIEW_HELPFUL = "review_helpful"  # someone found your review helpful
    ANSWER_HELPFUL = "answer_helpful"  # someone found your answer helpful
    TEAM_FILLED = "team_filled"  # a team you started filled
    FRIEND_JOINED = "friend_joined"  # a friend joined a deal through your link


POINTS: dict[PointsReason, int] = {
    PointsReason.REVIEW_HELPFUL: 10,
    PointsReason.ANSWER_HELPFUL: 10,
    PointsReason.TEAM_FILLED: 20,
    PointsReason.FRIEND_JOINED: 15,
}

REASON_LABELS: dict[PointsReason, str] = {
    PointsReason.REVIEW_HELPFUL: "Your review was marked helpful",
    PointsReason.ANSWER_HELPFUL: "Your answer was marked helpful",
    PointsReason.TEAM_FILLED: "A team you started filled",
    PointsReason.FRIEND_JOINED: "A friend joined a deal through your link",
}


@dataclass(frozen=True)
class Entry:
    """One line of the ledger. `subject` names the fact (one helpful mark, one team, one friend
    in one deal); its entries alternate award, reversal, award... so its net is 0 or the award."""

    user_id: int
    points: int
    reason: str
    subject: str
    at: datetime


def balance(entries: Iterable[Entry]) -> int:
    return sum(entry.points for entry in entries)


def rolling_points(entries: Iterable[Entry], now: datetime) -> int:
    """Points earned in the 12 months up to `now` (what levels are measured on)."""
    since = now - ROLLING
    return sum(entry.points for entry in entries if since < entry.at <= now)


def next_move(subject_net: int, *, award: bool, points: int) -> int | None:
    """The entry to append for a subject whose entries sum to `subject_net`: the award when it
    is not awarded now, its reversal when it is; None when the ledger already says so (awards
    are idempotent per fact, a reversal never goes below nothing)."""
    if award:
        return points if subject_net <= 0 else None
    return -subject_net if subject_net > 0 else None


# --------------------------------------------------------------------------- levels


@dataclass(frozen=True)
class Level:
    rank: int
    name: str
    points: int  # points in the last 12 months needed to reach it (the target while below)


LEVELS: tuple[Level, ...] = (
    Level(0, "Member", 0),
    Level(1, "Silver", 100),
    Level(2, "Gold", 300),
    Level(3, "Platinum", 800),
)
VIP_RANK = 1  # from Silver on, a shopper is a VIP: early access to new deals


@dataclass(frozen=True)
class LevelState:
    """Where a shopper stands. `target` is the points the next level asks, fixed when they
    started this level (a later change of the table does not move a goal already started);
    `kept_with` is what the current level was reached with (below it, they drop back)."""

    rank: int
    target: int | None  # None at the top level
    kept_with: int


def start_state(levels: Sequence[Level] = LEVELS) -> LevelState:
    return LevelState(rank=0, target=_target_after(0, levels), kept_with=0)


def _target_after(rank: int, levels: Sequence[Level]) -> int | None:
    later = [level.points for level in levels if level.rank == rank + 1]
    return later[0] if later else None


def advance(state: LevelState, rolling: int, levels: Sequence[Level] = LEVELS) -> LevelState:
    """The level after counting `rolling` points (the last 12 months): up while the fixed target
    is met (each new level fixes its own target from the table now), down one level at a time
    while the points fall below what a level was reached with."""
    while state.target is not None and rolling >= state.target:
        rank = state.rank + 1
        state = LevelState(rank=rank, target=_target_after(rank, levels), kept_with=state.target)
    while state.rank > 0 and rolling < state.kept_with:
        rank = state.rank - 1
        below = [level.points for level in levels if level.rank == rank]
        state = LevelState(rank=rank, target=state.kept_with, kept_with=below[0] if below else 0)
    return state


def level_name(rank: int, levels: Sequence[Level] = LEVELS) -> str:
    names = [level.name for level in levels if level.rank == rank]
    return names[0] if names else levels[-1].name


def is_vip(rank: int) -> bool:
    return rank >= VIP_RANK


def progress_text(have: int, needed: int, unit: str) -> str:
    """Exact counts, e.g. "40 of 100 points"."""
    return f"{min(have, needed)} of {needed} {unit}"


# --------------------------------------------------------------------------- badges


@dataclass(frozen=True)
class BadgeRule:
    """A badge is earned when the shopper's `metric` count reaches `needed`. Metrics are counted
    by the rewards service (one counting function per metric name); a new badge is a new row
    here, and a new metric one more counting function there."""

    code: str
    label: str
    metric: str
    needed: int
    unit: str  # for progress: "3 of 5 helpful answers"


BADGE_RULES: tuple[BadgeRule, ...] = (
    BadgeRule("first_review", "First review", "reviews_written", 1, "reviews"),
    BadgeRule("team_captain", "Team captain", "teams_filled", 1, "filled teams"),
    BadgeRule("helpful_answerer", "Helpful answerer", "helpful_answers", 5, "helpful answers"),
    BadgeRule("top_helper", "Top helper", "helpful_marks", 10, "helpful marks"),
    BadgeRule("founding_member", "Founding member", "founding_communities", 1, "communities"),
)


def earned_badges(
    counts: Mapping[str, int], rules: Sequence[BadgeRule] = BADGE_RULES
) -> list[BadgeRule]:
    """The badges these counts earn, in the table's order."""
    return [rule for rule in rules if counts.get(rule.metric, 0) >= rule.needed]
