"""Home: what the shop is, its categories and featured products."""

from __future__ import annotations

import reflex as rx

from app import routes
from app.components.deal_card import deal_grid
from app.components.layout import page_shell
from app.components.picks import friends_picks_section
from app.components.product_card import category_tile, product_grid
from app.components.skeletons import block, placeholder_grid, until_loaded
from app.states.deals import DealCardsState
from app.states.home import HomeState
from app.states.picks import PicksState


def _hero() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.heading(
                "Shop together. Pay less.", size=rx.breakpoints(initial="7", md="9"), as_="h1"
            ),
            rx.text(
                "Browse with friends, fill one cart together, and join group deals whose price "
                "drops as more people join.",
                size=rx.breakpoints(initial="3", md="4"),
                color=rx.color("gray", 11),
                max_width="40rem",
            ),
            rx.link(rx.button("Start browsing", size="3"), href=routes.catalog_url()),
            spacing="4",
            align="start",
        ),
        padding=rx.breakpoints(initial="var(--space-5)", md="var(--space-8)"),
        border_radius="var(--radius-5)",
        background=f"linear-gradient(135deg, {rx.color('accent', 3)}, {rx.color('amber', 3)})",
        margin_bottom="var(--space-6)",
    )


def _deals() -> rx.Component:
    """Open group deals, live: counts, prices and countdowns move without a reload."""
    return rx.cond(
        DealCardsState.cards.length() > 0,
        rx.vstack(
            rx.hstack(
                rx.heading("Group deals", size="6", as_="h2"),
                rx.link("See all deals", href=routes.deals_url(), size="3"),
                justify="between",
                align="baseline",
                width="100%",
            ),
            deal_grid(DealCardsState.cards[:3]),
            spacing="3",
            width="100%",
            margin_bottom="var(--space-6)",
        ),
    )


def _placeholder() -> rx.Component:
    """The page's shape while its data comes: three deal cards, categories, products."""
    return rx.vstack(
        block("2rem", width="12rem"),
        placeholder_grid(3, "16 / 9", 7, rx.breakpoints(initial="1", sm="2", md="3")),
        block("2rem", width="14rem"),
        placeholder_grid(6, "3", 0, rx.breakpoints(initial="1", sm="2", md="3")),
        block("2rem", width="10rem"),
        placeholder_grid(8, "1", 3, rx.breakpoints(initial="2", sm="3", md="4")),
        spacing="5",
        width="100%",
    )


def home_page() -> rx.Component:
    ready = HomeState.loaded & DealCardsState.loaded & PicksState.loaded
    return page_shell(
        _hero(),
        until_loaded(
            ready,
            rx.fragment(
                _deals(),
                friends_picks_section(),
                rx.heading("Shop by category", size="6", as_="h2", margin_bottom="var(--space-3)"),
                rx.grid(
                    rx.foreach(HomeState.categories, category_tile),
                    columns=rx.breakpoints(initial="1", sm="2", md="3"),
                    spacing="3",
                    margin_bottom="var(--space-6)",
                ),
                rx.heading("Featured", size="6", as_="h2", margin_bottom="var(--space-3)"),
                product_grid(HomeState.featured, PicksState.ratings),
            ),
            _placeholder(),
        ),
    )
