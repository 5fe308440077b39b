"""Checkout: turn a cart into an order, collect its payment shares, reserve and release stock.

How it stays correct with double clicks, several processes and a payment provider that answers
late, on SQLite as on PostgreSQL (no SELECT ... FOR UPDATE anywhere):

- Starting a checkout locks the cart (`carts.claim_for_checkout`: one conditional UPDATE that
  also serialises it with every edit), snapshots its lines into an order, and takes the stock
  off the shelf with one conditional UPDATE per product (`stock >= quantity`), in product-id
  order so concurrent checkouts never deadlock. Anything short rolls the whole thing back: the
  cart is exactly as it was. One pending order per cart (a partial unique index) makes a second
  click return the first order.
- Payments happen outside any transaction, with idempotency keys derived from our ids
  (`order-12-payer-7-charge`), and their outcome is recorded afterwards. Every transaction that
  changes an order starts by bumping its `version` (a row lock), so the last two payers of a
  split order, the timeout job and a cancel all see each other's work.
- Shares only move forward (domain `SHARE_MOVES_FROM`), so the pay call, a retry, the 3-D Secure
  confirmation and the timeout job can record the same fact in any order.
- A decline, a timeout or a cancel fails the order: held stock goes back (the reservation's
  held -> released UPDATE guards the stock UPDATE, so it happens once), shares already paid are
  refunded, unfinished 3-D Secure payments are cancelled, and the cart is unlocked (if it was
  unlocked before) with its lines untouched. Refunds that fail are retried by the job.
- Every change is news on the cart's channel (a cart version bump with an activity line), so the
  cart page of every member redraws the checkout live.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select, update

from app.adapters.bus import EventBus
from app.adapters.db.models import Product
from app.adapters.db.models_carts import Cart, CartLine
from app.adapters.db.models_deals import DealOrder
from app.adapters.db.models_orders import OrderLine, PaymentShare, ShopOrder, StockReservation
from app.adapters.db.models_people import User
from app.adapters.payments.configured import build_payments
from app.adapters.payments.gateway import (
    PaymentError,
    PaymentErrorCode,
    PaymentGateway,
    PaymentResult,
    PaymentStatus,
)
from app.domain.carts import CartError, CartErrorCode, CartKind, SplitMode
from app.domain.checkout import (
    MODE_LABELS,
    OPEN_SHARE,
    ORDER_LABELS,
    SHARE_LABELS,
    SHARE_MOVES_FROM,
    CheckoutError,
    CheckoutErrorCode,
    CheckoutLine,
    OrderStatus,
    ReservationStatus,
    ShareStatus,
    cancel_key,
    cancelled_text,
    charge_key,
    checkout_expires_at,
    checkout_started_text,
    compute_shares,
    declined_text,
    expired_text,
    is_overdue,
    needs_action_text,
    order_complete_text,
    order_is_paid,
    payer_of,
    refund_key,
    share_paid_text,
    short_stock_message,
    stock_needed,
)
from app.domain.money import format_minor
from app.domain.people import avatar_colour, initials
from app.services import carts
from app.services.unit_of_work import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]
_NO_SYNC = {"synchronize_session": False}

# Payment problems that say "this card won't pay": they fail the order. Anything else (the
# provider is down, a configuration mistake) leaves the share open so the payer can try again.
_DECLINES = (
    PaymentErrorCode.CARD_DECLINED,
    PaymentErrorCode.AUTHENTICATION_REQUIRED,
    PaymentErrorCode.INVALID_STATE,
)


# --------------------------------------------------------------------------- read models


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


@dataclass
class _AfterCommit:
    """Money to move back once a failure is committed: (order id, share id, intent id)."""

    refunds: list[tuple[int, int, str]] = field(default_factory=list)  # order, share, intent
    cancels: list[tuple[int, int, str]] = field(default_factory=list)

    def extend(self, other: _AfterCommit) -> None:
        self.refunds.extend(other.refunds)
        self.cancels.extend(other.cancels)


class _AlreadyCheckingOut(Exception):
    def __init__(self, order_id: int) -> None:
        self.order_id = order_id


# --------------------------------------------------------------------------- helpers


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back without a zone; we only ever store UTC.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _label(moment: datetime | None) -> str:
    return f"{_utc(moment):%d %b %Y, %H:%M} UTC" if moment else ""


def _uow(
    session_factory: SessionFactory | None, event_bus: EventBus | None
) -> AbstractContextManager[UnitOfWork]:
    return unit_of_work(session_factory, event_bus)


def _name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.display_name if user else "Someone"


def _lock_order(session: Session, order_id: int) -> ShopOrder:
    """Bump the order's version first thing: it serialises every change of this order."""
    row = session.exec(
        update(ShopOrder)
        .where(col(ShopOrder.id) == order_id)
        .values(version=col(ShopOrder.version) + 1)
        .returning(col(ShopOrder.id)),
        execution_options=_NO_SYNC,
    ).first()
    if row is None:
        raise CheckoutError(CheckoutErrorCode.ORDER_NOT_FOUND)
    order = session.get(ShopOrder, order_id, populate_existing=True)
    assert order is not None
    return order


