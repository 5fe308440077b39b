"""The bank's check (3-D Secure): after the shopper answered their bank, read the payment
back and record how it went."""

from __future__ import annotations

from datetime import datetime

from app.adapters.bus import EventBus
from app.adapters.db.models_orders import ShopOrder
from app.adapters.payments.configured import build_payments
from app.adapters.payments.gateway import (
    PaymentError,
    PaymentErrorCode,
    PaymentGateway,
    PaymentStatus,
)
from app.domain.checkout import (
    CheckoutError,
    CheckoutErrorCode,
    OrderStatus,
    ShareStatus,
)
from app.services.checkout.failing import fail
from app.services.checkout.paying import outcome_of, record_result
from app.services.checkout.shares import (
    SessionFactory,
    new_uow,
    share_of,
    utcnow,
)
from app.services.checkout.views import PaymentOutcome


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
    now = now or utcnow()
    with new_uow(session_factory, event_bus) as uow:
        session = uow.session
        order = session.get(ShopOrder, order_id)
        share = share_of(session, order_id, user_id)
        if order is None or share is None or share.id is None:
            raise CheckoutError(CheckoutErrorCode.ORDER_NOT_FOUND)
        if share.status == ShareStatus.PAID:
            return outcome_of(order, share, "You've already paid your share.")
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
        fail(
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
    return record_result(
        user_id,
        order_id,
        result,
        gateway=gateway,
        session_factory=session_factory,
        event_bus=event_bus,
        now=now,
    )
