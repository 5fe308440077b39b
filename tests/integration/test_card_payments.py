"""The real-key card path of a shared-cart checkout, against the local Stripe server's API as far
as it goes: the browser's Payment Element makes a PaymentMethod from the card (here: the same
API call Stripe.js makes), the server pays each payer's share with it, a 3-D Secure card hands
the browser a client secret, the bank's check is answered with that secret (what Stripe.js's
handleNextAction does) and the payment is read back. What only real Stripe can exercise (Stripe.js
itself, its iframe and the bank's page) is listed in the README."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import urllib.parse
import urllib.request
from dataclasses import replace

import pytest
import stripe

from app.adapters.payments.configured import Payments, PaymentsMode
from app.adapters.payments.stripe_gateway import LOCAL_SECRET_KEY, StripeGateway
from app.domain.checkout import CheckoutError
from app.domain.payments import SandboxCard
from app.services import checkout
from app.services.context import Context
from tests.integration.checkout_world import (  # noqa: F401
    Party,
    Store,
    owner_pays,
    split,
    store,
)
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401

CARDS = {"visa": "4242424242424242", "3ds": "4000002500003155", "declined": "4000000000000341"}


def real_key_context(store: Store) -> Context:
    """The services as they run with real keys: no sandbox, a publishable key for the browser
    (the gateway still talks to the local server's API)."""
    assert isinstance(store.gateway, StripeGateway)
    payments = Payments(
        gateway=store.gateway, mode=PaymentsMode(True, False, "pk_test_local"), sandbox=None
    )
    return replace(store.ctx(), payments_factory=lambda: payments)


def element_payment_method(store: Store, card: str) -> str:
    """What stripe.createPaymentMethod({elements}) returns for a card typed into the element."""
    client = stripe.StripeClient(LOCAL_SECRET_KEY, base_addresses={"api": store.localstripe})
    method = client.v1.payment_methods.create(
        {
            "type": "card",
            "card": {"number": CARDS[card], "exp_month": 12, "exp_year": 2031, "cvc": "123"},
        }
    )
    return str(method["id"])


def bank_answers(store: Store, client_secret: str, *, approve: bool) -> None:
    """Stripe.js's handleNextAction: the shopper answers their bank with the client secret."""
    intent_id = client_secret.split("_secret_")[0]
    body = urllib.parse.urlencode(
        {"client_secret": client_secret, "success": "true" if approve else "false"}
    ).encode()
    request = urllib.request.Request(
        f"{store.localstripe}/v1/payment_intents/{intent_id}/_authenticate",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {LOCAL_SECRET_KEY}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_the_owner_pays_the_whole_cart_through_the_payment_element(owner_pays: Party) -> None:
    p, store = owner_pays, owner_pays.store
    ctx = real_key_context(store)
    assert ctx.payments.sandbox is None and ctx.payments.mode.publishable_key
    outcome = checkout.checkout_and_pay_by_card(
        ctx, p.alice, p.cart, element_payment_method(store, "visa")
    )
    assert (outcome.paid, outcome.order_status, outcome.client_secret) == (True, "complete", "")
    [intent] = store.intents()
    assert (intent["amount"], intent["status"], intent["capture_method"]) == (
        8100,
        "succeeded",
        "automatic",
    )


def test_each_payer_pays_their_share_and_3ds_is_finished_with_the_client_secret(
    split: Party,
) -> None:
    p, store = split, split.store
    ctx = real_key_context(store)
    order_id = checkout.start_checkout(ctx, p.alice, p.cart)

    bob = checkout.pay_my_share_by_card(ctx, p.bob, p.cart, element_payment_method(store, "3ds"))
    assert bob.share_status == "needs_action" and bob.client_secret.startswith("pi_")
    bank_answers(store, bob.client_secret, approve=True)
    confirmed = checkout.confirm_my_payment(ctx, p.bob, p.cart)
    assert confirmed.paid and confirmed.order_status == "pending"

    alice = checkout.pay_my_share_by_card(
        ctx, p.alice, p.cart, element_payment_method(store, "visa")
    )
    assert alice.paid and alice.order_status == "complete"
    assert store.shares(order_id) == {p.alice: "paid", p.bob: "paid"}
    assert sorted(i["amount"] for i in store.intents()) == [3600, 4500]


def test_a_declined_element_card_stops_the_checkout_and_charges_nobody(split: Party) -> None:
    p, store = split, split.store
    ctx = real_key_context(store)
    order_id = checkout.start_checkout(ctx, p.alice, p.cart)
    with pytest.raises(CheckoutError) as refused:
        checkout.pay_my_share_by_card(ctx, p.bob, p.cart, element_payment_method(store, "declined"))
    assert "declined" in refused.value.message
    assert store.order(order_id).status == "failed"
    assert not store.view(p.cart, p.alice).locked


def test_the_test_server_keeps_its_test_card_chooser(split: Party) -> None:
    """With the local server the sandbox is on: no client secret goes to the browser, the test
    bank answers instead (the cart page shows the chooser, not the Payment Element)."""
    p, store = split, split.store
    assert store.ctx().payments.sandbox is not None
    checkout.start_checkout(store.ctx(), p.alice, p.cart)
    outcome = checkout.pay_my_share(store.ctx(), p.bob, p.cart, SandboxCard.THREE_DS)
    assert outcome.share_status == "needs_action" and outcome.client_secret == ""
    assert checkout.answer_bank_check(store.ctx(), p.bob, p.cart, True).paid
