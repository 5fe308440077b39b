"""Checking out shared and personal carts on SQLite and PostgreSQL, paying through localstripe."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import stripe
from sqlmodel import select

from app.adapters.db.models import Product
from app.adapters.db.models_orders import PaymentShare, ShopOrder, StockReservation
from app.adapters.payments.configured import UnavailableGateway
from app.adapters.payments.sandbox import LocalSandbox
from app.adapters.payments.stripe_gateway import LOCAL_SECRET_KEY, StripeGateway
from app.domain.carts import CartError, SplitMode
from app.domain.checkout import CheckoutError, CheckoutErrorCode
from app.domain.payments import SandboxCard
from app.services import carts, checkout
from app.services.cart_page import cart_room
from app.services.carts import plain
from tests.integration.cart_world import Shop
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401


@dataclass
class Store(Shop):
    """The shop with the local Stripe server behind its payments."""

    localstripe: str = ""

    def stock(self, product_id: int) -> int:
        with self.session() as session:
            product = session.get(Product, product_id)
            assert product is not None
            return product.stock

    def view(self, cart_id: int, viewer: int) -> carts.CartView:
        with self.session() as session:
            return carts.load_cart(session, cart_id, viewer)

    def order(self, order_id: int) -> ShopOrder:
        with self.session() as session:
            order = session.get(ShopOrder, order_id)
            assert order is not None
            return order

    def shares(self, order_id: int) -> dict[int, str]:
        with self.session() as session:
            rows = session.exec(select(PaymentShare).where(PaymentShare.order_id == order_id))
            return {share.user_id: share.status for share in rows}

    def reservations(self, order_id: int) -> list[tuple[int, int, str]]:
        with self.session() as session:
            rows = session.exec(
                select(StockReservation).where(StockReservation.order_id == order_id)
            )
            return sorted((r.product_id, r.quantity, r.status) for r in rows)

    def card(self, kind: str) -> str:
        assert isinstance(self.gateway, StripeGateway)
        return LocalSandbox(self.gateway).payment_method(SandboxCard(kind))

    def intents(self) -> list[dict[str, Any]]:
        client = stripe.StripeClient(LOCAL_SECRET_KEY, base_addresses={"api": self.localstripe})
        return [i.to_dict() for i in client.v1.payment_intents.list({"limit": 100}).data]

    def pay(self, user_id: int, order_id: int, kind: str = "success") -> checkout.PaymentOutcome:
        return checkout.pay_share(self.ctx(), user_id, order_id, self.card(kind))


@pytest.fixture
def store(
    database_url: str, stripe_gateway: StripeGateway, localstripe_url: str
) -> Iterator[Store]:
    with Store.open(database_url, gateway=stripe_gateway, localstripe=localstripe_url) as store:
        yield store


@dataclass
class Party:
    """Alice's shared cart with Bob in it: Bob wants 2 mugs, Alice a lamp."""

    store: Store
    alice: int
    bob: int
    cart: int
    mug: int
    lamp: int


def make_party(store: Store, mode: SplitMode) -> Party:
    alice, bob = store.user("Alice"), store.user("Bob")
    mug = store.product("Harbor Mug", price=1800, stock=5)
    lamp = store.product("Desk Lamp", price=4500, stock=3)
    cart = store.do(carts.create_shared_cart, alice, "Beach weekend", split_mode=mode)
    store.do(carts.join_by_code, bob, store.view(cart, alice).invite_code)
    store.do(carts.add_item, cart, bob, mug, 2)
    store.do(carts.add_item, cart, alice, lamp, 1)
    return Party(store, alice, bob, cart, mug, lamp)


@pytest.fixture
def owner_pays(store: Store) -> Party:
    return make_party(store, SplitMode.OWNER_PAYS)


@pytest.fixture
def split(store: Store) -> Party:
    return make_party(store, SplitMode.EACH_PAYS_OWN)


def comparable(view: carts.CartView) -> tuple[Any, ...]:
    """What a member sees of a cart, without its version and activity feed."""
    return (
        [(ln.title, ln.quantity, ln.added_by, ln.note) for ln in view.lines],
        [(m.name, m.subtotal) for m in view.members],
        view.total,
        view.locked,
        view.locked_reason,
    )


# --------------------------------------------------------------------------- owner pays


