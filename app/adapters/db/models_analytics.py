"""Tables the analytics consumer keeps from the event log: metric rollups per bucket of time
and dimension, when each visitor was last seen, and each shopper's order history (cohorts).
Also the console's review moderation: reports on reviews and review-writing mutes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class MetricRollup(SQLModel, table=True):
    """How much of a metric one bucket (hour, day or minute) saw, per dimension ("" = all)."""

    __tablename__ = "analytics_rollup"
    # The key reads the shop-wide rows (dim "") or one deal's / session's rows of a period as
    # one range; the index finds the dimensions of one metric in a period (top products).
    __table_args__ = (Index("ix_analytics_rollup_metric", "grain", "metric", "bucket"),)

    grain: str = Field(primary_key=True, max_length=1)  # "h", "d", "m"
    dim: str = Field(default="", primary_key=True, max_length=64)
    bucket: datetime = Field(sa_column=Column(DateTime(timezone=True), primary_key=True))
    metric: str = Field(primary_key=True, max_length=40)
    count: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    amount: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))


class VisitorSeen(SQLModel, table=True):
    """The last page view of one visitor (a signed-in user or a browser tab)."""

    __tablename__ = "analytics_visitor"

    visitor: str = Field(primary_key=True, max_length=64)
    last_seen: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )


class ShopperHistory(SQLModel, table=True):
    """When a shopper first paid an order (their cohort) and how many they paid."""

    __tablename__ = "analytics_shopper"

    user_id: int = Field(primary_key=True)
    first_order_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    orders: int = 0


class ShopperMonth(SQLModel, table=True):
    """A shopper paid at least one order in this month: one cell of the cohort table."""

    __tablename__ = "analytics_shopper_month"

    user_id: int = Field(primary_key=True)
    month: datetime = Field(sa_column=Column(DateTime(timezone=True), primary_key=True))
    cohort: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))


class ReviewReport(SQLModel, table=True):
    """A shopper flagged a review for the moderators; resolved when one decides."""

    __tablename__ = "review_report"
    __table_args__ = (UniqueConstraint("review_id", "reporter_id", name="uq_review_report"),)

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    reporter_id: int = Field(foreign_key="user.id")
    reason: str = Field(default="", max_length=300)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    resolved_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class ReviewMute(SQLModel, table=True):
    """A moderator stopped this person writing reviews until `until`."""

    __tablename__ = "review_mute"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    until: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
