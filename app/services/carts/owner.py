"""What only the owner does: lock and unlock, move the deadline, choose who pays, delete the
cart; and the deadline job that locks carts whose deadline passed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, false, or_, true, update

from app.adapters.db.cart_statements import not_checking_out
from app.adapters.db.models_carts import Cart
from app.domain.carts import (
    CartError,
    CartErrorCode,
    CartKind,
    MemberRole,
    MemberStatus,
    SplitMode,
    check_new_deadline,
    deadline_locked_text,
    deadline_passed,
    deadline_text,
    deleted_text,
    locked_text,
    unlocked_text,
)
from app.domain.clock import as_utc, utcnow
from app.services.carts.changes import (
    CHECKOUT_IN_PROGRESS,
    CartChange,
    begin_change,
    bump,
    checking_out,
    display_name,
    get_cart,
    get_member,
    record,
    refusal,
)
from app.services.carts.membership import new_cart_code
from app.services.unit_of_work import UnitOfWork


def _owner_change(
    uow: UnitOfWork,
    cart_id: int,
    owner_id: int,
    *,
    now: datetime,
    where: tuple[ColumnElement[bool], ...],
    values: Mapping[str, Any],
) -> int | None:
    """Bump for an owner action that may apply to a locked cart; None if it changed nothing."""
    version = bump(
        uow.session,
        cart_id,
        owner_id,
        now=now,
        owner_only=True,
        editable=False,
        where=where,
        values=values,
    )
    if version is not None:
        return version
    # Either refused (not found / not the owner) or already in the wanted state.
    cart = uow.session.get(Cart, cart_id, populate_existing=True)
    owner = get_member(uow.session, cart_id, owner_id)
    if (
        cart is None
        or cart.deleted
        or owner is None
        or owner.status != MemberStatus.ACTIVE
        or owner.role != MemberRole.OWNER
    ):
        raise refusal(uow.session, cart_id, owner_id, now=now, owner_only=True)
    return None


def lock(uow: UnitOfWork, cart_id: int, owner_id: int) -> CartChange:
    """The owner freezes the cart, e.g. before checking out. Locking twice is harmless."""
    version = _owner_change(
        uow,
        cart_id,
        owner_id,
        now=utcnow(),
        where=(col(Cart.locked) == false(),),
        values={"locked": True},
    )
    if version is None:
        return CartChange(cart_id, get_cart(uow.session, cart_id).version)
    record(uow, cart_id, version, locked_text(display_name(uow.session, owner_id)))
    return CartChange(cart_id, version)


def unlock(uow: UnitOfWork, cart_id: int, owner_id: int) -> CartChange:
    """The owner reopens the cart; refused while its deadline is past (move it first)."""
    now = utcnow()
    version = _owner_change(
        uow,
        cart_id,
        owner_id,
        now=now,
        where=(
            col(Cart.locked) == true(),
            or_(col(Cart.deadline).is_(None), col(Cart.deadline) > now),
            not_checking_out(),
        ),
        values={"locked": False},
    )
    if version is None:
        cart = get_cart(uow.session, cart_id)
        if checking_out(uow.session, cart_id):
            raise CartError(CartErrorCode.LOCKED, CHECKOUT_IN_PROGRESS)
        if deadline_passed(as_utc(cart.deadline) if cart.deadline else None, now):
            raise CartError(
                CartErrorCode.DEADLINE_PASSED,
                "This cart's deadline has passed. Move the deadline before unlocking it.",
            )
        return CartChange(cart_id, cart.version)
    record(uow, cart_id, version, unlocked_text(display_name(uow.session, owner_id)))
    return CartChange(cart_id, version)


def set_deadline(
    uow: UnitOfWork, cart_id: int, owner_id: int, deadline: datetime | None
) -> CartChange:
    """The owner sets, moves or removes the deadline (allowed on a locked cart)."""
    now = utcnow()
    new_deadline = check_new_deadline(as_utc(deadline) if deadline else None, now)
    version = _owner_change(
        uow, cart_id, owner_id, now=now, where=(), values={"deadline": new_deadline}
    )
    assert version is not None  # no extra condition: only a refusal can match nothing
    text = deadline_text(display_name(uow.session, owner_id), new_deadline)
    record(uow, cart_id, version, text)
    return CartChange(cart_id, version)


def rotate_code(uow: UnitOfWork, cart_id: int, owner_id: int) -> CartChange:
    """The owner replaces the shared cart's invite code: the links already sent stop working,
    the members stay. Also allowed on a locked cart."""
    session = uow.session
    if get_cart(session, cart_id).kind != CartKind.SHARED:
        raise CartError(CartErrorCode.PERSONAL_CART)
    values = {"invite_code": new_cart_code(session)}
    version = _owner_change(uow, cart_id, owner_id, now=utcnow(), where=(), values=values)
    assert version is not None  # no extra condition: only a refusal can match nothing
    name = display_name(session, owner_id)
    record(uow, cart_id, version, f"{name} made a new invite code; the old link no longer works")
    return CartChange(cart_id, version)


def set_split_mode(uow: UnitOfWork, cart_id: int, owner_id: int, mode: str) -> CartChange:
    """The owner chooses who pays at checkout: the owner for all, or each member their own."""
    try:
        split = SplitMode(mode)
    except ValueError:
        raise CartError(CartErrorCode.INVALID_NAME, "Choose who pays.") from None
    session = uow.session
    version = begin_change(session, cart_id, owner_id, now=utcnow(), owner_only=True)
    if get_cart(session, cart_id).kind != CartKind.SHARED:
        raise CartError(CartErrorCode.PERSONAL_CART)
    session.exec(
        update(Cart)
        .where(col(Cart.id) == cart_id)
        .values(split_mode=split.value)
        .execution_options(synchronize_session=False)
    )
    who = (
        "the owner pays for everything"
        if split is SplitMode.OWNER_PAYS
        else "everyone pays for their own items"
    )
    record(uow, cart_id, version, f"{display_name(session, owner_id)} chose: {who}")
    return CartChange(cart_id, version)


def delete_cart(uow: UnitOfWork, cart_id: int, owner_id: int) -> CartChange:
    """The owner deletes a shared cart; members lose access at once."""
    version = _owner_change(
        uow,
        cart_id,
        owner_id,
        now=utcnow(),
        where=(col(Cart.kind) == CartKind.SHARED.value, not_checking_out()),
        values={"deleted": True},
    )
    if version is None:
        if checking_out(uow.session, cart_id):
            raise CartError(CartErrorCode.LOCKED, CHECKOUT_IN_PROGRESS)
        raise CartError(CartErrorCode.PERSONAL_CART_DELETE)
    text = deleted_text(display_name(uow.session, owner_id))
    record(uow, cart_id, version, text, deleted=True)
    return CartChange(cart_id, version)


def lock_overdue_carts(uow: UnitOfWork, now: datetime | None = None) -> list[int]:
    """Lock every cart whose deadline has passed; the ids locked. Safe to run twice."""
    now = as_utc(now) if now else utcnow()
    rows = uow.session.exec(
        update(Cart)
        .where(
            col(Cart.deleted) == false(),
            col(Cart.locked) == false(),
            col(Cart.deadline).is_not(None),
            col(Cart.deadline) <= now,
        )
        .values(locked=True, version=col(Cart.version) + 1)
        .returning(col(Cart.id), col(Cart.version))
        .execution_options(synchronize_session=False)
    ).all()
    for cart_id, version in rows:
        record(uow, int(cart_id), int(version), deadline_locked_text())
    return sorted(int(cart_id) for cart_id, _ in rows)
