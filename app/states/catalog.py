"""Catalog page: search words and a category filter taken from the URL."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from app.adapters.db.session import session_scope
from app.domain.catalog import CategoryView, ProductCard, SearchQueryError
from app.services import catalog


class CatalogState(rx.State):
    query: str = ""
    category: str = ""
    category_name: str = ""
    categories: list[CategoryView] = []
    products: list[ProductCard] = []
    error: str = ""
    unknown_category: str = ""
    loaded: bool = False

    @rx.event
    def load(self) -> None:
        params = self.router.url.query_parameters
        raw_query = params.get("q", "")
        self.category = params.get("category", "")
        self.error = ""
        self.unknown_category = ""
        self.products = []
        self.category_name = ""
        self.query = raw_query[:200]
        with session_scope() as session:
            self.categories = catalog.list_categories(session)
            try:
                result = catalog.search_products(session, raw_query, self.category or None)
            except SearchQueryError as refusal:
                self.error = str(refusal)
            except catalog.UnknownCategory:
                self.unknown_category = self.category
            else:
                self.query = result.query
                self.products = result.products
                self.category_name = result.category.name if result.category else ""
        self.loaded = True

    @rx.event
    def choose_category(self, slug: str) -> rx.event.EventSpec:
        params = {key: value for key, value in (("q", self.query), ("category", slug)) if value}
        return rx.redirect("/catalog" + ("?" + urlencode(params) if params else ""))

    @rx.var
    def heading(self) -> str:
        if self.query and self.category_name:
            return f"“{self.query}” in {self.category_name}"
        if self.query:
            return f"Results for “{self.query}”"
        return self.category_name or "All products"

    @rx.var
    def result_count(self) -> str:
        count = len(self.products)
        return f"{count} product{'s' if count != 1 else ''}"
