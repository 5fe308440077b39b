"""What the checkout does to a cart: lock it for the owner's checkout, tell its members the
news, and take the bought lines out. Not edits by a member: the checkout service checked who
may act on the order."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, delete, update

from app.adapters.db.models_carts import Cart, CartLine
from app.domain.carts import CartNotFound
from app.domain.clock import utcnow
from app.services.carts.changes import bump, get_cart, record, refusal
from app.services.unit_of_work import UnitOfWork


def announce(
    uow: UnitOfWork, cart_id: int, text: str, *, locked: bool | None = None, **extra: Any
) -> int:
    """Bump the cart's version for news from outside the cart (checkout), optionally setting
    `locked`, and record the activity line; the new version. Not an edit: no member check."""
    values: dict[str, Any] = {"version": col(Cart.version) + 1}
    if locked is not None:
        values["locked"] = locked
    row = uow.session.exec(
        update(Cart)
        .where(col(Cart.id) == cart_id)
        .values(**values)
        .returning(col(Cart.version))
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        raise CartNotFound()
    version = int(row[0])
    # Checkout news changes the checkout panel too, which the cart snapshot does not carry.
    record(uow, cart_id, version, text, checkout=True, **extra)
    return version


def claim_for_checkout(uow: UnitOfWork, cart_id: int, owner_id: int) -> tuple[int, bool]:
    """Lock the cart for its owner's checkout; (new version, whether it was locked before).

    Allowed on a cart that is already locked or past its deadline (that is when people check
    out). The version bump comes first, so concurrent edits and a second checkout of the same
    cart wait for this transaction and then see its order; the caller records the activity.
    """
    session = uow.session
    now = utcnow()
    version = bump(session, cart_id, owner_id, now=now, owner_only=True, editable=False)
    if version is None:
        raise refusal(session, cart_id, owner_id, now=now, owner_only=True)
    was_locked = get_cart(session, cart_id).locked
    session.exec(
        update(Cart)
        .where(col(Cart.id) == cart_id)
        .values(locked=True)
        .execution_options(synchronize_session=False)
    )
    return version, bool(was_locked)


def record_activity(uow: UnitOfWork, cart_id: int, version: int, text: str, **extra: Any) -> None:
    """The activity line and event of a version checkout bumped (see `claim_for_checkout`)."""
    record(uow, cart_id, version, text, checkout=True, **extra)


def clear_lines(uow: UnitOfWork, cart_id: int, line_ids: list[int]) -> None:
    """Take bought lines out of the cart (the checkout completed)."""
    if line_ids:
        uow.session.exec(
            delete(CartLine).where(col(CartLine.cart_id) == cart_id, col(CartLine.id).in_(line_ids))
        )
