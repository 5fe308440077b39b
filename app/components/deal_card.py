"""Group-buy deal cards and their live parts: price, progress to unlock, next tier, countdown.

The countdown ticks in the browser (app/components/countdown.py): no server event per second.
It is a `timer` (aria-live off) so screen readers do not announce every tick, and a static
"Ends …" text next to it says the same thing in words.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.components.countdown import countdown_to
from app.routes import deal_url
from app.services.deals.views import DealCard

STATUS_COLOURS = {
    "scheduled": "gray",
    "open": "blue",
    "unlocked": "grass",
    "closing": "amber",
    "succeeded": "grass",
    "failed": "gray",
    "cancelled": "gray",
}


def countdown(until: rx.Var[str], size: str = "2", test_id: str = "deal-countdown") -> rx.Component:
    """Live "1d 4h 03m 12s" until an ISO moment, ticking client-side once a second."""
    return countdown_to(
        until=until,
        custom_attrs={"role": "timer", "aria-live": "off", "aria-atomic": "false"},
        data_testid=test_id,
        font_size=f"var(--font-size-{size})",
        font_variant_numeric="tabular-nums",
        # Its width is kept before the first tick, so the line around it does not move.
        display="inline-block",
        min_width="15.5ch",  # "12d 23h 59m 59s"
    )


def status_badge(status: rx.Var[str], label: rx.Var[str], size: str = "2") -> rx.Component:
    return rx.badge(
        label,
        color_scheme=rx.match(
            status,
            *[(key, colour) for key, colour in STATUS_COLOURS.items()],
            "gray",
        ),
        variant="soft",
        size=size,  # type: ignore[arg-type]
        data_testid="deal-status",
    )


def unlock_progress(card: rx.Var[DealCard]) -> rx.Component:
    """Progress bar to the minimum, with the count in words beside it."""
    return rx.vstack(
        rx.hstack(
            rx.text(
                rx.text.strong(card.participants.to_string(), data_testid="deal-participants"),
                " in · ",
                # Seats waiting for a bank or a team: shown, never counted as joined.
                rx.cond(
                    card.waiting_text != "",
                    rx.el.span(
                        card.waiting_text + " · ",
                        data_testid="deal-waiting",
                        color=rx.color("amber", 11),
                    ),
                ),
                rx.cond(
                    card.still_needed > 0,
                    card.still_needed.to_string() + " more to unlock",
                    "unlocked at " + card.min_to_unlock.to_string(),
                ),
                size="2",
            ),
            rx.cond(
                card.spots_left >= 0,
                rx.text(
                    card.spots_left.to_string() + " spots left",
                    size="1",
                    color=rx.color("gray", 11),
                ),
            ),
            justify="between",
            width="100%",
            wrap="wrap",
        ),
        rx.progress(
            value=card.progress,
            max=100,
            aria_label="Progress to unlock: "
            + card.participants.to_string()
            + " of "
            + card.min_to_unlock.to_string()
            + " shoppers",
            color_scheme=rx.cond(card.still_needed > 0, "tomato", "grass"),
            width="100%",
        ),
        spacing="1",
        width="100%",
    )


def next_tier_line(card: rx.Var[DealCard]) -> rx.Component:
    open_now = (card.status == "open") | (card.status == "unlocked")
    return rx.cond(
        ~open_now,
        rx.fragment(),
        rx.cond(
            card.next_needed > 0,
            rx.text(
                card.next_needed.to_string(),
                rx.cond(card.next_needed == 1, " more shopper", " more shoppers"),
                " and it drops to ",
                rx.text.strong(card.next_price),
                " each",
                size="2",
                color=rx.color("gray", 11),
                data_testid="deal-next-tier",
            ),
            rx.text("Lowest price reached", size="2", color=rx.color("gray", 11)),
        ),
    )


def ends_line(card: rx.Var[DealCard]) -> rx.Component:
    open_now = (card.status == "open") | (card.status == "unlocked")
    return rx.cond(
        open_now,
        # The date has a line of its own: how the line wraps never depends on the ticking part.
        rx.vstack(
            rx.hstack(
                rx.icon("timer", size=16, aria_hidden="true"),
                rx.text("Ends in ", size="2"),
                countdown(card.deadline),
                spacing="1",
                align="center",
            ),
            rx.text("(", card.deadline_text, ")", size="1", color=rx.color("gray", 11)),
            spacing="0",
        ),
        rx.text("Ended ", card.deadline_text, size="2", color=rx.color("gray", 11)),
    )


def price_block(card: rx.Var[DealCard], size: str = "6") -> rx.Component:
    return rx.hstack(
        rx.text(card.current_price, size=size, weight="bold", data_testid="deal-price"),  # type: ignore[arg-type]
        rx.text("each now", size="2", color=rx.color("gray", 11)),
        rx.cond(
            card.regular_price != "",
            rx.text(
                "Regular " + card.regular_price,
                size="2",
                color=rx.color("gray", 10),
                text_decoration="line-through",
            ),
        ),
        spacing="2",
        align="baseline",
        wrap="wrap",
    )


def title_link(card: rx.Var[DealCard], size: str) -> rx.Component:
    """The deal's title, a link to its page."""
    return rx.link(
        card.title,
        href=deal_url(card.id.to_string()),
        size=size,
        weight="bold",
        color=rx.color("gray", 12),
        aria_label="Deal: " + card.title,
    )


def join_button(card: rx.Var[DealCard], **button_props: Any) -> rx.Component:
    """The card's full-width button to the deal: "Join the deal" while it can be joined."""
    return rx.button(
        rx.link(
            rx.cond(card.joinable, "Join the deal", "See the deal"),
            href=deal_url(card.id.to_string()),
            aria_label=rx.cond(card.joinable, "Join the deal on ", "See the deal on ") + card.title,
            underline="none",
        ),
        as_child=True,
        width="100%",
        variant=rx.cond(card.joinable, "solid", "soft"),
        **button_props,
    )


def deal_card(card: rx.Var[DealCard]) -> rx.Component:
    """A deal as a tile: on the home page, the deals list and its product's page."""
    return rx.card(
        rx.inset(
            rx.image(
                src=card.image,
                alt="",
                width="100%",
                aspect_ratio="16 / 9",
                object_fit="cover",
                loading="lazy",
            ),
            side="top",
            pb="current",
        ),
        rx.vstack(
            rx.hstack(
                rx.text("Group deal", size="1", weight="medium", color=rx.color("accent", 11)),
                status_badge(card.status, card.status_label, size="1"),
                justify="between",
                width="100%",
            ),
            title_link(card, "4"),
            price_block(card, size="5"),
            unlock_progress(card),
            next_tier_line(card),
            ends_line(card),
            join_button(card),
            spacing="2",
            width="100%",
        ),
        data_testid="deal-card",
        custom_attrs={"data-deal-id": card.id.to_string(), "data-layout": "classic"},
        height="100%",
    )


def deal_grid(cards: rx.Var[list[DealCard]]) -> rx.Component:
    return rx.grid(
        rx.foreach(cards, deal_card),
        columns=rx.breakpoints(initial="1", sm="2", md="3"),
        spacing=rx.breakpoints(initial="3", md="4"),
        width="100%",
    )
