"""Product page: one product with its gallery."""

from __future__ import annotations

import asyncio

import reflex as rx

from app.domain.catalog import ProductDetail
from app.domain.numbers import parse_whole
from app.services import catalog
from app.services.context import app_context
from app.states.chat import ChatState, open_chat
from app.states.keyed_page import KeyedPage
from app.states.session import route_arg


class ProductState(KeyedPage, rx.State):
    product: ProductDetail | None = None
    not_found: bool = False
    selected_image: int = 0

    @rx.event
    async def load(self) -> None:
        key = route_arg(self, "product_key")[:100]
        self.selected_image = 0
        try:
            self.product = await asyncio.to_thread(catalog.get_product, app_context(), key)
            self.not_found = False
        except catalog.ProductNotFound:
            self.product = None
            self.not_found = True
        self._mark_shown()
        if self.product is not None:
            await open_chat(self, ChatState, f"product:{self.product.id}")

    @rx.event
    def select_image(self, index: int) -> None:
        self.selected_image = parse_whole(index, 0, 1000) or 0

    @rx.var
    def main_image(self) -> str:
        if self.product is None or not self.product.images:
            return ""
        index = min(max(self.selected_image, 0), len(self.product.images) - 1)
        return self.product.images[index].url

    @rx.var
    def title(self) -> str:
        return self.product.title if self.product else ""
