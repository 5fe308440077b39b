"""Collecting a real card with Stripe's Payment Element (only when real Stripe keys are set).

Kept apart on purpose: it needs Stripe.js from js.stripe.com, so it cannot run offline; the
server half (a PaymentMethod in, a payment out, 3-D Secure read back) is tested against the
local Stripe server (tests/integration/test_card_payments.py). DealState.load adds Stripe.js
and `assets/stripe-pay.js`; the browser turns the card into a PaymentMethod there; the server
then places the hold with it exactly as with a test card, and the browser finishes 3-D Secure
with `stripe.handleNextAction` when the bank asks.
"""

from __future__ import annotations

import reflex as rx

from app.components.card_element import card_element
from app.states.deals import DealState


def payment_element() -> rx.Component:
    """The deal's card form: a hold (manual capture) for the price with the shopper in."""
    card = DealState.deal.card  # type: ignore[union-attr]
    return card_element(
        DealState.publishable_key, card.join_price_minor.to_string(), card.currency, "manual"
    )
