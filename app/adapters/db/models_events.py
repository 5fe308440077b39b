"""Tables of the event log (a transactional outbox), its consumers' positions, the analytics
rollups fed from it, and the console's audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, Text
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp
from app.domain.clock import utcnow


class EventRecord(SQLModel, table=True):
    """One domain event, appended in the transaction that made the change. Never updated."""

    __tablename__ = "event_log"
    __table_args__ = (Index("ix_event_log_kind_occurred", "kind", "occurred_at"),)

    # BigInteger on PostgreSQL (a long-lived log); INTEGER PRIMARY KEY (the rowid) on SQLite.
    id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
    )
    kind: str = Field(max_length=60)
    aggregate: str = Field(max_length=40)
    aggregate_id: str = Field(max_length=64)
    version: int = 0
    actor_id: int | None = Field(default=None)
    occurred_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # When the row was written, just before its commit: consumers use it to tell a sequence
    # hole left by a rolled-back transaction from one whose commit is still on its way.
    logged_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False))


class EventConsumer(SQLModel, table=True):
    """Where one consumer of the log is: the id of the last event it applied."""

    __tablename__ = "event_consumer"

    name: str = Field(primary_key=True, max_length=60)
    position: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    updated_at: datetime = Timestamp()


class EventRollup(SQLModel, table=True):
    """How many events of a kind happened in one hour (the analytics rollups' base)."""

    __tablename__ = "event_rollup_hourly"

    hour: datetime = Field(sa_column=Column(DateTime(timezone=True), primary_key=True))
    kind: str = Field(primary_key=True, max_length=60)
    count: int = 0


class EventRollupDaily(SQLModel, table=True):
    """How many events of a kind happened on one day (UTC): long ranges read these."""

    __tablename__ = "event_rollup_daily"

    day: datetime = Field(sa_column=Column(DateTime(timezone=True), primary_key=True))
    kind: str = Field(primary_key=True, max_length=60)
    count: int = 0


class AuditEntry(SQLModel, table=True):
    """Who did what in the console, and when."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int = Field(foreign_key="user.id", index=True)
    action: str = Field(max_length=60)
    target: str = Field(default="", max_length=120)
    detail: str = Field(default="", max_length=500)
    at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )
