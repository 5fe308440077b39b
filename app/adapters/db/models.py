"""SQLModel tables. Importing this module registers every table on SQLModel.metadata.

Tables of later features live in sibling modules (models_*.py) and are imported at the bottom,
so Alembic and the app always see the full schema.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


class Category(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=80)
    description: str = Field(default="", max_length=400)
    image: str = Field(default="", max_length=200)
    position: int = 0


class Product(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("stock >= 0", name="ck_product_stock_not_negative"),
        CheckConstraint("price_amount > 0", name="ck_product_price_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True, index=True)
    title: str = Field(max_length=120, index=True)
    description: str = Field(default="", max_length=4000)
    price_amount: int
    currency: str = Field(default="USD", max_length=3)
    stock: int = 0
    category_id: int = Field(foreign_key="category.id", index=True)
    featured: bool = False
    # Archived products leave the shop's lists and pages; orders and deals keep pointing at them.
    archived: bool = Field(default=False, index=True)
    # goods | experience (app.domain.trips.ProductKind): an experience has dates with seats.
    kind: str = Field(default="goods", max_length=20)
    created_at: datetime = Timestamp()


class ProductTag(SQLModel, table=True):
    product_id: int = Field(foreign_key="product.id", primary_key=True)
    tag: str = Field(max_length=40, primary_key=True, index=True)


class ProductImage(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("product_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    url: str = Field(max_length=200)
    alt: str = Field(default="", max_length=200)
    position: int = 0


# Tables of other areas register themselves on import; keep these last.
from app.adapters.db import (  # noqa: E402, F401
    models_analytics,
    models_api,
    models_carts,
    models_chat,
    models_community,
    models_deals,
    models_events,
    models_experiments,
    models_live,
    models_orders,
    models_people,
    models_rewards,
    models_social,
    models_trips,
    models_webhooks,
)