def test_owner_pays_for_everything_and_the_order_completes(owner_pays: Party) -> None:
    p, store = owner_pays, owner_pays.store
    order_id = checkout.start_checkout(store.ctx(), p.alice, p.cart)

    # The stock is off the shelf at once and the cart is frozen for everyone.
    assert (store.stock(p.mug), store.stock(p.lamp)) == (3, 2)
    assert store.view(p.cart, p.bob).locked
    with pytest.raises(CartError) as refused:
        store.do(carts.add_item, p.cart, p.bob, p.mug, 1)
    assert "Checkout is in progress" in refused.value.message
    assert store.shares(order_id) == {p.alice: "pending"}

    outcome = store.pay(p.alice, order_id)
    assert outcome.paid and outcome.order_status == "complete"
    order = store.order(order_id)
    assert (order.status, order.total, order.mode) == ("complete", 8100, "owner_pays")
    assert store.reservations(order_id) == [(p.mug, 2, "committed"), (p.lamp, 1, "committed")]
    assert (store.stock(p.mug), store.stock(p.lamp)) == (3, 2)
    # What was bought leaves the cart, which opens again.
    view = store.view(p.cart, p.bob)
    assert view.lines == () and not view.locked
    assert view.activity[0].text == f"Order #{order_id} is paid. Thank you!"
    [intent] = store.intents()
    assert (intent["amount"], intent["status"]) == (8100, "succeeded")
    assert intent["metadata"]["order_id"] == str(order_id)


def test_only_the_owner_starts_checkout_and_only_payers_pay(owner_pays: Party) -> None:
    p, store = owner_pays, owner_pays.store
    with pytest.raises(CheckoutError) as refused:
        checkout.start_checkout(store.ctx(), p.bob, p.cart)
    assert refused.value.code is CheckoutErrorCode.OWNER_ONLY
    stranger = store.user("Mallory")
    with pytest.raises(CheckoutError) as refused:
        checkout.start_checkout(store.ctx(), stranger, p.cart)
    assert refused.value.code is CheckoutErrorCode.NOT_A_MEMBER
    order_id = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    with pytest.raises(CheckoutError) as refused:
        store.pay(p.bob, order_id)  # the owner pays for everything: Bob owes nothing
    assert refused.value.code is CheckoutErrorCode.NOTHING_TO_PAY
    assert store.intents() == []


def test_an_empty_cart_cannot_be_checked_out(store: Store) -> None:
    alice = store.user("Alice")
    cart = store.do(carts.personal_cart, alice)
    with pytest.raises(CheckoutError) as refused:
        checkout.start_checkout(store.ctx(), alice, cart)
    assert refused.value.code is CheckoutErrorCode.EMPTY_CART
    assert not store.view(cart, alice).locked


def test_personal_cart_checkout(store: Store) -> None:
    alice = store.user("Alice")
    mug = store.product("Harbor Mug", price=1800, stock=5)
    cart = store.do(carts.personal_cart, alice)
    store.do(carts.add_item, cart, alice, mug, 3)
    order_id = checkout.start_checkout(store.ctx(), alice, cart)
    assert store.pay(alice, order_id).order_status == "complete"
    assert store.stock(mug) == 2
    [order] = checkout.list_orders(store.ctx(), alice)
    assert (order.number, order.title, order.total, order.status_label) == (
        f"#{order_id}",
        "My cart",
        "$54.00",
        "Complete",
    )
    assert [(ln.title, ln.quantity, ln.line_total) for ln in order.lines] == [
        ("Harbor Mug", 3, "$54.00")
    ]


# --------------------------------------------------------------------------- split


def test_split_order_completes_only_after_every_member_paid(split: Party) -> None:
    p, store = split, split.store
    order_id = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    assert store.shares(order_id) == {p.alice: "pending", p.bob: "pending"}
    with store.session() as session:
        view = checkout.checkout_view(session, p.cart)
    assert view is not None
    assert [(s.name, s.amount, s.status_label) for s in view.shares] == [
        ("Alice", "$45.00", "Waiting to pay"),
        ("Bob", "$36.00", "Waiting to pay"),
    ]

    assert store.pay(p.alice, order_id).order_status == "pending"
    assert store.order(order_id).status == "pending"
    assert store.view(p.cart, p.alice).locked
    assert store.reservations(order_id) == [(p.mug, 2, "held"), (p.lamp, 1, "held")]

    outcome = store.pay(p.bob, order_id)
    assert outcome.paid and outcome.order_status == "complete"
    assert store.reservations(order_id) == [(p.mug, 2, "committed"), (p.lamp, 1, "committed")]
    assert sorted(i["amount"] for i in store.intents()) == [3600, 4500]
    assert store.view(p.cart, p.bob).lines == ()
    bobs = checkout.list_orders(store.ctx(), p.bob)
    assert [(o.number, o.your_share, o.your_share_status) for o in bobs] == [
        (f"#{order_id}", "$36.00", "Paid")
    ]


