"""Group-buy deals: create, join (card hold), leave, teams, close, and Stripe webhooks.

How it stays correct with many shoppers, several processes and a payment provider that answers
late, twice or out of order, on SQLite as on PostgreSQL (no SELECT ... FOR UPDATE anywhere):

- A seat is a conditional UPDATE (`participants < max AND status open AND deadline > now`): the
  database decides who gets the last seat, so a deal is never oversold.
- One Participation row per (deal, user), by a unique constraint: never two holds per shopper.
- Every payment call happens *outside* a transaction, with an idempotency key derived from our ids
  (`deal-{deal}-user-{user}-hold-{attempt}`), after the seat is committed; its outcome is recorded
  afterwards with a conditional UPDATE on the participation's status.
- Participation statuses only move forward (pending -> needs_action -> held -> captured / released
  / failed / left), so the join call, the closing job and webhooks can record the same fact in any
  order and any number of times and end in the same state.
- Closing claims the deal first (open -> closing, conditional), so one process closes it; a claim
  left by a crashed process expires after CLOSE_LEASE and the next run resumes, with the same
  idempotency keys.
- Each change bumps `deal.version` and records a DomainEvent, published after commit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.adapters.bus import EventBus
from app.adapters.db.models import Product
from app.adapters.db.models_deals import (
    Deal,
    DealOrder,
    Participation,
    ProcessedWebhookEvent,
    Team,
)
from app.adapters.db.models_people import User
from app.adapters.payments.configured import build_payments
from app.adapters.payments.gateway import (
    PaymentError,
    PaymentErrorCode,
    PaymentGateway,
    PaymentStatus,
)
from app.domain.events import DomainEvent
from app.domain.group_buy import (
    CaptureExceedsAuthorization,
    CloseOutcome,
    DealTerms,
    JoinRefusal,
    PaymentMode,
    PriceTier,
    TeamStatus,
    can_join,
    can_join_team,
    capture_amount,
    charge_unit_price,
    close_outcome,
    final_unit_price,
    hold_amount,
    is_unlocked,
    next_tier,
    payment_mode,
    price_for,
    status_at,
    team_expires_at,
    team_terms,
    validate_terms,
)
from app.domain.people import may_host
from app.services.unit_of_work import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]

# A closing job that has not finished within this time is presumed dead; another may resume.
CLOSE_LEASE = timedelta(minutes=10)

OPEN, CLOSING, SUCCEEDED, FAILED = "open", "closing", "succeeded", "failed"

PENDING, NEEDS_ACTION, HELD = "pending", "needs_action", "held"
LEFT, CAPTURED, RELEASED, PART_FAILED = "left", "captured", "released", "failed"
ACTIVE = (PENDING, NEEDS_ACTION, HELD)
REJOINABLE = (LEFT, RELEASED, PART_FAILED)

# Which statuses a participation may move to a target from: forward only, never back.
_ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    NEEDS_ACTION: (PENDING,),
    HELD: (PENDING, NEEDS_ACTION),
    CAPTURED: ACTIVE,
    RELEASED: ACTIVE,
    PART_FAILED: ACTIVE,
}

_NO_SYNC = {"synchronize_session": False}


# --------------------------------------------------------------------------- errors, results


class DealValidationError(ValueError):
    """Deal terms a seller must fix; `field_errors` maps a form field to its message."""

    def __init__(self, field_errors: Mapping[str, str]) -> None:
        self.field_errors = dict(field_errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.field_errors.items()))


class NotAllowed(PermissionError):
    """The user's role does not allow this (e.g. opening a deal without the host role)."""


class JoinError(Exception):
    """A join, team or leave request we refuse. `message` is fit to show the shopper; `code` is
    a JoinRefusal value, a PaymentErrorCode value or one of this module's own codes."""

    def __init__(self, message: str, code: str) -> None:
        self.message = message
        self.code = code
        super().__init__(message)

    @classmethod
    def refused(cls, refusal: JoinRefusal) -> JoinError:
        return cls(refusal.message, refusal.value)


class _Refused(Exception):
    """Raised inside a transaction to roll it back; turned into a JoinError outside."""

    def __init__(self, refusal: JoinRefusal | None = None) -> None:
        self.refusal = refusal


@dataclass(frozen=True)
class JoinResult:
    """What the shopper's page needs after a join: `client_secret` is set when the bank wants
    3-D Secure (status "needs_action"); the browser finishes it with Stripe.js."""

    participation_id: int
    status: str
    hold_amount: int
    unit_price_now: int
    currency: str
    intent_id: str | None = None
    client_secret: str | None = None
    team_id: int | None = None


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


# --------------------------------------------------------------------------- helpers


def utcnow() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back without a zone and compares them as text: store and bind UTC.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def terms_of(deal: Deal) -> DealTerms:
    """The domain's view of a stored deal."""
    tiers = tuple(PriceTier(int(a), int(b)) for a, b in json.loads(deal.tiers_json))
    return DealTerms(
        tiers=tiers,
        currency=deal.currency,
        min_to_unlock=deal.min_to_unlock,
        max_participants=deal.max_participants,
        starts_at=_utc(deal.starts_at),
        deadline=_utc(deal.deadline),
        team_size=deal.team_size,
        team_price=deal.team_price,
        max_quantity_per_shopper=deal.max_quantity_per_shopper,
    )


def _outcome_of(deal: Deal) -> CloseOutcome | None:
    if deal.status in (SUCCEEDED, FAILED, "cancelled") and deal.outcome:
        return CloseOutcome(deal.outcome)
    return None


def deal_payload(terms: DealTerms, participants: int, **extra: Any) -> dict[str, Any]:
    """What watchers of a deal need to redraw it without a reload."""
    upcoming = next_tier(terms, participants)
    return {
        "participants": participants,
        "current_price": price_for(terms, participants),
        "currency": terms.currency,
        "unlocked": is_unlocked(terms, participants),
        "next_tier": (
            None if upcoming is None else {"needed": upcoming[0], "unit_price": upcoming[1]}
        ),
        **extra,
    }


def _event(deal_id: int, version: int, kind: str, payload: dict[str, Any]) -> DomainEvent:
    return DomainEvent(
        aggregate="deal", aggregate_id=str(deal_id), version=version, kind=kind, payload=payload
    )


