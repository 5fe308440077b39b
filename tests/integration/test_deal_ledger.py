"""Honest counts on SQLite and PostgreSQL, through the local Stripe server: a hold waiting for
the bank is shown apart and never counted; the public ledger lists exactly the count; the unlock
is said at once; a closed deal's ledger is what the closing job counted."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from sqlmodel import select

from app.adapters.db.models_deals import DealPriceChange
from app.adapters.db.models_people import Friendship, User
from app.adapters.payments.sandbox import LocalSandbox
from app.adapters.payments.stripe_gateway import StripeGateway
from app.domain.payments import SandboxCard
from app.services import deals
from tests.integration.deal_world import (  # noqa: F401
    World,
    after_deadline,
    open_deal,
    world,
)
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401


def _card(world: World, deal_id: int) -> deals.DealLedger:
    ledger = deals.deal_ledger(world.ctx(), None, deal_id)
    assert ledger is not None
    return ledger


def test_a_hold_waiting_for_the_bank_is_shown_apart_and_the_ledger_matches(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    ada, bo, cy = world.make_users(3)
    with world.session() as session:
        session.add(Friendship(user_low=min(ada, bo), user_high=max(ada, bo)))
        bo_user = session.get(User, bo)
        assert bo_user is not None
        bo_user.display_name = "Bo Lindqvist"
        session.add(bo_user)
        session.commit()
    sandbox = LocalSandbox(stripe_gateway)
    ctx = world.ctx(stripe_gateway)
    for who in (ada, bo):
        card = sandbox.payment_method(SandboxCard.SUCCESS)
        assert deals.join_deal(ctx, who, deal_id, 1, card).status == "held"
    three_ds = sandbox.payment_method(SandboxCard.THREE_DS)
    assert deals.join_deal(ctx, cy, deal_id, 1, three_ds).status == "needs_action"

    page = deals.public_deal_page(world.ctx(), deal_id)
    assert page is not None
    card_view = page.card
    assert (card_view.participants, card_view.confirming, card_view.status) == (2, 1, "open")
    assert card_view.waiting_text == "1 confirming with their bank"
    assert card_view.still_needed == 1 and card_view.unlocked_text == ""
    assert card_view.current_price == "$100.00"  # the 3-shopper tier is not reached by a wait
    # Everyone watching heard the count stay at 2 while Cy's bank is asked.
    assert [e.payload["participants"] for e in world.events(deal_id, "deal.seat_reserved")][-1] == 2
    assert world.events(deal_id, "deal.unlocked") == []

    # Ada looks at the ledger: herself, her friend Bo by first name and initial; Cy not listed.
    seen_by_ada = deals.deal_ledger(world.ctx(), ada, deal_id)
    assert seen_by_ada is not None
    joined = [e.text for e in seen_by_ada.entries if e.kind == "joined"]
    assert sorted(joined) == ["Bo L. joined", "You joined"]
    assert seen_by_ada.joined == seen_by_ada.card.participants == 2
    stranger = _card(world, deal_id)
    assert [e.text for e in stranger.entries if e.kind == "joined"] == ["A shopper joined"] * 2

    deals.finish_bank_check(world.ctx(stripe_gateway), cy, deal_id, approve=True)
    page = deals.public_deal_page(world.ctx(), deal_id)
    assert page is not None
    assert (page.card.participants, page.card.confirming, page.card.status) == (3, 0, "unlocked")
    assert page.card.unlocked_text.startswith("Unlocked: this deal goes ahead.")
    assert "$80.00 each" in page.card.unlocked_text
    (unlocked,) = world.events(deal_id, "deal.unlocked")
    assert unlocked.payload["participants"] == 3
    ledger = _card(world, deal_id)
    assert ledger.joined == ledger.card.participants == 3
    prices = [e.text for e in ledger.entries if e.kind == "price"]
    assert prices == ["Opened at $100.00 each", "Price now $80.00 each (3 shoppers in)"]
    assert ledger.entries[-1].kind == "price"  # the change follows the join that caused it

    # Closing captures at the final tier; the closed deal's ledger is what closing counted.
    report = deals.close_deal(
        world.ctx(stripe_gateway, now=after_deadline(world, deal_id)), deal_id
    )
    assert report is not None and report.outcome == "capture" and report.unit_price == 8000
    closed = _card(world, deal_id)
    assert closed.card.status == "succeeded"
    assert closed.joined == closed.card.participants == 3


def test_a_bank_that_says_no_never_moves_the_count_or_the_price(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world, min_to_unlock=2)
    ada, cy = world.make_users(2)
    sandbox = LocalSandbox(stripe_gateway)
    ctx = world.ctx(stripe_gateway)
    deals.join_deal(ctx, ada, deal_id, 1, sandbox.payment_method(SandboxCard.SUCCESS))
    deals.join_deal(ctx, cy, deal_id, 1, sandbox.payment_method(SandboxCard.THREE_DS))
    with pytest.raises(deals.JoinError):
        deals.finish_bank_check(world.ctx(stripe_gateway), cy, deal_id, approve=False)
    ledger = _card(world, deal_id)
    assert (ledger.card.participants, ledger.card.confirming, ledger.joined) == (1, 0, 1)
    assert ledger.card.status == "open"
    with world.session() as session:
        assert session.exec(select(DealPriceChange)).all() == []
    # At the deadline the same rule decides: one confirmed hold does not unlock a 2-minimum deal.
    report = deals.close_deal(
        world.ctx(stripe_gateway, now=after_deadline(world, deal_id)), deal_id
    )
    assert report is not None and report.outcome == "release"


def test_the_hold_is_the_join_price_the_page_showed_not_a_bank_waiting_seat(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world, min_to_unlock=5)  # tiers: 1 -> $100, 3 -> $80, 5 -> $60
    ada, bo, cy, dee = world.make_users(4)
    sandbox = LocalSandbox(stripe_gateway)
    ctx = world.ctx(stripe_gateway)
    deals.join_deal(ctx, ada, deal_id, 1, sandbox.payment_method(SandboxCard.SUCCESS))
    deals.join_deal(ctx, bo, deal_id, 1, sandbox.payment_method(SandboxCard.THREE_DS))
    deals.join_deal(ctx, cy, deal_id, 1, sandbox.payment_method(SandboxCard.THREE_DS))
    page = deals.public_deal_page(world.ctx(), deal_id)
    assert page is not None
    # One confirmed, two waiting for their banks: Dee is offered the 2-shopper price.
    assert (page.card.participants, page.card.confirming, page.card.join_price) == (
        1,
        2,
        "$100.00",
    )
    joined = deals.join_deal(ctx, dee, deal_id, 1, sandbox.payment_method(SandboxCard.SUCCESS))
    assert (joined.hold_amount, joined.unit_price_now) == (10000, 10000)
