"""What every checkout step shares (internal to the checkout package): the order lock each
change starts with, payment shares that only move forward, the money to move back once a
failure is committed, and the payments provider's parts the cart page pays with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select, update

from app.adapters.db.models_orders import PaymentShare, ShopOrder
from app.adapters.db.models_people import User
from app.adapters.payments.gateway import PaymentError, PaymentErrorCode, PaymentGateway
from app.domain.checkout import (
    SHARE_MOVES_FROM,
    CheckoutError,
    CheckoutErrorCode,
    OrderStatus,
    ShareStatus,
)
from app.domain.clock import as_utc
from app.domain.payments import SandboxCard
from app.services.context import Context

NO_SYNC = {"synchronize_session": False}

# Payment problems that say "this card won't pay": they fail the order. Anything else (the
# provider is down, a configuration mistake) leaves the share open so the payer can try again.
DECLINES = (
    PaymentErrorCode.CARD_DECLINED,
    PaymentErrorCode.AUTHENTICATION_REQUIRED,
    PaymentErrorCode.INVALID_STATE,
)


@dataclass
class AfterCommit:
    """Money to move back once a failure is committed: (order id, share id, intent id)."""

    refunds: list[tuple[int, int, str]] = field(default_factory=list)
    cancels: list[tuple[int, int, str]] = field(default_factory=list)

    def extend(self, other: AfterCommit) -> None:
        self.refunds.extend(other.refunds)
        self.cancels.extend(other.cancels)


def label(moment: datetime | None) -> str:
    return f"{as_utc(moment):%d %b %Y, %H:%M} UTC" if moment else ""


def payments_enabled(ctx: Context) -> bool:
    """A payment provider is configured (a key that does not even parse counts as none)."""
    try:
        return ctx.payments.enabled
    except ValueError:
        return False


def gateway_or_none(ctx: Context) -> PaymentGateway | None:
    """The gateway to move money back with; None when nothing can have been paid."""
    return ctx.payments.gateway if payments_enabled(ctx) else None


def sandbox_payment_method(ctx: Context, card: SandboxCard) -> str:
    """The payment method of a test card, from the local test server's sandbox. The cart page
    only pays with test cards: without the sandbox, payments are not configured for it."""
    sandbox = ctx.payments.sandbox if payments_enabled(ctx) else None
    if sandbox is None:
        raise CheckoutError(CheckoutErrorCode.PAYMENTS_UNAVAILABLE)
    try:
        return sandbox.payment_method(card)
    except PaymentError as error:
        raise CheckoutError(CheckoutErrorCode.PAYMENT_FAILED, error.user_message) from error


def running_order(ctx: Context, cart_id: int) -> int:
    """The cart's checkout waiting for its payments; ORDER_CLOSED when there is none."""
    pending = select(ShopOrder.id).where(
        ShopOrder.cart_id == cart_id, ShopOrder.status == OrderStatus.PENDING.value
    )
    with ctx.session() as session:
        order_id = session.exec(pending).first()
    if order_id is None:
        raise CheckoutError(CheckoutErrorCode.ORDER_CLOSED)
    return order_id


def display_name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.display_name if user else "Someone"


def lock_order(session: Session, order_id: int) -> ShopOrder:
    """Bump the order's version first thing: it serialises every change of this order."""
    row = session.exec(
        update(ShopOrder)
        .where(col(ShopOrder.id) == order_id)
        .values(version=col(ShopOrder.version) + 1)
        .returning(col(ShopOrder.id)),
        execution_options=NO_SYNC,
    ).first()
    if row is None:
        raise CheckoutError(CheckoutErrorCode.ORDER_NOT_FOUND)
    order = session.get(ShopOrder, order_id, populate_existing=True)
    assert order is not None
    return order


def share_of(session: Session, order_id: int, user_id: int) -> PaymentShare | None:
    return session.exec(
        select(PaymentShare)
        .where(PaymentShare.order_id == order_id, PaymentShare.user_id == user_id)
        .execution_options(populate_existing=True)
    ).first()


def move_share(
    session: Session, share_id: int, target: ShareStatus, now: datetime, **values: Any
) -> bool:
    """Move a share forward to `target` if it may go there; False when it was already past."""
    result = session.exec(
        update(PaymentShare)
        .where(
            col(PaymentShare.id) == share_id,
            col(PaymentShare.status).in_([s.value for s in SHARE_MOVES_FROM[target]]),
        )
        .values(status=target.value, updated_at=now, **values),
        execution_options=NO_SYNC,
    )
    return bool(result.rowcount)