# Pages that list deals (home, /deals, a product's page) watch one channel for all of them, so
# a change to any deal (or a new deal) reaches them without a room per deal.
CARDS_CHANNEL = "deals:cards"


def _record(uow: UnitOfWork, event: DomainEvent) -> None:
    """Record a deal's event, and a note on the deal-cards feed that this deal changed."""
    uow.record(event)
    uow.record(
        DomainEvent(
            aggregate="deals",
            aggregate_id="cards",
            version=0,
            kind=event.kind,
            payload={"deal_id": int(event.aggregate_id)},
        )
    )


def _load_deal(session: Session, deal_id: int) -> Deal:
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise JoinError("We couldn't find that deal.", "not_found")
    return deal


def _bump(
    session: Session, deal_id: int, *, seats: int = 0, **where: Any
) -> tuple[int, int] | None:
    """Change the seat count by `seats` and the version by one; (participants, version) or None
    when a condition (`open_only`) did not hold."""
    stmt = update(Deal).where(col(Deal.id) == deal_id)
    if where.get("open_only"):
        stmt = stmt.where(col(Deal.status) == OPEN)
    values: dict[str, Any] = {"version": col(Deal.version) + 1}
    if seats:
        values["participants"] = col(Deal.participants) + seats
    if seats < 0:
        # Dropping under the minimum locks the deal again, so a later join announces the unlock.
        values["unlocked_at"] = case(
            (col(Deal.participants) + seats < col(Deal.min_to_unlock), None),
            else_=col(Deal.unlocked_at),
        )
    row = session.exec(
        stmt.values(**values).returning(col(Deal.participants), col(Deal.version)),
        execution_options=_NO_SYNC,
    ).first()
    return None if row is None else (int(row[0]), int(row[1]))


def _free_team_place(session: Session, team_id: int | None) -> None:
    if team_id is None:
        return
    # A filled team stays filled (domain rule); only a forming team gets its place back.
    session.exec(
        update(Team)
        .where(col(Team.id) == team_id, col(Team.status) == TeamStatus.FORMING.value)
        .where(col(Team.members) > 0)
        .values(members=col(Team.members) - 1),
        execution_options=_NO_SYNC,
    )


