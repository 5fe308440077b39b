"""Tables for be-the-buyer votes and rewards: candidate products and their votes, the early
access a voted-for deal gives, the append-only points ledger and each shopper's level.

One vote per (candidate, voter) and one ledger entry per `source` are unique constraints, so a
double click, a race or a second process can never count twice. Ledger rows are only ever
inserted: a balance is the sum of a person's entries.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


def _moment(*, nullable: bool = False) -> datetime:
    return Field(sa_column=Column(DateTime(timezone=True), nullable=nullable, index=True))


class Candidate(SQLModel, table=True):
    """A product the shop might sell, put to the shoppers' vote."""

    __tablename__ = "candidate"
    __table_args__ = (
        CheckConstraint("threshold >= 1", name="ck_candidate_threshold"),
        CheckConstraint("target_price > 0", name="ck_candidate_price"),
        CheckConstraint("votes >= 0", name="ck_candidate_votes"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=2000)
    image_url: str = Field(default="", max_length=200)
    category_id: int = Field(foreign_key="category.id")
    target_price: int
    currency: str = Field(default="USD", max_length=3)
    threshold: int
    votes: int = 0
    status: str = Field(default="open", max_length=20, index=True)
    closes_at: datetime = _moment()
    created_by: int = Field(foreign_key="user.id")
    product_id: int | None = Field(default=None, foreign_key="product.id")
    deal_id: int | None = Field(default=None, foreign_key="deal.id", index=True)
    version: int = 1
    created_at: datetime = Timestamp()
    decided_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class CandidateVote(SQLModel, table=True):
    __tablename__ = "candidate_vote"

    candidate_id: int = Field(foreign_key="candidate.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True)
    created_at: datetime = Timestamp()


class DealEarlyAccess(SQLModel, table=True):
    """A deal that opens to some shoppers first: the voters of `candidate_id` (and VIPs) may join
    from the deal's start, everyone else from `public_from`."""

    __tablename__ = "deal_early_access"

    deal_id: int = Field(foreign_key="deal.id", primary_key=True)
    candidate_id: int | None = Field(default=None, foreign_key="candidate.id")
    public_from: datetime = _moment()


class PointsEntry(SQLModel, table=True):
    """One line of the points ledger. Never updated or deleted. `subject` is the fact (one
    helpful mark, one team, one friend in one deal); `source` is `subject` plus the entry's
    place among that subject's entries, unique, so two processes never append the same move."""

    __tablename__ = "points_entry"
    __table_args__ = (
        UniqueConstraint("source", name="uq_points_entry_source"),
        Index("ix_points_entry_user_at", "user_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    points: int
    reason: str = Field(max_length=30)
    subject: str = Field(max_length=120, index=True)
    source: str = Field(max_length=130)
    created_at: datetime = Timestamp()


class LevelProgress(SQLModel, table=True):
    """A shopper's VIP level and the target of the next one, fixed when they started this one."""

    __tablename__ = "level_progress"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    rank: int = 0
    target: int | None = None
    kept_with: int = 0
    started_at: datetime = Timestamp()
