"""Joining a deal: take a seat, then hold the card (or save it, for long deals); leaving it.

How it stays correct with many shoppers, several processes and a payment provider that answers
late, twice or out of order, on SQLite as on PostgreSQL (no SELECT ... FOR UPDATE anywhere):

- A seat is a conditional UPDATE (`participants < max AND status open AND deadline > now`): the
  database decides who gets the last seat, so a deal is never oversold.
- One Participation row per (deal, user), by a unique constraint: never two holds per shopper.
- Every payment call happens *outside* a transaction, with an idempotency key derived from our ids
  (`deal-{deal}-user-{user}-hold-{attempt}`), after the seat is committed; its outcome is recorded
  afterwards with a conditional UPDATE on the participation's status (app/services/deals/seats.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.adapters.db.models import Product
from app.adapters.db.models_deals import Deal, Participation, Team
from app.adapters.payments.gateway import PaymentError
from app.domain.clock import as_utc
from app.domain.events import EventKind
from app.domain.group_buy import (
    REJOINABLE_PARTICIPATION,
    DealKind,
    DealStatus,
    DealTerms,
    JoinRefusal,
    ParticipationStatus,
    can_join,
    can_join_team,
    hold_amount,
    price_for,
    team_expires_at,
    team_terms,
)
from app.domain.payments import SandboxCard
from app.domain.throttle import Rate
from app.services.allowances import spend
from app.services.context import Context
from app.services.deals.early_access import early_access
from app.services.deals.errors import JoinError, Refused
from app.services.deals.holding import JoinResult, place_hold
from app.services.deals.records import (
    NO_SYNC,
    count_of,
    deal_payload,
    load_deal,
    outcome_of,
    record,
    settle,
    terms_of,
)
from app.services.deals.seats import (
    advance,
    find_participation,
    hold_key,
    participation,
    take_team_place,
)
from app.services.deals.views import NO_SEAT, MySeat, seat_of
from app.services.unit_of_work import UnitOfWork

Status = ParticipationStatus
NEW_TEAM = "new"  # `team` argument: start a team rather than join one
TeamChoice = int | str | None  # None: no team; NEW_TEAM; or the id of the team to join


CARD_ATTEMPTS = Rate("deal.card", limit=20, seconds=3600)
# Joins (deals, teams, flash deals, trips) from one address: five people's card attempts, so a
# household joining together fits while many accounts testing cards from one place do not.
JOINS_PER_ADDRESS = Rate("deal.join.address", limit=5 * CARD_ATTEMPTS.limit, seconds=3600)


def join_deal(
    ctx: Context,
    actor_id: int,
    deal_id: int,
    quantity: int,
    payment_method: str | None = None,
    *,
    sandbox_card: SandboxCard | None = None,
    address: str | None = None,
) -> JoinResult:
    """Join a deal: take a seat, then hold the card (or save it, for long deals).

    Pay with `payment_method` (a provider id the browser made) or, on the local test server,
    with a `sandbox_card`. Raises JoinError with a message for the shopper when the deal is
    closed, full, already joined, the shopper or their `address` joins too often (no seat, no
    hold), or the card is declined (the seat is given back). A 3-D Secure card returns status
    "needs_action" with the client secret for the browser."""
    return join(
        ctx, actor_id, deal_id, quantity, payment_method, sandbox_card, team=None, address=address
    )


def join(
    ctx: Context,
    user_id: int,
    deal_id: int,
    quantity: int,
    payment_method: str | None,
    sandbox_card: SandboxCard | None,
    *,
    team: TeamChoice,
    address: str | None = None,
) -> JoinResult:
    """Join alone, as a new team's leader (`team=NEW_TEAM`) or into a team (its id)."""
    now = as_utc(ctx.now())
    method = payment_method_for(ctx, payment_method, sandbox_card)
    with ctx.uow() as uow:
        deal, terms, mine = _precheck(uow.session, user_id, deal_id, quantity, now, team)
    # Every join that gets this far asks the bank for an authorisation: limited per person and
    # per address on every process together, so joining and leaving cannot test stolen cards.
    spend(
        ctx,
        lambda message: JoinError(message, "rate_limited", mine),
        (CARD_ATTEMPTS, user_id),
        (JOINS_PER_ADDRESS, address),
    )
    try:
        with ctx.uow() as uow:
            part_id, attempt, team_id, with_me = reserve_seat(
                uow, deal, terms, user_id, quantity, now, team
            )
    except Refused as refused:
        refusal = refused.refusal or _refusal_now(ctx, deal_id, now)
        raise JoinError.refused(refusal, mine) from None
    except IntegrityError:
        raise JoinError.refused(JoinRefusal.ALREADY_JOINED) from None

    amount = hold_amount(terms, quantity, with_me)
    base = JoinResult(
        participation_id=part_id,
        status=Status.PENDING,
        hold_amount=amount,
        unit_price_now=price_for(terms, with_me),
        currency=terms.currency,
        team_id=team_id,
    )
    try:
        return place_hold(
            ctx, deal, base, user_id, method, hold_key(deal_id, user_id, attempt), now
        )
    except PaymentError as error:
        seat = _record_join_failure(ctx, part_id, error, now)
        raise JoinError(error.user_message, error.code.value, seat) from error


