"""Closing deals at their deadline (or once full), exactly once, and resuming after a crash.

Closing claims the deal first (open -> closing, conditional), so one process closes it; a claim
left by a crashed process expires after CLOSE_LEASE and the next run resumes, with the same
idempotency keys. Who is in at the deadline fixes the outcome and the price, once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from app.adapters.db.models_deals import Deal, Participation, Team
from app.adapters.payments.gateway import PaymentError, PaymentErrorCode, PaymentStatus
from app.domain.clock import as_utc
from app.domain.events import EventKind
from app.domain.group_buy import (
    ACTIVE_PARTICIPATION,
    CaptureExceedsAuthorization,
    CloseOutcome,
    DealCount,
    DealStatus,
    DealTerms,
    ParticipationStatus,
    PaymentMode,
    SeatFacts,
    Standing,
    TeamStatus,
    capture_amount,
    charge_unit_price,
    closing_outcome,
    count_seats,
    final_unit_price,
    standing,
)
from app.services.context import Context
from app.services.deals.records import NO_SYNC, deal_payload, load_deal, record, terms_of
from app.services.deals.seats import advance, participation, release_hold, release_participation
from app.services.deals.teams import expire_overdue_teams
from app.services.telemetry import DEAL_CLOSES

log = logging.getLogger(__name__)

Status = ParticipationStatus

# A closing job that has not finished within this time is presumed dead; another may resume.
CLOSE_LEASE = timedelta(minutes=10)


@dataclass
class CloseReport:
    deal_id: int
    outcome: str
    final_participants: int
    unit_price: int | None
    captured: list[int] = field(default_factory=list)  # user ids
    released: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    needs_action: list[int] = field(default_factory=list)
    complete: bool = True


def close_due_deals(ctx: Context) -> list[CloseReport]:
    """Everything about deals that is due now: teams that ran out of time first (their members
    are released, not charged), then deals past their deadline or full (captured at the final
    price or released, once). For the deadline scheduler."""
    expire_overdue_teams(ctx)
    return close_overdue_deals(ctx)


def _due(now: datetime, lease: timedelta) -> Any:
    """SQL condition: a deal the closing job should take now.

    Open deals past their deadline, open deals that are full (every seat taken and every hold
    placed: nobody is half-way through paying), and closings abandoned by a crashed process."""
    in_flight = (
        select(Participation.id)
        .where(
            col(Participation.deal_id) == col(Deal.id),
            # A booking's member who has not paid yet is half-way too.
            col(Participation.status).in_((Status.RESERVED, Status.PENDING, Status.NEEDS_ACTION)),
        )
        .exists()
    )
    full = (
        col(Deal.max_participants).is_not(None)
        & (col(Deal.participants) >= col(Deal.max_participants))
        & ~in_flight
    )
    return or_(
        (col(Deal.status) == DealStatus.OPEN) & ((col(Deal.deadline) <= now) | full),
        (col(Deal.status) == DealStatus.CLOSING)
        & (col(Deal.close_claimed_at).is_(None) | (col(Deal.close_claimed_at) < now - lease)),
    )


def close_overdue_deals(ctx: Context, lease: timedelta = CLOSE_LEASE) -> list[CloseReport]:
    """Close every deal past its deadline or full (and resume abandoned closings). For a
    scheduler at start-up and every few seconds; several processes may run it at once, each deal
    closes once."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        due = uow.session.exec(select(Deal.id).where(_due(now, lease))).all()
    reports = []
    for deal_id in due:
        if deal_id is None:
            continue
        report = close_deal(ctx, deal_id, lease)
        if report is not None:
            reports.append(report)
    return reports


def close_deal(ctx: Context, deal_id: int, lease: timedelta = CLOSE_LEASE) -> CloseReport | None:
    """Close a deal at its deadline (or once it is full), exactly once: if the minimum was met,
    capture every hold at the final price (never above the price each shopper joined at, and
    the team price for filled teams); otherwise release them all. Members of teams that did not
    fill are released either way.

    Returns None when there is nothing to do (not due, already closed, or another process is
    closing it right now). Safe to call again after a crash: it resumes with the same keys."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        claimed = session.exec(
            update(Deal)
            .where(col(Deal.id) == deal_id, _due(now, lease))
            .values(status=DealStatus.CLOSING, close_claimed_at=now)
            .returning(col(Deal.id)),
            execution_options=NO_SYNC,
        ).first()
        if claimed is None:
            return None
        prepared = _prepare(session, deal_id)
    return _settle(ctx, deal_id, now, prepared)


@dataclass
class _Claimed:
    """A claimed deal's outcome, fixed once, and its participations when it was claimed."""

    deal: Deal
    terms: DealTerms
    filled_teams: set[int | None]
    final_n: int
    outcome: CloseOutcome
    parts: list[Participation]


