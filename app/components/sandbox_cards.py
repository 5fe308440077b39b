"""A clearly labelled chooser of test cards, for payments against the local test server.

Reusable by any payment form (cart checkout, group-buy deals): pass the selected kind and a
handler that receives the new kind ("success", "decline" or "3ds"). The chosen kind is turned
into a PaymentMethod server-side (the payments sandbox); no card number is ever
typed or sent by the browser.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.domain.payments import SANDBOX_CARDS


def _option(kind: str, title: str, number: str, name: str) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.radio_group.item(value=kind, id=f"{name}-{kind}"),
            rx.vstack(
                rx.text(title, size="2", weight="medium"),
                rx.text(number, size="1", color=rx.color("gray", 11)),
                spacing="0",
            ),
            align="center",
            spacing="2",
        ),
        html_for=f"{name}-{kind}",
        style={"cursor": "pointer"},
    )


def sandbox_card_chooser(
    value: rx.Var[str] | str,
    on_change: Any,
    *,
    name: str = "test-card",
    disabled: rx.Var[bool] | bool = False,
) -> rx.Component:
    """Three test cards to choose from, in a fieldset that says no real money moves."""
    return rx.el.fieldset(
        rx.el.legend(
            rx.hstack(
                rx.badge("Test mode", color_scheme="amber", variant="soft"),
                rx.text("Choose a test card (no real money moves)", size="2", weight="medium"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            style={"padding": "0 var(--space-1)"},
        ),
        rx.radio_group.root(
            rx.flex(
                *[_option(info.card, info.title, info.number, name) for info in SANDBOX_CARDS],
                direction="column",
                spacing="2",
            ),
            value=value,
            on_change=on_change,
            name=name,
            disabled=disabled,
            aria_label="Test card",
        ),
        data_testid="test-card-chooser",
        style={
            "border": f"1px dashed {rx.color('amber', 8)}",
            "border_radius": "var(--radius-3)",
            "padding": "var(--space-3)",
            "margin": "0",
            "min_width": "0",
            "width": "100%",
        },
    )
