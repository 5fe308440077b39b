"""Group-buy deal service on SQLite and PostgreSQL, paying through a real localstripe."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from app.adapters.db.models_deals import Deal, Participation, Team
from app.adapters.payments.gateway import PaymentStatus
from app.adapters.payments.sandbox import LocalSandbox
from app.adapters.payments.stripe_gateway import TEST_CARDS, StripeGateway
from app.domain.group_buy import PriceTier
from app.domain.payments import SandboxCard
from app.services import deals
from app.services.deals import DealValidationError, JoinError
from app.services.deals.joining import CARD_ATTEMPTS
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

# --------------------------------------------------------------------------- joining


def test_joining_places_a_hold_for_the_current_price(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    result = deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, TEST_CARDS["success"])
    assert result.status == "held"
    assert (result.hold_amount, result.unit_price_now) == (10000, 10000)
    intent = stripe_gateway.retrieve(result.intent_id or "")
    assert intent.status is PaymentStatus.REQUIRES_CAPTURE
    assert intent.amount_capturable == 10000
    assert world.deal(deal_id).participants == 1
    (joined,) = world.events(deal_id, "deal.joined")
    assert joined.payload["participants"] == 1
    assert joined.payload["current_price"] == 10000
    assert joined.payload["next_tier"] == {"needed": 2, "unit_price": 8000}
    # Versions never repeat, so a watcher can spot a missed event.
    versions = [e.version for e in world.bus.events if e.aggregate_id == str(deal_id)]
    assert versions == sorted(set(versions))


def test_joining_twice_is_refused_without_a_second_hold(world: World) -> None:
    gateway = FakeGateway()
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    deals.join_deal(world.ctx(gateway), ada, deal_id, 1, "pm_card_visa")
    with pytest.raises(JoinError) as caught:
        deals.join_deal(world.ctx(gateway), ada, deal_id, 1, "pm_card_visa")
    assert caught.value.message == "You're already in this deal."
    assert len(gateway.intents) == 1
    assert world.deal(deal_id).participants == 1


def test_join_and_leave_cycles_run_out_before_they_can_test_cards(world: World) -> None:
    """Each join asks the bank for an authorisation: a person gets CARD_ATTEMPTS of them an
    hour, however they come (join, leave, join again), and then a message, not a hold."""
    gateway = FakeGateway()
    deal_id = open_deal(world)
    (ada, bob) = world.make_users(2)
    for _ in range(CARD_ATTEMPTS.limit):
        deals.join_deal(world.ctx(gateway), ada, deal_id, 1, "pm_card_visa")
        deals.leave_deal(world.ctx(gateway), ada, deal_id)
    with pytest.raises(JoinError) as caught:
        deals.join_deal(world.ctx(gateway), ada, deal_id, 1, "pm_card_visa")
    assert caught.value.code == "rate_limited"
    assert "try again in" in caught.value.message
    assert len(gateway.intents) == CARD_ATTEMPTS.limit
    assert world.deal(deal_id).participants == 0
    deals.join_deal(world.ctx(gateway), bob, deal_id, 1, "pm_card_visa")  # others are not held up
    assert world.deal(deal_id).participants == 1


def test_leaving_cancels_the_hold_and_frees_the_seat(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    joined = deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, TEST_CARDS["success"])
    deals.leave_deal(world.ctx(stripe_gateway), ada, deal_id)
    assert stripe_gateway.retrieve(joined.intent_id or "").status is PaymentStatus.CANCELED
    assert world.deal(deal_id).participants == 0
    (part,) = world.participations(deal_id)
    assert (part.status, part.hold_released) == ("left", True)
    assert world.events(deal_id, "deal.left")[0].payload["participants"] == 0
    # Coming back later is a fresh join with a fresh hold.
    again = deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, TEST_CARDS["success"])
    assert again.status == "held" and again.intent_id != joined.intent_id


def test_unlocked_deal_captures_every_hold_at_the_final_tier_price(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    shoppers = world.make_users(5)
    intents = [
        deals.join_deal(world.ctx(stripe_gateway), u, deal_id, 1, TEST_CARDS["success"]).intent_id
        for u in shoppers
    ]
    assert len(world.events(deal_id, "deal.unlocked")) == 1
    assert world.events(deal_id, "deal.unlocked")[0].payload["participants"] == 3

    report = deals.close_deal(
        world.ctx(stripe_gateway, now=after_deadline(world, deal_id)), deal_id
    )
    assert report is not None and report.complete
    assert (report.outcome, report.unit_price) == ("capture", 6000)
    for intent_id in intents:
        captured = stripe_gateway.retrieve(intent_id or "")
        assert captured.status is PaymentStatus.SUCCEEDED
        assert captured.amount_captured == 6000  # partial capture of a 10000 hold
    assert [p.status for p in world.participations(deal_id)] == ["captured"] * 5
    orders = world.orders(deal_id)
    assert sorted(o.user_id for o in orders) == sorted(shoppers)
    assert {(o.unit_price, o.amount) for o in orders} == {(6000, 6000)}
    deal = world.deal(deal_id)
    assert (deal.status, deal.outcome) == ("succeeded", "capture")
    (closed,) = world.events(deal_id, "deal.closed")
    assert closed.payload["final_unit_price"] == 6000
    assert sorted(closed.payload["captured_user_ids"]) == sorted(shoppers)


def test_deal_below_minimum_cancels_every_hold_and_tells_the_shoppers(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    shoppers = world.make_users(2)
    intents = [
        deals.join_deal(world.ctx(stripe_gateway), u, deal_id, 1, TEST_CARDS["success"]).intent_id
        for u in shoppers
    ]
    report = deals.close_deal(
        world.ctx(stripe_gateway, now=after_deadline(world, deal_id)), deal_id
    )
    assert report is not None and report.outcome == "release"
    for intent_id in intents:
        assert stripe_gateway.retrieve(intent_id or "").status is PaymentStatus.CANCELED
    assert [p.status for p in world.participations(deal_id)] == ["released"] * 2
    assert world.orders(deal_id) == []
    assert world.deal(deal_id).status == "failed"
    (closed,) = world.events(deal_id, "deal.closed")
    assert closed.payload["outcome"] == "release"
    assert sorted(closed.payload["released_user_ids"]) == sorted(shoppers)


def test_declined_card_leaves_the_shopper_out_with_a_clear_message(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world, max_participants=3, min_to_unlock=2, tiers=(PriceTier(1, 10000),))
    (ada,) = world.make_users(1)
    with pytest.raises(JoinError) as caught:
        deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, TEST_CARDS["decline"])
    assert caught.value.code == "card_declined"
    assert caught.value.message == "Your card was declined. Try another card."
    assert world.deal(deal_id).participants == 0
    (part,) = world.participations(deal_id)
    assert part.status == "failed"
    # Another card works, with a new idempotency key.
    retry = deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, TEST_CARDS["success"])
    assert retry.status == "held"
    (part,) = world.participations(deal_id)
    assert (part.attempt, part.idempotency_key) == (2, f"deal-{deal_id}-user-{ada}-hold-2")
    assert world.deal(deal_id).participants == 1


def test_three_d_secure_card_waits_for_the_shopper(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    card = LocalSandbox(stripe_gateway).payment_method(SandboxCard.THREE_DS)
    result = deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, card)
    assert result.status == "needs_action"
    assert result.client_secret and result.client_secret.startswith(result.intent_id or "-")
    (part,) = world.participations(deal_id)
    assert part.status == "needs_action"
    assert world.deal(deal_id).participants == 1  # the seat is kept while they authenticate


def test_join_after_the_deadline_is_refused(world: World) -> None:
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    with pytest.raises(JoinError) as caught:
        deals.join_deal(
            world.ctx(FakeGateway(), now=after_deadline(world, deal_id)),
            ada,
            deal_id,
            1,
            "pm_card_visa",
        )
    assert caught.value.message == "Sorry, this deal's deadline has passed."
    assert world.deal(deal_id).participants == 0


def test_join_on_a_full_deal_is_refused(world: World) -> None:
    gateway = FakeGateway()
    deal_id = open_deal(world, max_participants=2, min_to_unlock=2, tiers=(PriceTier(1, 5000),))
    a, b, c = world.make_users(3)
    for user in (a, b):
        deals.join_deal(world.ctx(gateway), user, deal_id, 1, "pm_card_visa")
    with pytest.raises(JoinError) as caught:
        deals.join_deal(world.ctx(gateway), c, deal_id, 1, "pm_card_visa")
    assert caught.value.message == "This deal is full."
    assert world.deal(deal_id).participants == 2


def test_invalid_deal_definitions_are_refused_with_field_errors(world: World) -> None:
    bad = terms(
        tiers=(PriceTier(1, 5000), PriceTier(3, 7000)),
        currency="dollars",
        deadline=NOW - timedelta(hours=1),
    )
    with pytest.raises(DealValidationError) as caught:
        deals.create_deal(world.ctx(), world.seller_id, world.product_id, bad)
    errors = caught.value.field_errors
    assert set(errors) >= {"tiers", "currency", "deadline"}
    assert errors["tiers"] == "Each tier must be cheaper than the one before."
    with world.session() as session:
        assert session.exec(select(Deal)).all() == []


def test_closing_twice_changes_nothing_the_second_time(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    for user in world.make_users(3):
        deals.join_deal(world.ctx(stripe_gateway), user, deal_id, 1, TEST_CARDS["success"])
    when = after_deadline(world, deal_id)
    first = deals.close_deal(world.ctx(stripe_gateway, now=when), deal_id)
    version = world.deal(deal_id).version
    assert first is not None and first.unit_price == 8000
    assert deals.close_deal(world.ctx(stripe_gateway, now=when), deal_id) is None
    assert deals.close_overdue_deals(world.ctx(stripe_gateway, now=when)) == []
    assert world.deal(deal_id).version == version
    assert len(world.orders(deal_id)) == 3
    assert len(world.events(deal_id, "deal.closed")) == 1


def test_scheduler_closes_only_overdue_deals(world: World) -> None:
    gateway = FakeGateway()
    soon = open_deal(world, deadline=NOW + timedelta(minutes=30))
    later = open_deal(world, deadline=NOW + timedelta(days=1))
    when = NOW + timedelta(hours=1)
    reports = deals.close_overdue_deals(world.ctx(gateway, now=when))
    assert [r.deal_id for r in reports] == [soon]
    assert world.deal(soon).status == "failed"
    assert world.deal(later).status == "open"


def test_a_filled_team_pays_the_team_price(world: World, stripe_gateway: StripeGateway) -> None:
    deal_id = open_deal(world, min_to_unlock=2, team_size=2, team_price=7000)
    lead, friend = world.make_users(2)
    started = deals.start_team(world.ctx(stripe_gateway), lead, deal_id, 1, TEST_CARDS["success"])
    assert started.team_id is not None
    deals.join_team(world.ctx(stripe_gateway), friend, started.team_id, 1, TEST_CARDS["success"])
    with world.session() as session:
        team = session.get(Team, started.team_id)
        assert team is not None and (team.status, team.members) == ("filled", 2)
    (late,) = world.make_users(1)
    with pytest.raises(JoinError) as caught:
        deals.join_team(world.ctx(stripe_gateway), late, started.team_id, 1, TEST_CARDS["success"])
    assert caught.value.code == "team_full"
    deals.close_deal(world.ctx(stripe_gateway, now=after_deadline(world, deal_id)), deal_id)
    assert {o.amount for o in world.orders(deal_id)} == {7000}  # tier price would be 10000


def test_long_deal_saves_the_card_and_charges_it_at_close(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world, min_to_unlock=1, deadline=NOW + timedelta(days=6))
    assert world.deal(deal_id).payment_mode == "saved_card"
    (ada,) = world.make_users(1)
    joined = deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, TEST_CARDS["success"])
    assert joined.status == "held" and (joined.intent_id or "").startswith("seti_")
    report = deals.close_deal(
        world.ctx(stripe_gateway, now=after_deadline(world, deal_id)), deal_id
    )
    assert report is not None and report.captured == [ada]
    (order,) = world.orders(deal_id)
    assert order.amount == 10000
    assert stripe_gateway.retrieve(order.intent_id or "").amount_captured == 10000


# --------------------------------------------------------------------------- webhooks


def _webhook_script(prefix: str, parts: list[Participation]) -> list[dict[str, Any]]:
    """The provider's story for three shoppers who all started with 3-D Secure: the first
    finished it (hold), the second failed it, the third was held then cancelled."""

    def event(n: int, kind: str, part: Participation, **obj: Any) -> dict[str, Any]:
        body = {
            "id": part.intent_id,
            "object": "payment_intent",
            "amount": 10000,
            "metadata": {"participation_id": str(part.id), "deal_id": str(part.deal_id)},
            **obj,
        }
        return {"id": f"evt_{prefix}_{n}", "type": kind, "data": {"object": body}}

    a, b, c = parts
    return [
        event(1, "payment_intent.requires_action", a, status="requires_action"),
        event(2, "payment_intent.amount_capturable_updated", a, amount_capturable=10000),
        event(3, "payment_intent.requires_action", b, status="requires_action"),
        event(4, "payment_intent.payment_failed", b, status="requires_payment_method"),
        event(5, "payment_intent.amount_capturable_updated", c, amount_capturable=10000),
        event(6, "payment_intent.canceled", c, status="canceled"),
    ]


def _state(world: World, deal_id: int) -> tuple[Any, ...]:
    parts = world.participations(deal_id)
    return (
        world.deal(deal_id).participants,
        [(p.status, p.authorized_amount, p.captured_amount) for p in parts],
        len(world.orders(deal_id)),
    )


def test_webhooks_delivered_three_times_in_any_order_end_in_the_same_state(
    world: World,
) -> None:
    gateway = FakeGateway()
    finals = []
    for run, shuffled in (("ordered", False), ("shuffled", True)):
        deal_id = open_deal(world)
        for user in world.make_users(3):
            deals.join_deal(world.ctx(gateway), user, deal_id, 1, "pm_3ds")
        script = _webhook_script(run, world.participations(deal_id))
        deliveries = script if not shuffled else script * 3
        if shuffled:
            random.Random(7).shuffle(deliveries)
        applied = [deals.handle_webhook_event(world.ctx(gateway), e) for e in deliveries]
        if not shuffled:
            assert all(applied[i] for i in (1, 3, 4, 5))
        finals.append(_state(world, deal_id))
    assert finals[0] == finals[1]
    assert finals[0][0] == 1
    assert [s for s, *_ in finals[0][1]] == ["held", "failed", "released"]


def test_a_hold_that_arrives_after_leaving_is_released(world: World) -> None:
    gateway = FakeGateway()
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    joined = deals.join_deal(world.ctx(gateway), ada, deal_id, 1, "pm_3ds")
    deals.leave_deal(world.ctx(gateway), ada, deal_id)
    gateway._set(joined.intent_id or "", status=PaymentStatus.REQUIRES_CAPTURE)
    (part,) = world.participations(deal_id)
    late = {
        "id": "evt_late",
        "type": "payment_intent.amount_capturable_updated",
        "data": {
            "object": {
                "id": joined.intent_id,
                "amount": 10000,
                "metadata": {"participation_id": str(part.id)},
            }
        },
    }
    deals.handle_webhook_event(world.ctx(gateway), late)
    assert gateway.retrieve(joined.intent_id or "").status is PaymentStatus.CANCELED
    assert world.participations(deal_id)[0].status == "left"
    assert world.deal(deal_id).participants == 0
