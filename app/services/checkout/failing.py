"""Ending a checkout that will not be paid: the owner cancels, a card is declined or the bank
check fails, or unpaid shares time out (the job). Held stock goes back (the reservation's held
-> released UPDATE guards the stock UPDATE, so it happens once), shares already paid are
refunded, unfinished 3-D Secure payments cancelled, and the cart unlocked if it was unlocked
before, its lines untouched. Refunds that fail are retried by the job."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session, col, select, update

from app.adapters.db.models import Product
from app.adapters.db.models_orders import PaymentShare, ShopOrder, StockReservation
from app.adapters.payments.gateway import (
    PaymentError,
    PaymentErrorCode,
)
from app.domain.checkout import (
    OPEN_SHARE,
    CheckoutError,
    CheckoutErrorCode,
    OrderStatus,
    ReservationStatus,
    ShareStatus,
    cancel_key,
    cancelled_text,
    declined_text,
    expired_text,
    refund_key,
)
from app.services import carts
from app.services.checkout.shares import (
    NO_SYNC,
    AfterCommit,
    display_name,
    gateway_or_none,
    lock_order,
    move_share,
    running_order,
)
from app.services.context import Context
from app.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


def cancel_checkout(ctx: Context, owner_id: int, order_id: int) -> None:
    """The owner calls the checkout off: stock back, paid shares refunded, cart open again."""
    with ctx.uow() as uow:
        order = uow.session.get(ShopOrder, order_id)
        if order is None:
            raise CheckoutError(CheckoutErrorCode.ORDER_NOT_FOUND)
        if order.owner_id != owner_id:
            raise CheckoutError(CheckoutErrorCode.OWNER_ONLY)
        if order.status != OrderStatus.PENDING:
            raise CheckoutError(CheckoutErrorCode.ORDER_CLOSED)
    fail(ctx, order_id, OrderStatus.CANCELLED, ctx.now(), actor_id=owner_id)


def cancel_cart_checkout(ctx: Context, owner_id: int, cart_id: int) -> None:
    """The owner cancels the cart's running checkout from the cart page."""
    cancel_checkout(ctx, owner_id, running_order(ctx, cart_id))


def fail(
    ctx: Context,
    order_id: int,
    status: OrderStatus,
    now: datetime,
    *,
    failed_share: int | None = None,
    code: str | None = None,
    actor_id: int | None = None,
) -> bool:
    """Close a pending order as `status` in one transaction, then move money back; False if
    it was already closed. `failed_share` / `code`: the share whose payment failed, and why."""
    with ctx.uow() as uow:
        late = _fail_in(uow, order_id, status, failed_share, code, actor_id, now)
    if late is None:
        return False
    settle(ctx, late, now)
    return True


def _fail_in(
    uow: UnitOfWork,
    order_id: int,
    status: OrderStatus,
    failed_share: int | None,
    failure_code: str | None,
    actor_id: int | None,
    now: datetime,
) -> AfterCommit | None:
    """Close a pending order as failed / expired / cancelled; None if it was already closed."""
    session = uow.session
    order = lock_order(session, order_id)
    late = AfterCommit()
    if order.status != OrderStatus.PENDING:
        return None
    if failed_share is not None:
        payer = session.get(PaymentShare, failed_share)
        text = declined_text(display_name(session, payer.user_id if payer else 0))
    elif status is OrderStatus.EXPIRED:
        text = expired_text()
    else:
        text = cancelled_text(display_name(session, actor_id or order.owner_id))
    session.exec(
        update(ShopOrder)
        .where(col(ShopOrder.id) == order_id, col(ShopOrder.status) == OrderStatus.PENDING.value)
        .values(status=status.value, reason=text[:300], closed_at=now),
        execution_options=NO_SYNC,
    )
    if failed_share is not None:
        move_share(session, failed_share, ShareStatus.FAILED, now, failure_code=failure_code)
    open_target = ShareStatus.EXPIRED if status is OrderStatus.EXPIRED else ShareStatus.VOIDED
    shares = session.exec(
        select(PaymentShare)
        .where(PaymentShare.order_id == order_id)
        .execution_options(populate_existing=True)
    ).all()
    for share in shares:
        assert share.id is not None
        if share.status in OPEN_SHARE:
            if share.status == ShareStatus.NEEDS_ACTION and share.intent_id:
                late.cancels.append((order_id, share.id, share.intent_id))
            move_share(session, share.id, open_target, now)
        elif share.status == ShareStatus.PAID and share.intent_id:
            move_share(session, share.id, ShareStatus.REFUND_DUE, now)
            late.refunds.append((order_id, share.id, share.intent_id))
    # The cart first, then products: the same lock order as starting a checkout.
    carts.announce(uow, order.cart_id, text, locked=order.cart_was_locked)
    _release_stock(session, order_id, now)
    return late


