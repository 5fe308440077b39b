"""Tables for group-buy deals: the deal, who joined it, teams, orders and processed webhooks.

Race safety lives in the schema as much as in the service: `participants` is only ever changed by
conditional UPDATEs, one shopper has at most one Participation per deal (UNIQUE(deal_id, user_id)),
one captured participation has at most one order (UNIQUE(participation_id)), and a webhook event
id can be recorded once (primary key). All of it holds on SQLite as well as PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


def _moment(*, nullable: bool) -> datetime | None:
    # Field() returns Any; typed loosely so both required and optional columns use it.
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class Deal(SQLModel, table=True):
    """A group-buy offer on one product. `status` is the stored lifecycle
    (open / closing / succeeded / failed / cancelled); scheduled / unlocked are derived."""

    __table_args__ = (
        CheckConstraint("participants >= 0", name="ck_deal_participants_not_negative"),
        CheckConstraint(
            "max_participants IS NULL OR participants <= max_participants",
            name="ck_deal_participants_within_cap",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    # [[min_participants, unit_price], ...] ascending; small, read whole, never queried into.
    tiers_json: str = Field(sa_column=Column(Text, nullable=False))
    currency: str = Field(max_length=3)
    min_to_unlock: int
    max_participants: int | None = None
    max_quantity_per_shopper: int = 1
    starts_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    deadline: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )
    team_size: int | None = None
    team_price: int | None = None
    payment_mode: str = Field(default="hold", max_length=20)
    # group_buy | booking (a group trip's booking: app/services/trips; not listed with deals)
    kind: str = Field(default="group_buy", max_length=20)
    status: str = Field(default="open", max_length=20, index=True)
    participants: int = 0
    version: int = 0
    unlocked_at: datetime | None = _moment(nullable=True)
    close_claimed_at: datetime | None = _moment(nullable=True)
    final_participants: int | None = None
    closed_at: datetime | None = _moment(nullable=True)
    outcome: str | None = Field(default=None, max_length=20)
    created_by: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Timestamp()


class Team(SQLModel, table=True):
    """Friends buying together: `size` members within the window get the team price."""

    __table_args__ = (
        CheckConstraint("members >= 0 AND members <= size", name="ck_team_members_within_size"),
    )

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    leader_id: int = Field(foreign_key="user.id")
    size: int
    members: int = 0
    status: str = Field(default="forming", max_length=20)
    created_at: datetime = Timestamp()
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    filled_at: datetime | None = _moment(nullable=True)


class Participation(SQLModel, table=True):
    """One shopper in one deal. Re-joining after leaving or a decline reuses the row with
    `attempt` + 1, which also makes a fresh payment idempotency key."""

    __table_args__ = (UniqueConstraint("deal_id", "user_id", name="uq_participation_deal_user"),)

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    quantity: int = 1
    # pending / needs_action / held / left / captured / released / failed
    status: str = Field(default="pending", max_length=20, index=True)
    attempt: int = 1
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    payment_mode: str = Field(default="hold", max_length=20)
    intent_id: str | None = Field(default=None, max_length=255, index=True)
    customer_id: str | None = Field(default=None, max_length=255)
    payment_method_id: str | None = Field(default=None, max_length=255)
    authorized_amount: int | None = None
    captured_amount: int | None = None
    idempotency_key: str = Field(default="", max_length=200)
    hold_released: bool = False
    failure_code: str | None = Field(default=None, max_length=60)
    # When the hold was confirmed (the seat started to count); the deal's public ledger.
    confirmed_at: datetime | None = _moment(nullable=True)
    # Set by the closing job on the seats it counted: the ledger of a closed deal.
    counted_at_close: bool = False
    # A booking's member: when their seat was reserved (their windows to pay start here) and
    # who placed the hold (the member, or the organiser covering their share).
    reserved_at: datetime | None = _moment(nullable=True)
    paid_by: int | None = Field(default=None, foreign_key="user.id")
    # The shared cart whose lines became this seat (friends' carts toward a deal).
    cart_id: int | None = Field(default=None, foreign_key="cart.id", index=True)
    created_at: datetime = Timestamp()
    updated_at: datetime = Timestamp()


class DealOrder(SQLModel, table=True):
    """What a shopper bought when their payment was taken: one per captured participation."""

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    participation_id: int = Field(foreign_key="participation.id", unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    product_id: int = Field(foreign_key="product.id")
    quantity: int
    unit_price: int
    amount: int
    currency: str = Field(max_length=3)
    intent_id: str | None = Field(default=None, max_length=255)
    created_at: datetime = Timestamp()


class DealPriceChange(SQLModel, table=True):
    """The deal's price moved to another tier as the joined count changed: the public ledger's
    price history (the opening price is the first tier, not a row)."""

    __tablename__ = "deal_price_change"

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    unit_price: int
    joined: int
    changed_at: datetime = Timestamp()


class ProcessedWebhookEvent(SQLModel, table=True):
    """A provider event already applied; inserting it in the same transaction as its effect makes
    every delivery after the first a no-op."""

    event_id: str = Field(primary_key=True, max_length=255)
    kind: str = Field(default="", max_length=100)
    # applied / no_change / unknown_payment (acknowledged, recorded, never applied)
    outcome: str = Field(default="", max_length=20)
    processed_at: datetime = Timestamp()


DEAL_TABLES = [
    Deal.__table__,  # type: ignore[attr-defined]
    Team.__table__,  # type: ignore[attr-defined]
    Participation.__table__,  # type: ignore[attr-defined]
    DealOrder.__table__,  # type: ignore[attr-defined]
    DealPriceChange.__table__,  # type: ignore[attr-defined]
    ProcessedWebhookEvent.__table__,  # type: ignore[attr-defined]
]