def test_last_two_payers_at_once_complete_the_order_once(split: Party) -> None:
    p, store = split, split.store
    order_id = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda who: store.pay(who, order_id), [p.alice, p.bob]))
    assert all(o.paid for o in outcomes)
    assert store.order(order_id).status == "complete"
    news = [str(e.payload.get("activity")) for e in store.bus.events]
    completions = [t for t in news if t.startswith(f"Order #{order_id}")]
    assert len(completions) == 1


def test_declined_share_releases_stock_refunds_others_and_leaves_the_cart_as_it_was(
    split: Party,
) -> None:
    p, store = split, split.store
    before = comparable(store.view(p.cart, p.alice))
    order_id = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    store.pay(p.alice, order_id)
    with pytest.raises(CheckoutError) as refused:
        store.pay(p.bob, order_id, "decline")
    assert refused.value.code is CheckoutErrorCode.PAYMENT_FAILED
    assert "declined" in refused.value.message

    assert store.order(order_id).status == "failed"
    assert store.shares(order_id) == {p.alice: "refunded", p.bob: "failed"}
    assert store.reservations(order_id) == [(p.mug, 2, "released"), (p.lamp, 1, "released")]
    assert (store.stock(p.mug), store.stock(p.lamp)) == (5, 3)
    view = store.view(p.cart, p.bob)
    assert comparable(view) == before
    assert view.activity[0].text.startswith("Bob's payment was declined")
    # The cart takes edits again, and a new checkout starts from scratch.
    store.do(carts.add_item, p.cart, p.bob, p.mug, 1)
    assert checkout.start_checkout(store.ctx(), p.alice, p.cart) != order_id


def test_share_timeout_releases_stock_and_refunds_whoever_paid(split: Party) -> None:
    p, store = split, split.store
    order_id = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    store.pay(p.alice, order_id)
    expires = store.order(order_id).expires_at.replace(tzinfo=UTC)
    assert checkout.expire_checkouts(store.ctx(now=expires - timedelta(seconds=1))) == []
    later = expires + timedelta(seconds=1)
    assert checkout.expire_checkouts(store.ctx(now=later)) == [order_id]
    assert checkout.expire_checkouts(store.ctx(now=later)) == []

    assert store.order(order_id).status == "expired"
    assert store.shares(order_id) == {p.alice: "refunded", p.bob: "expired"}
    assert (store.stock(p.mug), store.stock(p.lamp)) == (5, 3)
    assert not store.view(p.cart, p.bob).locked
    with pytest.raises(CheckoutError) as refused:
        store.pay(p.bob, order_id)
    assert refused.value.code is CheckoutErrorCode.ORDER_CLOSED


def test_a_payment_that_lands_after_the_timeout_is_refunded(split: Party) -> None:
    p, store = split, split.store
    order_id = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    expires = store.order(order_id).expires_at.replace(tzinfo=UTC)
    # Bob's page checked the order just before it expired; the job ran while his card was
    # being charged.
    result = store.gateway.charge_now(
        amount=3600,
        currency="usd",
        customer=None,
        payment_method=store.card("success"),
        idempotency_key=f"order-{order_id}-payer-{p.bob}-charge",
    )
    checkout.expire_checkouts(store.ctx(now=expires + timedelta(1)))
    outcome = checkout.paying.record_result(store.ctx(), p.bob, order_id, result, datetime.now(UTC))
    assert "refunded" in outcome.message
    assert store.shares(order_id)[p.bob] == "refunded"


