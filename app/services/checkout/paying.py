"""Paying a share of a checkout (charged at once), recording what the payment provider said,
and completing the order when the last share is paid."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select, update

from app.adapters.db.models_carts import Cart
from app.adapters.db.models_orders import OrderLine, PaymentShare, ShopOrder, StockReservation
from app.adapters.payments.gateway import (
    PaymentError,
    PaymentResult,
    PaymentStatus,
)
from app.domain.carts import CartKind
from app.domain.checkout import (
    OPEN_SHARE,
    CheckoutError,
    CheckoutErrorCode,
    OrderStatus,
    ReservationStatus,
    ShareStatus,
    is_overdue,
    needs_action_text,
    order_complete_text,
    order_is_paid,
    share_paid_text,
)
from app.domain.clock import as_utc
from app.domain.events import DomainEvent, EventKind
from app.domain.payments import SandboxCard
from app.services import carts
from app.services.checkout.failing import fail, settle
from app.services.checkout.shares import (
    DECLINES,
    NO_SYNC,
    AfterCommit,
    display_name,
    lock_order,
    move_share,
    running_order,
    sandbox_payment_method,
    share_of,
)
from app.services.checkout.starting import start_checkout
from app.services.checkout.views import PaymentOutcome
from app.services.context import Context
from app.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


def pay_share(ctx: Context, payer_id: int, order_id: int, payment_method: str) -> PaymentOutcome:
    """Pay the shopper's share of an order with a PaymentIntent (charged at once).

    Paying twice is harmless (the same idempotency key, and a paid share stays paid). A
    declined card fails the whole order (stock back, others refunded, cart open again) and
    raises CheckoutError with a message for the payer. A 3-D Secure card returns
    `needs_action`: finish with `confirm_with_bank`."""
    now = ctx.now()
    with ctx.uow() as uow:
        session = uow.session
        order = session.get(ShopOrder, order_id)
        if order is None:
            raise CheckoutError(CheckoutErrorCode.ORDER_NOT_FOUND)
        share = share_of(session, order_id, payer_id)
        if share is None or share.id is None:
            raise CheckoutError(CheckoutErrorCode.NOTHING_TO_PAY)
        if share.status == ShareStatus.PAID:
            return outcome_of(order, share, "You've already paid your share.")
        if share.status == ShareStatus.NEEDS_ACTION:
            return outcome_of(order, share, "Your bank is waiting for you to confirm.")
        if order.status != OrderStatus.PENDING or share.status not in OPEN_SHARE:
            raise CheckoutError(CheckoutErrorCode.ORDER_CLOSED)
        if is_overdue(as_utc(order.expires_at), now):
            raise CheckoutError(CheckoutErrorCode.ORDER_EXPIRED)
        share_id, amount, currency = share.id, share.amount, share.currency
        key, cart_id = share.idempotency_key, order.cart_id
    try:
        result = ctx.payments.gateway.charge_now(
            amount=amount,
            currency=currency,
            customer=None,
            payment_method=payment_method,
            idempotency_key=key,
            metadata={
                "order_id": str(order_id),
                "share_id": str(share_id),
                "cart_id": str(cart_id),
            },
        )
    except PaymentError as error:
        if error.code not in DECLINES:
            # Nothing was taken and the card wasn't refused: the share stays open for a retry.
            log.warning("payment for order %s share %s failed: %s", order_id, share_id, error)
            raise CheckoutError(CheckoutErrorCode.PAYMENT_FAILED, error.user_message) from error
        failure_code = error.decline_code or error.code.value
        fail(ctx, order_id, OrderStatus.FAILED, now, failed_share=share_id, code=failure_code)
        raise CheckoutError(
            CheckoutErrorCode.PAYMENT_FAILED,
            f"{error.user_message} Checkout stopped and nothing was charged; "
            "the cart is open again.",
        ) from error
    return record_result(ctx, payer_id, order_id, result, now)


def checkout_and_pay(
    ctx: Context, owner_id: int, cart_id: int, card: SandboxCard
) -> PaymentOutcome:
    """The owner's "Pay" on the cart page (test cards): start the checkout, then pay the whole
    total with a sandbox card. The order and its stock reservation commit before the card is
    charged (`start_checkout`, then `pay_share`); a declined card fails the order, which puts
    the stock back and leaves the cart as it was."""
    method = sandbox_payment_method(ctx, card)
    order_id = start_checkout(ctx, owner_id, cart_id)
    return pay_share(ctx, owner_id, order_id, method)


def checkout_and_pay_by_card(
    ctx: Context, owner_id: int, cart_id: int, payment_method: str
) -> PaymentOutcome:
    """The owner's "Pay" with real keys: the browser's Payment Element made `payment_method`;
    start the checkout, then pay the whole total with it (3-D Secure: `client_secret` is set
    and Stripe.js finishes it, then `confirm_my_payment`)."""
    order_id = start_checkout(ctx, owner_id, cart_id)
    return pay_share(ctx, owner_id, order_id, payment_method)


def pay_my_share_by_card(
    ctx: Context, payer_id: int, cart_id: int, payment_method: str
) -> PaymentOutcome:
    """A member pays their share of the cart's running checkout with the PaymentMethod the
    browser's Payment Element made (real keys)."""
    return pay_share(ctx, payer_id, running_order(ctx, cart_id), payment_method)