def _share_of(session: Session, order_id: int, user_id: int) -> PaymentShare | None:
    return session.exec(
        select(PaymentShare)
        .where(PaymentShare.order_id == order_id, PaymentShare.user_id == user_id)
        .execution_options(populate_existing=True)
    ).first()


def _move_share(
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
        execution_options=_NO_SYNC,
    )
    return bool(result.rowcount)


def _outcome(order: ShopOrder, share: PaymentShare, message: str) -> PaymentOutcome:
    return PaymentOutcome(order.id or 0, share.status, order.status, message)


def _refresh(session: Session, *rows: Any) -> None:
    for row in rows:
        session.refresh(row)


# --------------------------------------------------------------------------- starting


def start_checkout(
    owner_id: int,
    cart_id: int,
    *,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
    now: datetime | None = None,
) -> int:
    """The cart's owner starts checkout: lock the cart, reserve the stock, create the order
    with one payment share per payer. Returns the order id; a cart already checking out
    returns its pending order. Raises CheckoutError (empty cart, not enough stock, not the
    owner...) with the cart left exactly as it was."""
    now = now or _now()
    try:
        with _uow(session_factory, event_bus) as uow:
            return _start(uow, owner_id, cart_id, now)
    except _AlreadyCheckingOut as already:
        return already.order_id
    except CartError as refusal:
        raise _as_checkout_error(refusal) from refusal


def _as_checkout_error(error: CartError) -> CheckoutError:
    if error.code is CartErrorCode.CART_NOT_FOUND:
        return CheckoutError(CheckoutErrorCode.CART_NOT_FOUND)
    if error.code is CartErrorCode.OWNER_ONLY:
        return CheckoutError(CheckoutErrorCode.OWNER_ONLY)
    if error.code is CartErrorCode.NOT_A_MEMBER:
        return CheckoutError(CheckoutErrorCode.NOT_A_MEMBER)
    return CheckoutError(CheckoutErrorCode.ORDER_CLOSED, error.message)


