"""Tables for carts: personal and shared carts, their members, lines and activity feed.

`cart.version` counts every change; the services bump it with one conditional UPDATE, which is
also what serialises concurrent edits of one cart on PostgreSQL (row lock) and SQLite (writer lock).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


class Cart(SQLModel, table=True):
    __tablename__ = "cart"
    __table_args__ = (
        CheckConstraint("kind IN ('personal', 'shared')", name="ck_cart_kind"),
        CheckConstraint("budget_minor IS NULL OR budget_minor > 0", name="ck_cart_budget_positive"),
        CheckConstraint("version >= 0", name="ck_cart_version_not_negative"),
        # One personal cart per shopper, so two tabs opening it at once cannot make two.
        Index(
            "uq_cart_personal_owner",
            "owner_id",
            unique=True,
            sqlite_where=sql_text("kind = 'personal'"),
            postgresql_where=sql_text("kind = 'personal'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    owner_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(default="shared", max_length=10)
    # Personal carts have no code; NULLs never collide in a unique constraint.
    invite_code: str | None = Field(default=None, max_length=12, unique=True, index=True)
    deadline: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True, index=True)
    )
    budget_minor: int | None = None
    currency: str = Field(default="USD", max_length=3)
    split_mode: str = Field(default="owner_pays", max_length=20)
    locked: bool = False
    version: int = 0
    deleted: bool = False
    created_at: datetime = Timestamp()


class CartMember(SQLModel, table=True):
    __tablename__ = "cart_member"
    __table_args__ = (
        UniqueConstraint("cart_id", "user_id", name="uq_cart_member_cart_user"),
        CheckConstraint("role IN ('owner', 'member')", name="ck_cart_member_role"),
        CheckConstraint("status IN ('active', 'removed', 'left')", name="ck_cart_member_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cart_id: int = Field(foreign_key="cart.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(default="member", max_length=10)
    status: str = Field(default="active", max_length=10)
    joined_at: datetime = Timestamp()


class CartLine(SQLModel, table=True):
    """One member's quantity of one product in one cart: each member owns their line."""

    __tablename__ = "cart_line"
    __table_args__ = (
        UniqueConstraint("cart_id", "product_id", "added_by", name="uq_cart_line_owner"),
        CheckConstraint("quantity > 0", name="ck_cart_line_quantity_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cart_id: int = Field(foreign_key="cart.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    added_by: int = Field(foreign_key="user.id", index=True)
    quantity: int
    note: str = Field(default="", max_length=200)
    created_at: datetime = Timestamp()


class CartActivity(SQLModel, table=True):
    """What happened, one row per cart version, for the feed beside the cart."""

    __tablename__ = "cart_activity"
    __table_args__ = (UniqueConstraint("cart_id", "version", name="uq_cart_activity_version"),)

    id: int | None = Field(default=None, primary_key=True)
    cart_id: int = Field(foreign_key="cart.id", index=True)
    version: int
    text: str = Field(max_length=300)
    created_at: datetime = Timestamp()


CART_TABLE_NAMES = ("cart", "cart_member", "cart_line", "cart_activity")
# For tests and tools that create just these tables on top of a migrated database.
CART_TABLES = [SQLModel.metadata.tables[name] for name in CART_TABLE_NAMES]
