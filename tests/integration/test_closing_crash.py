"""The deal-closing job killed at the moment of closing (a real process, SIGKILL right after the
payment provider captured a hold and before the shop wrote it down): the next run resumes, and
every hold ends captured or released exactly once, as the local Stripe server sees it."""

# ruff: noqa: F811 - fixtures imported into the module

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest

from app.adapters.payments.gateway import PaymentStatus
from app.adapters.payments.stripe_gateway import TEST_CARDS, StripeGateway
from app.cli import migrate
from app.config import PROJECT_ROOT
from app.domain.group_buy import DealStatus, PriceTier
from app.services import deals
from app.services.deals.closing import CLOSE_LEASE
from tests.integration.deal_world import World, after_deadline, make_world, open_deal
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401


@pytest.fixture
def world(postgres_url: str) -> Iterator[World]:
    migrate(postgres_url)
    yield from make_world(postgres_url)


def _charges(gateway: StripeGateway, intent_id: str) -> list[dict]:
    """The provider's own record of money taken for one hold."""
    found = gateway.client_v1.charges.list({"limit": 100})
    charges = [c.to_dict() for c in found.data]
    return [c for c in charges if c.get("payment_intent") == intent_id and c.get("captured")]


def test_a_closing_killed_mid_capture_resumes_and_settles_each_hold_once(
    world: World, stripe_gateway: StripeGateway, localstripe_url: str
) -> None:
    deal_id = open_deal(world, min_to_unlock=3, tiers=(PriceTier(1, 10000), PriceTier(4, 9000)))
    shoppers = world.make_users(5)
    holds = {
        user: deals.join_deal(world.ctx(stripe_gateway), user, deal_id, 1, TEST_CARDS["success"])
        for user in shoppers
    }
    leaver = shoppers[-1]
    deals.leave_deal(world.ctx(stripe_gateway), leaver, deal_id)  # released before closing
    closing_time = after_deadline(world, deal_id)

    crashed = subprocess.run(
        [sys.executable, "-m", "tests.support.closing_crash", world.engine.url.render_as_string(
            hide_password=False), localstripe_url, str(deal_id), closing_time.isoformat(),
         "--die-after", "2"],
        cwd=PROJECT_ROOT, capture_output=True, timeout=120,
    )  # fmt: skip
    assert crashed.returncode == -9, crashed.stderr.decode()[-2000:]
    # Killed half-way: the deal is claimed, two holds are taken at the provider, the second of
    # them not yet written down here.
    assert world.deal(deal_id).status == DealStatus.CLOSING
    taken = [u for u in shoppers[:-1] if _charges(stripe_gateway, holds[u].intent_id or "")]
    assert len(taken) == 2
    recorded = [p.user_id for p in world.participations(deal_id) if p.status == "captured"]
    assert len(recorded) == 1

    # Within the lease nobody else touches it; after the lease the next run resumes.
    soon = closing_time + timedelta(minutes=1)
    assert deals.close_overdue_deals(world.ctx(stripe_gateway, now=soon)) == []
    later = closing_time + CLOSE_LEASE + timedelta(seconds=1)
    reports = deals.close_overdue_deals(world.ctx(stripe_gateway, now=later))
    assert [r.deal_id for r in reports] == [deal_id] and reports[0].complete
    assert deals.close_overdue_deals(world.ctx(stripe_gateway, now=later)) == []  # once

    # The provider: each staying shopper's hold captured once at the final price (4 shoppers:
    # 9000), the leaver's released, never charged.
    for user in shoppers[:-1]:
        intent = stripe_gateway.retrieve(holds[user].intent_id or "")
        assert intent.status is PaymentStatus.SUCCEEDED and intent.amount_captured == 9000
        assert len(_charges(stripe_gateway, holds[user].intent_id or "")) == 1
    released = stripe_gateway.retrieve(holds[leaver].intent_id or "")
    assert released.status is PaymentStatus.CANCELED
    assert not _charges(stripe_gateway, holds[leaver].intent_id or "")
    # The shop: one order per captured shopper, one "closed" record, the deal succeeded.
    assert world.deal(deal_id).status == DealStatus.SUCCEEDED
    assert sorted(o.user_id for o in world.orders(deal_id)) == sorted(shoppers[:-1])
    assert {p.user_id: p.status for p in world.participations(deal_id)} == {
        **{u: "captured" for u in shoppers[:-1]},
        leaver: "left",
    }
