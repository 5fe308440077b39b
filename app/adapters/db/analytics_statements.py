"""Adding to the analytics tables in bulk: one INSERT ... ON CONFLICT per batch (SQLite and
PostgreSQL), so folding thousands of events costs a handful of statements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from app.adapters.db.models_analytics import MetricRollup, ShopperHistory, ShopperMonth, VisitorSeen


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _many(session: Session, statement: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """One compiled statement, executed for every row (psycopg pipelines them; the compiled
    form is cached, unlike a multi-row VALUES whose size changes each time)."""
    if rows:
        session.connection().execute(statement, [dict(row) for row in rows])


def add_counts(
    session: Session, model: Any, keys: Sequence[str], sums: Sequence[str], rows: Sequence[Any]
) -> None:
    """Insert `rows` into `model`'s table, or add their `sums` columns to the row already
    there under the same `keys`."""
    table = model.__table__
    statement = _insert(session)(table)
    _many(
        session,
        statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: table.c[name] + statement.excluded[name] for name in sums},
        ),
        rows,
    )


def add_to_rollups(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """rows: grain, bucket, metric, dim, count, amount; added to what the buckets hold."""
    keys = ("grain", "dim", "bucket", "metric")
    add_counts(session, MetricRollup, keys, ("count", "amount"), rows)


def save_visitors(session: Session, last_seen: Mapping[str, datetime]) -> None:
    """Store each visitor's latest page view (the caller already took the later of the two)."""
    statement = _insert(session)(VisitorSeen.__table__)  # type: ignore[attr-defined]
    _many(
        session,
        statement.on_conflict_do_update(
            index_elements=["visitor"], set_={"last_seen": statement.excluded.last_seen}
        ),
        [{"visitor": key, "last_seen": at} for key, at in last_seen.items()],
    )


def save_shoppers(session: Session, shoppers: Mapping[int, tuple[datetime, int]]) -> None:
    """user id -> (first order at, orders paid)."""
    statement = _insert(session)(ShopperHistory.__table__)  # type: ignore[attr-defined]
    _many(
        session,
        statement.on_conflict_do_update(
            index_elements=["user_id"], set_={"orders": statement.excluded.orders}
        ),
        [
            {"user_id": user_id, "first_order_at": first, "orders": orders}
            for user_id, (first, orders) in shoppers.items()
        ],
    )


def add_shopper_months(session: Session, cells: Sequence[Mapping[str, Any]]) -> None:
    """rows: user_id, month, cohort; a cell already there stays as it is."""
    statement = _insert(session)(ShopperMonth.__table__)  # type: ignore[attr-defined]
    _many(session, statement.on_conflict_do_nothing(), cells)
