"""What the cart page and the orders page show of a checkout."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.adapters.db.models_orders import PaymentShare, ShopOrder
from app.adapters.db.models_people import User
from app.domain.checkout import (
    MODE_LABELS,
    ORDER_LABELS,
    SHARE_LABELS,
    ShareStatus,
)
from app.domain.clock import as_utc
from app.domain.money import format_minor
from app.domain.people import avatar_colour, initials


@dataclass(frozen=True)
class ShareView:
    id: int
    user_id: int
    name: str
    initials: str
    colour: str
    avatar_url: str
    amount: str
    amount_minor: int
    status: str
    status_label: str


@dataclass(frozen=True)
class CheckoutView:
    """The cart's latest order, as every member sees it (nothing in it depends on the viewer)."""

    order_id: int
    cart_id: int
    status: str
    status_label: str
    mode: str
    mode_label: str
    owner_id: int
    total: str
    total_minor: int
    currency: str
    expires_at: str  # ISO 8601 UTC
    expires_label: str
    reason: str
    shares: list[ShareView]
    paid_count: int
    share_count: int


@dataclass(frozen=True)
class OrderLineView:
    title: str
    quantity: int
    unit_price: str
    line_total: str
    added_by: str
    payer: str
    mine: bool


@dataclass(frozen=True)
class OrderView:
    """One row of the orders page: a cart order or a group-buy deal order."""

    key: str  # "order-12" or "deal-order-3": unique across both kinds
    kind: str  # "cart" or "deal"
    number: str  # what people quote: "#12" or "Deal #3"
    title: str
    status: str
    status_label: str
    placed: str  # e.g. "24 Nov 2026, 18:02 UTC"
    total: str
    your_share: str
    your_share_status: str
    reason: str
    lines: list[OrderLineView]
    shares: list[ShareView]


@dataclass(frozen=True)
class PaymentOutcome:
    """What the payer's page needs after paying or confirming with the bank."""

    order_id: int
    share_status: str
    order_status: str
    message: str

    @property
    def paid(self) -> bool:
        return self.share_status == ShareStatus.PAID

    @property
    def needs_action(self) -> bool:
        return self.share_status == ShareStatus.NEEDS_ACTION


def share_views(session: Session, shares: Iterable[PaymentShare]) -> list[ShareView]:
    rows = list(shares)
    users = {
        user.id: user
        for user in session.exec(select(User).where(col(User.id).in_({s.user_id for s in rows})))
    }
    out = []
    for share in rows:
        user = users.get(share.user_id)
        name = user.display_name if user else "Someone"
        out.append(
            ShareView(
                id=share.id or 0,
                user_id=share.user_id,
                name=name,
                initials=initials(name),
                colour=avatar_colour(share.user_id),
                avatar_url=(user.avatar_url or "") if user else "",
                amount=format_minor(share.amount, share.currency),
                amount_minor=share.amount,
                status=share.status,
                status_label=SHARE_LABELS.get(share.status, share.status),
            )
        )
    return out


def checkout_view(session: Session, cart_id: int) -> CheckoutView | None:
    """The cart's latest order with its shares, or None if it was never checked out."""
    order = session.exec(
        select(ShopOrder)
        .where(ShopOrder.cart_id == cart_id)
        .order_by(col(ShopOrder.id).desc())
        .limit(1)
        .execution_options(populate_existing=True)
    ).first()
    if order is None or order.id is None:
        return None
    shares = session.exec(
        select(PaymentShare)
        .where(PaymentShare.order_id == order.id)
        .order_by(col(PaymentShare.id))
        .execution_options(populate_existing=True)
    ).all()
    views = share_views(session, shares)
    owner_first = sorted(views, key=lambda s: (s.user_id != order.owner_id, s.id))
    return CheckoutView(
        order_id=order.id,
        cart_id=order.cart_id,
        status=order.status,
        status_label=ORDER_LABELS.get(order.status, order.status),
        mode=order.mode,
        mode_label=MODE_LABELS.get(order.mode, order.mode),
        owner_id=order.owner_id,
        total=format_minor(order.total, order.currency),
        total_minor=order.total,
        currency=order.currency,
        expires_at=as_utc(order.expires_at).isoformat(),
        expires_label=f"{as_utc(order.expires_at):%H:%M} UTC",
        reason=order.reason,
        shares=owner_first,
        paid_count=sum(1 for s in views if s.status == ShareStatus.PAID),
        share_count=len(views),
    )