def _prepare(session: Session, deal_id: int) -> _Claimed:
    """Inside the claiming transaction: expire forming teams and fix the outcome once."""
    deal = load_deal(session, deal_id)
    terms = terms_of(deal)
    # A team still forming when its deal closes can no longer fill.
    session.exec(
        update(Team)
        .where(col(Team.deal_id) == deal_id, col(Team.status) == TeamStatus.FORMING)
        .values(status=TeamStatus.EXPIRED),
        execution_options=NO_SYNC,
    )
    filled_teams = set(
        session.exec(
            select(Team.id).where(Team.deal_id == deal_id, Team.status == TeamStatus.FILLED)
        ).all()
    )
    if deal.final_participants is None:
        # Decided once, by the same rule the page shows: confirmed holds outside a team or in a
        # filled one (forming teams were just expired, so theirs do not count). The seats
        # counted are marked: they are the closed deal's public ledger.
        rows = session.exec(
            select(Participation.id, Participation.status, Participation.team_id).where(
                Participation.deal_id == deal_id
            )
        ).all()
        seats = {
            int(part_id or 0): SeatFacts(
                str(status), None if team is None else team in filled_teams
            )
            for part_id, status, team in rows
        }
        counted = [i for i, seat in seats.items() if standing(seat) is Standing.JOINED]
        if counted:
            session.exec(
                update(Participation)
                .where(col(Participation.id).in_(counted))
                .values(counted_at_close=True),
                execution_options=NO_SYNC,
            )
        deal.final_participants = count_seats(seats.values()).joined
        deal.outcome = closing_outcome(terms, seats.values()).value
        session.add(deal)
    final_n = int(deal.final_participants)
    outcome = CloseOutcome(deal.outcome or CloseOutcome.RELEASE)
    parts = list(
        session.exec(
            select(Participation)
            .where(Participation.deal_id == deal_id)
            .order_by(col(Participation.id))
        ).all()
    )
    return _Claimed(deal, terms, filled_teams, final_n, outcome, parts)


def _settle(
    ctx: Context,
    deal_id: int,
    now: datetime,
    claimed: _Claimed,
    final_status: DealStatus | None = None,
) -> CloseReport:
    """Capture or release every participation of a claimed deal, each in its own transaction
    with its own idempotency key, then record the final status once. `final_status` overrides
    the one the outcome gives (a cancelled deal releases everyone and says "cancelled")."""
    deal, terms, filled_teams = claimed.deal, claimed.terms, claimed.filled_teams
    final_n, outcome, parts = claimed.final_n, claimed.outcome, claimed.parts
    unit_price = final_unit_price(terms, final_n) if outcome is CloseOutcome.CAPTURE else None
    report = CloseReport(deal_id, outcome.value, final_n, unit_price)

    for stale in parts:
        assert stale.id is not None
        # Re-read each row: a join or webhook may have moved it since the snapshot above.
        with ctx.uow() as uow:
            part = participation(uow.session, stale.id)
        assert part.id is not None
        in_good_standing = part.team_id is None or part.team_id in filled_teams
        if part.status == Status.HELD and outcome is CloseOutcome.CAPTURE and in_good_standing:
            price = final_unit_price(terms, final_n, in_filled_team=part.team_id is not None)
            _capture_one(ctx, part, price, deal, terms, report, now)
        elif part.status in ACTIVE_PARTICIPATION:
            reason = "deal_closed" if in_good_standing else "team_expired"
            if not release_participation(ctx, part, reason, now):
                report.complete = False
                continue
            report.released.append(part.user_id)
        elif (
            part.status == Status.LEFT
            and part.intent_id
            and not part.hold_released
            and part.payment_mode == PaymentMode.HOLD
        ):
            key = f"deal-{deal_id}-participation-{part.id}-release"
            if not release_hold(ctx, part.id, part.intent_id, key):
                report.complete = False
        elif part.status == Status.CAPTURED and part.user_id not in report.captured:
            report.captured.append(part.user_id)  # a resumed close: done by the earlier run

    with ctx.uow() as uow:
        if not report.complete:
            # Let the next scheduler run resume at once instead of waiting for the lease.
            uow.session.exec(
                update(Deal).where(col(Deal.id) == deal_id).values(close_claimed_at=None),
                execution_options=NO_SYNC,
            )
            return report
        final_status = final_status or (
            DealStatus.SUCCEEDED if outcome is CloseOutcome.CAPTURE else DealStatus.FAILED
        )
        row = uow.session.exec(
            update(Deal)
            .where(col(Deal.id) == deal_id, col(Deal.status) == DealStatus.CLOSING)
            .values(status=final_status, closed_at=now, version=col(Deal.version) + 1)
            .returning(col(Deal.version)),
            execution_options=NO_SYNC,
        ).first()
        if row is not None:
            DEAL_CLOSES.labels(final_status.value).inc()
            record(
                uow,
                deal_id,
                int(row[0]),
                EventKind.DEAL_CLOSED,
                deal_payload(
                    terms,
                    DealCount(joined=final_n),
                    status=final_status.value,
                    outcome=outcome.value,
                    final_unit_price=unit_price,
                    captured_user_ids=report.captured,
                    released_user_ids=report.released,
                    failed_user_ids=report.failed,
                    needs_action_user_ids=report.needs_action,
                ),
            )
    return report


