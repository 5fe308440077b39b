"""Collecting a real card with Stripe's Payment Element (only when real Stripe keys are set).

Kept apart on purpose: it needs Stripe.js from js.stripe.com, so it cannot run offline and no
automated test here exercises it. DealState.load adds Stripe.js and `assets/stripe-pay.js` to
the page; the browser turns the card into a PaymentMethod there; the server then places the hold
with it exactly as with a test card, and the browser finishes 3-D Secure with
`stripe.handleNextAction` when the bank asks.
"""

from __future__ import annotations

import reflex as rx

from app.states.deals import DealState


def payment_element() -> rx.Component:
    """The card form; stripe-pay.js mounts Stripe's element into it once Stripe.js is loaded."""
    card = DealState.deal.card  # type: ignore[union-attr]
    return rx.vstack(
        rx.text("Card", weight="medium", size="2", id="payment-element-label"),
        rx.box(
            id="payment-element",
            custom_attrs={
                "data-pk": DealState.publishable_key,
                "data-amount": card.join_price_minor.to_string(),
                "data-currency": card.currency,
                "aria-labelledby": "payment-element-label",
            },
            min_height="3rem",
            width="100%",
        ),
        spacing="1",
        width="100%",
    )
