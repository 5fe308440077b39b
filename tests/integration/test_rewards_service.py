"""Rewards on SQLite and PostgreSQL: points for helpful reviews and answers, filled teams and
friends who joined through a link; reversals appended, never deleted; badges; VIP levels and
their early access to a scheduled deal."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from app.adapters.db.models_people import Friendship
from app.adapters.db.models_rewards import PointsEntry
from app.adapters.payments.stripe_gateway import TEST_CARDS, StripeGateway
from app.domain.rewards import PointsReason
from app.services import communities, deals, questions, reviews, rewards
from app.services.deals import JoinError
from app.services.questions import QuestionRefused
from app.services.reviews import ReviewRefused
from app.services.rewards.ledger import award
from tests.integration.deal_world import World, open_deal, world  # noqa: F401 - the fixture
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401

CARD = TEST_CARDS["success"]  # type: ignore[index]


def ledger(world: World, user_id: int) -> list[int]:
    with world.session() as session:
        rows = session.exec(
            select(PointsEntry.points)
            .where(PointsEntry.user_id == user_id)
            .order_by(PointsEntry.id)  # type: ignore[arg-type]
        ).all()
    return list(rows)


def befriend(world: World, a: int, b: int) -> None:
    low, high = sorted((a, b))
    with world.session() as session:
        session.add(Friendship(user_low=low, user_high=high))
        session.commit()


def test_a_helpful_review_earns_points_and_withdrawing_appends_a_reversal(world: World) -> None:
    bob, carol, dave = world.user("Bob"), world.user("Carol"), world.user("Dave")
    review_id = reviews.write_review(world.ctx(), bob, world.product_id, 5, "Great", "Boils fast")
    assert ledger(world, bob) == []  # never for writing (or rating) a review
    with pytest.raises(ReviewRefused, match="own review"):
        reviews.vote_helpful(world.ctx(), bob, review_id)
    reviews.vote_helpful(world.ctx(), carol, review_id)
    reviews.vote_helpful(world.ctx(), dave, review_id)
    assert ledger(world, bob) == [10, 10]
    assert reviews.withdraw_helpful(world.ctx(), carol, review_id) == 1
    with pytest.raises(ReviewRefused, match="haven't marked"):
        reviews.withdraw_helpful(world.ctx(), carol, review_id)
    assert ledger(world, bob) == [10, 10, -10]  # appended, nothing deleted
    reviews.vote_helpful(world.ctx(), carol, review_id)
    assert ledger(world, bob) == [10, 10, -10, 10]
    page = rewards.rewards_page(world.ctx(), bob)
    assert page.balance == 20 == sum(ledger(world, bob))
    assert page.level_progress == "20 of 100 points"
    first_review = next(b for b in page.badges if b.label == "First review")
    assert first_review.earned and first_review.progress == "1 of 1 reviews"


def test_a_helpful_answer_earns_points_never_for_ones_own(world: World) -> None:
    bob, carol = world.user("Bob"), world.user("Carol")
    question_id = questions.ask_question(world.ctx(), carol, world.product_id, "Is it loud?")
    answer_id = questions.answer_question(world.ctx(), bob, question_id, "Quiet enough")
    with pytest.raises(QuestionRefused, match="own answer"):
        questions.vote_answer(world.ctx(), bob, answer_id)
    questions.vote_answer(world.ctx(), carol, answer_id)
    assert ledger(world, bob) == [10]
    questions.withdraw_answer_vote(world.ctx(), carol, answer_id)
    assert ledger(world, bob) == [10, -10]
    page = rewards.rewards_page(world.ctx(), bob)
    helper = next(b for b in page.badges if b.label == "Helpful answerer")
    assert page.balance == 0 and helper.progress == "0 of 5 helpful answers"
    with world.session() as session:  # an award for oneself is never appended
        assert (
            award(session, bob, PointsReason.ANSWER_HELPFUL, "x", datetime.now(UTC), by_user=bob)
            == 0
        )


def test_a_team_that_fills_earns_its_captain_points_once(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world, min_to_unlock=2, team_size=2, team_price=7000)
    lead, friend = world.make_users(2)
    started = deals.start_team(world.ctx(stripe_gateway), lead, deal_id, 1, CARD)
    assert ledger(world, lead) == []  # never for merely buying
    assert started.team_id is not None
    deals.join_team(world.ctx(stripe_gateway), friend, started.team_id, 1, CARD)
    assert ledger(world, lead) == [20] and ledger(world, friend) == []
    assert rewards.badges_of_users(world.ctx(), [lead])[lead] == ["Team captain"]


def test_a_friend_joining_through_your_link_credits_you_once_per_friend_per_deal(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    bob, carol, dave = world.user("Bob"), world.user("Carol"), world.user("Dave")
    befriend(world, bob, carol)
    assert rewards.credit_referral(world.ctx(), carol, deal_id, bob) == 0  # not joined yet
    deals.join_deal(world.ctx(stripe_gateway), carol, deal_id, 1, CARD)
    assert rewards.credit_referral(world.ctx(), carol, deal_id, bob) == 15
    assert rewards.credit_referral(world.ctx(), carol, deal_id, bob) == 0
    deals.join_deal(world.ctx(stripe_gateway), dave, deal_id, 1, CARD)
    assert rewards.credit_referral(world.ctx(), dave, deal_id, bob) == 0  # not friends
    assert rewards.credit_referral(world.ctx(), bob, deal_id, bob) == 0
    assert ledger(world, bob) == [15]


def test_vips_join_a_scheduled_deal_early_and_points_count_for_twelve_months(
    world: World, stripe_gateway: StripeGateway
) -> None:
    now = datetime.now(UTC)
    deal_id = open_deal(
        world, starts_at=now + timedelta(hours=10), deadline=now + timedelta(days=2)
    )
    vip, shopper = world.user("Vera"), world.user("Sam")
    with world.session() as session:
        for n in range(10):
            award(session, vip, PointsReason.REVIEW_HELPFUL, f"review_helpful:1:{n}", now)
        session.commit()
    page = rewards.rewards_page(world.ctx(), vip)
    assert page.vip and page.level == "Silver" and page.level_progress == "100 of 300 points"
    with pytest.raises(JoinError) as early:
        deals.join_deal(world.ctx(stripe_gateway), shopper, deal_id, 1, CARD)
    assert early.value.code == "not_started"
    assert deals.join_deal(world.ctx(stripe_gateway), vip, deal_id, 1, CARD).status == "held"
    # A year and a day later the points no longer count toward the level (the balance stays).
    aged = rewards.rewards_page(world.ctx(now=now + timedelta(days=366)), vip)
    assert (aged.balance, aged.level, aged.vip) == (100, "Member", False)


def test_the_database_refuses_to_change_or_remove_a_ledger_line(world: World) -> None:
    bob = world.user("Bob")
    with world.session() as session:
        award(session, bob, PointsReason.TEAM_FILLED, "team_filled:1", datetime.now(UTC))
        session.commit()
    for statement in (
        "UPDATE points_entry SET points = 1000",
        "DELETE FROM points_entry",
    ):
        with world.session() as session, pytest.raises(DBAPIError, match="append-only"):
            session.exec(text(statement))  # type: ignore[call-overload]
    assert ledger(world, bob) == [20]


def test_founding_members_of_a_community_get_the_badge(world: World) -> None:
    host, bob = world.user("Hana", "host"), world.user("Bob")
    slug = communities.create_community(world.ctx(), host, {"name": "Tea people"})
    page = communities.community_page(world.ctx(), host, slug)
    communities.join_community(world.ctx(), bob, page.header.id)
    assert rewards.badges_of_users(world.ctx(), [host, bob]) == {
        host: ["Founding member"],
        bob: ["Founding member"],
    }
    founding = next(b for b in rewards.rewards_page(world.ctx(), bob).badges if b.earned)
    assert (founding.label, founding.progress) == ("Founding member", "1 of 1 communities")