def _advance(
    uow: UnitOfWork,
    participation_id: int,
    target: str,
    *,
    now: datetime,
    intent_id: str | None = None,
    authorized: int | None = None,
    captured: int | None = None,
    unit_price: int | None = None,
    failure_code: str | None = None,
    reason: str = "",
) -> bool:
    """Move a participation forward to `target` if it may go there; record what follows (seat
    freed, joined / unlocked events, the order). False when it was already there or beyond."""
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
    if target in (RELEASED, PART_FAILED):
        # A hold that failed or was cancelled by the provider needs no release from us.
        values["hold_released"] = True
    row = session.exec(
        update(Participation)
        .where(
            col(Participation.id) == participation_id,
            col(Participation.status).in_(_ALLOWED_FROM[target]),
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
        execution_options=_NO_SYNC,
    ).first()
    if row is None:
        return False
    deal_id, user_id, quantity, team_id, row_intent, row_captured = row
    deal = _load_deal(session, int(deal_id))
    terms = terms_of(deal)
    if target == HELD:
        bumped = _bump(session, deal.id or 0)
        assert bumped is not None
        participants, version = bumped
        _record(
            uow,
            _event(
                deal.id or 0,
                version,
                "deal.joined",
                deal_payload(terms, participants, user_id=user_id, team_id=team_id),
            ),
        )
        _maybe_unlock(uow, deal, terms, now)
    elif target in (RELEASED, PART_FAILED):
        _free_team_place(session, team_id)
        bumped = _bump(session, deal.id or 0, seats=-1, open_only=True)
        if bumped is not None:
            participants, version = bumped
            _record(
                uow,
                _event(
                    deal.id or 0,
                    version,
                    "deal.left",
                    deal_payload(terms, participants, user_id=user_id, reason=reason or target),
                ),
            )
    elif target == CAPTURED:
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


def _maybe_unlock(uow: UnitOfWork, deal: Deal, terms: DealTerms, now: datetime) -> None:
    row = uow.session.exec(
        update(Deal)
        .where(
            col(Deal.id) == deal.id,
            col(Deal.unlocked_at).is_(None),
            col(Deal.participants) >= col(Deal.min_to_unlock),
        )
        .values(unlocked_at=now, version=col(Deal.version) + 1)
        .returning(col(Deal.participants), col(Deal.version)),
        execution_options=_NO_SYNC,
    ).first()
    if row is not None:
        _record(
            uow,
            _event(deal.id or 0, int(row[1]), "deal.unlocked", deal_payload(terms, int(row[0]))),
        )


def _participation(session: Session, participation_id: int) -> Participation:
    found = session.get(Participation, participation_id)
    assert found is not None
    return found


# --------------------------------------------------------------------------- create


def create_deal(
    *,
    product_id: int,
    created_by: int,
    terms: DealTerms,
    now: datetime | None = None,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
) -> int:
    """Open a deal on a product; raise DealValidationError with every field problem at once.

    Only users whose role may host deals (hosts, admins) may do this: NotAllowed otherwise.
    Returns the new deal's id. Deals longer than the card-hold limit save cards instead of
    holding them (`payment_mode`)."""
    now = _utc(now or utcnow())
    with unit_of_work(session_factory, event_bus) as uow:
        creator = uow.session.get(User, created_by)
        if creator is None or not may_host(creator.role):
            raise NotAllowed("Only hosts can open group-buy deals.")
        product = uow.session.get(Product, product_id)
        errors = validate_terms(terms, now)
        if product is None:
            errors["product_id"] = "Choose a product from the catalog."
        elif "currency" not in errors and terms.currency != product.currency:
            errors["currency"] = f"Use the product's currency ({product.currency})."
        if errors:
            raise DealValidationError(errors)
        deal = deal_row(product_id, created_by, terms)
        uow.session.add(deal)
        uow.session.flush()
        assert deal.id is not None
        _record(uow, _event(deal.id, 1, "deal.created", deal_payload(terms, 0)))
        return deal.id


def deal_row(product_id: int, created_by: int, terms: DealTerms) -> Deal:
    """A new open deal row for terms that passed `validate_terms` (also used by the demo seed)."""
    return Deal(
        product_id=product_id,
        tiers_json=json.dumps([[t.min_participants, t.unit_price] for t in terms.tiers]),
        currency=terms.currency,
        min_to_unlock=terms.min_to_unlock,
        max_participants=terms.max_participants,
        max_quantity_per_shopper=terms.max_quantity_per_shopper,
        starts_at=_utc(terms.starts_at),
        deadline=_utc(terms.deadline),
        team_size=terms.team_size,
        team_price=terms.team_price,
        payment_mode=payment_mode(terms).value,
        status=OPEN,
        version=1,
        created_by=created_by,
    )


# --------------------------------------------------------------------------- join


def join_deal(
    user_id: int,
    deal_id: int,
    quantity: int,
    payment_method: str,
    *,
    gateway: PaymentGateway,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
    now: datetime | None = None,
) -> JoinResult:
    """Join a deal: take a seat, then hold the card (or save it, for long deals).

    Raises JoinError with a message for the shopper when the deal is closed, full, already
    joined, or the card is declined (the seat is given back). A 3-D Secure card returns status
    "needs_action" with the client secret for the browser."""
    return _join(
        user_id,
        deal_id,
        quantity,
        payment_method,
        gateway=gateway,
        session_factory=session_factory,
        event_bus=event_bus,
        now=now,
        team=None,
    )


def start_team(
    user_id: int,
    deal_id: int,
    quantity: int,
    payment_method: str,
    *,
    gateway: PaymentGateway,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
    now: datetime | None = None,
) -> JoinResult:
    """Join a deal as the leader of a new team; friends who join it within the team window
    (24 h, or the deadline if sooner) all pay the team price once it fills."""
    return _join(
        user_id,
        deal_id,
        quantity,
        payment_method,
        gateway=gateway,
        session_factory=session_factory,
        event_bus=event_bus,
        now=now,
        team="new",
    )


def join_team(
    user_id: int,
    team_id: int,
    quantity: int,
    payment_method: str,
    *,
    gateway: PaymentGateway,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
    now: datetime | None = None,
) -> JoinResult:
    """Join a friend's team (and so its deal). Refused with a clear message when the team is
    already complete or ran out of time."""
    with unit_of_work(session_factory, event_bus) as uow:
        team = uow.session.get(Team, team_id)
        if team is None:
            raise JoinError("We couldn't find that team.", "not_found")
        deal_id = team.deal_id
    return _join(
        user_id,
        deal_id,
        quantity,
        payment_method,
        gateway=gateway,
        session_factory=session_factory,
        event_bus=event_bus,
        now=now,
        team=team_id,
    )


def _precheck(
    session: Session,
    user_id: int,
    deal_id: int,
    quantity: int,
    now: datetime,
    team: int | str | None,
) -> tuple[Deal, DealTerms]:
    """A clear answer before taking a seat; the seat itself is still taken atomically."""
    deal = _load_deal(session, deal_id)
    terms = terms_of(deal)
    mine = session.exec(
        select(Participation).where(
            Participation.deal_id == deal_id, Participation.user_id == user_id
        )
    ).first()
    joined = mine is not None and mine.status not in REJOINABLE
    if deal.status != OPEN and _outcome_of(deal) is None:
        raise JoinError.refused(JoinRefusal.DEAL_CLOSED)
    refusal = can_join(
        terms, deal.participants, now, joined, quantity=quantity, closed_outcome=_outcome_of(deal)
    )
    if refusal is not None:
        raise JoinError.refused(refusal)
    if team == "new" and team_terms(terms) is None:
        raise JoinError.refused(JoinRefusal.NO_TEAMS)
    if isinstance(team, int):
        found = session.get(Team, team)
        assert found is not None
        refusal = can_join_team(
            terms, found.members, _utc(found.created_at), now, already_member=False
        )
        if refusal is None and _utc(found.expires_at) <= now:
            refusal = JoinRefusal.TEAM_EXPIRED
        if refusal is not None:
            raise JoinError.refused(refusal)
    return deal, terms


def _take_team_place(session: Session, team_id: int, deal_id: int, now: datetime) -> None:
    filled = col(Team.members) + 1 >= col(Team.size)
    row = session.exec(
        update(Team)
        .where(
            col(Team.id) == team_id,
            col(Team.deal_id) == deal_id,
            col(Team.status) == TeamStatus.FORMING.value,
            col(Team.members) < col(Team.size),
            col(Team.expires_at) > now,
        )
        .values(
            members=col(Team.members) + 1,
            status=case((filled, TeamStatus.FILLED.value), else_=col(Team.status)),
            filled_at=case((filled, now), else_=col(Team.filled_at)),
        )
        .returning(col(Team.id)),
        execution_options=_NO_SYNC,
    ).first()
    if row is None:
        team = session.get(Team, team_id)
        if team is not None and team.status == TeamStatus.FILLED.value:
            raise _Refused(JoinRefusal.TEAM_FULL)
        raise _Refused(JoinRefusal.TEAM_EXPIRED)


def _reserve(
    uow: UnitOfWork,
    deal: Deal,
    terms: DealTerms,
    user_id: int,
    quantity: int,
    now: datetime,
    team: int | str | None,
) -> tuple[int, int, int | None, int]:
    """Take a seat and write the pending participation in one transaction.

    Returns (participation id, attempt, team id, participants). The seat UPDATE comes first so
    that on SQLite the transaction starts as a writer (no read-then-upgrade lock failures)."""
    session = uow.session
    deal_id = deal.id or 0
    row = session.exec(
        update(Deal)
        .where(
            col(Deal.id) == deal_id,
            col(Deal.status) == OPEN,
            col(Deal.starts_at) <= now,
            col(Deal.deadline) > now,
            or_(
                col(Deal.max_participants).is_(None),
                col(Deal.participants) < col(Deal.max_participants),
            ),
        )
        .values(participants=col(Deal.participants) + 1, version=col(Deal.version) + 1)
        .returning(col(Deal.participants), col(Deal.version)),
        execution_options=_NO_SYNC,
    ).first()
    if row is None:
        raise _Refused()
    participants, version = int(row[0]), int(row[1])

    team_id: int | None = None
    if team == "new":
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
        _take_team_place(session, team, deal_id, now)
        team_id = team

    mode = deal.payment_mode
    existing = session.exec(
        select(Participation).where(
            Participation.deal_id == deal_id, Participation.user_id == user_id
        )
    ).first()
    if existing is None:
        part = Participation(
            deal_id=deal_id,
            user_id=user_id,
            quantity=quantity,
            status=PENDING,
            attempt=1,
            team_id=team_id,
            payment_mode=mode,
            idempotency_key=_hold_key(deal_id, user_id, 1),
            created_at=now,
            updated_at=now,
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
                col(Participation.status).in_(REJOINABLE),
            )
            .values(
                status=PENDING,
                attempt=col(Participation.attempt) + 1,
                quantity=quantity,
                team_id=team_id,
                payment_mode=mode,
                intent_id=None,
                authorized_amount=None,
                captured_amount=None,
                failure_code=None,
                hold_released=False,
                updated_at=now,
            )
            .returning(col(Participation.id), col(Participation.attempt)),
            execution_options=_NO_SYNC,
        ).first()
        if again is None:
            raise _Refused(JoinRefusal.ALREADY_JOINED)
        part_id, attempt = int(again[0]), int(again[1])
        session.exec(
            update(Participation)
            .where(col(Participation.id) == part_id)
            .values(idempotency_key=_hold_key(deal_id, user_id, attempt)),
            execution_options=_NO_SYNC,
        )
    _record(
        uow,
        _event(
            deal_id,
            version,
            "deal.seat_reserved",
            deal_payload(terms, participants, user_id=user_id, team_id=team_id),
        ),
    )
    return part_id, attempt, team_id, participants