def pay_my_share(ctx: Context, payer_id: int, cart_id: int, card: SandboxCard) -> PaymentOutcome:
    """A member pays their share of the cart's running checkout with a sandbox card."""
    method = sandbox_payment_method(ctx, card)
    return pay_share(ctx, payer_id, running_order(ctx, cart_id), method)


def record_result(
    ctx: Context, payer_id: int, order_id: int, result: PaymentResult, now: datetime
) -> PaymentOutcome:
    """Record what the provider said about a share's payment (paid, bank check, processing);
    money that arrived for a closed order or twice goes back after commit."""
    late = AfterCommit()
    secret = ""
    with ctx.uow() as uow:
        session = uow.session
        order = lock_order(session, order_id)
        share = share_of(session, order_id, payer_id)
        assert share is not None and share.id is not None
        name = display_name(session, payer_id)
        if result.status is PaymentStatus.SUCCEEDED:
            if move_share(
                session,
                share.id,
                ShareStatus.PAID,
                now,
                intent_id=result.intent_id,
                paid_at=now,
            ):
                carts.announce(
                    uow, order.cart_id, share_paid_text(name, share.amount, share.currency)
                )
                _complete_if_paid(uow, order, now)
                message = "Payment received. Thank you!"
            elif share.status == ShareStatus.PAID and share.intent_id == result.intent_id:
                message = "You've already paid your share."
            elif share.status == ShareStatus.PAID:
                # A second PaymentIntent for a paid share (a retry that reached the provider
                # twice): the money goes straight back.
                late.refunds.append((order_id, share.id, result.intent_id))
                message = "You've already paid your share."
            else:
                # The order closed while the payment was on its way: give the money back.
                move_share(
                    session, share.id, ShareStatus.REFUND_DUE, now, intent_id=result.intent_id
                )
                late.refunds.append((order_id, share.id, result.intent_id))
                message = "This checkout had already ended, so your payment is being refunded."
        elif result.status is PaymentStatus.REQUIRES_ACTION:
            if move_share(
                session, share.id, ShareStatus.NEEDS_ACTION, now, intent_id=result.intent_id
            ):
                carts.announce(uow, order.cart_id, needs_action_text(name))
            message = "Your bank wants you to confirm this payment."
            secret = result.client_secret or ""
        else:
            # Processing or unknown: remember the intent; confirming later reads it again.
            session.exec(
                update(PaymentShare)
                .where(col(PaymentShare.id) == share.id, col(PaymentShare.intent_id).is_(None))
                .values(intent_id=result.intent_id, updated_at=now),
                execution_options=NO_SYNC,
            )
            message = "Your payment is being processed."
        _refresh(session, order, share)
        outcome = outcome_of(order, share, message)
        if share.status == ShareStatus.NEEDS_ACTION and ctx.payments.sandbox is None:
            outcome = replace(outcome, client_secret=secret)
    settle(ctx, late, now)
    return outcome


def _complete_if_paid(uow: UnitOfWork, order: ShopOrder, now: datetime) -> None:
    session = uow.session
    statuses = session.exec(
        select(PaymentShare.status).where(PaymentShare.order_id == order.id)
    ).all()
    if not order_is_paid(statuses):
        return
    done = session.exec(
        update(ShopOrder)
        .where(col(ShopOrder.id) == order.id, col(ShopOrder.status) == OrderStatus.PENDING.value)
        .values(status=OrderStatus.COMPLETE.value, closed_at=now),
        execution_options=NO_SYNC,
    )
    if not done.rowcount:
        return
    session.exec(
        update(StockReservation)
        .where(
            col(StockReservation.order_id) == order.id,
            col(StockReservation.status) == ReservationStatus.HELD.value,
        )
        .values(status=ReservationStatus.COMMITTED.value, updated_at=now),
        execution_options=NO_SYNC,
    )
    bought = session.exec(
        select(OrderLine.cart_line_id).where(OrderLine.order_id == order.id)
    ).all()
    carts.clear_lines(uow, order.cart_id, [int(line_id) for line_id in bought])
    uow.record(
        DomainEvent(
            "checkout",
            str(order.id),
            order.version,
            EventKind.ORDER_PAID,
            {"user_id": order.owner_id, "amount": order.total, "shared": _shared(session, order)},
            actor_id=order.owner_id,
        )
    )
    carts.announce(
        uow,
        order.cart_id,
        order_complete_text(order.id or 0),
        locked=order.cart_was_locked,
        order_complete=order.id,
    )


def _shared(session: Session, order: ShopOrder) -> bool:
    kind = session.exec(select(Cart.kind).where(col(Cart.id) == order.cart_id)).first()
    return kind == CartKind.SHARED


def outcome_of(order: ShopOrder, share: PaymentShare, message: str) -> PaymentOutcome:
    return PaymentOutcome(order.id or 0, share.status, order.status, message)


def _refresh(session: Session, *rows: Any) -> None:
    for row in rows:
        session.refresh(row)
