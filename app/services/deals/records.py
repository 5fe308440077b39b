"""Shared internals of the deal use cases: a stored deal's terms, its version and its news.

Each change to a deal bumps `deal.version` and records a DomainEvent (published after commit by
the unit of work), plus a note on the deal-cards feed so pages that list deals redraw too.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import case, update
from sqlmodel import Session, col

from app.adapters.db.models_deals import Deal
from app.domain.clock import as_utc
from app.domain.events import DomainEvent, EventKind
from app.domain.group_buy import (
    CloseOutcome,
    DealStatus,
    DealTerms,
    PriceTier,
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
    if seats < 0:
        # Dropping under the minimum locks the deal again, so a later join announces the unlock.
        values["unlocked_at"] = case(
            (col(Deal.participants) + seats < col(Deal.min_to_unlock), None),
            else_=col(Deal.unlocked_at),
        )
    row = session.exec(
        stmt.values(**values).returning(col(Deal.participants), col(Deal.version)),
        execution_options=NO_SYNC,
    ).first()
    return None if row is None else (int(row[0]), int(row[1]))
