"""Be the buyer on SQLite and PostgreSQL: hosts post candidates, shoppers vote once and may
withdraw, the vote at the threshold opens one deal (also under a race), voters are told and
join first for 24 hours, and candidates that miss their date close as "not this time"."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from app.adapters.db.models import Product
from app.adapters.db.models_deals import Deal
from app.adapters.db.models_rewards import Candidate, CandidateVote
from app.adapters.db.models_social import Notification
from app.adapters.payments.stripe_gateway import TEST_CARDS, StripeGateway
from app.services import candidates, deals
from app.services.candidates import CandidateFormError, VoteRefused
from app.services.console.access import ConsoleRefused
from app.services.deadlines import close_what_is_due
from app.services.deals import JoinError
from tests.integration.deal_world import World, world  # noqa: F401 - the fixture
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401

NOW = datetime.now(UTC).replace(microsecond=0)
CARD = TEST_CARDS["success"]  # type: ignore[index]


def post(world: World, threshold: int = 2, **changes: str) -> int:
    form = {
        "title": "Pour-over kettle",
        "description": "Gooseneck, 1 litre",
        "target_price": "45.00",
        "threshold": str(threshold),
        "closes_at": (NOW + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "category": "gadgets",
        **changes,
    }
    return candidates.post_candidate(world.ctx(), world.seller_id, form, 0)


def row(world: World, candidate_id: int) -> Candidate:
    with world.session() as session:
        found = session.get(Candidate, candidate_id)
        assert found is not None
        return found


def test_only_hosts_post_and_bad_fields_are_named(world: World) -> None:
    bob = world.user("Bob")
    with pytest.raises(ConsoleRefused):
        candidates.post_candidate(world.ctx(), bob, {"title": "x"}, 0)
    with pytest.raises(CandidateFormError) as bad:
        post(world, threshold=0, title=" ", target_price="free", closes_at="2020-01-01T10:00")
    assert set(bad.value.field_errors) == {"title", "target_price", "threshold", "closes_at"}
    candidate_id = post(world)
    page = candidates.vote_page(world.ctx(), bob)
    assert [c.title for c in page.open] == ["Pour-over kettle"]
    assert page.open[0].price == "$45.00" and page.counts.votes[str(candidate_id)] == 0


def test_one_vote_each_withdraw_before_closing_and_refusals_change_nothing(world: World) -> None:
    bob, carol = world.user("Bob"), world.user("Carol")
    candidate_id = post(world, threshold=3)
    assert candidates.vote(world.ctx(), bob, candidate_id).votes == 1
    assert "candidates.changed" in world.bus.kinds("candidates:all")
    with pytest.raises(VoteRefused, match="already voted"):
        candidates.vote(world.ctx(), bob, candidate_id)
    assert row(world, candidate_id).votes == 1
    assert candidates.vote(world.ctx(), carol, candidate_id).votes == 2
    assert candidates.withdraw_vote(world.ctx(), carol, candidate_id) == 1
    with pytest.raises(VoteRefused, match="haven't voted"):
        candidates.withdraw_vote(world.ctx(), carol, candidate_id)
    assert candidates.vote_page(world.ctx(), bob).my_votes == [candidate_id]
    # After its date: voting and withdrawing are refused, nothing moves.
    late = world.ctx(now=NOW + timedelta(days=3))
    with pytest.raises(VoteRefused, match="closed"):
        candidates.vote(late, carol, candidate_id)
    with pytest.raises(VoteRefused, match="closed"):
        candidates.withdraw_vote(late, bob, candidate_id)
    assert row(world, candidate_id).votes == 1


def test_missing_the_date_closes_as_not_this_time(world: World) -> None:
    bob = world.user("Bob")
    candidate_id = post(world, threshold=5)
    candidates.vote(world.ctx(), bob, candidate_id)
    close_what_is_due(world.ctx(now=NOW + timedelta(days=1)))
    assert row(world, candidate_id).status == "open"
    close_what_is_due(world.ctx(now=NOW + timedelta(days=3)))
    assert row(world, candidate_id).status == "not_this_time"
    page = candidates.vote_page(world.ctx(), bob)
    assert page.open == [] and page.decided[0].status_label == "Not this time"


def test_the_threshold_vote_opens_a_deal_and_voters_join_first(
    world: World, stripe_gateway: StripeGateway
) -> None:
    bob, carol, dave = world.user("Bob"), world.user("Carol"), world.user("Dave")
    candidate_id = post(world, threshold=2)
    assert candidates.vote(world.ctx(), bob, candidate_id).deal_id is None
    made = candidates.vote(world.ctx(), carol, candidate_id)
    assert made.votes == 2 and made.deal_id is not None
    found = row(world, candidate_id)
    assert found.status == "deal" and found.deal_id == made.deal_id
    with world.session() as session:
        deal = session.get(Deal, made.deal_id)
        assert deal is not None and deal.tiers_json == "[[1, 4500]]"
        product = session.get(Product, deal.product_id)
        assert product is not None and product.title == "Pour-over kettle"
        told = session.exec(select(Notification.user_id).where(Notification.kind == "voted_deal"))
        assert sorted(told.all()) == sorted([bob, carol])
    with pytest.raises(VoteRefused, match="already a deal"):
        candidates.vote(world.ctx(), dave, candidate_id)

    # The deal page says who joins first, and from when everyone may.
    assert deals.early_access_note(world.ctx(), bob, made.deal_id).startswith("You have early")
    assert deals.early_access_note(world.ctx(), dave, made.deal_id).startswith("Voters and VIP")
    # Dave did not vote: refused for 24 hours, with the time it opens to everyone.
    with pytest.raises(JoinError, match="opens to everyone on") as early:
        deals.join_deal(world.ctx(stripe_gateway), dave, made.deal_id, 1, CARD)
    assert early.value.code == "early_access"
    joined = deals.join_deal(world.ctx(stripe_gateway), bob, made.deal_id, 1, CARD)
    assert joined.status == "held"
    later = world.ctx(stripe_gateway, now=datetime.now(UTC) + timedelta(hours=24, minutes=1))
    assert deals.join_deal(later, dave, made.deal_id, 1, CARD).status == "held"
    assert deals.early_access_note(later, dave, made.deal_id) == ""


@pytest.mark.parametrize(("threshold", "before", "racers"), [(2, 0, 2), (5, 3, 6)])
def test_concurrent_votes_at_the_threshold_make_exactly_one_deal(
    world: World, threshold: int, before: int, racers: int
) -> None:
    candidate_id = post(world, threshold=threshold)
    for voter in world.make_users(before):
        candidates.vote(world.ctx(), voter, candidate_id)
    voters = world.make_users(racers)
    start = threading.Barrier(racers)
    refusals: list[str] = []

    def cast(user_id: int) -> int | None:
        start.wait()
        try:
            return candidates.vote(world.ctx(), user_id, candidate_id).deal_id
        except VoteRefused as refused:
            refusals.append(str(refused))
            return None

    with ThreadPoolExecutor(max_workers=racers) as pool:
        made = [d for d in pool.map(cast, voters) if d is not None]
    assert len(made) == 1
    with world.session() as session:
        assert len(session.exec(select(Deal)).all()) == 1
        votes = session.exec(
            select(CandidateVote).where(CandidateVote.candidate_id == candidate_id)
        ).all()
    found = row(world, candidate_id)
    assert found.deal_id == made[0] and found.votes == len(votes) >= threshold
    assert all("deal" in r or "closed" in r for r in refusals)


def test_votes_are_rate_limited(world: World) -> None:
    bob = world.user("Bob")
    ids = [post(world, threshold=50, title=f"Thing {n}") for n in range(21)]
    for candidate_id in ids[:20]:
        candidates.vote(world.ctx(), bob, candidate_id)
    with pytest.raises(VoteRefused, match="try again"):
        candidates.vote(world.ctx(), bob, ids[20])
    assert row(world, ids[20]).votes == 0
