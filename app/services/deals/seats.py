"""A shopper's seat in a deal, moved forward: held, left, captured, released, failed.

Every move is a conditional UPDATE on the participation's status (forward only, see
`PARTICIPATION_MOVES_FROM`), so the join call, the closing job and webhooks can record the same
fact in any order and any number of times and end in the same state. What a move implies
(the seat count, the unlock, a team place, the order) is written in the same transaction.
Payment calls never happen inside a transaction: the helpers that call the provider record the
outcome afterwards in a unit of work of their own.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from app.adapters.db.models_deals import DealOrder, Participation, Team
from app.adapters.db.models_trips import Booking, ExperienceDate
from app.adapters.payments.gateway import PaymentError
from app.domain.events import EventKind
from app.domain.group_buy import (
    PARTICIPATION_MOVES_FROM,
    DealKind,
    JoinRefusal,
    ParticipationStatus,
    PaymentMode,
    TeamStatus,
)
from app.services.context import Context
from app.services.deals.errors import Refused
from app.services.deals.records import (
    NO_SYNC,
    bump,
    count_of,
    deal_payload,
    load_deal,
    record,
    settle,
    terms_of,
)
from app.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

Status = ParticipationStatus


def hold_key(deal_id: int, user_id: int, attempt: int) -> str:
    """The idempotency key of a shopper's hold: one per attempt, so a retry never holds twice."""
    return f"deal-{deal_id}-user-{user_id}-hold-{attempt}"


def participation(session: Session, participation_id: int) -> Participation:
    found = session.get(Participation, participation_id)
    assert found is not None
    return found


def find_participation(session: Session, deal_id: int, user_id: int) -> Participation | None:
    return session.exec(
        select(Participation).where(
            Participation.deal_id == deal_id, Participation.user_id == user_id
        )
    ).first()


def advance(
    uow: UnitOfWork,
    participation_id: int,
    target: Status,
    *,
    now: datetime,
    intent_id: str | None = None,
    authorized: int | None = None,
    captured: int | None = None,
    unit_price: int | None = None,
    failure_code: str | None = None,
    reason: str = "",
    only_from: tuple[Status, ...] | None = None,
) -> bool:
    """Move a participation forward to `target` if it may go there (and, with `only_from`, only
    from those statuses); record what follows (seat freed, joined / unlocked events, the order).
    False when it was already there or beyond."""
    session = uow.session
    values: dict[str, Any] = {"status": target, "updated_at": now}
    if intent_id:
        values["intent_id"] = intent_id
    if authorized is not None:
        values["authorized_amount"] = func.coalesce(
            col(Participation.authorized_amount), authorized
        )
    if captured is not None:
        values["captured_amount"] = captured
    if failure_code:
        values["failure_code"] = failure_code
    if target == Status.HELD:
        values["confirmed_at"] = now  # the seat counts from now on (the public ledger)
    if target in (Status.RELEASED, Status.FAILED):
        # A hold that failed or was cancelled by the provider needs no release from us.
        values["hold_released"] = True
    row = session.exec(
        update(Participation)
        .where(
            col(Participation.id) == participation_id,
            col(Participation.status).in_(only_from or PARTICIPATION_MOVES_FROM[target]),
        )
        .values(**values)
        .returning(
            col(Participation.deal_id),
            col(Participation.user_id),
            col(Participation.quantity),
            col(Participation.team_id),
            col(Participation.intent_id),
            col(Participation.captured_amount),
        ),
        execution_options=NO_SYNC,
    ).first()
    if row is None:
        return False
    deal_id, user_id, quantity, team_id, row_intent, row_captured = row
    deal = load_deal(session, int(deal_id))
    terms = terms_of(deal)
    if target == Status.HELD:
        bumped = bump(session, deal.id or 0)
        assert bumped is not None
        record(
            uow,
            deal.id or 0,
            bumped[1],
            EventKind.DEAL_JOINED,
            deal_payload(terms, count_of(session, deal.id or 0), user_id=user_id, team_id=team_id),
        )
        settle(uow, deal.id or 0, now)
    elif target in (Status.RELEASED, Status.FAILED):
        free_team_place(session, team_id)
        if deal.kind == DealKind.BOOKING:
            free_date_seat(session, deal.id or 0)
        bumped = bump(session, deal.id or 0, seats=-1, open_only=True)
        if bumped is not None:
            count = count_of(session, deal.id or 0)
            record(
                uow,
                deal.id or 0,
                bumped[1],
                EventKind.DEAL_LEFT,
                deal_payload(terms, count, user_id=user_id, reason=reason or target.value),
            )
            settle(uow, deal.id or 0, now)
    elif target == Status.CAPTURED:
        amount = int(row_captured or 0)
        qty = int(quantity)
        session.add(
            DealOrder(
                deal_id=deal.id or 0,
                participation_id=participation_id,
                user_id=int(user_id),
                product_id=deal.product_id,
                quantity=qty,
                unit_price=unit_price if unit_price is not None else amount // max(qty, 1),
                amount=amount,
                currency=deal.currency,
                intent_id=row_intent,
            )
        )
    return True