def _hold_key(deal_id: int, user_id: int, attempt: int) -> str:
    return f"deal-{deal_id}-user-{user_id}-hold-{attempt}"


def _refusal_now(
    session_factory: SessionFactory | None, deal_id: int, now: datetime
) -> JoinRefusal:
    with unit_of_work(session_factory) as uow:
        deal = _load_deal(uow.session, deal_id)
        terms = terms_of(deal)
        if deal.status != OPEN and _outcome_of(deal) is None:
            return JoinRefusal.DEAL_CLOSED
        refusal = can_join(terms, deal.participants, now, False, closed_outcome=_outcome_of(deal))
        return refusal or JoinRefusal.FULL


def _join(
    user_id: int,
    deal_id: int,
    quantity: int,
    payment_method: str,
    *,
    gateway: PaymentGateway,
    session_factory: SessionFactory | None,
    event_bus: EventBus | None,
    now: datetime | None,
    team: int | str | None,
) -> JoinResult:
    now = _utc(now or utcnow())
    with unit_of_work(session_factory, event_bus) as uow:
        deal, terms = _precheck(uow.session, user_id, deal_id, quantity, now, team)
    try:
        with unit_of_work(session_factory, event_bus) as uow:
            part_id, attempt, team_id, participants = _reserve(
                uow, deal, terms, user_id, quantity, now, team
            )
    except _Refused as refused:
        raise JoinError.refused(
            refused.refusal or _refusal_now(session_factory, deal_id, now)
        ) from None
    except IntegrityError:
        raise JoinError.refused(JoinRefusal.ALREADY_JOINED) from None

    amount = hold_amount(terms, quantity, participants)
    key = _hold_key(deal_id, user_id, attempt)
    metadata = {"deal_id": str(deal_id), "user_id": str(user_id), "participation_id": str(part_id)}
    base = JoinResult(
        participation_id=part_id,
        status=PENDING,
        hold_amount=amount,
        unit_price_now=price_for(terms, participants),
        currency=terms.currency,
        team_id=team_id,
    )
    try:
        if deal.payment_mode == PaymentMode.SAVED_CARD.value:
            return _save_card(
                base,
                user_id,
                payment_method,
                key,
                metadata,
                gateway=gateway,
                session_factory=session_factory,
                event_bus=event_bus,
                now=now,
            )
        result = gateway.authorize(
            amount=amount,
            currency=terms.currency,
            customer=None,
            payment_method=payment_method,
            idempotency_key=key,
            metadata=metadata,
        )
    except PaymentError as error:
        _record_join_failure(part_id, error, session_factory, event_bus, now)
        raise JoinError(error.user_message, error.code.value) from error

    target = NEEDS_ACTION if result.needs_action else HELD
    with unit_of_work(session_factory, event_bus) as uow:
        _advance(
            uow, part_id, target, now=now, intent_id=result.intent_id, authorized=result.amount
        )
        status = _participation(uow.session, part_id).status
    if status not in (HELD, NEEDS_ACTION, CAPTURED):
        # The deal closed (or the shopper left) while the bank was answering: give the hold back.
        _release_orphan(gateway, result.intent_id, part_id, session_factory)
        raise JoinError.refused(JoinRefusal.DEAL_CLOSED)
    return JoinResult(
        participation_id=part_id,
        status=status,
        hold_amount=amount,
        unit_price_now=base.unit_price_now,
        currency=terms.currency,
        intent_id=result.intent_id,
        client_secret=result.client_secret if status == NEEDS_ACTION else None,
        team_id=team_id,
    )


