"""Group-buy deal pages: the list (/deals), one deal (/deals/<id>) and the host's form."""

from __future__ import annotations

import reflex as rx

from app.components.deal_card import (
    ends_line,
    next_tier_line,
    price_block,
    status_badge,
    unlock_progress,
)
from app.components.deal_form import deal_form
from app.components.deal_join import join_panel
from app.components.deal_layouts import deal_grid_in
from app.components.deal_share import early_access_callout, friend_link_panel
from app.components.deal_teams import teams_panel
from app.components.in_turn import in_turn
from app.components.layout import page_shell
from app.components.notice import notice
from app.components.skeletons import block, picture, until_loaded
from app.routes import deal_ledger_url, new_deal_url
from app.services.deals.views import TierView
from app.states.deals import DealCardsState, DealFormState, DealState
from app.states.keyed_page import shows_address


def how_it_works() -> rx.Component:
    return rx.text(
        "Join a deal and we place a hold on your card for today's price with you in. The more "
        "people join before the deadline, the lower the price for everyone, and you never pay "
        "more than your hold. If the deal doesn't reach its minimum, every hold is released.",
        size="3",
        color=rx.color("gray", 11),
        max_width="46rem",
    )


def deals_page() -> rx.Component:
    return page_shell(
        rx.hstack(
            rx.heading("Group deals", size="8", as_="h1"),
            rx.cond(
                DealCardsState.can_host,
                rx.button(
                    rx.link("Open a deal", href=new_deal_url(), underline="none"), as_child=True
                ),
            ),
            justify="between",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        how_it_works(),
        rx.box(height="var(--space-5)"),
        rx.cond(
            DealCardsState.cards.length() > 0,
            deal_grid_in(DealCardsState.cards, DealCardsState.layout),
            rx.callout("No deals are open right now. Check back soon.", icon="info"),
        ),
        rx.cond(
            DealCardsState.ended.length() > 0,
            rx.vstack(
                rx.heading("Recently ended", size="6", as_="h2"),
                deal_grid_in(DealCardsState.ended, DealCardsState.layout),
                spacing="3",
                margin_top="var(--space-7)",
                width="100%",
            ),
        ),
    )


def _tier(tier: rx.Var[TierView]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(tier.label),
        rx.table.cell(rx.text(tier.price, weight=rx.cond(tier.current, "bold", "regular"))),
        rx.table.cell(
            rx.cond(
                tier.current,
                rx.badge("Price now", color_scheme="grass"),
                rx.cond(tier.reached, rx.badge("Reached", variant="outline"), ""),
            )
        ),
        data_testid="tier",
    )


def _tiers() -> rx.Component:
    deal = DealState.deal
    return rx.vstack(
        rx.heading("Price by number of shoppers", size="4", as_="h2"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Shoppers"),
                    rx.table.column_header_cell("Price each"),
                    rx.table.column_header_cell(rx.el.span("Status", class_name="sr-only")),
                )
            ),
            rx.table.body(rx.foreach(deal.tiers, _tier)),  # type: ignore[union-attr]
            variant="surface",
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def _product_side() -> rx.Component:
    card = DealState.deal.card  # type: ignore[union-attr]
    return rx.vstack(
        rx.image(
            src=card.image,
            alt=card.title,
            width="100%",
            aspect_ratio="4 / 3",
            object_fit="cover",
            border_radius="var(--radius-4)",
        ),
        rx.text(DealState.deal.description, size="3", color=rx.color("gray", 12)),  # type: ignore[union-attr]
        rx.link("About the product", href="/product/" + card.product_slug, size="2"),
        _tiers(),
        spacing="4",
        width="100%",
    )


def _live_side() -> rx.Component:
    card = DealState.deal.card  # type: ignore[union-attr]
    return rx.vstack(
        rx.hstack(
            rx.text("Group deal", size="2", weight="medium", color=rx.color("accent", 11)),
            status_badge(card.status, card.status_label),
            spacing="3",
            align="center",
        ),
        rx.heading(card.title, size="8", as_="h1"),
        # Live numbers: updated for everyone on this page when anyone joins or leaves.
        rx.card(
            rx.vstack(
                price_block(card, size="8"),
                unlock_progress(card),
                rx.link(
                    "Check the count: who's in, and every price change",
                    href=deal_ledger_url(card.id.to_string()),
                    size="2",
                    data_testid="ledger-link",
                ),
                rx.cond(
                    card.unlocked_text != "",
                    rx.callout(
                        card.unlocked_text,
                        icon="circle-check",
                        color_scheme="grass",
                        size="1",
                        data_testid="deal-unlocked",
                        role="status",
                    ),
                ),
                next_tier_line(card),
                ends_line(card),
                spacing="3",
                width="100%",
            ),
            width="100%",
            data_testid="deal-live",
        ),
        early_access_callout(),
        join_panel(),
        teams_panel(),
        friend_link_panel(),
        spacing="4",
        width="100%",
        align="start",
    )


def _loading() -> rx.Component:
    """Before the deal's data: the shape of its live numbers and, beside or under them, of its
    product's picture (the page's frame, prerendered: app/frontend_build/route_shells.py)."""
    return rx.grid(
        rx.vstack(
            block("1rem", width="25%"),
            block("2.5rem", width="80%"),
            block("14rem"),
            spacing="4",
            width="100%",
        ),
        picture("4 / 3"),  # as _product_side's picture
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="6",
        width="100%",
    )


def deal_page() -> rx.Component:
    return page_shell(
        rx.cond(
            shows_address(DealState) & DealState.not_found,
            notice(
                "We couldn't find that deal",
                "It may have been removed, or the link is mistyped.",
                icon="ticket-x",
            ),
            until_loaded(
                shows_address(DealState) & DealState.deal.bool(),
                rx.grid(
                    _live_side(),
                    # Under the live numbers on a phone: drawn after them (in_turn.py).
                    in_turn(_product_side()),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="6",
                    width="100%",
                ),
                _loading(),
            ),
        )
    )


def new_deal_page() -> rx.Component:
    return page_shell(
        rx.card(
            rx.vstack(
                rx.heading("Open a group deal", size="7", as_="h1"),
                rx.cond(
                    DealFormState.host.allowed,
                    rx.vstack(
                        rx.text(
                            "Shoppers see the live price, how many more are needed and a "
                            "countdown. Holds are captured at the deadline if the minimum is "
                            "met, and released otherwise.",
                            color=rx.color("gray", 11),
                        ),
                        deal_form(),
                        spacing="4",
                        width="100%",
                    ),
                    rx.callout(
                        "Only hosts can open deals. An admin grants the host role "
                        "(see the README's Group-buy deals section).",
                        icon="lock",
                        data_testid="not-a-host",
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            size="3",
            max_width="44rem",
            width="100%",
            margin_x="auto",
        )
    )
