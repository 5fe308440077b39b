"""Tables for group trips and experiences: an experience's dates (each with seats) and the group
bookings opened on them. A booking runs as a group-buy deal (`deal_id`): its members are the
deal's participations, its money the deal's holds.

Seats are only ever taken or given back by conditional UPDATEs (`seats_taken < seats`), and the
CHECK keeps `seats_taken` within 0..seats on SQLite as on PostgreSQL, so a date is never
oversold.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Text
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


class ExperienceDate(SQLModel, table=True):
    """One date of an experience product, with its seats and its price tiers per person."""

    __tablename__ = "experience_date"
    __table_args__ = (
        CheckConstraint(
            "seats_taken >= 0 AND seats_taken <= seats", name="ck_experience_date_seats"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    starts_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    seats: int
    seats_taken: int = 0
    # [[min_people, price_per_person], ...] ascending, like a deal's tiers.
    tiers_json: str = Field(sa_column=Column(Text, nullable=False))
    currency: str = Field(default="USD", max_length=3)
    created_at: datetime = Timestamp()


class Booking(SQLModel, table=True):
    """A group an organiser opened for one date; friends join it with `code` (its share link)."""

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", unique=True)
    date_id: int = Field(foreign_key="experience_date.id", index=True)
    organiser_id: int = Field(foreign_key="user.id", index=True)
    code: str = Field(max_length=12, unique=True)
    created_at: datetime = Timestamp()
