"""What Stripe's webhooks say about cart payments, applied exactly once and in any order.

The deal webhook handler (app/services/deals/reconciliation.py) records the event id and then
offers the event here when it names no deal participation, in the same transaction: the event
row and its effect commit together, so a repeat delivery is a no-op. Shares only move forward
(`SHARE_MOVES_FROM`), a failure closes the order once (`_fail_in`), and money that lands on a
closed order goes back (after commit, with the same idempotency keys as everywhere else), so any
order of deliveries ends in the same state as the ordered one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.adapters.db.models_orders import PaymentShare
from app.domain.checkout import OPEN_SHARE, OrderStatus, ShareStatus, needs_action_text
from app.domain.numbers import parse_id
from app.services import carts
from app.services.checkout.failing import _fail_in
from app.services.checkout.paying import _complete_if_paid
from app.services.checkout.shares import AfterCommit, display_name, lock_order, move_share
from app.services.unit_of_work import UnitOfWork

CART_EVENTS = (
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.requires_action",
    "charge.refunded",
)


@dataclass
class Applied:
    """`matched`: the event is about one of our cart payments; `changed`: it moved something;
    `late`: money to move back once the transaction committed."""

    matched: bool = False
    changed: bool = False
    late: AfterCommit = field(default_factory=AfterCommit)


def intent_of(kind: str, obj: Mapping[str, Any]) -> str:
    """The PaymentIntent an event is about (a refund event carries a charge)."""
    if kind.startswith("charge."):
        return str(obj.get("payment_intent") or "")
    return str(obj.get("id") or "")


def _share(session: Session, obj: Mapping[str, Any], intent_id: str) -> PaymentShare | None:
    metadata = obj.get("metadata") or {}
    raw = metadata.get("share_id") if isinstance(metadata, Mapping) else None
    if (share_id := parse_id(raw)) is not None:
        found = session.get(PaymentShare, share_id, populate_existing=True)
        # The metadata names the share; an intent it does not know must not move it.
        if found is not None and found.intent_id in (None, intent_id):
            return found
    return session.exec(
        select(PaymentShare)
        .where(col(PaymentShare.intent_id) == intent_id)
        .execution_options(populate_existing=True)
    ).first()


def apply_cart_event(uow: UnitOfWork, kind: str, obj: Mapping[str, Any], now: datetime) -> Applied:
    """Apply one verified event to the cart payment it names, in the caller's transaction."""
    intent_id = intent_of(kind, obj)
    if kind not in CART_EVENTS or not intent_id:
        return Applied()
    session = uow.session
    share = _share(session, obj, intent_id)
    if share is None or share.id is None:
        return Applied()
    done = Applied(matched=True)
    order = lock_order(session, share.order_id)
    share = session.get(PaymentShare, share.id, populate_existing=True)
    assert share is not None and share.id is not None
    if kind == "payment_intent.succeeded":
        if move_share(session, share.id, ShareStatus.PAID, now, intent_id=intent_id, paid_at=now):
            done.changed = True
            _complete_if_paid(uow, order, now)
        elif share.status in (ShareStatus.EXPIRED, ShareStatus.VOIDED, ShareStatus.FAILED):
            # The order closed while the money was on its way: it goes back.
            if move_share(session, share.id, ShareStatus.REFUND_DUE, now, intent_id=intent_id):
                done.changed = True
                done.late.refunds.append((order.id or 0, share.id, intent_id))
        elif share.status == ShareStatus.PAID and share.intent_id not in (None, intent_id):
            done.late.refunds.append((order.id or 0, share.id, intent_id))  # paid twice
    elif kind == "payment_intent.requires_action":
        if move_share(session, share.id, ShareStatus.NEEDS_ACTION, now, intent_id=intent_id):
            done.changed = True
            name = display_name(session, share.user_id)
            carts.announce(uow, order.cart_id, needs_action_text(name))
    elif kind in ("payment_intent.payment_failed", "payment_intent.canceled"):
        if share.status in OPEN_SHARE and order.status == OrderStatus.PENDING:
            code = "payment_failed" if kind.endswith("failed") else "canceled"
            late = _fail_in(uow, order.id or 0, OrderStatus.FAILED, share.id, code, None, now)
            if late is not None:
                done.changed = True
                done.late.extend(late)
    elif kind == "charge.refunded":
        done.changed = move_share(session, share.id, ShareStatus.REFUNDED, now)
    return done
