"""Home: what the shop is, its categories and featured products."""

from __future__ import annotations

import reflex as rx

from app import routes
from app.components.deal_layouts import deal_grid_in
from app.components.in_turn import in_turn
from app.components.layout import page_shell
from app.components.picks import friends_picks_section
from app.components.product_card import category_tile, product_grid
from app.components.skeletons import block, placeholder_grid, until_loaded
from app.states.deals import DealCardsState
from app.states.home import HomeState
from app.states.picks import PicksState

HERO_PICTURE = "/hero/hero-640.webp"  # app/demo/hero_art.py draws it at 640 and 1280 wide


def _hero() -> rx.Component:
    # The picture is in the page's first HTML, sized and fetched first: the largest thing
    # painted arrives with the first paint, not after the live data.
    picture = rx.image(
        src=HERO_PICTURE,
        src_set="/hero/hero-640.webp 640w, /hero/hero-1280.webp 1280w",
        sizes="(min-width: 1024px) 34rem, (min-width: 768px) 45vw, 100vw",
        alt="A stoneware mug, a teapot, earbuds and a desk lamp from the shop",
        loading="eager",
        custom_attrs={"fetchPriority": "high", "width": "640", "height": "400"},
        width="100%",
        height="auto",
        aspect_ratio="16 / 10",
        border_radius="var(--radius-4)",
        object_fit="cover",
    )
    return rx.grid(
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
            # One control: a link drawn as a button (never a button inside a link).
            rx.button(
                rx.link("Start browsing", href=routes.catalog_url(), underline="none"),
                as_child=True,
                size="3",
            ),
            spacing="4",
            align="start",
            justify="center",
        ),
        picture,
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="5",
        align="center",
        padding=rx.breakpoints(initial="var(--space-4)", md="var(--space-7)"),
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
            deal_grid_in(DealCardsState.cards[:3], DealCardsState.layout),
            spacing="3",
            width="100%",
            margin_bottom="var(--space-6)",
        ),
    )


def _placeholder() -> rx.Component:
    """The page's shape while its data comes: three deal cards, categories, products."""
    return rx.vstack(
        block("2rem", width="12rem"),
        placeholder_grid(3, "16 / 9", 7, "1 2 3"),
        block("2rem", width="14rem"),
        placeholder_grid(6, "3", 0, "1 2 3"),
        block("2rem", width="10rem"),
        placeholder_grid(8, "1", 3, "2 3 4"),
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
                # Below the first screen: drawn in turn, not in one long task (in_turn.py).
                in_turn(friends_picks_section()),
                in_turn(
                    rx.heading(
                        "Shop by category", size="6", as_="h2", margin_bottom="var(--space-3)"
                    ),
                    rx.grid(
                        rx.foreach(HomeState.categories, category_tile),
                        columns=rx.breakpoints(initial="1", sm="2", md="3"),
                        spacing="3",
                        margin_bottom="var(--space-6)",
                    ),
                ),
                in_turn(
                    rx.heading("Featured", size="6", as_="h2", margin_bottom="var(--space-3)"),
                    product_grid(HomeState.featured, PicksState.ratings),
                ),
            ),
            _placeholder(),
        ),
    )
