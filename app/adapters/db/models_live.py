"""Tables for live shopping: sessions, their products and flash deals, host follows, and
"watch together" parties.

The session row is the truth viewers catch up from: status, the pinned product and a version
that every change bumps (conditional UPDATEs, so two hosts clicking at once cannot both win a
lifecycle move).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


def _moment(*, nullable: bool, index: bool = False) -> datetime | None:
    return Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable, index=index)
    )


class LiveSession(SQLModel, table=True):
    __tablename__ = "live_session"
    __table_args__ = (
        CheckConstraint(
            "status IN ('scheduled', 'live', 'ended')", name="ck_live_session_status_known"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    host_id: int = Field(foreign_key="user.id", index=True)
    title: str = Field(max_length=80)
    description: str = Field(default="", max_length=500)
    cover_image: str = Field(max_length=200)
    stream_url: str = Field(default="", max_length=500)
    starts_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )
    status: str = Field(default="scheduled", max_length=12, index=True)
    pinned_product_id: int | None = Field(default=None, foreign_key="product.id")
    version: int = 1
    went_live_at: datetime | None = _moment(nullable=True)
    ended_at: datetime | None = _moment(nullable=True)
    created_at: datetime = Timestamp()


class LiveSessionProduct(SQLModel, table=True):
    """The products a session shows, in the host's order."""

    __tablename__ = "live_session_product"

    session_id: int = Field(foreign_key="live_session.id", primary_key=True)
    product_id: int = Field(foreign_key="product.id", primary_key=True)
    position: int = 0


class LiveSessionDeal(SQLModel, table=True):
    """A flash deal launched during a session; a deal belongs to at most one session."""

    __tablename__ = "live_session_deal"

    deal_id: int = Field(foreign_key="deal.id", primary_key=True)
    session_id: int = Field(foreign_key="live_session.id", index=True)
    launched_by: int = Field(foreign_key="user.id")
    launched_at: datetime = Timestamp()


class HostFollow(SQLModel, table=True):
    """A shopper follows a host to hear when they go live. One row per pair."""

    __tablename__ = "host_follow"
    __table_args__ = (CheckConstraint("follower_id <> host_id", name="ck_host_follow_not_self"),)

    follower_id: int = Field(foreign_key="user.id", primary_key=True)
    host_id: int = Field(foreign_key="user.id", primary_key=True, index=True)
    created_at: datetime = Timestamp()


class WatchParty(SQLModel, table=True):
    """Friends watching one public session together: a private side chat and a shared cart."""

    __tablename__ = "watch_party"
    __table_args__ = (UniqueConstraint("session_id", "owner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="live_session.id", index=True)
    owner_id: int = Field(foreign_key="user.id")
    cart_id: int | None = Field(default=None, foreign_key="cart.id")
    created_at: datetime = Timestamp()


class WatchPartyMember(SQLModel, table=True):
    __tablename__ = "watch_party_member"

    party_id: int = Field(foreign_key="watch_party.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True)
    invited_by: int | None = Field(default=None, foreign_key="user.id")
    joined_at: datetime = Timestamp()


LIVE_TABLES = [
    SQLModel.metadata.tables[name]
    for name in (
        "live_session",
        "live_session_product",
        "live_session_deal",
        "host_follow",
        "watch_party",
        "watch_party_member",
    )
]
