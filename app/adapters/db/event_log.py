"""The append-only event log: written in the changing transaction, read in id order.

Appending is one INSERT (all of a transaction's events in one multi-row statement) so the cart's
hot path pays a single extra statement per change. Snapshots the realtime layer attaches to
events are not stored: they are views for viewers, not facts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlmodel import Session

from app.adapters.db.models_events import EventRecord
from app.domain.clock import as_utc, utcnow
from app.domain.events import DomainEvent

_LOG = EventRecord.__table__  # type: ignore[attr-defined]
_INSERT = insert(_LOG)
_READ_AFTER = (
    select(_LOG)
    .where(_LOG.c.id > bindparam("position"))
    .order_by(_LOG.c.id)
    .limit(bindparam("limit"))
)


@dataclass(frozen=True)
class LoggedEvent:
    """One row of the log, as consumers see it."""

    id: int
    kind: str
    aggregate: str
    aggregate_id: str
    version: int
    actor_id: int | None
    occurred_at: datetime
    logged_at: datetime
    payload: dict[str, Any]


def _actor(event: DomainEvent) -> int | None:
    if event.actor_id is not None:
        return event.actor_id
    for key in ("actor_id", "user_id"):
        value = event.payload.get(key)
        if isinstance(value, int):
            return value
    return None


def _occurred(event: DomainEvent, fallback: datetime) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(event.occurred_at))
    except (TypeError, ValueError):
        return fallback


# Aggregates that only re-announce another aggregate's event (the deal cards' feed): logging
# them would count every deal event twice.
FEED_AGGREGATES = frozenset({"deals"})


def append(session: Session, events: Sequence[DomainEvent]) -> None:
    """Write `events` to the log inside the caller's transaction (nothing if there are none)."""
    events = [event for event in events if event.aggregate not in FEED_AGGREGATES]
    if not events:
        return
    now = utcnow()
    rows = [
        {
            "kind": str(event.kind),
            "aggregate": event.aggregate,
            "aggregate_id": str(event.aggregate_id)[:64],
            "version": event.version,
            "actor_id": _actor(event),
            "occurred_at": _occurred(event, now),
            "logged_at": now,
            "payload": json.dumps(
                {k: v for k, v in event.payload.items() if k != "snapshot"},
                separators=(",", ":"),
                default=str,
            ),
        }
        for event in events
    ]
    session.connection().execute(_INSERT, rows)


def read_after(session: Session, position: int, limit: int = 500) -> list[LoggedEvent]:
    """Up to `limit` events with an id above `position`, oldest first."""
    found = session.connection().execute(_READ_AFTER, {"position": position, "limit": limit})
    return [
        LoggedEvent(
            id=row.id,
            kind=row.kind,
            aggregate=row.aggregate,
            aggregate_id=row.aggregate_id,
            version=row.version,
            actor_id=row.actor_id,
            occurred_at=as_utc(row.occurred_at),
            logged_at=as_utc(row.logged_at),
            payload=json.loads(row.payload or "{}"),
        )
        for row in found
    ]
