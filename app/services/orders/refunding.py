"""Refunds: a payer asks for money back, an admin approves (or declines), the payments adapter
refunds it with an idempotency key, and the order's page shows every step live.

Exactly once, on SQLite as on PostgreSQL: one request per payment (a unique column); approving
claims the request with a conditional UPDATE (requested -> refunding) before the provider is
called, outside any transaction, with the key `refund-request-<id>`; a retry after a timeout
re-sends the same key, so the provider refunds once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.adapters.db.models_deals import DealOrder
from app.adapters.db.models_orders import PaymentShare, RefundRequest, ShopOrder
from app.adapters.db.models_people import User
from app.adapters.payments.gateway import PaymentError
from app.domain.checkout import OrderStatus, ShareStatus
from app.domain.clock import as_utc
from app.domain.events import DomainEvent, EventKind
from app.domain.people import Role
from app.domain.plain_text import one_line
from app.domain.refunds import (
    OPEN_REFUND,
    RefundRefusal,
    RefundStatus,
    check_refund_request,
)
from app.services.console import audit
from app.services.context import Context
from app.services.orders.views import parse_key
from app.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

NO_SYNC = {"synchronize_session": False}


class RefundError(ValueError):
    """A refund action we refuse; nothing was changed. `message` is for people."""

    def __init__(self, refusal: RefundRefusal, message: str | None = None) -> None:
        self.refusal = refusal
        self.message = message or refusal.message
        super().__init__(self.message)


@dataclass(frozen=True)
class RefundDone:
    request_id: int
    status: str
    order_key: str


@dataclass(frozen=True)
class _Payment:
    payer_id: int
    amount: int
    currency: str
    taken: bool
    intent_id: str
    share_id: int | None
    deal_order_id: int | None


def _payment_of(session: Session, order_key: str, payer_id: int) -> _Payment | None:
    """The payment of `payer_id` in the order a key names (None: they made none)."""
    parsed = parse_key(order_key)
    if parsed is None:
        return None
    kind, number = parsed
    if kind == "deal":
        order = session.get(DealOrder, number)
        if order is None or order.user_id != payer_id:
            return None
        return _Payment(
            order.user_id,
            order.amount,
            order.currency,
            bool(order.intent_id),
            order.intent_id or "",
            None,
            order.id,
        )
    cart_order = session.get(ShopOrder, number)
    share = session.exec(
        select(PaymentShare).where(
            PaymentShare.order_id == number, PaymentShare.user_id == payer_id
        )
    ).first()
    if cart_order is None or share is None:
        return None
    taken = (
        cart_order.status == OrderStatus.COMPLETE
        and share.status == ShareStatus.PAID
        and bool(share.intent_id)
    )
    return _Payment(
        share.user_id, share.amount, share.currency, taken, share.intent_id or "", share.id, None
    )


def _news(uow: UnitOfWork, order_key: str, kind: EventKind, request_id: int) -> None:
    uow.record(
        DomainEvent(
            aggregate="order",
            aggregate_id=order_key,
            version=request_id,
            kind=kind,
            payload={"refund_request_id": request_id},
        )
    )


def request_refund(
    ctx: Context, actor_id: int, order_key: str, amount: int | None = None, reason: str = ""
) -> RefundDone:
    """The payer asks for `amount` (all they paid when None) back from their payment in an order.

    Refused with RefundError, changing nothing, when the actor did not pay in this order (or is
    a stranger to it), the payment was not taken, the amount is above what they paid or not
    positive, or they already asked once."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        if parse_key(order_key) is None:
            raise RefundError(RefundRefusal.NOT_FOUND)
        payment = _payment_of(session, order_key, actor_id)
        if payment is None:
            raise RefundError(RefundRefusal.NOT_THE_PAYER)
        target = (
            col(RefundRequest.share_id) == payment.share_id
            if payment.share_id is not None
            else col(RefundRequest.deal_order_id) == payment.deal_order_id
        )
        asked = session.exec(select(RefundRequest.id).where(target)).first() is not None
        wanted = payment.amount if amount is None else amount
        refusal = check_refund_request(
            actor_id=actor_id,
            payer_id=payment.payer_id,
            paid=payment.amount,
            amount=wanted,
            taken=payment.taken,
            already_asked=asked,
        )
        if refusal is not None:
            raise RefundError(refusal)
        kind = "share" if payment.share_id is not None else "deal-order"
        target_id = payment.share_id or payment.deal_order_id
        request = RefundRequest(
            share_id=payment.share_id,
            deal_order_id=payment.deal_order_id,
            order_key=order_key,
            requester_id=actor_id,
            amount=wanted,
            currency=payment.currency,
            reason=one_line(reason, 300),
            status=RefundStatus.REQUESTED.value,
            idempotency_key=f"refund-{kind}-{target_id}",
            intent_id=payment.intent_id,
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(request)
                session.flush()
        except IntegrityError:  # the same request at the same moment from another tab
            raise RefundError(RefundRefusal.ALREADY_REQUESTED) from None
        assert request.id is not None
        _news(uow, order_key, EventKind.ORDER_REFUND_REQUESTED, request.id)
        return RefundDone(request.id, request.status, order_key)


def _require_admin(session: Session, actor_id: int) -> None:
    user = session.get(User, actor_id)
    if user is None or user.role != Role.ADMIN:
        raise RefundError(RefundRefusal.ADMIN_ONLY)


def approve_refund(ctx: Context, actor_id: int, request_id: int) -> RefundDone:
    """An admin approves a refund request: the money goes back through the payments adapter
    (idempotency key per request), and the payer's order page shows it live. Approving again
    after the provider could not be reached retries with the same key."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        _require_admin(session, actor_id)
        claimed = session.exec(
            update(RefundRequest)
            .where(
                col(RefundRequest.id) == request_id,
                col(RefundRequest.status).in_(OPEN_REFUND),
            )
            .values(status=RefundStatus.REFUNDING, decided_by=actor_id, decided_at=now)
            .returning(
                col(RefundRequest.intent_id),
                col(RefundRequest.amount),
                col(RefundRequest.idempotency_key),
                col(RefundRequest.order_key),
            ),
            execution_options=NO_SYNC,
        ).first()
        if claimed is None:
            found = session.get(RefundRequest, request_id)
            raise RefundError(RefundRefusal.ALREADY_DECIDED if found else RefundRefusal.NOT_FOUND)
        intent_id, amount, key, order_key = claimed
        _news(uow, order_key, EventKind.ORDER_REFUND_APPROVED, request_id)
        audit.note(uow, actor_id, "refund.approve", f"order {order_key}", f"request #{request_id}")
    try:
        result = ctx.payments.gateway.refund(intent_id, amount=int(amount), idempotency_key=key)
    except PaymentError as error:
        if error.retryable:
            log.warning("refund %s not sent (%s); approving again retries", request_id, error)
            raise RefundError(
                RefundRefusal.ALREADY_DECIDED,
                "We couldn't reach the payment provider. Approve again in a moment: it will "
                "not refund twice.",
            ) from error
        with ctx.uow() as uow:
            uow.session.exec(
                update(RefundRequest)
                .where(
                    col(RefundRequest.id) == request_id,
                    col(RefundRequest.status) == RefundStatus.REFUNDING,
                )
                .values(status=RefundStatus.FAILED, failure=error.user_message[:300]),
                execution_options=NO_SYNC,
            )
            _news(uow, order_key, EventKind.ORDER_REFUND_FAILED, request_id)
        return RefundDone(request_id, RefundStatus.FAILED.value, order_key)
    with ctx.uow() as uow:
        uow.session.exec(
            update(RefundRequest)
            .where(
                col(RefundRequest.id) == request_id,
                col(RefundRequest.status) == RefundStatus.REFUNDING,
            )
            .values(status=RefundStatus.REFUNDED, refund_id=result.refund_id),
            execution_options=NO_SYNC,
        )
        _news(uow, order_key, EventKind.ORDER_REFUNDED, request_id)
    return RefundDone(request_id, RefundStatus.REFUNDED.value, order_key)


def reject_refund(ctx: Context, actor_id: int, request_id: int) -> RefundDone:
    """An admin declines a refund request that is still waiting; the payer sees it live."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        _require_admin(session, actor_id)
        row = session.exec(
            update(RefundRequest)
            .where(
                col(RefundRequest.id) == request_id,
                col(RefundRequest.status) == RefundStatus.REQUESTED,
            )
            .values(status=RefundStatus.REJECTED, decided_by=actor_id, decided_at=now)
            .returning(col(RefundRequest.order_key)),
            execution_options=NO_SYNC,
        ).first()
        if row is None:
            found = session.get(RefundRequest, request_id)
            raise RefundError(RefundRefusal.ALREADY_DECIDED if found else RefundRefusal.NOT_FOUND)
        _news(uow, str(row[0]), EventKind.ORDER_REFUND_REJECTED, request_id)
        audit.note(uow, actor_id, "refund.decline", f"order {row[0]}", f"request #{request_id}")
        return RefundDone(request_id, RefundStatus.REJECTED.value, str(row[0]))


def confirm_refund(
    uow: UnitOfWork, kind: str, obj: Mapping[str, Any], now: datetime
) -> bool | None:
    """A `charge.refunded` webhook, in the webhook handler's transaction: the refund an admin
    approved went through (if our own call's answer was lost). None when no refund request
    names this payment; False when it was already recorded."""
    if kind != "charge.refunded":
        return None
    intent_id = str(obj.get("payment_intent") or "")
    if not intent_id:
        return None
    session = uow.session
    found = session.exec(
        select(RefundRequest).where(
            RefundRequest.intent_id == intent_id,
            col(RefundRequest.status).in_(
                (RefundStatus.REFUNDING, RefundStatus.REFUNDED, RefundStatus.REQUESTED)
            ),
        )
    ).first()
    if found is None or found.id is None:
        return None
    row = session.exec(
        update(RefundRequest)
        .where(
            col(RefundRequest.id) == found.id,
            col(RefundRequest.status) == RefundStatus.REFUNDING,
        )
        .values(
            status=RefundStatus.REFUNDED,
            decided_at=func.coalesce(col(RefundRequest.decided_at), now),
        )
        .returning(col(RefundRequest.order_key)),
        execution_options=NO_SYNC,
    ).first()
    if row is None:
        return False
    _news(uow, str(row[0]), EventKind.ORDER_REFUNDED, found.id)
    return True
