"""How every cart change starts and ends (internal to the carts package).

A change starts with one conditional UPDATE that bumps `cart.version` only if the actor may
change the cart right now (an active member, the owner for owner-only actions, the cart neither
locked, past its deadline nor deleted). That statement:

- authorises and refuses atomically: 0 rows means "refused", and only then do we read why;
- serialises writers of one cart (a row lock on PostgreSQL, the writer lock on SQLite), so the
  stock and budget checks that follow see every committed change;
- gives the new version, which the activity row and the `cart.changed` event carry, so watchers
  notice a missed event and reload.

A change ends with `record`: the activity row of that version and the event, published by the
unit of work after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlmodel import Session, select

from app.adapters.db.cart_statements import ADD_ACTIVITY, BUMP_AS_MEMBER, bump_statement
from app.adapters.db.models import Product
from app.adapters.db.models_carts import Cart, CartLine, CartMember
from app.adapters.db.models_orders import ShopOrder
from app.adapters.db.models_people import User
from app.domain.carts import (
    CartAccessDenied,
    CartError,
    CartErrorCode,
    CartNotFound,
    MemberRole,
    MemberStatus,
    edit_refusal,
)
from app.domain.checkout import OrderStatus
from app.domain.clock import as_utc, utcnow
from app.domain.events import DomainEvent, EventKind
from app.services.accounts import UserView
from app.services.unit_of_work import UnitOfWork

CHECKOUT_IN_PROGRESS = "Checkout is in progress, so the cart can't be changed right now."


@dataclass(frozen=True)
class CartChange:
    """The outcome of a change: the cart's version after it, and a warning worth showing.

    `by`: who made it, when a page named them by their sign-in token (see `actions`)."""

    cart_id: int
    version: int
    warning: str | None = None
    by: UserView | None = None


def positive(quantity: object) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise CartError(CartErrorCode.INVALID_QUANTITY)
    return quantity


# --------------------------------------------------------------------------- starting


def bump_row(
    session: Session,
    cart_id: int,
    actor_id: int | None,
    *,
    now: datetime,
    **options: Any,
) -> Row[Any] | None:
    """Bump the version if the actor may make this change now; the cart row after it, or None.

    `options`: owner_only, editable (default True), extra `where` conditions, extra `values`."""
    connection = session.connection()
    if actor_id is not None and not options:  # a member's everyday edit
        params = {"cart_id": cart_id, "actor_id": actor_id, "now": now}
        return connection.execute(BUMP_AS_MEMBER, params).first()
    return connection.execute(bump_statement(cart_id, actor_id, now, **options)).first()


def bump(session: Session, cart_id: int, actor_id: int | None, **options: Any) -> int | None:
    """`bump_row`'s new version, or None."""
    row = bump_row(session, cart_id, actor_id, **options)
    return None if row is None else int(row.version)


def refusal(
    session: Session, cart_id: int, actor_id: int | None, *, now: datetime, owner_only: bool
) -> CartError:
    """Why `bump` matched no row, read only after the atomic attempt failed."""
    cart = session.get(Cart, cart_id, populate_existing=True)
    if cart is None or cart.deleted:
        return CartNotFound()
    if actor_id is not None:
        found = get_member(session, cart_id, actor_id)
        if found is None or found.status != MemberStatus.ACTIVE:
            return CartAccessDenied()
        if owner_only and found.role != MemberRole.OWNER:
            return CartAccessDenied(CartErrorCode.OWNER_ONLY)
    code = edit_refusal(
        locked=cart.locked,
        deleted=cart.deleted,
        deadline=as_utc(cart.deadline) if cart.deadline else None,
        now=now,
    )
    if code is CartErrorCode.LOCKED and checking_out(session, cart_id):
        return CartError(CartErrorCode.LOCKED, CHECKOUT_IN_PROGRESS)
    return CartError(code or CartErrorCode.LOCKED)


def begin_change(
    session: Session, cart_id: int, actor_id: int | None, *, now: datetime, owner_only: bool = False
) -> int:
    """The new version of a change the actor may make, or the CartError that says why not."""
    version = bump(session, cart_id, actor_id, now=now, owner_only=owner_only)
    if version is None:
        raise refusal(session, cart_id, actor_id, now=now, owner_only=owner_only)
    return version


def checking_out(session: Session, cart_id: int) -> bool:
    """True while an order of this cart waits for its payments (the cart is locked for it)."""
    found = session.exec(
        select(ShopOrder.id).where(
            ShopOrder.cart_id == cart_id, ShopOrder.status == OrderStatus.PENDING.value
        )
    ).first()
    return found is not None


# --------------------------------------------------------------------------- ending


def record(
    uow: UnitOfWork,
    cart_id: int,
    version: int,
    text: str,
    at: datetime | None = None,
    **extra: Any,
) -> None:
    """Write the activity row of a version and announce it after commit.

    `extra` goes into the event payload for watchers that act on it (`removed_user` /
    `left_user`: take that person out of the cart's room; `deleted`: the cart is gone;
    `snapshot`: the room view after this change, when the change already made it;
    `checkout`: news of the cart's checkout, which the room view does not carry).
    """
    session = uow.session
    session.flush()  # the Core insert below does not flush pending ORM rows by itself
    session.connection().execute(
        ADD_ACTIVITY,
        {"cart_id": cart_id, "version": version, "text": text[:300], "created_at": at or utcnow()},
    )
    uow.record(
        DomainEvent(
            aggregate="cart",
            aggregate_id=str(cart_id),
            version=version,
            kind=EventKind.CART_CHANGED,
            payload={"activity": text, **extra},
        )
    )


# --------------------------------------------------------------------------- lookups


def get_cart(session: Session, cart_id: int) -> Cart:
    found = session.get(Cart, cart_id, populate_existing=True)
    if found is None or found.deleted:
        raise CartNotFound()
    return found


def get_member(session: Session, cart_id: int, user_id: int) -> CartMember | None:
    return session.exec(
        select(CartMember)
        .where(CartMember.cart_id == cart_id, CartMember.user_id == user_id)
        .execution_options(populate_existing=True)
    ).first()


def display_name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.display_name if user else "Someone"


def get_product(session: Session, product_id: int) -> Product:
    found = session.get(Product, product_id, populate_existing=True)
    if found is None:
        raise CartError(CartErrorCode.PRODUCT_NOT_FOUND)
    return found


def get_line(session: Session, cart_id: int, line_id: int) -> CartLine:
    found = session.get(CartLine, line_id, populate_existing=True)
    if found is None or found.cart_id != cart_id:
        raise CartError(CartErrorCode.LINE_NOT_FOUND)
    return found
