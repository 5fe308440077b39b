""" "Add to cart" on the product page: to the shopper's own cart or one of their shared carts."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.carts import CartError, CartErrorCode
from app.domain.numbers import int_or_zero, parse_whole
from app.services import carts
from app.services.carts import CartTarget
from app.services.context import app_context
from app.states.session import SessionState

# Refusals about the quantity typed: shown next to the field as well as in the toast.
_QUANTITY_ERRORS = (
    CartErrorCode.NOT_ENOUGH_STOCK,
    CartErrorCode.OUT_OF_STOCK,
    CartErrorCode.INVALID_QUANTITY,
    CartErrorCode.OVER_BUDGET,
)


class AddToCartState(SessionState):
    targets: list[CartTarget] = []
    quantity: str = "1"
    quantity_error: str = ""

    @rx.event
    async def load_targets(self) -> None:
        self.quantity, self.quantity_error = "1", ""
        user = await self._user_now()
        self.targets = (
            []
            if user is None
            else await asyncio.to_thread(carts.carts_to_add_to, app_context(), user.id)
        )

    @rx.event
    def set_quantity(self, value: str) -> None:
        self.quantity = str(value)[:6]

    @rx.event
    async def add(self, product_id: int, cart_id: int) -> Any:
        """Add the typed quantity; `cart_id` 0 is the shopper's own cart."""
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to add things to a cart.")
        qty = parse_whole(self.quantity) or 0
        if qty < 1:
            self.quantity_error = CartErrorCode.INVALID_QUANTITY.message
            return rx.toast.error(self.quantity_error)
        target = int_or_zero(cart_id) or None
        try:
            change = await asyncio.to_thread(
                carts.add_to_cart, app_context(), user.id, target, int_or_zero(product_id), qty
            )
        except CartError as refusal:
            if refusal.code in _QUANTITY_ERRORS:
                self.quantity_error = refusal.message
            return rx.toast.error(refusal.message)
        self.quantity_error = ""
        if change.warning:
            return rx.toast.warning(change.warning)
        return rx.toast.success("Added to the shared cart" if target else "Added to your cart")