def _start(uow: UnitOfWork, owner_id: int, cart_id: int, now: datetime) -> int:
    session = uow.session
    version, was_locked = carts.claim_for_checkout(uow, cart_id, owner_id)
    pending = session.exec(
        select(ShopOrder.id).where(
            ShopOrder.cart_id == cart_id, ShopOrder.status == OrderStatus.PENDING.value
        )
    ).first()
    if pending is not None:
        raise _AlreadyCheckingOut(int(pending))
    cart = session.get(Cart, cart_id, populate_existing=True)
    assert cart is not None
    rows = session.exec(
        select(CartLine, Product)
        .join(Product, col(Product.id) == col(CartLine.product_id))
        .where(CartLine.cart_id == cart_id)
        .order_by(col(CartLine.created_at), col(CartLine.id))
    ).all()
    lines = [
        CheckoutLine(
            line_id=line.id or 0,
            product_id=product.id or 0,
            title=product.title,
            added_by=line.added_by,
            quantity=line.quantity,
            unit_price=product.price_amount,
            currency=product.currency,
        )
        for line, product in rows
    ]
    mode = SplitMode(cart.split_mode) if cart.kind == CartKind.SHARED else SplitMode.OWNER_PAYS
    shares = compute_shares(mode, lines, cart.owner_id, cart.currency)
    titles = {line.product_id: line.title for line in lines}
    for product_id, quantity in stock_needed(lines):
        taken = session.exec(
            update(Product)
            .where(col(Product.id) == product_id, col(Product.stock) >= quantity)
            .values(stock=col(Product.stock) - quantity)
            .returning(col(Product.id)),
            execution_options=_NO_SYNC,
        ).first()
        if taken is None:
            product = session.get(Product, product_id, populate_existing=True)
            in_stock = product.stock if product else 0
            raise CheckoutError(
                CheckoutErrorCode.OUT_OF_STOCK,
                short_stock_message(titles[product_id], in_stock, quantity),
            )
    total = sum(shares.values())
    order = ShopOrder(
        cart_id=cart_id,
        owner_id=cart.owner_id,
        cart_name=cart.name,
        mode=mode.value,
        status=OrderStatus.PENDING.value,
        currency=cart.currency,
        total=total,
        cart_was_locked=was_locked,
        expires_at=checkout_expires_at(mode, now),
        created_at=now,
    )
    session.add(order)
    session.flush()  # the partial unique index stops a second pending order here
    assert order.id is not None
    for line in lines:
        session.add(
            OrderLine(
                order_id=order.id,
                cart_line_id=line.line_id,
                product_id=line.product_id,
                title=line.title,
                unit_price=line.unit_price,
                quantity=line.quantity,
                added_by=line.added_by,
                payer_id=payer_of(mode, line, cart.owner_id),
            )
        )
    for product_id, quantity in stock_needed(lines):
        session.add(
            StockReservation(
                order_id=order.id,
                product_id=product_id,
                quantity=quantity,
                status=ReservationStatus.HELD.value,
                created_at=now,
                updated_at=now,
            )
        )
    for payer_id, amount in shares.items():
        session.add(
            PaymentShare(
                order_id=order.id,
                user_id=payer_id,
                amount=amount,
                currency=cart.currency,
                status=ShareStatus.PENDING.value,
                idempotency_key=charge_key(order.id, payer_id),
                created_at=now,
                updated_at=now,
            )
        )
    text = checkout_started_text(_name(session, owner_id), mode, total, cart.currency)
    carts.record_activity(uow, cart_id, version, text, order_id=order.id)
    return order.id


# --------------------------------------------------------------------------- paying


