"""Badges: the domain's table of rules (`BADGE_RULES`), counted here per metric.

Each metric is one function that counts it for a batch of people; a new badge rule with a new
metric (a community's founding members, say) adds a function with `register_metric`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from app.adapters.db.models_community import CommunityMember
from app.adapters.db.models_rewards import PointsEntry
from app.adapters.db.models_social import Review
from app.domain.rewards import BADGE_RULES, BadgeRule, PointsReason, earned_badges
from app.services.communities.membership import founders
from app.services.context import Context

Counter = Callable[[Session, Sequence[int]], dict[int, int]]
_METRICS: dict[str, Counter] = {}


def register_metric(name: str, counter: Counter) -> None:
    """Count `name` for badge rules: `counter(session, user_ids)` -> {user id: count}."""
    _METRICS[name] = counter


def _net_facts(*reasons: PointsReason) -> Counter:
    """Facts that stand awarded now: awards minus their reversals, per person."""

    def count(session: Session, user_ids: Sequence[int]) -> dict[int, int]:
        sign = case((col(PointsEntry.points) > 0, 1), else_=-1)
        rows = session.exec(
            select(PointsEntry.user_id, func.sum(sign))
            .where(
                col(PointsEntry.user_id).in_(user_ids),
                col(PointsEntry.reason).in_([r.value for r in reasons]),
            )
            .group_by(col(PointsEntry.user_id))
        ).all()
        return {int(user): int(total) for user, total in rows}

    return count


def _reviews_written(session: Session, user_ids: Sequence[int]) -> dict[int, int]:
    rows = session.exec(
        select(Review.author_id, func.count())
        .where(col(Review.author_id).in_(user_ids))
        .group_by(col(Review.author_id))
    ).all()
    return {int(user): int(total) for user, total in rows}


def _founding_communities(session: Session, user_ids: Sequence[int]) -> dict[int, int]:
    """In how many communities each person is among the founding members (the first members
    still in it: the communities service's own rule)."""
    joined = session.exec(
        select(CommunityMember.community_id)
        .where(col(CommunityMember.user_id).in_(user_ids))
        .distinct()
    ).all()
    wanted, counts = set(user_ids), dict.fromkeys(user_ids, 0)
    for community_id in joined:
        for founder in wanted.intersection(founders(session, int(community_id))):
            counts[founder] += 1
    return counts


register_metric("reviews_written", _reviews_written)
register_metric("founding_communities", _founding_communities)
register_metric("teams_filled", _net_facts(PointsReason.TEAM_FILLED))
register_metric("helpful_answers", _net_facts(PointsReason.ANSWER_HELPFUL))
register_metric(
    "helpful_marks", _net_facts(PointsReason.REVIEW_HELPFUL, PointsReason.ANSWER_HELPFUL)
)


def metric_counts(
    session: Session, user_ids: Sequence[int], rules: Sequence[BadgeRule] = BADGE_RULES
) -> dict[int, dict[str, int]]:
    """{user id: {metric: count}} for every metric the rules use."""
    ids = sorted(set(user_ids))
    counts: dict[int, dict[str, int]] = {user: {} for user in ids}
    if not ids:
        return counts
    for metric in sorted({rule.metric for rule in rules}):
        counter = _METRICS.get(metric)
        if counter is None:
            continue
        for user, value in counter(session, ids).items():
            counts.setdefault(user, {})[metric] = value
    return counts


def badges_of(session: Session, user_ids: Sequence[int]) -> dict[int, list[str]]:
    """The labels of the badges each person has earned (shown next to their name)."""
    return {
        user: [rule.label for rule in earned_badges(counts)]
        for user, counts in metric_counts(session, user_ids).items()
    }


def badges_of_users(ctx: Context, user_ids: Sequence[int]) -> dict[int, list[str]]:
    """Badge labels for the people a page shows (chat authors, reviewers, answerers)."""
    with ctx.session() as session:
        return badges_of(session, user_ids)
