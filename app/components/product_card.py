"""Product tiles for grids."""

from __future__ import annotations

import reflex as rx

from app.domain.catalog import CategoryView, ProductCard


def stock_badge(stock: rx.Var[int], label: rx.Var[str]) -> rx.Component:
    return rx.badge(
        label,
        color_scheme=rx.cond(stock <= 0, "gray", rx.cond(stock <= 5, "amber", "grass")),
        variant="soft",
    )


def product_card(
    card: rx.Var[ProductCard],
    ratings: rx.Var[dict[str, str]] | None = None,
    first: rx.Var[bool] | bool = False,
) -> rx.Component:
    """A product tile; with `ratings` (product id -> "4.3 ★ (12)"), its review summary. A
    `first` tile's picture loads at once and ahead of the others: it is the page's largest."""
    key = card.id.to_string()
    rating = (
        rx.cond(
            ratings.contains(key),
            rx.text(
                ratings[key],
                size="1",
                color=rx.color("amber", 11),
                data_testid="card-rating",
            ),
        )
        if ratings is not None
        else rx.fragment()
    )
    return rx.link(
        rx.card(
            rx.inset(
                rx.image(
                    src=card.image,
                    src_set=card.srcset,
                    # Two columns on phones, three on tablets, four on desktops.
                    sizes="(min-width: 1024px) 18rem, (min-width: 768px) 30vw, 50vw",
                    alt=card.title,
                    width="100%",
                    aspect_ratio="1",
                    object_fit="cover",
                    loading=rx.cond(first, "eager", "lazy"),
                    custom_attrs={
                        "width": "800",
                        "height": "800",
                        "fetchPriority": rx.cond(first, "high", "auto"),
                    },
                ),
                side="top",
                pb="current",
            ),
            rx.vstack(
                rx.text(card.category_name, size="1", color=rx.color("gray", 11)),
                rx.text(card.title, size="3", weight="medium", trim="both"),
                rating,
                rx.hstack(
                    rx.text(card.price, size="4", weight="bold"),
                    stock_badge(card.stock, card.stock_label),
                    justify="between",
                    width="100%",
                    align="center",
                    wrap="wrap",  # on a 320 px phone the badge goes under the price
                    spacing="1",
                ),
                spacing="1",
                width="100%",
            ),
            height="100%",
            class_name="product-card",
        ),
        href="/product/" + card.slug,
        aria_label=card.title,
        underline="none",
        color="inherit",
        min_width="0",  # a grid cell may be narrower than the card's content
        data_testid="product-card",
    )


def product_grid(
    cards: rx.Var[list[ProductCard]],
    ratings: rx.Var[dict[str, str]] | None = None,
    first: int = 0,
    shown: rx.Var[int] | None = None,
) -> rx.Component:
    """The tiles (only the `shown` first ones, when given); the `first` ones (the top row when
    the grid opens the page) load their pictures at once."""

    def tile(card: rx.Var[ProductCard], index: rx.Var[int]) -> rx.Component:
        drawn = product_card(card, ratings, index < first)
        return drawn if shown is None else rx.cond(index < shown, drawn)

    return rx.grid(
        rx.foreach(cards, tile),
        columns=rx.breakpoints(initial="2", sm="3", md="4"),
        spacing=rx.breakpoints(initial="3", md="4"),
        width="100%",
    )


def category_tile(category: rx.Var[CategoryView]) -> rx.Component:
    return rx.link(
        rx.box(
            rx.image(
                src=category.image,
                alt="",
                width="100%",
                height="100%",
                object_fit="cover",
                position="absolute",
                inset="0",
            ),
            rx.vstack(
                # Read as "Category Kitchen & Dining 6 products": the name people see is part
                # of the name announced (voice control finds the link by what it shows).
                rx.text(
                    rx.el.span("Category ", class_name="sr-only"),
                    category.name,
                    size="4",
                    weight="bold",
                    color="white",
                ),
                rx.text(category.product_count.to_string() + " products", size="1", color="white"),
                spacing="0",
                position="absolute",
                bottom="0",
                left="0",
                right="0",
                padding="var(--space-3)",
                background="linear-gradient(transparent, rgba(0,0,0,0.65))",
            ),
            position="relative",
            aspect_ratio="3",
            border_radius="var(--radius-4)",
            overflow="hidden",
        ),
        href="/catalog?category=" + category.slug,
        underline="none",
    )
