"""What the payment provider tells us afterwards: Stripe's webhooks and the bank's 3-D Secure
check, recorded so that they agree whatever order and however often they arrive.

Participation statuses only move forward (app/services/deals/seats.py), the webhook's event id
is recorded in the same transaction as its effect, and a hold that turns up for a seat that is
no longer active is released.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.adapters.db.models_deals import Participation, ProcessedWebhookEvent
from app.adapters.payments.gateway import PaymentError, PaymentGateway, PaymentStatus
from app.adapters.payments.webhooks import WebhookError, verify_event
from app.domain.clock import as_utc
from app.domain.group_buy import REJOINABLE_PARTICIPATION, JoinRefusal, ParticipationStatus
from app.domain.numbers import parse_id
from app.services.checkout.failing import settle as settle_cart_money
from app.services.checkout.reconciling import apply_cart_event
from app.services.checkout.shares import AfterCommit
from app.services.context import Context
from app.services.deals.errors import JoinError
from app.services.deals.records import load_deal
from app.services.deals.seats import advance, find_participation, participation, release_orphan
from app.services.deals.views import MySeat, seat_of
from app.services.orders.refunding import confirm_refund

Status = ParticipationStatus

_WEBHOOK_TARGETS = {
    "payment_intent.amount_capturable_updated": Status.HELD,
    "payment_intent.requires_action": Status.NEEDS_ACTION,
    "payment_intent.succeeded": Status.CAPTURED,
    "payment_intent.payment_failed": Status.FAILED,
    "payment_intent.canceled": Status.RELEASED,
}


class _Duplicate(Exception):
    pass


class WebhookRefused(Exception):
    """A delivery whose signature or age does not check out: answer HTTP 400 (the provider
    retries refused deliveries, and the app never depends on a single one)."""


def receive_webhook(ctx: Context, body: bytes, signature: str, secret: str) -> bool:
    """Verify a raw delivery (signature over the body, at most 300 s either way) and apply it
    once; True if it changed anything. WebhookRefused when it does not verify, ValueError when
    it verifies but is not an event we can read."""
    try:
        event = verify_event(body, signature, secret)
    except WebhookError as error:
        raise WebhookRefused(str(error)) from error
    return handle_webhook_event(ctx, event)


def handle_webhook_event(ctx: Context, event: Mapping[str, Any]) -> bool:
    """Apply a verified Stripe event exactly once; True if this delivery changed anything.

    Deliveries may repeat and arrive in any order: the event id is recorded in the same
    transaction as its effect, and statuses only move forward, so the end state does not depend
    on the order. A hold that turns up for a shopper who already left is released."""
    now = as_utc(ctx.now())
    event_id = str(event.get("id") or "")
    kind = str(event.get("type") or "")
    if not event_id:
        raise ValueError("a webhook event needs an id")
    obj = (event.get("data") or {}).get("object") or {}
    target = _WEBHOOK_TARGETS.get(kind)
    intent_id = str(obj.get("id") or "")
    changed = False
    orphan: tuple[int, str] | None = None
    late = after = AfterCommit()
    try:
        with ctx.uow() as uow:
            session = uow.session
            row = ProcessedWebhookEvent(event_id=event_id, kind=kind[:100], processed_at=now)
            session.add(row)
            try:
                session.flush()
            except IntegrityError:
                raise _Duplicate() from None
            part = None
            if target is not None and intent_id:
                part = _webhook_participation(session, obj, intent_id)
            amount = obj.get("amount")
            if part is None or part.id is None or target is None:
                # Not a deal seat: a cart payment or a refund, or a payment we do not know
                # (acknowledged and recorded as such, never applied).
                cart = apply_cart_event(uow, kind, obj, now)
                refund = confirm_refund(uow, kind, obj, now)
                changed = cart.changed or bool(refund)
                matched = cart.matched or refund is not None
                row.outcome = (
                    "applied" if changed else "no_change" if matched else "unknown_payment"
                )
                after = cart.late
            elif target == Status.CAPTURED:
                received = obj.get("amount_received") or obj.get("amount_captured") or amount
                changed = advance(
                    uow,
                    part.id,
                    Status.CAPTURED,
                    now=now,
                    intent_id=intent_id,
                    captured=int(received or 0),
                    authorized=int(amount) if isinstance(amount, int) else None,
                )
            elif target == Status.HELD:
                capturable = obj.get("amount_capturable") or amount
                changed = advance(
                    uow,
                    part.id,
                    Status.HELD,
                    now=now,
                    intent_id=intent_id,
                    authorized=int(capturable) if capturable else None,
                )
                session.refresh(part)
                if not changed and part.status in REJOINABLE_PARTICIPATION:
                    # Releasing twice is harmless; an unreleased hold is a shopper's money.
                    orphan = (part.id, intent_id)
            else:
                failed = target == Status.FAILED
                changed = advance(
                    uow,
                    part.id,
                    target,
                    now=now,
                    intent_id=intent_id,
                    authorized=int(amount) if isinstance(amount, int) else None,
                    reason="payment_failed" if failed else "hold_canceled",
                    failure_code="payment_failed" if failed else None,
                )
            if not row.outcome:
                row.outcome = "applied" if changed else "no_change"
            session.add(row)
            late = after
    except _Duplicate:
        return False
    if late.refunds or late.cancels:
        settle_cart_money(ctx, late, now)  # after commit: money back for a closed order
    if orphan is not None:
        release_orphan(ctx, orphan[1], orphan[0])
    return changed


def _webhook_participation(
    session: Session, obj: Mapping[str, Any], intent_id: str
) -> Participation | None:
    metadata = obj.get("metadata") or {}
    raw = metadata.get("participation_id") if isinstance(metadata, Mapping) else None
    if (participation_id := parse_id(raw)) is not None:
        found = session.get(Participation, participation_id)
        # The metadata names the row; an intent from an earlier attempt must not move a new one.
        if found is not None and found.intent_id in (None, intent_id):
            return found
        if found is not None:
            return None
    return session.exec(select(Participation).where(Participation.intent_id == intent_id)).first()


# --------------------------------------------------------------------------- 3-D Secure


@dataclass(frozen=True)
class BankCheckResult:
    """After the bank's check: "held" (in the deal) or "needs_action" (the bank still waits),
    and the shopper's seat as it stands."""

    status: str
    seat: MySeat


