"""Reading carts: one cart for a member, the list of a shopper's shared carts, and what an
invite code leads to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, false, func, select

from app.adapters.db.models import Product
from app.adapters.db.models_carts import Cart, CartLine, CartMember
from app.adapters.db.models_people import User
from app.domain.carts import (
    CartAccessDenied,
    CartError,
    CartErrorCode,
    CartKind,
    CartNotFound,
    MemberStatus,
    deadline_passed,
)
from app.domain.clock import as_utc, utcnow
from app.domain.money import format_minor
from app.domain.people import normalise_invite_code
from app.services.carts.changes import display_name, get_member
from app.services.carts.views import CartView, compose, moment_label, read_rows


def load_cart(
    session: Session, cart_id: int, viewer_id: int, now: datetime | None = None
) -> CartView:
    """Everything the cart page shows, for an active member; CartAccessDenied for anyone else."""
    rows = read_rows(session, cart_id)
    if rows is None:
        raise CartNotFound()
    viewer = next((m for m in rows.members if m.user_id == viewer_id), None)
    if viewer is None:
        raise CartAccessDenied()
    return compose(rows, viewer_id, viewer.role, now or utcnow())


@dataclass(frozen=True)
class CartSummary:
    """One of the shopper's carts, for the list on /cart and the product page's cart menu."""

    id: int
    name: str
    kind: str
    role: str
    owner: str
    member_count: int
    item_count: int
    total: str
    locked: bool
    deadline_label: str


def list_carts(session: Session, user_id: int, now: datetime | None = None) -> list[CartSummary]:
    """The shared carts the shopper is an active member of, newest first."""
    now = now or utcnow()
    rows = session.exec(
        select(Cart, CartMember)
        .join(CartMember, col(CartMember.cart_id) == col(Cart.id))
        .where(
            CartMember.user_id == user_id,
            CartMember.status == MemberStatus.ACTIVE.value,
            col(Cart.deleted) == false(),
            Cart.kind == CartKind.SHARED.value,
        )
        .order_by(col(Cart.created_at).desc(), col(Cart.id).desc())
    ).all()
    if not rows:
        return []
    ids = [cart.id or 0 for cart, _ in rows]
    counts = dict(
        session.exec(
            select(CartMember.cart_id, func.count())
            .where(col(CartMember.cart_id).in_(ids), CartMember.status == MemberStatus.ACTIVE.value)
            .group_by(col(CartMember.cart_id))
        ).all()
    )
    sums = {
        cart_id: (int(items or 0), int(total or 0))
        for cart_id, items, total in session.exec(
            select(
                CartLine.cart_id,
                func.sum(CartLine.quantity),
                func.sum(col(CartLine.quantity) * col(Product.price_amount)),
            )
            .join(Product, col(Product.id) == col(CartLine.product_id))
            .where(col(CartLine.cart_id).in_(ids))
            .group_by(col(CartLine.cart_id))
        ).all()
    }
    owners = {
        user.id: user.display_name
        for user in session.exec(
            select(User).where(col(User.id).in_({cart.owner_id for cart, _ in rows}))
        ).all()
    }
    out = []
    for cart, member in rows:
        items, total = sums.get(cart.id or 0, (0, 0))
        deadline = as_utc(cart.deadline) if cart.deadline else None
        out.append(
            CartSummary(
                id=cart.id or 0,
                name=cart.name,
                kind=cart.kind,
                role=member.role,
                owner=owners.get(cart.owner_id, "Someone"),
                member_count=int(counts.get(cart.id or 0, 0)),
                item_count=items,
                total=format_minor(total, cart.currency),
                locked=cart.locked or deadline_passed(deadline, now),
                deadline_label=moment_label(deadline),
            )
        )
    return out


@dataclass(frozen=True)
class CartTarget:
    """A cart the product page can add to."""

    id: int
    name: str


@dataclass(frozen=True)
class CartInvitePreview:
    """What someone opening a cart's invite link sees before joining."""

    cart_id: int
    name: str
    owner: str
    member_count: int
    code: str
    already_member: bool
    removed: bool


def find_by_code(session: Session, raw_code: str, user_id: int | None) -> CartInvitePreview:
    """The shared cart behind an invite code, for the join page. CartError when unknown."""
    code = normalise_invite_code(raw_code)
    if code is None:
        raise CartError(CartErrorCode.INVALID_CODE)
    cart = session.exec(
        select(Cart).where(Cart.invite_code == code, col(Cart.deleted) == false())
    ).first()
    if cart is None or cart.id is None:
        raise CartError(CartErrorCode.UNKNOWN_CODE)
    count = session.exec(
        select(func.count()).where(
            CartMember.cart_id == cart.id, CartMember.status == MemberStatus.ACTIVE.value
        )
    ).one()
    member = get_member(session, cart.id, user_id) if user_id is not None else None
    return CartInvitePreview(
        cart_id=cart.id,
        name=cart.name,
        owner=display_name(session, cart.owner_id),
        member_count=int(count),
        code=code,
        already_member=member is not None and member.status == MemberStatus.ACTIVE,
        removed=member is not None and member.status == MemberStatus.REMOVED,
    )
