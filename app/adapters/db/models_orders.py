"""Tables for checkout: orders, their lines, payment shares and stock reservations.

Race safety lives in the schema as much as in the service:
- one pending order per cart (a partial unique index), so two clicks on "Check out" make one;
- one share per (order, payer), and each share's idempotency key is unique;
- one reservation per (order, product); stock moves only with the reservation's status, by
  conditional UPDATEs (held -> released / committed), so it is given back at most once.
All of it holds on SQLite as well as PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


def _moment(*, nullable: bool, index: bool = False) -> datetime | None:
    return Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable, index=index)
    )


class ShopOrder(SQLModel, table=True):
    """One checkout of one cart. `version` counts changes; every transaction that changes an
    order starts by bumping it, which serialises them (row lock / SQLite writer lock)."""

    __tablename__ = "shop_order"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'complete', 'failed', 'expired', 'cancelled')",
            name="ck_shop_order_status",
        ),
        CheckConstraint("total > 0", name="ck_shop_order_total_positive"),
        Index(
            "uq_shop_order_pending_cart",
            "cart_id",
            unique=True,
            sqlite_where=sql_text("status = 'pending'"),
            postgresql_where=sql_text("status = 'pending'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    cart_id: int = Field(foreign_key="cart.id", index=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    cart_name: str = Field(max_length=60)
    mode: str = Field(max_length=20)
    status: str = Field(default="pending", max_length=20, index=True)
    currency: str = Field(max_length=3)
    total: int
    # The cart is locked while the order is pending; it goes back to this when the order fails.
    cart_was_locked: bool = False
    version: int = 1
    reason: str = Field(default="", max_length=300)
    expires_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )
    created_at: datetime = Timestamp()
    closed_at: datetime | None = _moment(nullable=True)


class OrderLine(SQLModel, table=True):
    """What was bought, at the price of the moment (the product may change later)."""

    __tablename__ = "order_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="ck_order_line_quantity_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="shop_order.id", index=True)
    cart_line_id: int  # not a foreign key: the cart line is deleted once the order completes
    product_id: int = Field(foreign_key="product.id", index=True)
    title: str = Field(max_length=120)
    unit_price: int
    quantity: int
    added_by: int = Field(foreign_key="user.id", index=True)
    payer_id: int = Field(foreign_key="user.id", index=True)


class PaymentShare(SQLModel, table=True):
    """What one payer owes for one order, and how their PaymentIntent went."""

    __tablename__ = "payment_share"
    __table_args__ = (
        UniqueConstraint("order_id", "user_id", name="uq_payment_share_order_user"),
        CheckConstraint("amount > 0", name="ck_payment_share_amount_positive"),
        CheckConstraint(
            "status IN ('pending', 'needs_action', 'paid', 'failed', 'expired', 'voided', "
            "'refund_due', 'refunded')",
            name="ck_payment_share_status",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="shop_order.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    amount: int
    currency: str = Field(max_length=3)
    status: str = Field(default="pending", max_length=20, index=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    intent_id: str | None = Field(default=None, max_length=255, index=True)
    failure_code: str | None = Field(default=None, max_length=60)
    created_at: datetime = Timestamp()
    updated_at: datetime = Timestamp()
    paid_at: datetime | None = _moment(nullable=True)


class StockReservation(SQLModel, table=True):
    """Stock taken off the shelf for a pending order (held), then sold or given back."""

    __tablename__ = "stock_reservation"
    __table_args__ = (
        UniqueConstraint("order_id", "product_id", name="uq_stock_reservation_order_product"),
        CheckConstraint("quantity > 0", name="ck_stock_reservation_quantity_positive"),
        CheckConstraint(
            "status IN ('held', 'released', 'committed')", name="ck_stock_reservation_status"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="shop_order.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    quantity: int
    status: str = Field(default="held", max_length=20, index=True)
    created_at: datetime = Timestamp()
    updated_at: datetime = Timestamp()


ORDER_TABLE_NAMES = ("shop_order", "order_line", "payment_share", "stock_reservation")