def pay_share(
    user_id: int,
    order_id: int,
    payment_method: str,
    *,
    gateway: PaymentGateway,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
    now: datetime | None = None,
) -> PaymentOutcome:
    """Pay the shopper's share of an order with a PaymentIntent (charged at once).

    Paying twice is harmless (the same idempotency key, and a paid share stays paid). A
    declined card fails the whole order (stock back, others refunded, cart open again) and
    raises CheckoutError with a message for the payer. A 3-D Secure card returns
    `needs_action`: finish with `confirm_with_bank`."""
    now = now or _now()
    with _uow(session_factory, event_bus) as uow:
        session = uow.session
        order = session.get(ShopOrder, order_id)
        if order is None:
            raise CheckoutError(CheckoutErrorCode.ORDER_NOT_FOUND)
        share = _share_of(session, order_id, user_id)
        if share is None or share.id is None:
            raise CheckoutError(CheckoutErrorCode.NOTHING_TO_PAY)
        if share.status == ShareStatus.PAID:
            return _outcome(order, share, "You've already paid your share.")
        if share.status == ShareStatus.NEEDS_ACTION:
            return _outcome(order, share, "Your bank is waiting for you to confirm.")
        if order.status != OrderStatus.PENDING or share.status not in OPEN_SHARE:
            raise CheckoutError(CheckoutErrorCode.ORDER_CLOSED)
        if is_overdue(_utc(order.expires_at), now):
            raise CheckoutError(CheckoutErrorCode.ORDER_EXPIRED)
        share_id, amount, currency = share.id, share.amount, share.currency
        key, cart_id = share.idempotency_key, order.cart_id
    try:
        result = gateway.charge_now(
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
        if error.code not in _DECLINES:
            # Nothing was taken and the card wasn't refused: the share stays open for a retry.
            log.warning("payment for order %s share %s failed: %s", order_id, share_id, error)
            raise CheckoutError(CheckoutErrorCode.PAYMENT_FAILED, error.user_message) from error
        _fail(
            order_id,
            OrderStatus.FAILED,
            gateway=gateway,
            failed_share=share_id,
            failure_code=error.decline_code or error.code.value,
            session_factory=session_factory,
            event_bus=event_bus,
            now=now,
        )
        raise CheckoutError(
            CheckoutErrorCode.PAYMENT_FAILED,
            f"{error.user_message} Checkout stopped and nothing was charged; "
            "the cart is open again.",
        ) from error
    return _record_result(
        user_id,
        order_id,
        result,
        gateway=gateway,
        session_factory=session_factory,
        event_bus=event_bus,
        now=now,
    )


def confirm_with_bank(
    user_id: int,
    order_id: int,
    *,
    gateway: PaymentGateway,
    test_outcome: bool | None = None,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
    now: datetime | None = None,
) -> PaymentOutcome:
    """After 3-D Secure: read the PaymentIntent and record how it went.

    With the local test server there is no bank page: `test_outcome` answers the bank's
    question (True: the shopper confirmed; False: they failed the check) before reading."""
    now = now or _now()
    with _uow(session_factory, event_bus) as uow:
        session = uow.session
        order = session.get(ShopOrder, order_id)
        share = _share_of(session, order_id, user_id)
        if order is None or share is None or share.id is None:
            raise CheckoutError(CheckoutErrorCode.ORDER_NOT_FOUND)
        if share.status == ShareStatus.PAID:
            return _outcome(order, share, "You've already paid your share.")
        if share.status != ShareStatus.NEEDS_ACTION or not share.intent_id:
            raise CheckoutError(CheckoutErrorCode.NOT_WAITING_FOR_BANK)
        share_id, intent_id = share.id, share.intent_id
    try:
        if test_outcome is not None:
            sandbox = build_payments(gateway).sandbox
            if sandbox is None:
                raise PaymentError(
                    PaymentErrorCode.INVALID_REQUEST,
                    "test authentication needs the local test server",
                )
            sandbox.answer_bank_check(intent_id, approve=test_outcome)
        result = gateway.retrieve(intent_id)
    except PaymentError as error:
        raise CheckoutError(CheckoutErrorCode.PAYMENT_FAILED, error.user_message) from error
    if result.status in (PaymentStatus.REQUIRES_PAYMENT_METHOD, PaymentStatus.CANCELED):
        _fail(
            order_id,
            OrderStatus.FAILED,
            gateway=gateway,
            failed_share=share_id,
            failure_code="authentication_failed",
            session_factory=session_factory,
            event_bus=event_bus,
            now=now,
        )
        raise CheckoutError(
            CheckoutErrorCode.PAYMENT_FAILED,
            "Your bank didn't confirm the payment. Checkout stopped and nothing was charged; "
            "the cart is open again.",
        )
    return _record_result(
        user_id,
        order_id,
        result,
        gateway=gateway,
        session_factory=session_factory,
        event_bus=event_bus,
        now=now,
    )


def _record_result(
    user_id: int,
    order_id: int,
    result: PaymentResult,
    *,
    gateway: PaymentGateway,
    session_factory: SessionFactory | None,
    event_bus: EventBus | None,
    now: datetime,
) -> PaymentOutcome:
    late = _AfterCommit()
    with _uow(session_factory, event_bus) as uow:
        session = uow.session
        order = _lock_order(session, order_id)
        share = _share_of(session, order_id, user_id)
        assert share is not None and share.id is not None
        name = _name(session, user_id)
        if result.status is PaymentStatus.SUCCEEDED:
            if _move_share(
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
                _move_share(
                    session, share.id, ShareStatus.REFUND_DUE, now, intent_id=result.intent_id
                )
                late.refunds.append((order_id, share.id, result.intent_id))
                message = "This checkout had already ended, so your payment is being refunded."
        elif result.status is PaymentStatus.REQUIRES_ACTION:
            if _move_share(
                session, share.id, ShareStatus.NEEDS_ACTION, now, intent_id=result.intent_id
            ):
                carts.announce(uow, order.cart_id, needs_action_text(name))
            message = "Your bank wants you to confirm this payment."
        else:
            # Processing or unknown: remember the intent; confirming later reads it again.
            session.exec(
                update(PaymentShare)
                .where(col(PaymentShare.id) == share.id, col(PaymentShare.intent_id).is_(None))
                .values(intent_id=result.intent_id, updated_at=now),
                execution_options=_NO_SYNC,
            )
            message = "Your payment is being processed."
        _refresh(session, order, share)
        outcome = _outcome(order, share, message)
    _settle(late, gateway, session_factory=session_factory, event_bus=event_bus, now=now)
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
        execution_options=_NO_SYNC,
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
        execution_options=_NO_SYNC,
    )
    bought = session.exec(
        select(OrderLine.cart_line_id).where(OrderLine.order_id == order.id)
    ).all()
    carts.clear_lines(uow, order.cart_id, [int(line_id) for line_id in bought])
    carts.announce(
        uow,
        order.cart_id,
        order_complete_text(order.id or 0),
        locked=order.cart_was_locked,
        order_complete=order.id,
    )


# --------------------------------------------------------------------------- failing


def cancel_checkout(
    owner_id: int,
    order_id: int,
    *,
    gateway: PaymentGateway | None,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
    now: datetime | None = None,
) -> None:
    """The owner calls the checkout off: stock back, paid shares refunded, cart open again."""
    with _uow(session_factory, event_bus) as uow:
        order = uow.session.get(ShopOrder, order_id)
        if order is None:
            raise CheckoutError(CheckoutErrorCode.ORDER_NOT_FOUND)
        if order.owner_id != owner_id:
            raise CheckoutError(CheckoutErrorCode.OWNER_ONLY)
        if order.status != OrderStatus.PENDING:
            raise CheckoutError(CheckoutErrorCode.ORDER_CLOSED)
    _fail(
        order_id,
        OrderStatus.CANCELLED,
        gateway=gateway,
        actor_id=owner_id,
        session_factory=session_factory,
        event_bus=event_bus,
        now=now or _now(),
    )


def _fail(
    order_id: int,
    status: OrderStatus,
    *,
    gateway: PaymentGateway | None,
    failed_share: int | None = None,
    failure_code: str | None = None,
    actor_id: int | None = None,
    session_factory: SessionFactory | None,
    event_bus: EventBus | None,
    now: datetime,
) -> bool:
    with _uow(session_factory, event_bus) as uow:
        late = _fail_in(uow, order_id, status, failed_share, failure_code, actor_id, now)
    if late is None:
        return False
    _settle(late, gateway, session_factory=session_factory, event_bus=event_bus, now=now)
    return True


def _fail_in(
    uow: UnitOfWork,
    order_id: int,
    status: OrderStatus,
    failed_share: int | None,
    failure_code: str | None,
    actor_id: int | None,
    now: datetime,
) -> _AfterCommit | None:
    """Close a pending order as failed / expired / cancelled; None if it was already closed."""
    session = uow.session
    order = _lock_order(session, order_id)
    late = _AfterCommit()
    if order.status != OrderStatus.PENDING:
        return None
    if failed_share is not None:
        payer = session.get(PaymentShare, failed_share)
        text = declined_text(_name(session, payer.user_id if payer else 0))
    elif status is OrderStatus.EXPIRED:
        text = expired_text()
    else:
        text = cancelled_text(_name(session, actor_id or order.owner_id))
    session.exec(
        update(ShopOrder)
        .where(col(ShopOrder.id) == order_id, col(ShopOrder.status) == OrderStatus.PENDING.value)
        .values(status=status.value, reason=text[:300], closed_at=now),
        execution_options=_NO_SYNC,
    )
    if failed_share is not None:
        _move_share(session, failed_share, ShareStatus.FAILED, now, failure_code=failure_code)
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
            _move_share(session, share.id, open_target, now)
        elif share.status == ShareStatus.PAID and share.intent_id:
            _move_share(session, share.id, ShareStatus.REFUND_DUE, now)
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
        execution_options=_NO_SYNC,
    ).all()
    for product_id, quantity in sorted((int(p), int(q)) for p, q in released):
        session.exec(
            update(Product)
            .where(col(Product.id) == product_id)
            .values(stock=col(Product.stock) + quantity),
            execution_options=_NO_SYNC,
        )