def _release_stock(session: Session, order_id: int, now: datetime) -> None:
    released = session.exec(
        update(StockReservation)
        .where(
            col(StockReservation.order_id) == order_id,
            col(StockReservation.status) == ReservationStatus.HELD.value,
        )
        .values(status=ReservationStatus.RELEASED.value, updated_at=now)
        .returning(col(StockReservation.product_id), col(StockReservation.quantity)),
        execution_options=NO_SYNC,
    ).all()
    for product_id, quantity in sorted((int(p), int(q)) for p, q in released):
        session.exec(
            update(Product)
            .where(col(Product.id) == product_id)
            .values(stock=col(Product.stock) + quantity),
            execution_options=NO_SYNC,
        )


def settle(ctx: Context, late: AfterCommit, now: datetime) -> None:
    """Move money back after a failure was committed. What fails here is retried by the job."""
    gateway = gateway_or_none(ctx)
    if gateway is None or not (late.refunds or late.cancels):
        return
    for order_id, share_id, intent_id in late.cancels:
        try:
            gateway.cancel(intent_id, idempotency_key=cancel_key(order_id, share_id))
        except PaymentError as error:
            if error.code is not PaymentErrorCode.INVALID_STATE:
                log.warning("could not cancel %s: %s", intent_id, error)
                continue
            # The shopper finished 3-D Secure after all: the money is in, so it goes back.
            with ctx.uow() as uow:
                move_share(uow.session, share_id, ShareStatus.REFUND_DUE, now, intent_id=intent_id)
            late.refunds.append((order_id, share_id, intent_id))
    for order_id, share_id, intent_id in late.refunds:
        try:
            gateway.refund(
                intent_id, amount=None, idempotency_key=refund_key(order_id, share_id, intent_id)
            )
        except PaymentError as error:
            log.warning("refund of %s failed, will retry: %s", intent_id, error)
            continue
        with ctx.uow() as uow:
            share = uow.session.get(PaymentShare, share_id)
            if share is not None and share.intent_id == intent_id:
                move_share(uow.session, share_id, ShareStatus.REFUNDED, now)


# --------------------------------------------------------------------------- the timeout job


def expire_checkouts(ctx: Context) -> list[int]:
    """Time out pending orders past their deadline (stock back, refunds, carts open again) and
    retry refunds that failed before. Returns the orders it closed; safe to run anywhere, any
    number of times at once."""
    now = ctx.now()
    with ctx.uow() as uow:
        due = uow.session.exec(
            select(ShopOrder.id).where(
                ShopOrder.status == OrderStatus.PENDING.value, col(ShopOrder.expires_at) <= now
            )
        ).all()
        owed = uow.session.exec(
            select(PaymentShare.order_id, PaymentShare.id, PaymentShare.intent_id).where(
                PaymentShare.status == ShareStatus.REFUND_DUE.value,
                col(PaymentShare.intent_id).is_not(None),
            )
        ).all()
    closed = [
        order_id
        for order_id in (int(found or 0) for found in due)
        if fail(ctx, order_id, OrderStatus.EXPIRED, now)
    ]
    retry = AfterCommit(refunds=[(int(o), int(s or 0), str(i)) for o, s, i in owed])
    settle(ctx, retry, now)
    return closed
