"""Tables of the public REST API: keys (only the token's SHA-256 is kept) and the first answer
to each Idempotency-Key, replayed for 24 hours."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=60)
    prefix: str = Field(max_length=12)
    token_digest: str = Field(max_length=64, unique=True, index=True)
    scopes: str = Field(max_length=200)  # space-separated Scope values
    created_at: datetime = Timestamp()
    last_used_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class ApiIdempotency(SQLModel, table=True):
    """One row per (key, Idempotency-Key): claimed before the POST runs (status 0), then
    holding its answer. The unique constraint makes two simultaneous first requests one."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("api_key_id", "idem_key", name="uq_api_idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    api_key_id: int = Field(foreign_key="api_key.id", index=True)
    idem_key: str = Field(max_length=255)
    request_digest: str = Field(max_length=64)  # method, path and body
    status: int = 0  # 0 while the first request runs
    content_type: str = Field(default="", max_length=80)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Timestamp()
