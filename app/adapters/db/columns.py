"""Column helpers shared by every table module (kept apart so table modules never import each
other: models.py imports them all to register the whole schema)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field

from app.domain.clock import utcnow


def Timestamp() -> datetime:  # noqa: N802 - reads like a column type at the call site
    """A timezone-aware timestamp column that defaults to now (UTC)."""
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
