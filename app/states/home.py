"""Home page data: categories and featured products."""

from __future__ import annotations

import reflex as rx

from app.adapters.db.session import session_scope
from app.domain.catalog import CategoryView, ProductCard
from app.services import catalog


class HomeState(rx.State):
    categories: list[CategoryView] = []
    featured: list[ProductCard] = []

    @rx.event
    def load(self) -> None:
        with session_scope() as session:
            self.categories = catalog.list_categories(session)
            self.featured = catalog.featured_products(session)