def payment_method_for(ctx: Context, payment_method: str | None, card: SandboxCard | None) -> str:
    """The provider's payment method: the browser's, or one the sandbox makes for a test card."""
    if payment_method:
        return payment_method
    sandbox = ctx.payments.sandbox
    if sandbox is None or card is None:
        raise JoinError("Test cards only work with the local test server.", "not_test_mode")
    try:
        return sandbox.payment_method(card)
    except PaymentError as error:
        raise JoinError(error.user_message, error.code.value) from error


def _precheck(
    session: Session,
    user_id: int,
    deal_id: int,
    quantity: int,
    now: datetime,
    team: TeamChoice,
) -> tuple[Deal, DealTerms, MySeat]:
    """A clear answer before taking a seat; the seat itself is still taken atomically. Also
    the shopper's seat as it stands, which a refusal hands back to the page."""
    deal = load_deal(session, deal_id)
    terms = terms_of(deal)
    mine = find_participation(session, deal_id, user_id)
    seat = NO_SEAT if mine is None else seat_of(deal, mine)
    if deal.kind == DealKind.BOOKING:
        raise JoinError("Join this group from the link its organiser shared.", "booking_only", seat)
    joined = mine is not None and mine.status not in REJOINABLE_PARTICIPATION
    closed = outcome_of(deal)
    if deal.status != DealStatus.OPEN and closed is None:
        raise JoinError.refused(JoinRefusal.DEAL_CLOSED, seat)
    product = session.get(Product, deal.product_id)
    if product is not None and product.archived and not joined:
        raise JoinError.refused(JoinRefusal.PRODUCT_ARCHIVED, seat)
    early = early_access(session, deal, user_id, now)
    if early.refusal is not None and closed is None:
        raise JoinError(early.refusal, "early_access", seat)
    if early.opens_for_me < terms.starts_at:  # a VIP's head start on a scheduled deal
        terms = replace(terms, starts_at=early.opens_for_me)
    refusal = can_join(
        terms, deal.participants, now, joined, quantity=quantity, closed_outcome=closed
    )
    if refusal is not None:
        raise JoinError.refused(refusal, seat)
    if team == NEW_TEAM and team_terms(terms) is None:
        raise JoinError.refused(JoinRefusal.NO_TEAMS, seat)
    if isinstance(team, int):
        found = session.get(Team, team)
        assert found is not None
        refusal = can_join_team(
            terms, found.members, as_utc(found.created_at), now, already_member=False
        )
        if refusal is None and as_utc(found.expires_at) <= now:
            refusal = JoinRefusal.TEAM_EXPIRED
        if refusal is not None:
            raise JoinError.refused(refusal, seat)
    return deal, terms, seat


