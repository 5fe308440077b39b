"""Stripe's Payment Element box, shared by every payer's form (deal holds, cart shares).

Only rendered with real Stripe keys; `assets/stripe-pay.js` mounts Stripe's element into it once
Stripe.js is loaded and turns the card into a PaymentMethod on `bandwagonPay.paymentMethod`.
"""

from __future__ import annotations

import reflex as rx


def card_element(
    publishable_key: rx.Var[str], amount_minor: rx.Var[str], currency: rx.Var[str], capture: str
) -> rx.Component:
    """Stripe's Payment Element, for any payer of anything (a deal's hold, a cart share):
    stripe-pay.js mounts it into this box once Stripe.js is loaded. `capture`: "manual" for
    holds, "automatic" for payments taken at once."""
    return rx.vstack(
        rx.text("Card", weight="medium", size="2", id="payment-element-label"),
        rx.box(
            id="payment-element",
            custom_attrs={
                "data-pk": publishable_key,
                "data-amount": amount_minor,
                "data-currency": currency,
                "data-capture": capture,
                "aria-labelledby": "payment-element-label",
            },
            min_height="3rem",
            width="100%",
        ),
        spacing="1",
        width="100%",
    )
