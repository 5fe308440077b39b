"""Adding to the analytics tables in bulk: one INSERT ... ON CONFLICT per batch (SQLite and
PostgreSQL), so folding thousands of events costs a handful of statements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from app.adapters.db.models_analytics import MetricRollup, ShopperHistory, ShopperMonth, VisitorSeen

# Rows per statement: well under SQLite's 32,766 bound parameters.
CHUNK = 500


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _chunks(rows: Sequence[Mapping[str, Any]]) -> list[Sequence[Mapping[str, Any]]]:
    return [rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)]


def add_to_rollups(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """rows: grain, bucket, metric, dim, count, amount; added to what the buckets hold."""
    insert = _insert(session)
    for chunk in _chunks(rows):
        statement = insert(MetricRollup).values(list(chunk))
        table = MetricRollup.__table__  # type: ignore[attr-defined]
        session.exec(
            statement.on_conflict_do_update(
                index_elements=["grain", "bucket", "metric", "dim"],
                set_={
                    "count": table.c.count + statement.excluded.count,
                    "amount": table.c.amount + statement.excluded.amount,
                },
            )
        )


def save_visitors(session: Session, last_seen: Mapping[str, datetime]) -> None:
    """Store each visitor's latest page view (the caller already took the later of the two)."""
    insert = _insert(session)
    rows = [{"visitor": key, "last_seen": at} for key, at in last_seen.items()]
    for chunk in _chunks(rows):
        statement = insert(VisitorSeen).values(list(chunk))
        session.exec(
            statement.on_conflict_do_update(
                index_elements=["visitor"], set_={"last_seen": statement.excluded.last_seen}
            )
        )


def save_shoppers(session: Session, shoppers: Mapping[int, tuple[datetime, int]]) -> None:
    """user id -> (first order at, orders paid)."""
    insert = _insert(session)
    rows = [
        {"user_id": user_id, "first_order_at": first, "orders": orders}
        for user_id, (first, orders) in shoppers.items()
    ]
    for chunk in _chunks(rows):
        statement = insert(ShopperHistory).values(list(chunk))
        session.exec(
            statement.on_conflict_do_update(
                index_elements=["user_id"], set_={"orders": statement.excluded.orders}
            )
        )


def add_shopper_months(session: Session, cells: Sequence[Mapping[str, Any]]) -> None:
    """rows: user_id, month, cohort; a cell already there stays as it is."""
    insert = _insert(session)
    for chunk in _chunks(cells):
        session.exec(insert(ShopperMonth).values(list(chunk)).on_conflict_do_nothing())
