"""Friends' carts toward a deal (SQLite and PostgreSQL, holds on the local Stripe server): a
shared cart's lines for a product with an open deal count toward its tier only once the members
who added them have placed their holds, so two friends unlock a price together from one cart."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from sqlmodel import select

from app.adapters.db.models_carts import Cart, CartLine
from app.adapters.payments.gateway import PaymentStatus
from app.adapters.payments.stripe_gateway import StripeGateway
from app.domain.group_buy import PriceTier
from app.services import carts, deals
from app.services.deals import JoinError
from tests.integration.deal_world import (
    World,
    after_deadline,
    open_deal,
    world,  # noqa: F401 - the fixture
)
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401

CARD, DECLINED = "pm_card_visa", "pm_card_chargeCustomerFail"


def _cart_of_friends(world: World) -> tuple[int, int, int, int]:
    ana, ben, cy = world.make_users(3)
    cart_id = carts.start_shared_cart(world.ctx(), ana, "Kitchen upgrade")
    with world.session() as session:
        code = session.exec(select(Cart.invite_code).where(Cart.id == cart_id)).one()
    carts.join_cart(world.ctx(), ben, code or "")
    carts.join_cart(world.ctx(), cy, code or "")
    for friend in (ana, ben):
        carts.add_to_cart(world.ctx(), friend, cart_id, world.product_id, 1)
    return cart_id, ana, ben, cy


def test_cart_lines_count_toward_the_tier_once_their_holds_are_placed(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world, min_to_unlock=2, tiers=(PriceTier(1, 10000), PriceTier(2, 8000)))
    cart_id, ana, ben, cy = _cart_of_friends(world)
    ctx = world.ctx(stripe_gateway)

    (before,) = deals.cart_panel(ctx, cy, cart_id).entries()
    assert (before.deal_id, before.joined, before.from_this_cart) == (deal_id, 0, 0)
    assert [m.label for m in before.members] == ["Not in the deal yet"] * 2
    stranger = world.make_users(1)[0]
    assert deals.cart_panel(ctx, stranger, cart_id).entries() == []  # strangers see nothing

    with pytest.raises(JoinError) as refused:  # Cy added nothing of it: nothing to hold
        deals.hold_cart_lines_for_deal(ctx, cy, cart_id, deal_id, CARD)
    assert refused.value.code == "no_line"
    with pytest.raises(JoinError) as declined:  # a declined card changes nothing in the cart
        deals.hold_cart_lines_for_deal(ctx, ana, cart_id, deal_id, DECLINED)
    assert declined.value.code == "card_declined"
    assert len(_lines(world, cart_id)) == 2

    first = deals.hold_cart_lines_for_deal(ctx, ana, cart_id, deal_id, CARD)
    assert first.hold_amount == 10000
    (half,) = deals.cart_panel(ctx, cy, cart_id).entries()
    assert (half.joined, half.from_this_cart, half.price_now) == (1, 1, "$100.00")
    second = deals.hold_cart_lines_for_deal(ctx, ben, cart_id, deal_id, CARD)
    (both,) = deals.cart_panel(ctx, cy, cart_id).entries()
    assert (both.joined, both.from_this_cart, both.price_now) == (2, 2, "$80.00")
    assert {m.label for m in both.members} == {"Hold placed: counts toward the price"}
    assert _lines(world, cart_id) == []  # moved to the deal: the cart never charges them again

    deals.close_deal(world.ctx(stripe_gateway, now=after_deadline(world, deal_id)), deal_id)
    assert sorted(o.amount for o in world.orders(deal_id)) == [8000, 8000]
    for hold in (first, second):
        assert stripe_gateway.retrieve(hold.intent_id or "").status is PaymentStatus.SUCCEEDED


def test_a_locked_cart_keeps_its_lines_out_of_the_deal(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world, min_to_unlock=2)
    cart_id, ana, _, _ = _cart_of_friends(world)
    carts.lock_cart(world.ctx(), ana, cart_id)
    with pytest.raises(JoinError) as refused:
        deals.hold_cart_lines_for_deal(world.ctx(stripe_gateway), ana, cart_id, deal_id, CARD)
    assert refused.value.code == "locked"
    assert world.participations(deal_id) == [] and len(_lines(world, cart_id)) == 2


def _lines(world: World, cart_id: int) -> list[CartLine]:
    with world.session() as session:
        return list(session.exec(select(CartLine).where(CartLine.cart_id == cart_id)).all())