def test_retrying_checkout_and_payment_charges_once(owner_pays: Party) -> None:
    p, store = owner_pays, owner_pays.store
    first = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    assert checkout.start_checkout(store.ctx(), p.alice, p.cart) == first
    assert (store.stock(p.mug), store.stock(p.lamp)) == (3, 2)  # reserved once

    card = store.card("success")
    with ThreadPoolExecutor(3) as pool:
        outcomes = list(
            pool.map(
                lambda _: checkout.pay_share(store.ctx(), p.alice, first, card),
                range(3),
            )
        )
    assert all(o.paid for o in outcomes)
    assert store.pay(p.alice, first).message == "You've already paid your share."
    assert len(store.intents()) == 1
    assert store.order(first).status == "complete"
    assert (store.stock(p.mug), store.stock(p.lamp)) == (3, 2)


def test_not_enough_stock_at_checkout_changes_nothing(owner_pays: Party) -> None:
    p, store = owner_pays, owner_pays.store
    with store.session() as session:
        mug = session.get(Product, p.mug)
        assert mug is not None
        mug.stock = 1  # someone else bought most of them meanwhile
        session.add(mug)
        session.commit()
    before = store.view(p.cart, p.alice)
    with pytest.raises(CheckoutError) as refused:
        checkout.start_checkout(store.ctx(), p.alice, p.cart)
    assert refused.value.code is CheckoutErrorCode.OUT_OF_STOCK
    assert refused.value.message.startswith("Only 1 × Harbor Mug left")
    after = store.view(p.cart, p.alice)
    assert comparable(after) == comparable(before) and after.version == before.version
    assert (store.stock(p.mug), store.stock(p.lamp)) == (1, 3)
    with store.session() as session:
        assert checkout.checkout_view(session, p.cart) is None


def test_three_d_secure_payment_completes_after_the_bank_check(owner_pays: Party) -> None:
    p, store = owner_pays, owner_pays.store
    order_id = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    outcome = store.pay(p.alice, order_id, "3ds")
    assert outcome.needs_action and outcome.order_status == "pending"
    assert store.view(p.cart, p.bob).activity[0].text == (
        "Alice's bank asked them to confirm the payment"
    )
    # Paying again while the bank waits changes nothing.
    assert store.pay(p.alice, order_id, "3ds").needs_action
    done = checkout.confirm_with_bank(store.ctx(), p.alice, order_id, answer=True)
    assert done.paid and done.order_status == "complete"
    assert len(store.intents()) == 1


def test_failed_bank_check_fails_the_order(owner_pays: Party) -> None:
    p, store = owner_pays, owner_pays.store
    order_id = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    store.pay(p.alice, order_id, "3ds")
    with pytest.raises(CheckoutError) as refused:
        checkout.confirm_with_bank(store.ctx(), p.alice, order_id, answer=False)
    assert "didn't confirm" in refused.value.message
    assert store.order(order_id).status == "failed"
    assert (store.stock(p.mug), store.stock(p.lamp)) == (5, 3)
    assert not store.view(p.cart, p.alice).locked


def test_owner_cancels_a_checkout(split: Party) -> None:
    p, store = split, split.store
    order_id = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    store.pay(p.bob, order_id)
    with pytest.raises(CheckoutError) as refused:
        checkout.cancel_checkout(store.ctx(), p.bob, order_id)
    assert refused.value.code is CheckoutErrorCode.OWNER_ONLY
    checkout.cancel_checkout(store.ctx(), p.alice, order_id)
    assert store.order(order_id).status == "cancelled"
    assert store.shares(order_id) == {p.alice: "voided", p.bob: "refunded"}
    assert (store.stock(p.mug), store.stock(p.lamp)) == (5, 3)
    assert store.view(p.cart, p.alice).activity[0].text == (
        "Alice cancelled the checkout. The cart is open again"
    )


def test_a_cart_locked_before_checkout_stays_locked_after_a_failure(owner_pays: Party) -> None:
    p, store = owner_pays, owner_pays.store
    store.do(carts.lock, p.cart, p.alice)
    order_id = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    with pytest.raises(CartError) as refused:
        store.do(carts.unlock, p.cart, p.alice)  # not even the owner, mid-checkout
    assert "Checkout is in progress" in refused.value.message
    with pytest.raises(CheckoutError):
        store.pay(p.alice, order_id, "decline")
    assert store.view(p.cart, p.alice).locked_reason == "owner"


