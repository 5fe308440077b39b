"""What the cart pages read: the cart with its checkout panel, the shopper's shared carts and
friends, and the room view pushed to everyone watching a cart. Reads of both the carts and the
checkout packages, so they live above both."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.carts import CartError, CartErrorCode, CartKind
from app.domain.numbers import parse_id
from app.services import friends
from app.services.accounts import PersonView
from app.services.carts import membership
from app.services.carts.reading import CartSummary, list_carts, load_cart
from app.services.carts.views import CartView, load_room_view
from app.services.checkout.shares import payments_enabled
from app.services.checkout.views import CheckoutView, checkout_view
from app.services.context import Context


@dataclass(frozen=True)
class CartPage:
    """Everything /cart and /cart/<id> show when they load."""

    view: CartView
    checkout: CheckoutView | None
    shared_carts: list[CartSummary]  # on the personal cart's page
    friends: list[PersonView]  # on a shared cart's page, to add them
    payments_ready: bool


def open_cart(ctx: Context, viewer_id: int, raw_cart_id: str | None) -> CartPage:
    """The page of one cart for a member; `raw_cart_id` None is the shopper's own cart (made
    on first use). CartError when the cart is gone or the shopper may not see it."""
    if raw_cart_id is None:
        with ctx.uow() as uow:
            cart_id = membership.personal_cart(uow, viewer_id)
    elif (parsed := parse_id(raw_cart_id)) is not None:
        cart_id = parsed
    else:
        raise CartError(CartErrorCode.CART_NOT_FOUND)
    with ctx.session() as session:
        view = load_cart(session, cart_id, viewer_id, ctx.now())
        order = checkout_view(session, cart_id)
        personal = view.kind == CartKind.PERSONAL
        shared = list_carts(session, viewer_id, ctx.now()) if personal else []
        mates = friends.list_friends(session, viewer_id) if not personal else []
    return CartPage(view, order, shared, mates, payments_enabled(ctx))


@dataclass(frozen=True)
class CartRoom:
    """What everyone in a cart's room is pushed after news: None when the cart is gone."""

    view: CartView | None
    checkout: CheckoutView | None


def cart_room(ctx: Context, cart_id: int) -> CartRoom:
    """The cart as every member sees it, and its checkout panel (one read per event)."""
    with ctx.session() as session:
        view = load_room_view(session, cart_id, ctx.now())
        order = checkout_view(session, cart_id) if view is not None else None
    return CartRoom(view, order)
