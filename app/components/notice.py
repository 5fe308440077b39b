"""A friendly full-width message for things that went wrong or are missing."""

from __future__ import annotations

import reflex as rx

from app.components.buttons import link_button


def notice(title: str | rx.Var, message: str | rx.Var, icon: str = "circle-help") -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon(icon, size=40, color=rx.color("accent", 10)),
            rx.heading(title, size="6", as_="h1"),
            rx.text(message, size="3", color=rx.color("gray", 11)),
            rx.hstack(
                link_button("Back to the shop", href="/", variant="solid"),
                link_button("Browse the catalog", href="/catalog", variant="soft"),
                spacing="3",
                wrap="wrap",
            ),
            spacing="3",
            align="center",
            text_align="center",
            padding="var(--space-6)",
        ),
        role="alert",
        max_width="40rem",
        margin_x="auto",
        margin_y="var(--space-8)",
    )