def _capture_one(
    ctx: Context,
    part: Participation,
    price: int,
    deal: Deal,
    terms: DealTerms,
    report: CloseReport,
    now: datetime,
) -> None:
    assert part.id is not None
    gateway = ctx.payments.gateway
    quantity = max(part.quantity, 1)
    if part.authorized_amount:
        # Nobody pays more per unit than the price they joined at.
        price = charge_unit_price(price, part.authorized_amount // quantity)
    try:
        if part.payment_mode == PaymentMode.SAVED_CARD:
            amount = price * part.quantity
            result = gateway.charge_saved(
                amount=amount,
                currency=terms.currency,
                customer=part.customer_id or "",
                payment_method=part.payment_method_id or "",
                idempotency_key=f"deal-{deal.id}-participation-{part.id}-charge",
                metadata={
                    "deal_id": str(deal.id),
                    "user_id": str(part.user_id),
                    "participation_id": str(part.id),
                },
            )
        else:
            amount = capture_amount(part.authorized_amount or 0, price, part.quantity)
            result = gateway.capture(
                part.intent_id or "",
                amount=amount,
                idempotency_key=f"deal-{deal.id}-participation-{part.id}-capture",
            )
    except CaptureExceedsAuthorization as error:
        log.error("participation %s: %s", part.id, error)
        with ctx.uow() as uow:
            advance(uow, part.id, Status.FAILED, now=now, failure_code="capture_exceeds_hold")
        report.failed.append(part.user_id)
        return
    except PaymentError as error:
        if error.retryable:
            report.complete = False
            return
        if error.code is PaymentErrorCode.AUTHENTICATION_REQUIRED and error.intent_id:
            # The bank wants the shopper back: they finish on this intent, a webhook records it.
            with ctx.uow() as uow:
                uow.session.exec(
                    update(Participation)
                    .where(
                        col(Participation.id) == part.id, col(Participation.status) == Status.HELD
                    )
                    .values(status=Status.NEEDS_ACTION, intent_id=error.intent_id, updated_at=now),
                    execution_options=NO_SYNC,
                )
            report.needs_action.append(part.user_id)
            return
        with ctx.uow() as uow:
            advance(uow, part.id, Status.FAILED, now=now, failure_code=error.code.value)
        report.failed.append(part.user_id)
        return
    if result.status is PaymentStatus.PROCESSING:
        report.complete = False
        return
    with ctx.uow() as uow:
        advance(
            uow,
            part.id,
            Status.CAPTURED,
            now=now,
            intent_id=result.intent_id,
            captured=result.amount_captured or amount,
            unit_price=price,
        )
    report.captured.append(part.user_id)
