"""Outbound webhooks: endpoints, the messages owed to them (one per event and endpoint, the
delivery worker's state) and every attempt made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    url: str = Field(max_length=500)
    description: str = Field(default="", max_length=200)
    # Space-separated event kinds (EventKind values).
    event_types: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    secret: str = Field(max_length=80)
    # The secret before the last rotation: it signs beside the new one until it expires.
    previous_secret: str | None = Field(default=None, max_length=80)
    previous_expires_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    active: bool = True
    disabled_reason: str = Field(default="", max_length=200)
    # Start of the current run of failures (None: the last attempt succeeded, or none yet).
    failing_since: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = Timestamp()


class WebhookMessage(SQLModel, table=True):
    """One event owed to one endpoint. `pending` until delivered or given up; a worker owns
    it while `lease_until` is in the future."""

    __tablename__ = "webhook_message"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_message_event"),
        Index("ix_webhook_message_due", "status", "next_attempt_at"),
        Index("ix_webhook_message_order", "endpoint_id", "aggregate_key", "event_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id")
    event_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(max_length=60)
    aggregate_key: str = Field(max_length=110)
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=12)  # pending, delivered, failed
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    lease_owner: str = Field(default="", max_length=40)
    lease_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = Timestamp()


class WebhookAttempt(SQLModel, table=True):
    __tablename__ = "webhook_attempt"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="webhook_message.id", index=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", index=True)
    attempted_at: datetime = Timestamp()
    status_code: int | None = None
    response_ms: int = 0
    error: str = Field(default="", max_length=300)