# --------------------------------------------------------------------------- team places


def take_team_place(session: Session, team_id: int, deal_id: int, now: datetime) -> None:
    """One more member in a forming team (filled when it reaches its size); Refused when the
    team is complete or ran out of time."""
    filled = col(Team.members) + 1 >= col(Team.size)
    row = session.exec(
        update(Team)
        .where(
            col(Team.id) == team_id,
            col(Team.deal_id) == deal_id,
            col(Team.status) == TeamStatus.FORMING,
            col(Team.members) < col(Team.size),
            col(Team.expires_at) > now,
        )
        .values(
            members=col(Team.members) + 1,
            status=case((filled, TeamStatus.FILLED.value), else_=col(Team.status)),
            filled_at=case((filled, now), else_=col(Team.filled_at)),
        )
        .returning(col(Team.id)),
        execution_options=NO_SYNC,
    ).first()
    if row is None:
        team = session.get(Team, team_id)
        if team is not None and team.status == TeamStatus.FILLED:
            raise Refused(JoinRefusal.TEAM_FULL)
        raise Refused(JoinRefusal.TEAM_EXPIRED)


def free_team_place(session: Session, team_id: int | None) -> None:
    if team_id is None:
        return
    # A filled team stays filled (domain rule); only a forming team gets its place back.
    session.exec(
        update(Team)
        .where(col(Team.id) == team_id, col(Team.status) == TeamStatus.FORMING)
        .where(col(Team.members) > 0)
        .values(members=col(Team.members) - 1),
        execution_options=NO_SYNC,
    )


# --------------------------------------------------------------------------- a booking's date


def take_date_seat(session: Session, date_id: int) -> bool:
    """One seat of an experience's date for a booking's member; False when none is left. A
    conditional UPDATE, so two groups never take the date's last seat twice."""
    row = session.exec(
        update(ExperienceDate)
        .where(
            col(ExperienceDate.id) == date_id,
            col(ExperienceDate.seats_taken) < col(ExperienceDate.seats),
        )
        .values(seats_taken=col(ExperienceDate.seats_taken) + 1)
        .returning(col(ExperienceDate.id)),
        execution_options=NO_SYNC,
    ).first()
    return row is not None


def free_date_seat(session: Session, deal_id: int) -> None:
    """A booking's member is out (released, failed, left): their date seat goes back."""
    date_id = select(Booking.date_id).where(col(Booking.deal_id) == deal_id).scalar_subquery()
    session.exec(
        update(ExperienceDate)
        .where(col(ExperienceDate.id) == date_id, col(ExperienceDate.seats_taken) > 0)
        .values(seats_taken=col(ExperienceDate.seats_taken) - 1),
        execution_options=NO_SYNC,
    )


# --------------------------------------------------------------------------- releasing holds


def release_hold(ctx: Context, part_id: int, intent_id: str, key: str) -> bool:
    """Cancel a hold at the provider and note it released; False when the provider could not
    be reached (the closing job retries)."""
    try:
        ctx.payments.gateway.cancel(intent_id, idempotency_key=key)
    except PaymentError as error:
        if error.retryable:
            log.warning("releasing hold %s failed (%s); the closing job retries", intent_id, error)
            return False
        # Already released, captured or unknown to the provider: nothing left for us to release.
        log.info("hold %s not released: %s", intent_id, error)
    with ctx.uow() as uow:
        uow.session.exec(
            update(Participation)
            .where(col(Participation.id) == part_id)
            .values(hold_released=True),
            execution_options=NO_SYNC,
        )
    return True


def release_orphan(ctx: Context, intent_id: str | None, part_id: int) -> None:
    """A hold that turned up for a seat that is no longer active: give the money back."""
    if not intent_id or not intent_id.startswith("pi_"):
        return
    try:
        ctx.payments.gateway.cancel(
            intent_id, idempotency_key=f"participation-{part_id}-orphan-{intent_id}"
        )
    except PaymentError:
        log.warning("could not release orphan hold %s of participation %s", intent_id, part_id)
        return
    with ctx.uow() as uow:
        uow.session.exec(
            update(Participation)
            .where(col(Participation.id) == part_id, col(Participation.intent_id) == intent_id)
            .values(hold_released=True),
            execution_options=NO_SYNC,
        )


def release_participation(ctx: Context, part: Participation, reason: str, now: datetime) -> bool:
    """Release a participation's hold (if any) and record it released; False when the provider
    could not be reached (the caller retries later)."""
    assert part.id is not None
    if part.payment_mode == PaymentMode.HOLD and part.intent_id:
        key = f"deal-{part.deal_id}-participation-{part.id}-release"
        if not release_hold(ctx, part.id, part.intent_id, key):
            return False
    with ctx.uow() as uow:
        advance(uow, part.id, Status.RELEASED, now=now, reason=reason)
    return True