# --------------------------------------------------------------------------- the cart page's calls


def test_the_owners_pay_button_starts_and_pays_in_one_call(owner_pays: Party) -> None:
    p, store = owner_pays, owner_pays.store
    outcome = checkout.checkout_and_pay(store.ctx(), p.alice, p.cart, SandboxCard.SUCCESS)
    assert outcome.paid and outcome.order_status == "complete"
    assert (store.stock(p.mug), store.stock(p.lamp)) == (3, 2)
    assert store.view(p.cart, p.bob).lines == ()
    # A declined card: the checkout it started is undone, stock back, the cart as it was.
    store.do(carts.add_item, p.cart, p.bob, p.mug, 1)
    with pytest.raises(CheckoutError) as refused:
        checkout.checkout_and_pay(store.ctx(), p.alice, p.cart, SandboxCard.DECLINE)
    assert "declined" in refused.value.message
    assert store.stock(p.mug) == 3 and not store.view(p.cart, p.bob).locked


def test_members_pay_confirm_with_the_test_bank_and_cancel_by_cart(split: Party) -> None:
    p, store = split, split.store
    with pytest.raises(CheckoutError) as refused:
        checkout.pay_my_share(store.ctx(), p.bob, p.cart, SandboxCard.SUCCESS)
    assert refused.value.code is CheckoutErrorCode.ORDER_CLOSED  # nothing started yet
    order_id = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    assert checkout.pay_my_share(store.ctx(), p.alice, p.cart, SandboxCard.SUCCESS).paid
    waiting = checkout.pay_my_share(store.ctx(), p.bob, p.cart, SandboxCard.THREE_DS)
    assert waiting.needs_action
    done = checkout.answer_bank_check(store.ctx(), p.bob, p.cart, True)
    assert done.paid and done.order_status == "complete"
    assert store.order(order_id).status == "complete"

    store.do(carts.add_item, p.cart, p.bob, p.mug, 1)
    second = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    checkout.cancel_cart_checkout(store.ctx(), p.alice, p.cart)
    assert store.order(second).status == "cancelled"
    with pytest.raises(CheckoutError) as refused:
        checkout.cancel_cart_checkout(store.ctx(), p.alice, p.cart)
    assert refused.value.code is CheckoutErrorCode.ORDER_CLOSED


def test_without_payments_nothing_starts(owner_pays: Party) -> None:
    p, store = owner_pays, owner_pays.store
    unpaid = store.ctx(UnavailableGateway())
    before = store.view(p.cart, p.alice)
    for attempt in (
        lambda: checkout.start_checkout(unpaid, p.alice, p.cart),
        lambda: checkout.checkout_and_pay(unpaid, p.alice, p.cart, SandboxCard.SUCCESS),
    ):
        with pytest.raises(CheckoutError) as refused:
            attempt()
        assert refused.value.code is CheckoutErrorCode.PAYMENTS_UNAVAILABLE
        assert refused.value.message == "Payments are not configured"
    after = store.view(p.cart, p.alice)
    assert comparable(after) == comparable(before) and after.version == before.version
    assert (store.stock(p.mug), store.stock(p.lamp)) == (5, 3)


def test_checkout_news_carries_the_cart_a_fresh_read_gives(split: Party) -> None:
    """Checkout events make the room read the cart and its checkout panel again after commit;
    the cart view they carry and their version are those of that fresh read."""
    p, store = split, split.store
    steps = [
        lambda: checkout.start_checkout(store.ctx(), p.alice, p.cart),
        lambda: checkout.pay_my_share(store.ctx(), p.alice, p.cart, SandboxCard.SUCCESS),
        lambda: checkout.pay_my_share(store.ctx(), p.bob, p.cart, SandboxCard.THREE_DS),
        lambda: checkout.answer_bank_check(store.ctx(), p.bob, p.cart, True),
    ]
    for step in steps:
        store.bus.events.clear()
        step()
        event = store.bus.events[-1]
        room = cart_room(store.ctx(), p.cart)
        assert event.payload["checkout"] is True and room.view is not None
        assert event.version == room.view.version
        assert event.payload["snapshot"] == plain(room.view)
        with store.session() as session:
            assert room.checkout == checkout.checkout_view(session, p.cart)
    assert room.checkout is not None and room.checkout.status == "complete"