def _save_card(
    base: JoinResult,
    user_id: int,
    payment_method: str,
    key: str,
    metadata: Mapping[str, str],
    *,
    gateway: PaymentGateway,
    session_factory: SessionFactory | None,
    event_bus: EventBus | None,
    now: datetime,
) -> JoinResult:
    """Long deals: save the card now (SetupIntent), charge it off-session at close."""
    customer = gateway.create_customer(
        email=None,
        name=None,
        idempotency_key=f"user-{user_id}-customer",
        metadata={"user_id": str(user_id)},
    )
    saved = gateway.save_card(
        customer=customer, payment_method=payment_method, idempotency_key=key, metadata=metadata
    )
    target = NEEDS_ACTION if saved.needs_action else HELD
    with unit_of_work(session_factory, event_bus) as uow:
        uow.session.exec(
            update(Participation)
            .where(col(Participation.id) == base.participation_id)
            .values(
                customer_id=customer,
                payment_method_id=saved.payment_method_id or payment_method,
                # Nothing is held on the card; this is the most the shopper agreed to pay.
                authorized_amount=base.hold_amount,
            ),
            execution_options=_NO_SYNC,
        )
        _advance(uow, base.participation_id, target, now=now, intent_id=saved.setup_intent_id)
        status = _participation(uow.session, base.participation_id).status
    return JoinResult(
        participation_id=base.participation_id,
        status=status,
        hold_amount=base.hold_amount,
        unit_price_now=base.unit_price_now,
        currency=base.currency,
        intent_id=saved.setup_intent_id,
        client_secret=saved.client_secret if status == NEEDS_ACTION else None,
        team_id=base.team_id,
    )


def _record_join_failure(
    part_id: int,
    error: PaymentError,
    session_factory: SessionFactory | None,
    event_bus: EventBus | None,
    now: datetime,
) -> None:
    with unit_of_work(session_factory, event_bus) as uow:
        _advance(
            uow,
            part_id,
            PART_FAILED,
            now=now,
            intent_id=error.intent_id,
            failure_code=error.code.value,
            reason="payment_failed",
        )


def _release_orphan(
    gateway: PaymentGateway,
    intent_id: str | None,
    part_id: int,
    session_factory: SessionFactory | None,
) -> None:
    if not intent_id or not intent_id.startswith("pi_"):
        return
    try:
        gateway.cancel(intent_id, idempotency_key=f"participation-{part_id}-orphan-{intent_id}")
    except PaymentError:
        log.warning("could not release orphan hold %s of participation %s", intent_id, part_id)
        return
    with unit_of_work(session_factory) as uow:
        uow.session.exec(
            update(Participation)
            .where(col(Participation.id) == part_id, col(Participation.intent_id) == intent_id)
            .values(hold_released=True),
            execution_options=_NO_SYNC,
        )


# --------------------------------------------------------------------------- leave


def leave_deal(
    user_id: int,
    deal_id: int,
    *,
    gateway: PaymentGateway,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
    now: datetime | None = None,
) -> None:
    """Leave an open deal: the seat is given back and the card hold released.

    The seat is freed first (committed); releasing the hold follows, and a release that fails
    is retried by the closing job (`hold_released` stays False)."""
    now = _utc(now or utcnow())
    try:
        with unit_of_work(session_factory, event_bus) as uow:
            session = uow.session
            deal = _load_deal(session, deal_id)
            terms = terms_of(deal)
            bumped = session.exec(
                update(Deal)
                .where(col(Deal.id) == deal_id, col(Deal.status) == OPEN, col(Deal.deadline) > now)
                .values(
                    participants=col(Deal.participants) - 1,
                    version=col(Deal.version) + 1,
                    unlocked_at=case(
                        (col(Deal.participants) - 1 < col(Deal.min_to_unlock), None),
                        else_=col(Deal.unlocked_at),
                    ),
                )
                .returning(col(Deal.participants), col(Deal.version)),
                execution_options=_NO_SYNC,
            ).first()
            if bumped is None:
                raise _Refused(JoinRefusal.DEAL_CLOSED)
            row = session.exec(
                update(Participation)
                .where(
                    col(Participation.deal_id) == deal_id,
                    col(Participation.user_id) == user_id,
                    col(Participation.status).in_((HELD, NEEDS_ACTION)),
                )
                .values(status=LEFT, updated_at=now)
                .returning(
                    col(Participation.id),
                    col(Participation.intent_id),
                    col(Participation.team_id),
                    col(Participation.attempt),
                    col(Participation.payment_mode),
                ),
                execution_options=_NO_SYNC,
            ).first()
            if row is None:
                raise _Refused(None)
            part_id, intent_id, team_id, attempt, mode = row
            _free_team_place(session, team_id)
            _record(
                uow,
                _event(
                    deal_id,
                    int(bumped[1]),
                    "deal.left",
                    deal_payload(terms, int(bumped[0]), user_id=user_id, reason="left"),
                ),
            )
    except _Refused as refused:
        if refused.refusal is not None:
            raise JoinError(
                "This deal has closed, so you can't leave it any more.", refused.refusal.value
            ) from None
        raise JoinError("You're not in this deal.", "not_joined") from None
    if mode == PaymentMode.HOLD.value and intent_id:
        key = f"deal-{deal_id}-user-{user_id}-release-{attempt}"
        _release_hold(gateway, int(part_id), intent_id, key, session_factory)


def _release_hold(
    gateway: PaymentGateway,
    part_id: int,
    intent_id: str,
    key: str,
    session_factory: SessionFactory | None,
) -> bool:
    try:
        gateway.cancel(intent_id, idempotency_key=key)
    except PaymentError as error:
        if error.retryable:
            log.warning("releasing hold %s failed (%s); the closing job retries", intent_id, error)
            return False
        # Already released, captured or unknown to the provider: nothing left for us to release.
        log.info("hold %s not released: %s", intent_id, error)
    with unit_of_work(session_factory) as uow:
        uow.session.exec(
            update(Participation)
            .where(col(Participation.id) == part_id)
            .values(hold_released=True),
            execution_options=_NO_SYNC,
        )
    return True


# --------------------------------------------------------------------------- 3-D Secure