def reserve_seat(
    uow: UnitOfWork,
    deal: Deal,
    terms: DealTerms,
    user_id: int,
    quantity: int,
    now: datetime,
    team: TeamChoice,
    *,
    status: Status = Status.PENDING,
) -> tuple[int, int, int | None, int]:
    """Take a seat and write the participation in one transaction: PENDING for a join that
    pays at once, RESERVED for a booking's member who pays their share later (their windows to
    pay start now, `reserved_at`). Refused when the deal is closed or full.

    Returns (participation id, attempt, team id, the joined count with this shopper in). Call
    it first in the transaction (or after another UPDATE) so that on SQLite the transaction
    starts as a writer (no read-then-upgrade lock failures)."""
    reserved_at = now if status == Status.RESERVED else None
    session = uow.session
    deal_id = deal.id or 0
    head_start = max(as_utc(deal.starts_at) - terms.starts_at, timedelta(0))  # VIPs: early_access
    row = session.exec(
        update(Deal)
        .where(
            col(Deal.id) == deal_id,
            col(Deal.status) == DealStatus.OPEN,
            col(Deal.starts_at) <= now + head_start,
            col(Deal.deadline) > now,
            or_(
                col(Deal.max_participants).is_(None),
                col(Deal.participants) < col(Deal.max_participants),
            ),
        )
        .values(participants=col(Deal.participants) + 1, version=col(Deal.version) + 1)
        .returning(col(Deal.participants), col(Deal.version)),
        execution_options=NO_SYNC,
    ).first()
    if row is None:
        raise Refused()
    version = int(row[1])

    team_id: int | None = None
    if team == NEW_TEAM:
        team_row = Team(
            deal_id=deal_id,
            leader_id=user_id,
            size=terms.team_size or 0,
            members=1,
            created_at=now,
            expires_at=team_expires_at(now, terms.deadline),
        )
        session.add(team_row)
        session.flush()
        team_id = team_row.id
    elif isinstance(team, int):
        take_team_place(session, team, deal_id, now)
        team_id = team

    mode = deal.payment_mode
    existing = find_participation(session, deal_id, user_id)
    if existing is None:
        part = Participation(
            deal_id=deal_id,
            user_id=user_id,
            quantity=quantity,
            status=status.value,
            attempt=1,
            team_id=team_id,
            payment_mode=mode,
            idempotency_key=hold_key(deal_id, user_id, 1),
            created_at=now,
            updated_at=now,
            reserved_at=reserved_at,
        )
        session.add(part)
        session.flush()  # the unique (deal, user) constraint stops a concurrent double join here
        assert part.id is not None
        part_id, attempt = part.id, 1
    else:
        again = session.exec(
            update(Participation)
            .where(
                col(Participation.id) == existing.id,
                col(Participation.status).in_(REJOINABLE_PARTICIPATION),
            )
            .values(
                status=status,
                reserved_at=reserved_at,
                paid_by=None,
                attempt=col(Participation.attempt) + 1,
                quantity=quantity,
                team_id=team_id,
                payment_mode=mode,
                intent_id=None,
                authorized_amount=None,
                captured_amount=None,
                failure_code=None,
                hold_released=False,
                confirmed_at=None,
                updated_at=now,
            )
            .returning(col(Participation.id), col(Participation.attempt)),
            execution_options=NO_SYNC,
        ).first()
        if again is None:
            raise Refused(JoinRefusal.ALREADY_JOINED)
        part_id, attempt = int(again[0]), int(again[1])
        session.exec(
            update(Participation)
            .where(col(Participation.id) == part_id)
            .values(idempotency_key=hold_key(deal_id, user_id, attempt)),
            execution_options=NO_SYNC,
        )
    count = count_of(session, deal_id)
    record(
        uow,
        deal_id,
        version,
        EventKind.DEAL_SEAT_RESERVED,
        deal_payload(terms, count, user_id=user_id, team_id=team_id),
    )
    if team_id is not None:
        count = settle(uow, deal_id, now)  # this place may have filled the team
    # The price the page offered: today's price with the shopper counted among the confirmed
    # holds (seats still waiting for a bank never lower it).
    return part_id, attempt, team_id, count.joined + 1


def _refusal_now(ctx: Context, deal_id: int, now: datetime) -> JoinRefusal:
    with ctx.uow() as uow:
        deal = load_deal(uow.session, deal_id)
        terms = terms_of(deal)
        if deal.status != DealStatus.OPEN and outcome_of(deal) is None:
            return JoinRefusal.DEAL_CLOSED
        refusal = can_join(terms, deal.participants, now, False, closed_outcome=outcome_of(deal))
        return refusal or JoinRefusal.FULL


def _record_join_failure(ctx: Context, part_id: int, error: PaymentError, now: datetime) -> MySeat:
    with ctx.uow() as uow:
        advance(
            uow,
            part_id,
            Status.FAILED,
            now=now,
            intent_id=error.intent_id,
            failure_code=error.code.value,
            reason="payment_failed",
        )
        part = participation(uow.session, part_id)
        return seat_of(load_deal(uow.session, part.deal_id), part)
