"""Order pages and refunds on SQLite and PostgreSQL, through the local Stripe server: one
member's share of a split order is refunded without touching the others'; a stranger, a second
request, more than was paid and a non-admin are refused and change nothing."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

from typing import Any

import pytest
import stripe
from sqlmodel import select

from app.adapters.db.models_orders import RefundRequest
from app.adapters.db.models_people import User
from app.adapters.payments.sandbox import LocalSandbox
from app.adapters.payments.stripe_gateway import LOCAL_SECRET_KEY, StripeGateway
from app.domain.payments import SandboxCard
from app.domain.refunds import RefundRefusal
from app.services import checkout, deals, orders
from app.services.console import audit
from app.services.orders import RefundError
from tests.integration.checkout_world import (  # noqa: F401
    Party,
    Store,
    split,
    store,
)
from tests.integration.deal_world import (  # noqa: F401
    World,
    after_deadline,
    open_deal,
    world,
)
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401


def paid_split_order(p: Party) -> str:
    order_id = checkout.start_checkout(p.store.ctx(), p.alice, p.cart)
    p.store.pay(p.alice, order_id)
    assert p.store.pay(p.bob, order_id).order_status == "complete"
    return f"order-{order_id}"


def admin(store: Store) -> int:
    user_id = store.user("Shop Admin")
    with store.session() as session:
        user = session.get(User, user_id)
        assert user is not None
        user.role = "admin"
        session.add(user)
        session.commit()
    return user_id


def refunds_at_stripe(store: Store) -> list[dict[str, Any]]:
    client = stripe.StripeClient(LOCAL_SECRET_KEY, base_addresses={"api": store.localstripe})
    return [r.to_dict() for r in client.v1.refunds.list({"limit": 100}).data]


def requests(store: Store) -> list[RefundRequest]:
    with store.session() as session:
        return list(session.exec(select(RefundRequest)).all())


def refused(step: Any, *args: Any, **kwargs: Any) -> RefundRefusal:
    with pytest.raises(RefundError) as caught:
        step(*args, **kwargs)
    assert caught.value.message == caught.value.refusal.message or caught.value.message
    return caught.value.refusal


def payments(page: orders.OrderPage | None) -> dict[str, tuple[str, str]]:
    assert page is not None
    return {p.name: (p.money_state, p.money_message) for p in page.payments}


def test_one_members_share_of_a_split_order_is_refunded_alone(split: Party) -> None:
    p, store = split, split.store
    key = paid_split_order(p)
    boss = admin(store)

    page = orders.order_page(store.ctx(), p.bob, key)
    assert page is not None
    assert [(ln.title, ln.payer) for ln in page.lines] == [
        ("Harbor Mug", "Bob"),
        ("Desk Lamp", "Alice"),
    ]
    assert payments(page) == {
        "Alice": ("captured", "You paid $45.00."),
        "Bob": ("captured", "You paid $36.00."),
    }

    done = orders.request_refund(store.ctx(), p.bob, key, None, "  The mugs arrived broken ")
    assert done.status == "requested"
    assert payments(orders.public_order_page(store.ctx(), key))["Bob"] == (
        "refund_requested",
        "You asked for $36.00 back. The shop will look at it soon.",
    )
    assert [r.reason for r in requests(store)] == ["The mugs arrived broken"]

    approved = orders.approve_refund(store.ctx(), boss, done.request_id)
    assert approved.status == "refunded"
    at_stripe = refunds_at_stripe(store)
    assert [(r["amount"], r["status"]) for r in at_stripe] == [(3600, "succeeded")]
    [bob_share] = [s for s in requests(store)]
    assert at_stripe[0]["payment_intent"] == bob_share.intent_id
    after = payments(orders.public_order_page(store.ctx(), key))
    assert after["Bob"][0] == "refunded" and after["Bob"][1].startswith("$36.00 was refunded")
    assert after["Alice"] == ("captured", "You paid $45.00.")  # untouched
    # Every step was news for the order's page, so it redraws live for its viewers.
    kinds = [e.kind for e in store.bus.events if e.aggregate == "order"]
    assert kinds == ["order.refund_requested", "order.refund_approved", "order.refunded"]

    assert [a.action for a in audit.audit_log(store.ctx(), boss)] == ["refund.approve"]

    # Approving again refunds nothing more.
    assert refused(orders.approve_refund, store.ctx(), boss, done.request_id) is (
        RefundRefusal.ALREADY_DECIDED
    )
    assert len(refunds_at_stripe(store)) == 1


def test_bad_refund_requests_are_refused_and_change_nothing(split: Party) -> None:
    p, store = split, split.store
    key = paid_split_order(p)
    mallory = store.user("Mallory")

    # A stranger cannot ask, nor even see the order.
    assert refused(orders.request_refund, store.ctx(), mallory, key) is RefundRefusal.NOT_THE_PAYER
    assert orders.order_page(store.ctx(), mallory, key) is None
    # More than was paid, nothing at all, an order that does not exist.
    assert refused(orders.request_refund, store.ctx(), p.bob, key, 3601) is RefundRefusal.TOO_MUCH
    assert refused(orders.request_refund, store.ctx(), p.bob, key, 0) is RefundRefusal.NOT_POSITIVE
    assert refused(orders.request_refund, store.ctx(), p.bob, "order-x") is RefundRefusal.NOT_FOUND
    assert requests(store) == []

    # Part of a share may come back; asking a second time is refused.
    done = orders.request_refund(store.ctx(), p.bob, key, 1000)
    assert refused(orders.request_refund, store.ctx(), p.bob, key, 500) is (
        RefundRefusal.ALREADY_REQUESTED
    )
    # Only an admin decides.
    assert refused(orders.approve_refund, store.ctx(), p.alice, done.request_id) is (
        RefundRefusal.ADMIN_ONLY
    )
    assert [r.status for r in requests(store)] == ["requested"]
    assert refunds_at_stripe(store) == []

    orders.approve_refund(store.ctx(), admin(store), done.request_id)
    bob = payments(orders.public_order_page(store.ctx(), key))["Bob"]
    assert bob == (
        "partly_refunded",
        "$10.00 of the $36.00 you paid was refunded to your card. "
        "Banks take 5 to 10 days to show it.",
    )


def test_an_admin_declines_and_the_shopper_sees_it(split: Party) -> None:
    p, store = split, split.store
    key = paid_split_order(p)
    done = orders.request_refund(store.ctx(), p.alice, key)
    boss = admin(store)
    queue = orders.refund_queue(store.ctx(), boss)
    assert [(r.order_key, r.requester, r.amount, r.decidable) for r in queue] == [
        (key, "Alice", "$45.00", True)
    ]
    assert refused(orders.refund_queue, store.ctx(), p.alice) is RefundRefusal.ADMIN_ONLY
    assert orders.reject_refund(store.ctx(), boss, done.request_id).status == "rejected"
    page = orders.order_page(store.ctx(), p.alice, key)
    assert page is not None
    alice = next(x for x in page.payments if x.name == "Alice")
    assert (alice.money_state, alice.refund_label, alice.refundable) == (
        "captured",
        "Refund declined by the shop",
        False,
    )
    assert refunds_at_stripe(store) == []
    # The decision is in the console's audit log, as every console action is.
    assert [(a.action, a.target) for a in audit.audit_log(store.ctx(), boss)] == [
        ("refund.decline", f"order {key}")
    ]


def test_a_group_buy_order_page_shows_the_price_history_and_refunds_part(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world, min_to_unlock=1)
    ada, bo, boss = world.make_users(3)
    with world.session() as session:
        admin_user = session.get(User, boss)
        assert admin_user is not None
        admin_user.role = "admin"
        session.add(admin_user)
        session.commit()
    ctx = world.ctx(stripe_gateway)
    sandbox = LocalSandbox(stripe_gateway)
    deals.join_deal(ctx, ada, deal_id, 1, sandbox.payment_method(SandboxCard.SUCCESS))
    deals.close_deal(world.ctx(stripe_gateway, now=after_deadline(world, deal_id)), deal_id)
    (order,) = world.orders(deal_id)
    key = f"deal-order-{order.id}"

    page = orders.order_page(ctx, ada, key)
    assert page is not None and page.kind == "deal" and page.deal_id == deal_id
    assert page.price_history == []  # one shopper: the price never left the first tier
    assert orders.order_page(ctx, bo, key) is None
    assert refused(orders.request_refund, ctx, bo, key) is RefundRefusal.NOT_THE_PAYER
    assert refused(orders.request_refund, ctx, ada, key, 10001) is RefundRefusal.TOO_MUCH

    done = orders.request_refund(ctx, ada, key, 2500)
    assert orders.approve_refund(ctx, boss, done.request_id).status == "refunded"
    refunds = stripe_gateway.client_v1.refunds.list({"limit": 100}).data
    assert [(r["amount"], r["payment_intent"]) for r in refunds] == [(2500, order.intent_id)]
    page = orders.public_order_page(ctx, key)
    assert page is not None
    (mine,) = page.payments
    assert (mine.money_state, mine.refund_label) == ("partly_refunded", "Refunded")
