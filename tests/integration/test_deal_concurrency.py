"""A burst of shoppers racing for the last seats never oversells a deal (SQLite and PostgreSQL)."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func
from sqlmodel import select

from app.adapters.db.models_deals import Participation
from app.adapters.payments.gateway import PaymentGateway, PaymentStatus
from app.adapters.payments.stripe_gateway import TEST_CARDS, StripeGateway
from app.domain.group_buy import PriceTier
from app.services import deals
from app.services.deals import JoinError
from tests.integration.deal_world import (
    FakeGateway,
    World,
    open_deal,
    world,  # noqa: F401 - the fixture
)
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401


def burst(
    world: World, gateway: PaymentGateway, attempts: int, cap: int, card: str
) -> tuple[int, list[str], int]:
    deal_id = open_deal(
        world,
        max_participants=cap,
        min_to_unlock=min(5, cap),
        tiers=(PriceTier(1, 10000), PriceTier(min(5, cap), 7000)),
    )
    shoppers = world.make_users(attempts)
    start = threading.Barrier(attempts)
    refusals: list[str] = []

    def join(user_id: int) -> str | None:
        start.wait()
        try:
            return deals.join_deal(world.ctx(gateway), user_id, deal_id, 1, card).intent_id
        except JoinError as error:
            refusals.append(error.message)
            return None

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        intents = [i for i in pool.map(join, shoppers) if i]
    assert len(set(intents)) == len(intents)
    return deal_id, refusals, len(intents)


def assert_never_oversold(world: World, deal_id: int, cap: int) -> None:
    parts = world.participations(deal_id)
    held = [p for p in parts if p.status == "held"]
    assert len(held) == cap
    assert world.deal(deal_id).participants == cap
    assert len({p.user_id for p in parts}) == len(parts)  # one row per shopper
    assert len({p.intent_id for p in held}) == cap
    with world.session() as session:
        per_user = session.exec(
            select(Participation.user_id, func.count())
            .where(Participation.deal_id == deal_id)
            .group_by(Participation.user_id)
            .having(func.count() > 1)
        ).all()
    assert per_user == []
    joined = world.events(deal_id, "deal.joined")
    assert len(joined) == cap
    assert max(e.payload["participants"] for e in joined) == cap


def test_200_shoppers_racing_for_50_seats_fill_exactly_50(world: World) -> None:
    gateway = FakeGateway()
    deal_id, refusals, placed = burst(world, gateway, attempts=200, cap=50, card="pm_card_visa")
    assert placed == 50
    assert len(refusals) == 150
    assert set(refusals) == {"This deal is full."}
    assert gateway.authorize_calls == 50  # nobody refused was ever charged
    assert_never_oversold(world, deal_id, 50)
    assert len(world.events(deal_id, "deal.unlocked")) == 1


def test_40_shoppers_racing_for_10_seats_through_localstripe(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id, refusals, placed = burst(
        world, stripe_gateway, attempts=40, cap=10, card=TEST_CARDS["success"]
    )
    assert placed == 10 and len(refusals) == 30
    assert_never_oversold(world, deal_id, 10)
    for part in world.participations(deal_id):
        if part.status == "held":
            held = stripe_gateway.retrieve(part.intent_id or "")
            assert held.status is PaymentStatus.REQUIRES_CAPTURE
            # Each hold is the price of the tier reached with that shopper in.
            assert held.amount_capturable == part.authorized_amount
            assert held.amount_capturable in (10000, 7000)
