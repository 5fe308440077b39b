"""The deal-closing job: after a restart, every process runs it at once, and still each overdue
deal is closed exactly once (SQLite and PostgreSQL, paying through a real localstripe)."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col

from app.adapters.db.models_deals import Deal
from app.adapters.payments.gateway import PaymentStatus
from app.adapters.payments.stripe_gateway import TEST_CARDS, StripeGateway
from app.domain.clock import utcnow
from app.services import deadlines, deals
from tests.integration.deal_world import (
    World,
    open_deal,
    world,  # noqa: F401 - the fixture
)
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401


def fall_due_while_the_app_was_down(world: World, *deal_ids: int) -> None:
    with world.session() as session:
        session.exec(
            update(Deal)
            .where(col(Deal.id).in_(deal_ids))
            .values(deadline=utcnow() - timedelta(minutes=1))
        )
        session.commit()


def test_two_processes_starting_at_once_close_each_overdue_deal_once(
    world: World, stripe_gateway: StripeGateway
) -> None:
    unlocked = open_deal(world, min_to_unlock=2)
    missed = open_deal(world, min_to_unlock=3)
    running = open_deal(world, min_to_unlock=2)
    shoppers = world.make_users(4)
    intents: dict[int, list[str]] = {unlocked: [], missed: [], running: []}
    for deal_id, people in (
        (unlocked, shoppers[:3]),
        (missed, shoppers[:2]),
        (running, shoppers[:1]),
    ):
        for user in people:
            joined = deals.join_deal(
                world.ctx(stripe_gateway), user, deal_id, 1, TEST_CARDS["success"]
            )
            intents[deal_id].append(joined.intent_id or "")
    fall_due_while_the_app_was_down(world, unlocked, missed)

    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def process_start_up() -> None:
        start.wait()
        try:
            deals.close_due_deals(world.ctx(stripe_gateway))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=process_start_up) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []

    assert world.deal(unlocked).status == "succeeded"
    assert world.deal(missed).status == "failed"
    assert world.deal(running).status == "open"
    for deal_id in (unlocked, missed):
        assert len(world.events(deal_id, "deal.closed")) == 1
    orders = world.orders(unlocked)
    assert len(orders) == 3 and len({o.participation_id for o in orders}) == 3
    for intent in intents[unlocked]:
        captured = stripe_gateway.retrieve(intent)
        assert (captured.status, captured.amount_captured) == (PaymentStatus.SUCCEEDED, 8000)
    for intent in intents[missed]:
        assert stripe_gateway.retrieve(intent).status is PaymentStatus.CANCELED
    assert stripe_gateway.retrieve(intents[running][0]).status is PaymentStatus.REQUIRES_CAPTURE

    # The next tick (and every one after) finds nothing to do.
    versions = {d: world.deal(d).version for d in (unlocked, missed)}
    deals.close_due_deals(world.ctx(stripe_gateway))
    assert {d: world.deal(d).version for d in (unlocked, missed)} == versions


def test_the_scheduler_runs_the_deal_job() -> None:
    assert deals.close_due_deals in deadlines.DUE_WORK
