"""Viewers shop the pinned product from the stream into their own cart."""

from __future__ import annotations

from dataclasses import dataclass

from app.services import carts
from app.services.context import Context
from app.services.live.errors import LiveError


@dataclass(frozen=True)
class CartAdd:
    """Where the product went and a warning worth showing (stock, budget), if any."""

    cart_id: int
    warning: str | None


def add_to_my_cart(ctx: Context, actor_id: int, product_id: int) -> CartAdd:
    """One of a product into the viewer's personal cart (made on first use). LiveError with
    the cart's message when refused (out of stock...)."""
    try:
        with ctx.uow() as uow:
            cart_id = carts.personal_cart(uow, actor_id)
            change = carts.add_item(uow, cart_id, actor_id, product_id)
    except carts.CartError as error:
        raise LiveError(error.message, str(error.code)) from error
    return CartAdd(cart_id, change.warning)
