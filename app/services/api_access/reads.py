"""Reads the API needs that no page makes in one call: a shopper's shared carts alone (the cart
page reads them with the personal cart). Composed from the carts package's own queries."""

from __future__ import annotations

from app.services.carts.reading import CartSummary, list_carts
from app.services.context import Context


def shared_carts(ctx: Context, viewer_id: int) -> list[CartSummary]:
    """The shared carts the person is an active member of, newest first."""
    with ctx.session() as session:
        return list_carts(session, viewer_id, ctx.now())