def finish_authentication(
    user_id: int,
    deal_id: int,
    *,
    gateway: PaymentGateway,
    approve: bool | None = None,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
    now: datetime | None = None,
) -> str:
    """Record the outcome of the bank's check (3-D Secure) the shopper went through.

    Reads the payment back from the provider rather than trusting the browser, so it agrees with
    whatever the webhooks record (in any order). With the local test server, `approve` first
    plays the shopper's answer to their bank. Returns the participation's status ("held", or
    "needs_action" while the bank still waits); raises JoinError with a message when the bank
    said no (the seat is given back, nobody is charged)."""
    now = _utc(now or utcnow())
    with unit_of_work(session_factory) as uow:
        part = uow.session.exec(
            select(Participation).where(
                Participation.deal_id == deal_id, Participation.user_id == user_id
            )
        ).first()
    if part is None or part.id is None or part.status not in (NEEDS_ACTION, HELD):
        raise JoinError("There's no payment waiting for your confirmation.", "nothing_to_confirm")
    intent_id = part.intent_id or ""
    if part.status == HELD or not intent_id.startswith(("pi_", "seti_")):
        return part.status
    try:
        if approve is not None:
            sandbox = build_payments(gateway).sandbox
            if sandbox is None:
                raise JoinError("Confirm the payment with your bank first.", "not_test_mode")
            sandbox.answer_bank_check(intent_id, approve=approve)
        outcome, amount = _read_back(gateway, intent_id)
    except PaymentError as error:
        raise JoinError(error.user_message, error.code.value) from error
    if outcome == NEEDS_ACTION:
        return NEEDS_ACTION
    if outcome == HELD:
        with unit_of_work(session_factory, event_bus) as uow:
            _advance(uow, part.id, HELD, now=now, intent_id=intent_id, authorized=amount)
            status = _participation(uow.session, part.id).status
        if status != HELD:
            _release_orphan(gateway, intent_id, part.id, session_factory)
            raise JoinError.refused(JoinRefusal.DEAL_CLOSED)
        return HELD
    with unit_of_work(session_factory, event_bus) as uow:
        _advance(
            uow,
            part.id,
            PART_FAILED,
            now=now,
            intent_id=intent_id,
            failure_code="authentication_failed",
            reason="payment_failed",
        )
    raise JoinError(
        "Your bank didn't confirm the payment, so you're not in the deal. Nobody was charged.",
        "authentication_failed",
    )


def _read_back(gateway: PaymentGateway, intent_id: str) -> tuple[str, int | None]:
    """What the provider says now about a hold (pi_) or a saved card (seti_): (needs_action |
    held | failed, the amount held if any)."""
    if intent_id.startswith("seti_"):
        saved = gateway.retrieve_setup(intent_id)
        if saved.needs_action:
            return NEEDS_ACTION, None
        return (HELD if saved.status in ("succeeded", "processing") else PART_FAILED), None
    current = gateway.retrieve(intent_id)
    if current.status is PaymentStatus.REQUIRES_ACTION:
        return NEEDS_ACTION, None
    if current.status is PaymentStatus.REQUIRES_CAPTURE:
        return HELD, current.amount_capturable or current.amount
    return PART_FAILED, None


# --------------------------------------------------------------------------- close


def _due(now: datetime, lease: timedelta) -> Any:
    """SQL condition: a deal the closing job should take now.

    Open deals past their deadline, open deals that are full (every seat taken and every hold
    placed: nobody is half-way through paying), and closings abandoned by a crashed process."""
    in_flight = (
        select(Participation.id)
        .where(
            col(Participation.deal_id) == col(Deal.id),
            col(Participation.status).in_((PENDING, NEEDS_ACTION)),
        )
        .exists()
    )
    full = (
        col(Deal.max_participants).is_not(None)
        & (col(Deal.participants) >= col(Deal.max_participants))
        & ~in_flight
    )
    return or_(
        (col(Deal.status) == OPEN) & ((col(Deal.deadline) <= now) | full),
        (col(Deal.status) == CLOSING)
        & (col(Deal.close_claimed_at).is_(None) | (col(Deal.close_claimed_at) < now - lease)),
    )


def close_deal(
    deal_id: int,
    now: datetime | None = None,
    *,
    gateway: PaymentGateway,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
    lease: timedelta = CLOSE_LEASE,
) -> CloseReport | None:
    """Close a deal at its deadline (or once it is full), exactly once: if the minimum was met,
    capture every hold at the final price (never above the price each shopper joined at, and
    the team price for filled teams); otherwise release them all. Members of teams that did not
    fill are released either way.

    Returns None when there is nothing to do (not due, already closed, or another process is
    closing it right now). Safe to call again after a crash: it resumes with the same keys."""
    now = _utc(now or utcnow())
    with unit_of_work(session_factory, event_bus) as uow:
        session = uow.session
        claimed = session.exec(
            update(Deal)
            .where(col(Deal.id) == deal_id, _due(now, lease))
            .values(status=CLOSING, close_claimed_at=now)
            .returning(col(Deal.id)),
            execution_options=_NO_SYNC,
        ).first()
        if claimed is None:
            return None
        deal = _load_deal(session, deal_id)
        terms = terms_of(deal)
        # A team still forming when its deal closes can no longer fill.
        session.exec(
            update(Team)
            .where(col(Team.deal_id) == deal_id, col(Team.status) == TeamStatus.FORMING.value)
            .values(status=TeamStatus.EXPIRED.value),
            execution_options=_NO_SYNC,
        )
        filled_teams = set(
            session.exec(
                select(Team.id).where(
                    Team.deal_id == deal_id, Team.status == TeamStatus.FILLED.value
                )
            ).all()
        )
        if deal.final_participants is None:
            # Decided once: who is in at the deadline fixes the outcome and the price.
            counted = (col(Participation.team_id).is_(None)) | (
                col(Participation.team_id).in_(sorted(filled_teams) or [-1])
            )
            held = session.exec(
                select(func.count())
                .select_from(Participation)
                .where(Participation.deal_id == deal_id, Participation.status == HELD)
                .where(counted)
            ).one()
            deal.final_participants = int(held)
            deal.outcome = close_outcome(terms, int(held)).value
            session.add(deal)
        final_n = int(deal.final_participants)
        outcome = CloseOutcome(deal.outcome or CloseOutcome.RELEASE.value)
        parts = list(
            session.exec(
                select(Participation)
                .where(Participation.deal_id == deal_id)
                .order_by(col(Participation.id))
            ).all()
        )
    unit_price = final_unit_price(terms, final_n) if outcome is CloseOutcome.CAPTURE else None
    report = CloseReport(deal_id, outcome.value, final_n, unit_price)

    for stale in parts:
        assert stale.id is not None
        # Re-read each row: a join or webhook may have moved it since the snapshot above.
        with unit_of_work(session_factory) as uow:
            part = _participation(uow.session, stale.id)
        assert part.id is not None
        in_good_standing = part.team_id is None or part.team_id in filled_teams
        if part.status == HELD and outcome is CloseOutcome.CAPTURE and in_good_standing:
            price = final_unit_price(terms, final_n, in_filled_team=part.team_id is not None)
            _capture_one(part, price, deal, terms, report, gateway, session_factory, event_bus, now)
        elif part.status in ACTIVE:
            reason = "deal_closed" if in_good_standing else "team_expired"
            if not _release_participation(part, reason, gateway, session_factory, event_bus, now):
                report.complete = False
                continue
            report.released.append(part.user_id)
        elif (
            part.status == LEFT
            and part.intent_id
            and not part.hold_released
            and part.payment_mode == PaymentMode.HOLD.value
        ):
            key = f"deal-{deal_id}-participation-{part.id}-release"
            if not _release_hold(gateway, part.id, part.intent_id, key, session_factory):
                report.complete = False
        elif part.status == CAPTURED and part.user_id not in report.captured:
            report.captured.append(part.user_id)  # a resumed close: done by the earlier run

    with unit_of_work(session_factory, event_bus) as uow:
        if not report.complete:
            # Let the next scheduler run resume at once instead of waiting for the lease.
            uow.session.exec(
                update(Deal).where(col(Deal.id) == deal_id).values(close_claimed_at=None),
                execution_options=_NO_SYNC,
            )
            return report
        final_status = SUCCEEDED if outcome is CloseOutcome.CAPTURE else FAILED
        row = uow.session.exec(
            update(Deal)
            .where(col(Deal.id) == deal_id, col(Deal.status) == CLOSING)
            .values(status=final_status, closed_at=now, version=col(Deal.version) + 1)
            .returning(col(Deal.version)),
            execution_options=_NO_SYNC,
        ).first()
        if row is not None:
            _record(
                uow,
                _event(
                    deal_id,
                    int(row[0]),
                    "deal.closed",
                    deal_payload(
                        terms,
                        final_n,
                        status=final_status,
                        outcome=outcome.value,
                        final_unit_price=unit_price,
                        captured_user_ids=report.captured,
                        released_user_ids=report.released,
                        failed_user_ids=report.failed,
                        needs_action_user_ids=report.needs_action,
                    ),
                ),
            )
    return report


