"""Catalog: search results and the category filter."""

from __future__ import annotations

import reflex as rx

from app.components.layout import page_shell, search_form
from app.components.notice import notice
from app.components.product_card import product_grid
from app.components.skeletons import block, placeholder_grid, until_loaded
from app.domain.catalog import CategoryView
from app.states.catalog import CatalogState
from app.states.picks import PicksState


def _category_chip(category: rx.Var[CategoryView]) -> rx.Component:
    active = CatalogState.category == category.slug
    return rx.button(
        category.name,
        variant=rx.cond(active, "solid", "soft"),
        size="2",
        on_click=CatalogState.choose_category(category.slug),
        aria_pressed=rx.cond(active, "true", "false"),
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.button(
            "All",
            variant=rx.cond(CatalogState.category == "", "solid", "soft"),
            size="2",
            on_click=CatalogState.choose_category(""),
            aria_pressed=rx.cond(CatalogState.category == "", "true", "false"),
        ),
        rx.foreach(CatalogState.categories, _category_chip),
        wrap="wrap",
        spacing="2",
        role="group",
        aria_label="Filter by category",
        margin_bottom="var(--space-4)",
    )


def _results() -> rx.Component:
    return rx.cond(
        CatalogState.products.length() > 0,
        rx.vstack(
            # The first two pictures are a phone's top row.
            product_grid(CatalogState.products, PicksState.ratings, 2, CatalogState.shown),
            rx.cond(
                CatalogState.more_label != "",
                rx.button(
                    CatalogState.more_label,
                    on_click=CatalogState.show_more,
                    variant="soft",
                    size="3",
                    data_testid="show-more",
                ),
            ),
            spacing="5",
            align="center",
            width="100%",
        ),
        rx.callout(
            "Nothing matches those words yet. Try another word or another category.",
            icon="search-x",
            color_scheme="gray",
            data_testid="no-results",
        ),
    )


def catalog_page() -> rx.Component:
    return page_shell(
        rx.cond(
            CatalogState.unknown_category != "",
            notice(
                "We don't have that category",
                "There is no category called “" + CatalogState.unknown_category + "”. "
                "Pick one of ours below or browse everything.",
                icon="folder-x",
            ),
            rx.box(
                rx.heading(
                    CatalogState.heading, size="7", as_="h1", margin_bottom="var(--space-1)"
                ),
                rx.text(
                    CatalogState.result_count,
                    color=rx.color("gray", 11),
                    margin_bottom="var(--space-3)",
                ),
                rx.box(search_form("catalog-search"), margin_bottom="var(--space-3)"),
                until_loaded(
                    CatalogState.loaded,
                    rx.fragment(
                        _filters(),
                        rx.cond(
                            CatalogState.error != "",
                            rx.callout(
                                CatalogState.error,
                                icon="triangle-alert",
                                color_scheme="amber",
                                role="alert",
                                data_testid="search-error",
                            ),
                            _results(),
                        ),
                    ),
                    rx.vstack(
                        block("2rem", width="min(36rem, 100%)"),
                        placeholder_grid(8, "1", 3, "2 3 4"),
                        spacing="4",
                        width="100%",
                    ),
                ),
            ),
        )
    )
