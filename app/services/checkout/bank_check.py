"""The bank's check (3-D Secure): after the shopper answered their bank, read the payment
back and record how it went."""

from __future__ import annotations

from app.adapters.db.models_orders import ShopOrder
from app.adapters.payments.gateway import PaymentError, PaymentErrorCode, PaymentStatus
from app.domain.checkout import CheckoutError, CheckoutErrorCode, OrderStatus, ShareStatus
from app.services.checkout.failing import fail
from app.services.checkout.paying import outcome_of, record_result
from app.services.checkout.shares import payments_enabled, running_order, share_of
from app.services.checkout.views import PaymentOutcome
from app.services.context import Context


def confirm_with_bank(
    ctx: Context, payer_id: int, order_id: int, *, answer: bool | None = None
) -> PaymentOutcome:
    """After 3-D Secure: read the PaymentIntent and record how it went.

    With the local test server there is no bank page: `answer` is the shopper's answer to the
    sandbox's test bank (True: they confirmed; False: they failed the check), given before the
    payment is read back."""
    now = ctx.now()
    with ctx.uow() as uow:
        session = uow.session
        order = session.get(ShopOrder, order_id)
        share = share_of(session, order_id, payer_id)
        if order is None or share is None or share.id is None:
            raise CheckoutError(CheckoutErrorCode.ORDER_NOT_FOUND)
        if share.status == ShareStatus.PAID:
            return outcome_of(order, share, "You've already paid your share.")
        if share.status != ShareStatus.NEEDS_ACTION or not share.intent_id:
            raise CheckoutError(CheckoutErrorCode.NOT_WAITING_FOR_BANK)
        share_id, intent_id = share.id, share.intent_id
    payments = ctx.payments
    try:
        if answer is not None:
            if payments.sandbox is None:
                raise PaymentError(
                    PaymentErrorCode.INVALID_REQUEST,
                    "test authentication needs the local test server",
                )
            payments.sandbox.answer_bank_check(intent_id, approve=answer)
        result = payments.gateway.retrieve(intent_id)
    except PaymentError as error:
        raise CheckoutError(CheckoutErrorCode.PAYMENT_FAILED, error.user_message) from error
    if result.status in (PaymentStatus.REQUIRES_PAYMENT_METHOD, PaymentStatus.CANCELED):
        code = "authentication_failed"
        fail(ctx, order_id, OrderStatus.FAILED, now, failed_share=share_id, code=code)
        raise CheckoutError(
            CheckoutErrorCode.PAYMENT_FAILED,
            "Your bank didn't confirm the payment. Checkout stopped and nothing was charged; "
            "the cart is open again.",
        )
    return record_result(ctx, payer_id, order_id, result, now)


def answer_bank_check(ctx: Context, payer_id: int, cart_id: int, approve: bool) -> PaymentOutcome:
    """The cart page's test bank: the payer passes or fails the 3-D Secure check of their
    share in the cart's running checkout, and the outcome is recorded."""
    order_id = running_order(ctx, cart_id)
    if not payments_enabled(ctx):
        raise CheckoutError(CheckoutErrorCode.PAYMENTS_UNAVAILABLE)
    return confirm_with_bank(ctx, payer_id, order_id, answer=approve)
