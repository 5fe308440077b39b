"""Securing a seat's money: hold the card (or save it, for long deals) and record the answer.

Shared by joining a deal (the seat and the hold in one request) and by paying a group booking's
share (the seat was reserved earlier; the member or the organiser pays later). The payment call
happens outside any transaction with the caller's idempotency key; its outcome is recorded with
a forward-only move of the participation (seats.advance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from app.adapters.db.models_deals import Deal, Participation
from app.domain.group_buy import JoinRefusal, ParticipationStatus, PaymentMode
from app.services.context import Context
from app.services.deals.errors import JoinError
from app.services.deals.records import NO_SYNC, load_deal
from app.services.deals.seats import advance, participation, release_orphan
from app.services.deals.views import NO_SEAT, MySeat, seat_of

Status = ParticipationStatus


@dataclass(frozen=True)
class JoinResult:
    """What the shopper's page needs after a join: `client_secret` is set when the bank wants
    3-D Secure (status "needs_action"); the browser finishes it with Stripe.js. `seat` is the
    shopper's seat as the join left it."""

    participation_id: int
    status: str
    hold_amount: int
    unit_price_now: int
    currency: str
    intent_id: str | None = None
    client_secret: str | None = None
    team_id: int | None = None
    seat: MySeat = NO_SEAT


def place_hold(
    ctx: Context,
    deal: Deal,
    base: JoinResult,
    user_id: int,
    method: str,
    key: str,
    now: datetime,
    *,
    paid_by: int | None = None,
) -> JoinResult:
    """Hold (or, for long deals, save) the card for a seat already taken and record the answer.

    Raises PaymentError when the card fails: the caller decides what a failure changes (a join
    gives the seat back; a booking's share stays unpaid). `paid_by` is who pays when it is not
    the seat's holder (a booking's organiser covering a member's share). A hold that arrives for
    a seat no longer waiting for it (closed, released, or paid meanwhile by someone else) is
    given back at once."""
    deal_id = deal.id or 0
    part_id = base.participation_id
    metadata = {"deal_id": str(deal_id), "user_id": str(user_id), "participation_id": str(part_id)}
    if paid_by is not None:
        metadata["paid_by"] = str(paid_by)
    if deal.payment_mode == PaymentMode.SAVED_CARD:
        return _save_card(ctx, base, paid_by or user_id, method, key, metadata, now, paid_by)
    result = ctx.payments.gateway.authorize(
        amount=base.hold_amount,
        currency=base.currency,
        customer=None,
        payment_method=method,
        idempotency_key=key,
        metadata=metadata,
    )
    target = Status.NEEDS_ACTION if result.needs_action else Status.HELD
    with ctx.uow() as uow:
        advance(uow, part_id, target, now=now, intent_id=result.intent_id, authorized=result.amount)
        if paid_by is not None:
            _note_payer(uow.session, part_id, paid_by, result.intent_id)
        part = participation(uow.session, part_id)
        seat = seat_of(load_deal(uow.session, deal_id), part)
    if part.status not in (Status.HELD, Status.NEEDS_ACTION, Status.CAPTURED):
        # The deal closed (or the shopper left) while the bank was answering: give the hold back.
        release_orphan(ctx, result.intent_id, part_id)
        raise JoinError.refused(JoinRefusal.DEAL_CLOSED, seat)
    if part.intent_id != result.intent_id:
        # Two payers raced for one share (the member and the organiser): the first hold stands.
        release_orphan(ctx, result.intent_id, part_id)
        raise JoinError("This share is already paid.", "already_paid", seat)
    return JoinResult(
        participation_id=part_id,
        status=part.status,
        hold_amount=base.hold_amount,
        unit_price_now=base.unit_price_now,
        currency=base.currency,
        intent_id=result.intent_id,
        client_secret=result.client_secret if part.status == Status.NEEDS_ACTION else None,
        team_id=base.team_id,
        seat=seat,
    )


def _note_payer(session: Session, part_id: int, paid_by: int, intent_id: str | None) -> None:
    """Who paid this seat's hold: only if it is this payer's hold that stands (a webhook may
    have recorded it first; a racing payer's hold does not)."""
    session.exec(
        update(Participation)
        .where(col(Participation.id) == part_id, col(Participation.intent_id) == intent_id)
        .values(paid_by=paid_by),
        execution_options=NO_SYNC,
    )


def _save_card(
    ctx: Context,
    base: JoinResult,
    user_id: int,
    payment_method: str,
    key: str,
    metadata: Mapping[str, str],
    now: datetime,
    paid_by: int | None = None,
) -> JoinResult:
    """Long deals: save the card now (SetupIntent), charge it off-session at close. `user_id`
    is the card's owner (the payer)."""
    gateway = ctx.payments.gateway
    customer = gateway.create_customer(
        email=None,
        name=None,
        idempotency_key=f"user-{user_id}-customer",
        metadata={"user_id": str(user_id)},
    )
    saved = gateway.save_card(
        customer=customer, payment_method=payment_method, idempotency_key=key, metadata=metadata
    )
    target = Status.NEEDS_ACTION if saved.needs_action else Status.HELD
    with ctx.uow() as uow:
        uow.session.exec(
            update(Participation)
            .where(col(Participation.id) == base.participation_id)
            .values(
                customer_id=customer,
                payment_method_id=saved.payment_method_id or payment_method,
                # Nothing is held on the card; this is the most the shopper agreed to pay.
                authorized_amount=base.hold_amount,
            ),
            execution_options=NO_SYNC,
        )
        advance(uow, base.participation_id, target, now=now, intent_id=saved.setup_intent_id)
        if paid_by is not None:
            _note_payer(uow.session, base.participation_id, paid_by, saved.setup_intent_id)
        part = participation(uow.session, base.participation_id)
        seat = seat_of(load_deal(uow.session, part.deal_id), part)
    return JoinResult(
        participation_id=base.participation_id,
        status=part.status,
        hold_amount=base.hold_amount,
        unit_price_now=base.unit_price_now,
        currency=base.currency,
        intent_id=saved.setup_intent_id,
        client_secret=saved.client_secret if part.status == Status.NEEDS_ACTION else None,
        team_id=base.team_id,
        seat=seat,
    )
