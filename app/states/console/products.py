"""Products and stock (admins): one form for new and edited products, the picture through
Reflex's upload, the list with edit and archive."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.numbers import id_or_zero
from app.services.console import products
from app.services.console.access import ConsoleRefused
from app.services.console.products import CategoryChoice, ConsoleProduct, ProductFormError
from app.services.context import app_context
from app.states.console.base import ConsoleState

UPLOAD_ID = "product-image"
FIELDS = ("title", "description", "price", "stock", "currency", "category")
EMPTY = {"title": "", "description": "", "price": "", "stock": "0", "currency": "USD"}


class ConsoleProductsState(ConsoleState):
    items: list[ConsoleProduct] = []
    categories: list[CategoryChoice] = []
    draft: dict[str, str] = dict(EMPTY)
    product_errors: dict[str, str] = {}
    editing: int = 0  # 0: a new product
    form_key: int = 0  # bumped to reset the uncontrolled inputs

    async def _reload(self, user_id: int) -> None:
        self.items, self.categories = await asyncio.to_thread(
            products.console_products, app_context(), user_id
        )

    def _reset_form(self) -> None:
        self.draft = {**EMPTY, "category": self.categories[0].slug if self.categories else ""}
        self.product_errors = {}
        self.editing = 0
        self.form_key += 1

    @rx.event
    async def load_section(self) -> None:
        user = await self._staff()
        if user is None:
            return
        try:
            await self._reload(user.id)
        except ConsoleRefused:
            self.items, self.categories = [], []
        self._reset_form()

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in FIELDS:
            self.draft[name] = str(value)[:4000]

    @rx.event
    def edit(self, product_id: int) -> None:
        found = next((p for p in self.items if p.id == id_or_zero(product_id)), None)
        if found is None:
            return
        self.draft = {
            "title": found.title,
            "description": found.description,
            "price": found.price_input,
            "stock": str(found.stock),
            "currency": found.currency,
            "category": found.category,
        }
        self.product_errors = {}
        self.editing = found.id
        self.form_key += 1

    @rx.event
    def new_product(self) -> Any:
        self._reset_form()
        return rx.clear_selected_files(UPLOAD_ID)

    @rx.event
    async def save(self, files: list[rx.UploadFile]) -> Any:
        user = await self._staff()
        if user is None:
            return self.ask_to_sign_in()
        image = await files[0].read() if files else None
        try:
            if self.editing:
                await asyncio.to_thread(
                    products.update_product,
                    app_context(),
                    user.id,
                    self.editing,
                    dict(self.draft),
                    image,
                )
            else:
                await asyncio.to_thread(
                    products.create_product, app_context(), user.id, dict(self.draft), image
                )
            await self._reload(user.id)
        except ProductFormError as invalid:
            self.product_errors = invalid.field_errors
            return rx.toast.error("Please fix the fields marked in red.")
        except ConsoleRefused as refusal:
            return rx.toast.error(str(refusal))
        title = self.draft.get("title", "").strip()
        self._reset_form()
        return [rx.clear_selected_files(UPLOAD_ID), rx.toast.success(f"Saved “{title}”.")]

    @rx.event
    async def archive(self, product_id: int, archived: bool) -> Any:
        user = await self._staff()
        if user is None:
            return self.ask_to_sign_in()
        try:
            await asyncio.to_thread(
                products.archive_product,
                app_context(),
                user.id,
                id_or_zero(product_id),
                bool(archived),
            )
            await self._reload(user.id)
        except ConsoleRefused as refusal:
            return rx.toast.error(str(refusal))
        return rx.toast.success("Archived." if archived else "Back in the shop.")
