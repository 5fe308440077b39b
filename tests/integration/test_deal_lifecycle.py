"""Deal rules that span joins, teams and closing: price locks, full deals, teams that time out,
the bank's 3-D Secure check, who may host, and what the pages read (SQLite and PostgreSQL)."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.adapters.db.models_deals import Team
from app.adapters.db.models_people import User
from app.adapters.payments.gateway import PaymentStatus
from app.adapters.payments.sandbox import LocalSandbox
from app.adapters.payments.stripe_gateway import TEST_CARDS, StripeGateway
from app.domain.clock import utcnow
from app.domain.group_buy import PriceTier
from app.domain.payments import SandboxCard
from app.services import deals
from app.services.deals import DealValidationError, JoinError, NotAllowed
from app.services.deals import views as deal_views
from tests.integration.deal_world import (
    NOW,
    FakeGateway,
    World,
    after_deadline,
    open_deal,
    terms,
    world,  # noqa: F401 - the fixture
)
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401


def join(
    world: World, gateway: object, user: int, deal_id: int, card: str = "pm_card_visa"
) -> deals.JoinResult:
    return deals.join_deal(world.ctx(gateway), user, deal_id, 1, card)


def test_nobody_pays_more_than_the_price_they_joined_at(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world, min_to_unlock=2, tiers=(PriceTier(1, 10000), PriceTier(3, 8000)))
    ada, ben, cy = world.make_users(3)
    holds = [join(world, stripe_gateway, u, deal_id, TEST_CARDS["success"]) for u in (ada, ben, cy)]
    # The third shopper reached the 3-shopper tier: their hold is that price.
    assert [h.hold_amount for h in holds] == [10000, 10000, 8000]
    deals.leave_deal(world.ctx(stripe_gateway), ben, deal_id)
    report = deals.close_deal(
        world.ctx(stripe_gateway, now=after_deadline(world, deal_id)), deal_id
    )
    assert report is not None and report.unit_price == 10000  # two shoppers: first tier
    amounts = {o.user_id: o.amount for o in world.orders(deal_id)}
    assert amounts == {ada: 10000, cy: 8000}
    assert stripe_gateway.retrieve(holds[2].intent_id or "").amount_captured == 8000


def test_a_full_deal_closes_before_its_deadline(world: World) -> None:
    gateway = FakeGateway()
    tiers = (PriceTier(1, 10000), PriceTier(3, 8000))
    deal_id = open_deal(world, min_to_unlock=2, max_participants=3, tiers=tiers)
    for user in world.make_users(3):
        join(world, gateway, user, deal_id)
    (report,) = deals.close_overdue_deals(world.ctx(gateway, now=NOW))
    assert (report.deal_id, report.outcome, report.unit_price) == (deal_id, "capture", 8000)
    assert world.deal(deal_id).status == "succeeded"
    assert len(world.orders(deal_id)) == 3


def test_a_full_deal_waits_for_a_shopper_still_confirming_with_their_bank(world: World) -> None:
    gateway = FakeGateway()
    tiers = (PriceTier(1, 10000), PriceTier(2, 8000))
    deal_id = open_deal(world, min_to_unlock=2, max_participants=2, tiers=tiers)
    ada, ben = world.make_users(2)
    join(world, gateway, ada, deal_id)
    join(world, gateway, ben, deal_id, "pm_3ds")
    assert deals.close_overdue_deals(world.ctx(gateway, now=NOW)) == []
    assert world.deal(deal_id).status == "open"


def test_a_team_that_does_not_fill_in_a_day_releases_its_holds(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(
        world, min_to_unlock=2, team_size=3, team_price=7000, deadline=NOW + timedelta(days=2)
    )
    lead, friend, solo = world.make_users(3)
    started = deals.start_team(world.ctx(stripe_gateway), lead, deal_id, 1, TEST_CARDS["success"])
    assert started.team_id is not None
    joined = deals.join_team(
        world.ctx(stripe_gateway), friend, started.team_id, 1, TEST_CARDS["success"]
    )
    join(world, stripe_gateway, solo, deal_id, TEST_CARDS["success"])
    assert deals.expire_overdue_teams(world.ctx(stripe_gateway, now=NOW)) == []

    later = NOW + timedelta(hours=25)
    released = deals.expire_overdue_teams(world.ctx(stripe_gateway, now=later))
    assert sorted(released) == sorted([lead, friend])
    for intent in (started.intent_id, joined.intent_id):
        assert stripe_gateway.retrieve(intent or "").status is PaymentStatus.CANCELED
    assert world.deal(deal_id).participants == 1  # only the solo shopper is still in
    with world.session() as session:
        team = session.get(Team, started.team_id)
        assert team is not None and team.status == "expired"
    assert "deal.team_expired" in world.kinds(deal_id)
    # Running again (another process, a restart) changes nothing.
    assert deals.expire_overdue_teams(world.ctx(stripe_gateway, now=later)) == []
    seat = deals.deal_page(world.ctx(), lead, deal_id).seat
    assert seat.status == "released" and not seat.active


def test_members_of_an_unfilled_team_are_not_charged_when_the_deal_closes(world: World) -> None:
    gateway = FakeGateway()
    deal_id = open_deal(world, min_to_unlock=2, team_size=3, team_price=7000)
    lead, ada, ben = world.make_users(3)
    deals.start_team(world.ctx(gateway), lead, deal_id, 1, "pm_card_visa")
    join(world, gateway, ada, deal_id)
    join(world, gateway, ben, deal_id)
    report = deals.close_deal(world.ctx(gateway, now=after_deadline(world, deal_id)), deal_id)
    assert report is not None and report.outcome == "capture"
    assert sorted(report.captured) == sorted([ada, ben]) and report.released == [lead]
    assert {o.user_id for o in world.orders(deal_id)} == {ada, ben}


@pytest.mark.parametrize("approve", [True, False])
def test_the_bank_check_decides_whether_the_shopper_is_in(
    world: World, stripe_gateway: StripeGateway, approve: bool
) -> None:
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    card = LocalSandbox(stripe_gateway).payment_method(SandboxCard.THREE_DS)
    assert join(world, stripe_gateway, ada, deal_id, card).status == "needs_action"
    if approve:
        status = deals.finish_bank_check(
            world.ctx(stripe_gateway), ada, deal_id, approve=True
        ).status
        assert status == "held"
        assert world.deal(deal_id).participants == 1
        assert world.participations(deal_id)[0].authorized_amount == 10000
    else:
        with pytest.raises(JoinError) as caught:
            deals.finish_bank_check(world.ctx(stripe_gateway), ada, deal_id, approve=False)
        assert caught.value.code == "authentication_failed"
        assert "Nobody was charged" in caught.value.message
        assert world.deal(deal_id).participants == 0
        assert world.participations(deal_id)[0].status == "failed"


def test_only_hosts_can_open_deals(world: World) -> None:
    (shopper,) = world.make_users(1)
    with pytest.raises(NotAllowed):
        deals.create_deal(world.ctx(), shopper, world.product_id, terms())
    with world.session() as session:
        user = session.get(User, shopper)
        assert user is not None
        assert not deal_views.host_form(session, user.role).allowed
        assert deal_views.host_form(session, "host").products[0].title == "Kettle"


def test_minimum_above_maximum_and_a_wrong_currency_are_field_errors(world: World) -> None:
    with pytest.raises(DealValidationError) as caught:
        deals.create_deal(
            world.ctx(),
            world.seller_id,
            world.product_id,
            terms(min_to_unlock=12, max_participants=10, currency="EUR"),
        )
    assert caught.value.field_errors == {
        "min_to_unlock": "The minimum to unlock cannot be above the maximum.",
        "currency": "Use the product's currency (USD).",
    }


def test_the_deal_page_shows_price_progress_teams_and_my_seat(world: World) -> None:
    gateway = FakeGateway()
    deal_id = open_deal(world, team_size=2, team_price=7000)
    lead, ada = world.make_users(2)
    deals.start_team(world.ctx(gateway), lead, deal_id, 1, "pm_card_visa")
    join(world, gateway, ada, deal_id)
    with world.session() as session:
        page = deal_views.read_deal_page(session, deal_id, NOW)
        assert page is not None
        card = page.card
        assert (card.participants, card.still_needed, card.progress) == (2, 1, 66)
        assert (card.current_price, card.next_needed, card.next_price) == ("$100.00", 1, "$80.00")
        assert (card.status, card.status_label, card.joinable) == ("open", "Open", True)
        assert card.spots_left == 8 and card.deadline.endswith("Z")
        assert [(t.label, t.reached, t.current) for t in page.tiers] == [
            ("1 shopper", True, True),
            ("3+ shoppers", False, False),
            ("5+ shoppers", False, False),
        ]
        (team,) = page.teams
        assert (team.leader_name, team.member_count, team.spots_left) == ("Shopper 0", 1, 1)
        assert [m.name for m in team.members] == ["Shopper 0"]
        assert page.team_price == "$70.00"
        seat = deal_views.my_seat(session, deal_id, ada)
        assert (seat.status, seat.locked_price, seat.active) == ("held", "$100.00", True)
        assert deal_views.my_seat(session, deal_id, 9999).status == "none"
        assert [c.id for c in deal_views.active_cards(session, NOW)] == [deal_id]
        assert [
            c.id for c in deal_views.cards_for_product(session, world.product_id, utcnow())
        ] == [deal_id]
    deals.close_deal(world.ctx(gateway, now=after_deadline(world, deal_id)), deal_id)
    with world.session() as session:
        page = deal_views.read_deal_page(session, deal_id, utcnow())
        assert page is not None
        assert (page.card.status, page.card.status_label) == ("failed", "Did not unlock")
        seat = deal_views.my_seat(session, deal_id, ada)
        assert seat.joined_when_closed and "did not unlock" in seat.message
        assert deal_views.active_cards(session, utcnow()) == []
        assert [c.id for c in deal_views.recent_closed_cards(session, utcnow())] == [deal_id]
        assert session.exec(select(Team)).one().status == "expired"


@pytest.mark.parametrize("approve", [True, False])
def test_a_long_deal_saves_a_3ds_card_only_after_the_bank_check(
    world: World, stripe_gateway: StripeGateway, approve: bool
) -> None:
    deal_id = open_deal(world, min_to_unlock=1, deadline=NOW + timedelta(days=6))
    (ada,) = world.make_users(1)
    card = LocalSandbox(stripe_gateway).payment_method(SandboxCard.THREE_DS)
    joined = join(world, stripe_gateway, ada, deal_id, card)
    assert joined.status == "needs_action" and (joined.intent_id or "").startswith("seti_")
    if approve:
        assert (
            deals.finish_bank_check(world.ctx(stripe_gateway), ada, deal_id, approve=True).status
            == "held"
        )
        assert world.deal(deal_id).participants == 1
    else:
        with pytest.raises(JoinError):
            deals.finish_bank_check(world.ctx(stripe_gateway), ada, deal_id, approve=False)
        assert world.deal(deal_id).participants == 0


def test_the_hosts_form_opens_a_deal_or_says_what_to_fix(world: World) -> None:
    when = NOW + timedelta(days=1)
    form = {
        "product_id": str(world.product_id),
        "tier_1_shoppers": "1",
        "tier_1_price": "100",
        "tier_2_shoppers": "3",
        "tier_2_price": "80.00",
        "min_to_unlock": "3",
        "deadline": when.strftime("%Y-%m-%dT%H:%M"),
    }
    ctx = world.ctx(now=NOW)
    deal_id = deals.create_deal_from_form(ctx, world.seller_id, form, offset_minutes=0)
    deal = world.deal(deal_id)
    assert (deal.currency, deal.min_to_unlock, deal.participants) == ("USD", 3, 0)
    assert world.kinds(deal_id) == ["deal.created"]

    with pytest.raises(DealValidationError) as caught:
        deals.create_deal_from_form(ctx, world.seller_id, {**form, "tier_2_price": "120"}, 0)
    assert caught.value.field_errors == {"tiers": "Each tier must be cheaper than the one before."}
    (shopper,) = world.make_users(1)
    with pytest.raises(NotAllowed):
        deals.create_deal_from_form(ctx, shopper, form, 0)
