"""Home page data: categories and featured products."""

from __future__ import annotations

import asyncio

import reflex as rx

from app.domain.catalog import CategoryView, ProductCard
from app.services import catalog
from app.services.context import app_context


class HomeState(rx.State):
    categories: list[CategoryView] = []
    featured: list[ProductCard] = []
    loaded: bool = False  # until then the page holds its shape with placeholders

    @rx.event
    async def load(self) -> None:
        page = await asyncio.to_thread(catalog.home_page, app_context())
        self.categories = page.categories
        self.featured = page.featured
        self.loaded = True