def _settle(
    late: _AfterCommit,
    gateway: PaymentGateway | None,
    *,
    session_factory: SessionFactory | None,
    event_bus: EventBus | None,
    now: datetime,
) -> None:
    """Move money back after a failure was committed. What fails here is retried by the job."""
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
            with _uow(session_factory, event_bus) as uow:
                _move_share(uow.session, share_id, ShareStatus.REFUND_DUE, now, intent_id=intent_id)
            late.refunds.append((order_id, share_id, intent_id))
    for order_id, share_id, intent_id in late.refunds:
        try:
            gateway.refund(
                intent_id, amount=None, idempotency_key=refund_key(order_id, share_id, intent_id)
            )
        except PaymentError as error:
            log.warning("refund of %s failed, will retry: %s", intent_id, error)
            continue
        with _uow(session_factory, event_bus) as uow:
            share = uow.session.get(PaymentShare, share_id)
            if share is not None and share.intent_id == intent_id:
                _move_share(uow.session, share_id, ShareStatus.REFUNDED, now)


# --------------------------------------------------------------------------- the timeout job


def expire_checkouts(
    *,
    gateway: PaymentGateway | None,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Time out pending orders past their deadline (stock back, refunds, carts open again) and
    retry refunds that failed before. Returns the orders it closed; safe to run anywhere, any
    number of times at once."""
    now = now or _now()
    with _uow(session_factory, event_bus) as uow:
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
        if _fail(
            order_id,
            OrderStatus.EXPIRED,
            gateway=gateway,
            session_factory=session_factory,
            event_bus=event_bus,
            now=now,
        )
    ]
    retry = _AfterCommit(refunds=[(int(o), int(s or 0), str(i)) for o, s, i in owed])
    _settle(retry, gateway, session_factory=session_factory, event_bus=event_bus, now=now)
    return closed


# --------------------------------------------------------------------------- reading


def _share_views(session: Session, shares: Iterable[PaymentShare]) -> list[ShareView]:
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
    views = _share_views(session, shares)
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
        expires_at=_utc(order.expires_at).isoformat(),
        expires_label=f"{_utc(order.expires_at):%H:%M} UTC",
        reason=order.reason,
        shares=owner_first,
        paid_count=sum(1 for s in views if s.status == ShareStatus.PAID),
        share_count=len(views),
    )


def pending_order_id(session: Session, cart_id: int) -> int | None:
    return session.exec(
        select(ShopOrder.id).where(
            ShopOrder.cart_id == cart_id, ShopOrder.status == OrderStatus.PENDING.value
        )
    ).first()


def list_orders(session: Session, user_id: int, limit: int = 50) -> list[OrderView]:
    """The shopper's orders, newest first: cart orders they own, pay for or have items in, and
    their group-buy deal orders."""
    involved = (
        select(OrderLine.order_id)
        .where(or_(col(OrderLine.added_by) == user_id, col(OrderLine.payer_id) == user_id))
        .scalar_subquery()
    )
    orders = session.exec(
        select(ShopOrder)
        .where(or_(col(ShopOrder.owner_id) == user_id, col(ShopOrder.id).in_(involved)))
        .order_by(col(ShopOrder.id).desc())
        .limit(limit)
    ).all()
    ids = [order.id or 0 for order in orders]
    lines_by_order: dict[int, list[OrderLine]] = {}
    shares_by_order: dict[int, list[PaymentShare]] = {}
    if ids:
        for line in session.exec(
            select(OrderLine).where(col(OrderLine.order_id).in_(ids)).order_by(col(OrderLine.id))
        ):
            lines_by_order.setdefault(line.order_id, []).append(line)
        for share in session.exec(
            select(PaymentShare)
            .where(col(PaymentShare.order_id).in_(ids))
            .order_by(col(PaymentShare.id))
        ):
            shares_by_order.setdefault(share.order_id, []).append(share)
    people = {line.added_by for lines in lines_by_order.values() for line in lines} | {
        line.payer_id for lines in lines_by_order.values() for line in lines
    }
    names = {
        user.id: user.display_name
        for user in session.exec(select(User).where(col(User.id).in_(people)))
    }
    views: list[tuple[datetime, OrderView]] = []
    for order in orders:
        assert order.id is not None
        shares = shares_by_order.get(order.id, [])
        mine = next((s for s in shares if s.user_id == user_id), None)
        views.append(
            (
                _utc(order.created_at),
                OrderView(
                    key=f"order-{order.id}",
                    kind="cart",
                    number=f"#{order.id}",
                    title=order.cart_name,
                    status=order.status,
                    status_label=ORDER_LABELS.get(order.status, order.status),
                    placed=_label(order.created_at),
                    total=format_minor(order.total, order.currency),
                    your_share=format_minor(mine.amount, mine.currency) if mine else "",
                    your_share_status=SHARE_LABELS.get(mine.status, "") if mine else "",
                    reason=order.reason if order.status != OrderStatus.COMPLETE else "",
                    lines=[
                        OrderLineView(
                            title=line.title,
                            quantity=line.quantity,
                            unit_price=format_minor(line.unit_price, order.currency),
                            line_total=format_minor(
                                line.unit_price * line.quantity, order.currency
                            ),
                            added_by=names.get(line.added_by, "Someone"),
                            payer=names.get(line.payer_id, "Someone"),
                            mine=line.added_by == user_id,
                        )
                        for line in lines_by_order.get(order.id, [])
                    ],
                    shares=_share_views(session, shares),
                ),
            )
        )
    views.extend(_deal_orders(session, user_id, limit))
    views.sort(key=lambda item: item[0], reverse=True)
    return [view for _, view in views[:limit]]


def _deal_orders(session: Session, user_id: int, limit: int) -> list[tuple[datetime, OrderView]]:
    rows = session.exec(
        select(DealOrder, Product)
        .join(Product, col(Product.id) == col(DealOrder.product_id))
        .where(DealOrder.user_id == user_id)
        .order_by(col(DealOrder.id).desc())
        .limit(limit)
    ).all()
    out = []
    for deal_order, product in rows:
        amount = format_minor(deal_order.amount, deal_order.currency)
        out.append(
            (
                _utc(deal_order.created_at),
                OrderView(
                    key=f"deal-order-{deal_order.id}",
                    kind="deal",
                    number=f"Deal #{deal_order.deal_id}",
                    title=f"Group deal: {product.title}",
                    status=OrderStatus.COMPLETE.value,
                    status_label=ORDER_LABELS[OrderStatus.COMPLETE],
                    placed=_label(deal_order.created_at),
                    total=amount,
                    your_share=amount,
                    your_share_status=SHARE_LABELS[ShareStatus.PAID],
                    reason="",
                    lines=[
                        OrderLineView(
                            title=product.title,
                            quantity=deal_order.quantity,
                            unit_price=format_minor(deal_order.unit_price, deal_order.currency),
                            line_total=amount,
                            added_by="You",
                            payer="You",
                            mine=True,
                        )
                    ],
                    shares=[],
                ),
            )
        )
    return out


def stock_of(session: Session, product_id: int) -> int:
    """A product's stock on the shelf now (tests and the page's stock hints)."""
    stock = session.exec(select(Product.stock).where(Product.id == product_id)).first()
    return int(stock or 0)


__all__ = [
    "CheckoutError",
    "CheckoutErrorCode",
    "CheckoutView",
    "OrderLineView",
    "OrderView",
    "PaymentOutcome",
    "ShareView",
    "cancel_checkout",
    "checkout_view",
    "confirm_with_bank",
    "expire_checkouts",
    "list_orders",
    "pay_share",
    "pending_order_id",
    "start_checkout",
    "stock_of",
]
