"""The deal card's two layouts, for the `deal-card-layout` experiment: the classic tile
(picture on top, deal_card.py) and a compact row that leads with the price. Both keep the
same test id, links and accessible names; `data-layout` tells them apart."""

from __future__ import annotations

import reflex as rx

from app.components.deal_card import (
    deal_card,
    join_button,
    status_badge,
    title_link,
    unlock_progress,
)
from app.services.deals.views import DealCard


def deal_card_compact(card: rx.Var[DealCard]) -> rx.Component:
    """A deal as a short row: thumbnail, price first, progress, one button."""
    return rx.card(
        rx.hstack(
            rx.image(
                src=card.image,
                alt="",
                width="88px",
                height="88px",
                object_fit="cover",
                border_radius="var(--radius-3)",
                loading="lazy",
                flex_shrink="0",
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(
                        card.current_price,
                        size="6",
                        weight="bold",
                        color=rx.color("accent", 11),
                        data_testid="deal-price",
                    ),
                    status_badge(card.status, card.status_label, size="1"),
                    justify="between",
                    align="center",
                    width="100%",
                ),
                title_link(card, "3"),
                unlock_progress(card),
                join_button(card, size="2"),
                spacing="2",
                width="100%",
                min_width="0",
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        data_testid="deal-card",
        custom_attrs={"data-deal-id": card.id.to_string(), "data-layout": "compact"},
        width="100%",
    )


def deal_tile(card: rx.Var[DealCard], layout: rx.Var[str]) -> rx.Component:
    """The card in the layout this shopper's arm shows."""
    return rx.cond(layout == "compact", deal_card_compact(card), deal_card(card))


def deal_grid_in(cards: rx.Var[list[DealCard]], layout: rx.Var[str]) -> rx.Component:
    """Cards in a responsive grid; the compact rows take wider columns."""
    return rx.grid(
        rx.foreach(cards, lambda card: deal_tile(card, layout)),
        columns=rx.cond(
            layout == "compact",
            rx.breakpoints(initial="1", md="2"),
            rx.breakpoints(initial="1", sm="2", md="3"),
        ),
        spacing=rx.breakpoints(initial="3", md="4"),
        width="100%",
    )