def finish_bank_check(
    ctx: Context, actor_id: int, deal_id: int, approve: bool | None = None
) -> BankCheckResult:
    """Record the outcome of the bank's check (3-D Secure) the shopper went through.

    Reads the payment back from the provider rather than trusting the browser, so it agrees with
    whatever the webhooks record (in any order). With the local test server, `approve` first
    plays the shopper's answer to their bank. Raises JoinError with a message when the bank
    said no (the seat is given back, nobody is charged)."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        part = find_participation(uow.session, deal_id, actor_id)
        seat = None if part is None else seat_of(load_deal(uow.session, deal_id), part)
    if part is None or part.id is None or part.status not in (Status.NEEDS_ACTION, Status.HELD):
        raise JoinError(
            "There's no payment waiting for your confirmation.", "nothing_to_confirm", seat
        )
    assert seat is not None
    intent_id = part.intent_id or ""
    if part.status == Status.HELD or not intent_id.startswith(("pi_", "seti_")):
        return BankCheckResult(part.status, seat)
    try:
        if approve is not None:
            sandbox = ctx.payments.sandbox
            if sandbox is None:
                raise JoinError("Confirm the payment with your bank first.", "not_test_mode", seat)
            sandbox.answer_bank_check(intent_id, approve=approve)
        outcome, amount = _read_back(ctx.payments.gateway, intent_id)
    except PaymentError as error:
        raise JoinError(error.user_message, error.code.value, seat) from error
    if outcome == Status.NEEDS_ACTION:
        return BankCheckResult(Status.NEEDS_ACTION, seat)
    if outcome == Status.HELD:
        with ctx.uow() as uow:
            advance(uow, part.id, Status.HELD, now=now, intent_id=intent_id, authorized=amount)
            after = participation(uow.session, part.id)
            seat = seat_of(load_deal(uow.session, deal_id), after)
        if after.status != Status.HELD:
            release_orphan(ctx, intent_id, part.id)
            raise JoinError.refused(JoinRefusal.DEAL_CLOSED, seat)
        return BankCheckResult(Status.HELD, seat)
    with ctx.uow() as uow:
        advance(
            uow,
            part.id,
            Status.FAILED,
            now=now,
            intent_id=intent_id,
            failure_code="authentication_failed",
            reason="payment_failed",
        )
        seat = seat_of(load_deal(uow.session, deal_id), participation(uow.session, part.id))
    raise JoinError(
        "Your bank didn't confirm the payment, so you're not in the deal. Nobody was charged.",
        "authentication_failed",
        seat,
    )


def _read_back(gateway: PaymentGateway, intent_id: str) -> tuple[Status, int | None]:
    """What the provider says now about a hold (pi_) or a saved card (seti_): (needs_action |
    held | failed, the amount held if any)."""
    if intent_id.startswith("seti_"):
        saved = gateway.retrieve_setup(intent_id)
        if saved.needs_action:
            return Status.NEEDS_ACTION, None
        return (Status.HELD if saved.status in ("succeeded", "processing") else Status.FAILED), None
    current = gateway.retrieve(intent_id)
    if current.status is PaymentStatus.REQUIRES_ACTION:
        return Status.NEEDS_ACTION, None
    if current.status is PaymentStatus.REQUIRES_CAPTURE:
        return Status.HELD, current.amount_capturable or current.amount
    return Status.FAILED, None