def _release_participation(
    part: Participation,
    reason: str,
    gateway: PaymentGateway,
    session_factory: SessionFactory | None,
    event_bus: EventBus | None,
    now: datetime,
) -> bool:
    """Release a participation's hold (if any) and record it released; False when the provider
    could not be reached (the caller retries later)."""
    assert part.id is not None
    if part.payment_mode == PaymentMode.HOLD.value and part.intent_id:
        key = f"deal-{part.deal_id}-participation-{part.id}-release"
        if not _release_hold(gateway, part.id, part.intent_id, key, session_factory):
            return False
    with unit_of_work(session_factory, event_bus) as uow:
        _advance(uow, part.id, RELEASED, now=now, reason=reason)
    return True


def _capture_one(
    part: Participation,
    price: int,
    deal: Deal,
    terms: DealTerms,
    report: CloseReport,
    gateway: PaymentGateway,
    session_factory: SessionFactory | None,
    event_bus: EventBus | None,
    now: datetime,
) -> None:
    assert part.id is not None
    quantity = max(part.quantity, 1)
    if part.authorized_amount:
        # Nobody pays more per unit than the price they joined at.
        price = charge_unit_price(price, part.authorized_amount // quantity)
    try:
        if part.payment_mode == PaymentMode.SAVED_CARD.value:
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
        with unit_of_work(session_factory, event_bus) as uow:
            _advance(uow, part.id, PART_FAILED, now=now, failure_code="capture_exceeds_hold")
        report.failed.append(part.user_id)
        return
    except PaymentError as error:
        if error.retryable:
            report.complete = False
            return
        if error.code is PaymentErrorCode.AUTHENTICATION_REQUIRED and error.intent_id:
            # The bank wants the shopper back: they finish on this intent, a webhook records it.
            with unit_of_work(session_factory, event_bus) as uow:
                uow.session.exec(
                    update(Participation)
                    .where(col(Participation.id) == part.id, col(Participation.status) == HELD)
                    .values(status=NEEDS_ACTION, intent_id=error.intent_id, updated_at=now),
                    execution_options=_NO_SYNC,
                )
            report.needs_action.append(part.user_id)
            return
        with unit_of_work(session_factory, event_bus) as uow:
            _advance(uow, part.id, PART_FAILED, now=now, failure_code=error.code.value)
        report.failed.append(part.user_id)
        return
    if result.status is PaymentStatus.PROCESSING:
        report.complete = False
        return
    with unit_of_work(session_factory, event_bus) as uow:
        _advance(
            uow,
            part.id,
            CAPTURED,
            now=now,
            intent_id=result.intent_id,
            captured=result.amount_captured or amount,
            unit_price=price,
        )
    report.captured.append(part.user_id)


def close_overdue_deals(
    now: datetime | None = None,
    *,
    gateway: PaymentGateway,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
    lease: timedelta = CLOSE_LEASE,
) -> list[CloseReport]:
    """Close every deal past its deadline or full (and resume abandoned closings). For a
    scheduler at start-up and every few seconds; several processes may run it at once, each deal
    closes once."""
    now = _utc(now or utcnow())
    with unit_of_work(session_factory) as uow:
        due = uow.session.exec(select(Deal.id).where(_due(now, lease))).all()
    reports = []
    for deal_id in due:
        if deal_id is None:
            continue
        report = close_deal(
            deal_id,
            now,
            gateway=gateway,
            session_factory=session_factory,
            event_bus=event_bus,
            lease=lease,
        )
        if report is not None:
            reports.append(report)
    return reports


# --------------------------------------------------------------------------- teams


def expire_overdue_teams(
    now: datetime | None = None,
    *,
    gateway: PaymentGateway,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
) -> list[int]:
    """Teams that did not fill within their window: mark them expired and release their
    members' holds (nobody in such a team is charged). Returns the user ids released.

    Safe to run from several processes at once and again after a crash: the expiry is a
    conditional UPDATE and each release is recorded once; a release that could not reach the
    provider is retried on the next run."""
    now = _utc(now or utcnow())
    with unit_of_work(session_factory, event_bus) as uow:
        session = uow.session
        expired = session.exec(
            update(Team)
            .where(col(Team.status) == TeamStatus.FORMING.value, col(Team.expires_at) <= now)
            .values(status=TeamStatus.EXPIRED.value)
            .returning(col(Team.deal_id)),
            execution_options=_NO_SYNC,
        ).all()
        for deal_id in sorted({int(row[0]) for row in expired}):
            bumped = _bump(session, deal_id)
            deal = _load_deal(session, deal_id)
            if bumped is not None:
                _record(
                    uow,
                    _event(
                        deal_id,
                        bumped[1],
                        "deal.team_expired",
                        deal_payload(terms_of(deal), bumped[0]),
                    ),
                )
        # Members of expired teams whose deal is still open; a closing deal releases its own.
        members = list(
            session.exec(
                select(Participation)
                .join(Team, col(Team.id) == col(Participation.team_id))
                .join(Deal, col(Deal.id) == col(Participation.deal_id))
                .where(
                    col(Team.status) == TeamStatus.EXPIRED.value,
                    col(Participation.status).in_(ACTIVE),
                    col(Deal.status) == OPEN,
                )
                .order_by(col(Participation.id))
            ).all()
        )
    released: list[int] = []
    for part in members:
        if _release_participation(part, "team_expired", gateway, session_factory, event_bus, now):
            released.append(part.user_id)
    return released


# --------------------------------------------------------------------------- webhooks

_WEBHOOK_TARGETS = {
    "payment_intent.amount_capturable_updated": HELD,
    "payment_intent.requires_action": NEEDS_ACTION,
    "payment_intent.succeeded": CAPTURED,
    "payment_intent.payment_failed": PART_FAILED,
    "payment_intent.canceled": RELEASED,
}


class _Duplicate(Exception):
    pass


def handle_webhook_event(
    event: Mapping[str, Any],
    *,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
    gateway: PaymentGateway | None = None,
    now: datetime | None = None,
) -> bool:
    """Apply a verified Stripe event exactly once; True if this delivery changed anything.

    Deliveries may repeat and arrive in any order: the event id is recorded in the same
    transaction as its effect, and statuses only move forward, so the end state does not depend
    on the order. A hold that turns up for a shopper who already left is released (if a
    gateway is given)."""
    now = _utc(now or utcnow())
    event_id = str(event.get("id") or "")
    kind = str(event.get("type") or "")
    if not event_id:
        raise ValueError("a webhook event needs an id")
    obj = (event.get("data") or {}).get("object") or {}
    target = _WEBHOOK_TARGETS.get(kind)
    intent_id = str(obj.get("id") or "")
    changed = False
    orphan: tuple[int, str] | None = None
    try:
        with unit_of_work(session_factory, event_bus) as uow:
            session = uow.session
            session.add(ProcessedWebhookEvent(event_id=event_id, kind=kind[:100], processed_at=now))
            try:
                session.flush()
            except IntegrityError:
                raise _Duplicate() from None
            if target is None or not intent_id:
                return False
            part = _webhook_participation(session, obj, intent_id)
            if part is None or part.id is None:
                return False
            amount = obj.get("amount")
            if target == CAPTURED:
                received = obj.get("amount_received") or obj.get("amount_captured") or amount
                changed = _advance(
                    uow,
                    part.id,
                    CAPTURED,
                    now=now,
                    intent_id=intent_id,
                    captured=int(received or 0),
                    authorized=int(amount) if isinstance(amount, int) else None,
                )
            elif target == HELD:
                capturable = obj.get("amount_capturable") or amount
                changed = _advance(
                    uow,
                    part.id,
                    HELD,
                    now=now,
                    intent_id=intent_id,
                    authorized=int(capturable) if capturable else None,
                )
                session.refresh(part)
                if not changed and part.status in REJOINABLE:
                    # Releasing twice is harmless; an unreleased hold is a shopper's money.
                    orphan = (part.id, intent_id)
            else:
                changed = _advance(
                    uow,
                    part.id,
                    target,
                    now=now,
                    intent_id=intent_id,
                    authorized=int(amount) if isinstance(amount, int) else None,
                    reason="payment_failed" if target == PART_FAILED else "hold_canceled",
                    failure_code="payment_failed" if target == PART_FAILED else None,
                )
    except _Duplicate:
        return False
    if orphan is not None and gateway is not None:
        _release_orphan(gateway, orphan[1], orphan[0], session_factory)
    return changed


def _webhook_participation(
    session: Session, obj: Mapping[str, Any], intent_id: str
) -> Participation | None:
    metadata = obj.get("metadata") or {}
    raw = metadata.get("participation_id") if isinstance(metadata, Mapping) else None
    if raw and str(raw).isdigit():
        found = session.get(Participation, int(raw))
        # The metadata names the row; an intent from an earlier attempt must not move a new one.
        if found is not None and found.intent_id in (None, intent_id):
            return found
        if found is not None:
            return None
    return session.exec(select(Participation).where(Participation.intent_id == intent_id)).first()


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class DealView:
    id: int
    status: str
    participants: int
    version: int
    current_price: int
    currency: str
    unlocked: bool
    outcome: str | None


def deal_view(
    deal_id: int, *, session_factory: SessionFactory | None = None, now: datetime | None = None
) -> DealView:
    """A deal as a shopper sees it now (status derived from the clock and the stored outcome)."""
    now = _utc(now or utcnow())
    with unit_of_work(session_factory) as uow:
        deal = _load_deal(uow.session, deal_id)
        terms = terms_of(deal)
        stored = _outcome_of(deal)
        status = (
            CLOSING
            if deal.status == CLOSING
            else status_at(terms, deal.participants, now, stored).value
        )
        return DealView(
            id=deal_id,
            status=status,
            participants=deal.participants,
            version=deal.version,
            current_price=price_for(terms, deal.participants),
            currency=deal.currency,
            unlocked=is_unlocked(terms, deal.participants),
            outcome=deal.outcome if stored else None,
        )
