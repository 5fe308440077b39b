"""Shared internals of the deal use cases: a stored deal's terms, its version and its news.

Each change to a deal bumps `deal.version` and records a DomainEvent (published after commit by
the unit of work), plus a note on the deal-cards feed so pages that list deals redraw too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.adapters.db.models_deals import Deal, DealPriceChange, Participation, Team
from app.domain.clock import as_utc
from app.domain.events import DomainEvent, EventKind
from app.domain.group_buy import (
    CloseOutcome,
    DealCount,
    DealStatus,
    DealTerms,
    PriceTier,
    SeatFacts,
    TeamStatus,
    count_seats,
    is_unlocked,
    next_tier,
    price_for,
)
from app.services.deals.errors import JoinError
from app.services.unit_of_work import UnitOfWork

# Conditional UPDATEs never synchronise the session: what they return is what counts.
NO_SYNC = {"synchronize_session": False}

# Pages that list deals (home, /deals, a product's page) watch one channel for all of them, so
# a change to any deal (or a new deal) reaches them without a room per deal.
CARDS_CHANNEL = "deals:cards"

_CLOSED = (DealStatus.SUCCEEDED, DealStatus.FAILED, DealStatus.CANCELLED)


def terms_of(deal: Deal) -> DealTerms:
    """The domain's view of a stored deal."""
    tiers = tuple(PriceTier(int(a), int(b)) for a, b in json.loads(deal.tiers_json))
    return DealTerms(
        tiers=tiers,
        currency=deal.currency,
        min_to_unlock=deal.min_to_unlock,
        max_participants=deal.max_participants,
        starts_at=as_utc(deal.starts_at),
        deadline=as_utc(deal.deadline),
        team_size=deal.team_size,
        team_price=deal.team_price,
        max_quantity_per_shopper=deal.max_quantity_per_shopper,
    )


def outcome_of(deal: Deal) -> CloseOutcome | None:
    """What the closing job recorded, once the deal is closed."""
    if deal.status in _CLOSED and deal.outcome:
        return CloseOutcome(deal.outcome)
    return None


def seat_facts(session: Session, deal_ids: Sequence[int]) -> dict[int, list[SeatFacts]]:
    """Every seat of these deals as the counting rule sees it (one query)."""
    if not deal_ids:
        return {}
    rows = session.exec(
        select(Participation.deal_id, Participation.status, Participation.team_id, Team.status)
        .outerjoin(Team, col(Team.id) == col(Participation.team_id))
        .where(col(Participation.deal_id).in_(list(deal_ids)))
    ).all()
    facts: dict[int, list[SeatFacts]] = {deal_id: [] for deal_id in deal_ids}
    for deal_id, status, team_id, team_status in rows:
        filled = None if team_id is None else team_status == TeamStatus.FILLED.value
        facts.setdefault(int(deal_id), []).append(SeatFacts(str(status), filled))
    return facts


def deal_counts(session: Session, deal_ids: Sequence[int]) -> dict[int, DealCount]:
    """The honest count of each deal (joined / confirming / forming), by the domain's rule."""
    return {deal_id: count_seats(seats) for deal_id, seats in seat_facts(session, deal_ids).items()}


def count_of(session: Session, deal_id: int) -> DealCount:
    return deal_counts(session, [deal_id])[deal_id]


def deal_payload(terms: DealTerms, count: DealCount, **extra: Any) -> dict[str, Any]:
    """What watchers of a deal need to redraw it without a reload. `participants` is the
    joined count (confirmed holds only); seats still confirming or forming are given apart."""
    participants = count.joined
    upcoming = next_tier(terms, participants)
    return {
        "participants": participants,
        "confirming": count.confirming,
        "forming": count.forming,
        "current_price": price_for(terms, participants),
        "currency": terms.currency,
        "unlocked": is_unlocked(terms, participants),
        "next_tier": (
            None if upcoming is None else {"needed": upcoming[0], "unit_price": upcoming[1]}
        ),
        **extra,
    }


def record(
    uow: UnitOfWork, deal_id: int, version: int, kind: EventKind, payload: dict[str, Any]
) -> None:
    """Record a deal's event, and a note on the deal-cards feed that this deal changed."""
    uow.record(
        DomainEvent(
            aggregate="deal", aggregate_id=str(deal_id), version=version, kind=kind, payload=payload
        )
    )
    uow.record(
        DomainEvent(
            aggregate="deals",
            aggregate_id="cards",
            version=0,
            kind=kind,
            payload={"deal_id": deal_id},
        )
    )


def load_deal(session: Session, deal_id: int) -> Deal:
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise JoinError("We couldn't find that deal.", "not_found")
    return deal


def bump(
    session: Session, deal_id: int, *, seats: int = 0, open_only: bool = False
) -> tuple[int, int] | None:
    """Change the seat count by `seats` and the version by one; (participants, version) or None
    when `open_only` and the deal is no longer open."""
    stmt = update(Deal).where(col(Deal.id) == deal_id)
    if open_only:
        stmt = stmt.where(col(Deal.status) == DealStatus.OPEN)
    values: dict[str, Any] = {"version": col(Deal.version) + 1}
    if seats:
        values["participants"] = col(Deal.participants) + seats
    row = session.exec(
        stmt.values(**values).returning(col(Deal.participants), col(Deal.version)),
        execution_options=NO_SYNC,
    ).first()
    return None if row is None else (int(row[0]), int(row[1]))


def settle(uow: UnitOfWork, deal_id: int, now: datetime) -> DealCount:
    """After any change to a deal's seats: recount with the domain's rule, note the unlock (or
    its loss) and a price change, in the same transaction as the change itself.

    Only while the deal is open: once closing has started, the count is fixed by the closing job.
    """
    session = uow.session
    deal = load_deal(session, deal_id)
    count = count_of(session, deal_id)
    # Read afresh: conditional UPDATEs earlier in this transaction bypass the identity map.
    status = session.exec(select(Deal.status).where(col(Deal.id) == deal_id)).one()
    if status != DealStatus.OPEN:
        return count
    terms = terms_of(deal)
    if is_unlocked(terms, count.joined):
        row = session.exec(
            update(Deal)
            .where(col(Deal.id) == deal_id, col(Deal.unlocked_at).is_(None))
            .values(unlocked_at=now, version=col(Deal.version) + 1)
            .returning(col(Deal.version)),
            execution_options=NO_SYNC,
        ).first()
        if row is not None:
            record(uow, deal_id, int(row[0]), EventKind.DEAL_UNLOCKED, deal_payload(terms, count))
    else:
        # Dropping under the minimum locks the deal again, so a later join announces the unlock.
        session.exec(
            update(Deal)
            .where(col(Deal.id) == deal_id, col(Deal.unlocked_at).is_not(None))
            .values(unlocked_at=None),
            execution_options=NO_SYNC,
        )
    _note_price(session, deal_id, terms, count.joined, now)
    return count


def _note_price(
    session: Session, deal_id: int, terms: DealTerms, joined: int, now: datetime
) -> None:
    last = session.exec(
        select(DealPriceChange.unit_price)
        .where(DealPriceChange.deal_id == deal_id)
        .order_by(col(DealPriceChange.id).desc())
        .limit(1)
    ).first()
    before = terms.tiers[0].unit_price if last is None else int(last)
    price = price_for(terms, joined)
    if price != before:
        session.add(
            DealPriceChange(deal_id=deal_id, unit_price=price, joined=joined, changed_at=now)
        )
        session.flush()
