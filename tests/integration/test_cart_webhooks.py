"""Stripe webhooks reconcile cart payments on SQLite and PostgreSQL, against the local Stripe
server: delivered three times in a random order they end where one ordered delivery ends; a
webhook for a payment we do not know is acknowledged and recorded, never applied."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import random
from typing import Any

import stripe
from sqlmodel import select

from app.adapters.db.models_deals import ProcessedWebhookEvent
from app.adapters.db.models_orders import PaymentShare
from app.adapters.payments.sandbox import LocalSandbox
from app.adapters.payments.stripe_gateway import LOCAL_SECRET_KEY, StripeGateway
from app.domain.carts import SplitMode
from app.services import carts, checkout, deals
from tests.integration.checkout_world import Store, store  # noqa: F401
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401


def split_order(store: Store, run: str) -> tuple[int, int, int, int]:
    """Alice and Bob's split order, both started with 3-D Secure and not answered yet:
    (order id, alice, bob, mug product id)."""
    alice, bob = store.user(f"Alice {run}"), store.user(f"Bob {run}")
    mug = store.product(f"Mug {run}", price=1800, stock=5)
    lamp = store.product(f"Lamp {run}", price=4500, stock=3)
    cart = store.do(carts.create_shared_cart, alice, "Trip", split_mode=SplitMode.EACH_PAYS_OWN)
    store.do(carts.join_by_code, bob, store.view(cart, alice).invite_code)
    store.do(carts.add_item, cart, bob, mug, 2)
    store.do(carts.add_item, cart, alice, lamp, 1)
    order_id = checkout.start_checkout(store.ctx(), alice, cart)
    for who in (alice, bob):
        assert store.pay(who, order_id, "3ds").share_status == "needs_action"
    return order_id, alice, bob, mug


def share_rows(store: Store, order_id: int) -> list[PaymentShare]:
    with store.session() as session:
        return list(
            session.exec(
                select(PaymentShare)
                .where(PaymentShare.order_id == order_id)
                .order_by(PaymentShare.id)  # type: ignore[arg-type]
            ).all()
        )


def script(run: str, shares: list[PaymentShare]) -> list[dict[str, Any]]:
    """The provider's story: Alice passed her bank's check and paid, Bob failed his, so the
    order fails and Alice's money goes back (and Stripe says it was refunded)."""

    def event(n: int, kind: str, share: PaymentShare, **obj: Any) -> dict[str, Any]:
        body = {
            "id": share.intent_id,
            "object": "payment_intent",
            "amount": share.amount,
            "metadata": {"share_id": str(share.id), "order_id": str(share.order_id)},
            **obj,
        }
        return {"id": f"evt_cart_{run}_{n}", "type": kind, "data": {"object": body}}

    alice, bob = shares
    refunded = {
        "id": f"evt_cart_{run}_5",
        "type": "charge.refunded",
        "data": {
            "object": {
                "id": f"ch_{run}",
                "object": "charge",
                "payment_intent": alice.intent_id,
                "amount_refunded": alice.amount,
            }
        },
    }
    return [
        event(1, "payment_intent.requires_action", alice, status="requires_action"),
        event(2, "payment_intent.succeeded", alice, status="succeeded", amount_received=4500),
        event(3, "payment_intent.requires_action", bob, status="requires_action"),
        event(4, "payment_intent.payment_failed", bob, status="requires_payment_method"),
        refunded,
    ]


def end_state(store: Store, order_id: int, mug: int) -> tuple[Any, ...]:
    client = stripe.StripeClient(LOCAL_SECRET_KEY, base_addresses={"api": store.localstripe})
    shares = share_rows(store, order_id)
    refunds = client.v1.refunds.list({"limit": 100}).data
    per_intent = [sum(1 for r in refunds if r["payment_intent"] == s.intent_id) for s in shares]
    return (
        store.order(order_id).status,
        [s.status for s in shares],
        per_intent,
        store.stock(mug),
        store.reservations(order_id)[0][2],
    )


def test_cart_webhooks_three_times_in_any_order_end_as_one_ordered_delivery(
    store: Store, stripe_gateway: StripeGateway
) -> None:
    sandbox = LocalSandbox(stripe_gateway)
    finals = []
    for run, shuffled in (("ordered", False), ("shuffled", True)):
        order_id, _alice, _bob, mug = split_order(store, run)
        alice_share, bob_share = share_rows(store, order_id)
        # The banks answer at Stripe; only the webhooks tell the app.
        sandbox.answer_bank_check(alice_share.intent_id or "", approve=True)
        sandbox.answer_bank_check(bob_share.intent_id or "", approve=False)
        deliveries = script(run, [alice_share, bob_share])
        if shuffled:
            deliveries = deliveries * 3
            random.Random(12).shuffle(deliveries)
        for delivery in deliveries:
            deals.handle_webhook_event(store.ctx(), delivery)
        # A delivery that raced a refund is finished by the retry job, as in production.
        checkout.expire_checkouts(store.ctx())
        finals.append(end_state(store, order_id, mug))
    assert finals[0] == finals[1]
    status, shares, refunds, stock, reservation = finals[0]
    assert (status, shares, reservation) == ("failed", ["refunded", "failed"], "released")
    assert refunds == [1, 0] and stock == 5  # Alice's money back once; Bob was never charged


def test_each_cart_payment_event_moves_the_share(store: Store) -> None:
    order_id, alice, bob, _mug = split_order(store, "single")
    alice_share, bob_share = share_rows(store, order_id)
    events = script("single", [alice_share, bob_share])
    assert deals.handle_webhook_event(store.ctx(), events[1]) is True  # succeeded: paid
    assert store.shares(order_id) == {alice: "paid", bob: "needs_action"}
    assert store.order(order_id).status == "pending"  # Bob still has to pay
    assert deals.handle_webhook_event(store.ctx(), events[1]) is False  # the same event again
    assert store.shares(order_id)[alice] == "paid"


def test_a_webhook_for_an_unknown_payment_is_recorded_and_never_applied(store: Store) -> None:
    order_id, alice, bob, _mug = split_order(store, "unknown")
    before = store.shares(order_id)
    stranger = {
        "id": "evt_unknown_1",
        "type": "payment_intent.succeeded",
        "data": {
            "object": {
                "id": "pi_not_ours",
                "object": "payment_intent",
                "amount": 4500,
                "metadata": {"share_id": "999999"},
            }
        },
    }
    assert deals.handle_webhook_event(store.ctx(), stranger) is False
    assert deals.handle_webhook_event(store.ctx(), stranger) is False
    assert store.shares(order_id) == before
    with store.session() as session:
        recorded = session.get(ProcessedWebhookEvent, "evt_unknown_1")
    assert recorded is not None
    assert (recorded.kind, recorded.outcome) == ("payment_intent.succeeded", "unknown_payment")
