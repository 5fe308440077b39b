"""Catalog page: search words and a category filter taken from the URL."""

from __future__ import annotations

import asyncio

import reflex as rx
from reflex.event import EventSpec

from app import routes
from app.domain.catalog import TILES_AT_ONCE, CategoryView, ProductCard
from app.services import catalog
from app.services.context import app_context


class CatalogState(rx.State):
    query: str = ""
    category: str = ""
    category_name: str = ""
    categories: list[CategoryView] = []
    products: list[ProductCard] = []
    error: str = ""
    unknown_category: str = ""
    loaded: bool = False
    shown: int = TILES_AT_ONCE  # how many of the products' tiles are drawn

    @rx.event
    async def load(self) -> None:
        params = self.router.url.query_parameters
        raw_query = params.get("q", "")
        self.category = params.get("category", "")
        page = await asyncio.to_thread(
            catalog.catalog_page, app_context(), raw_query, self.category or None
        )
        self.categories = page.categories
        self.error = page.error
        self.unknown_category = self.category if page.unknown_category else ""
        result = page.result
        self.query = result.query if result else ""
        self.products = result.products if result else []
        self.category_name = result.category.name if result and result.category else ""
        self.shown = TILES_AT_ONCE
        self.loaded = True

    @rx.event
    def show_more(self) -> None:
        self.shown = min(self.shown + TILES_AT_ONCE, len(self.products))

    @rx.event
    def choose_category(self, slug: str) -> EventSpec:
        return rx.redirect(routes.catalog_url(q=self.query, category=slug))

    @rx.var
    def heading(self) -> str:
        if self.error:  # a refused search is not echoed back (it may hold anything at all)
            return "Try another search"
        if self.query and self.category_name:
            return f"“{self.query}” in {self.category_name}"
        if self.query:
            return f"Results for “{self.query}”"
        return self.category_name or "All products"

    @rx.var
    def more_label(self) -> str:
        """The button under the tiles while some are not drawn: "Show 12 more of 36"."""
        left = len(self.products) - self.shown
        return f"Show {min(left, TILES_AT_ONCE)} more of {len(self.products)}" if left > 0 else ""

    @rx.var
    def result_count(self) -> str:
        """How many products match; before the search's answer, a blank line of the same height
        (never a count of nothing the shopper was not told)."""
        if not self.loaded:
            return "\u00a0"
        count = len(self.products)
        return f"{count} product{'s' if count != 1 else ''}"
