"""The cart service's SQL, built once with bound parameters.

A shared cart's "+" / "-" is the app's hottest write, and every cart change pushes the room view
read inside its transaction. Building a statement per call costs more Python time than its round
trip to the database, so these are module constants the services execute with parameters;
`bump_statement` builds the rarer variants (owner actions, extra conditions) per call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, bindparam, exists, false, or_, select
from sqlalchemy import insert as sa_insert
from sqlalchemy import update as sa_update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from app.adapters.db.models import Product, ProductImage
from app.adapters.db.models_carts import Cart, CartActivity, CartLine, CartMember
from app.adapters.db.models_orders import ShopOrder
from app.adapters.db.models_people import User
from app.domain.carts import MemberRole, MemberStatus
from app.domain.checkout import OrderStatus

ACTIVITY_TAIL = 20  # the activity lines a cart page shows

_carts = Cart.__table__  # type: ignore[attr-defined]
_members = CartMember.__table__  # type: ignore[attr-defined]
_lines = CartLine.__table__  # type: ignore[attr-defined]
_activity = CartActivity.__table__  # type: ignore[attr-defined]
_users = User.__table__  # type: ignore[attr-defined]
_products = Product.__table__  # type: ignore[attr-defined]
_images = ProductImage.__table__  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- the version bump


def _member_condition(cart_id: Any, user_id: Any, owner_only: bool) -> ColumnElement[bool]:
    conditions = [
        col(CartMember.cart_id) == cart_id,
        col(CartMember.user_id) == user_id,
        col(CartMember.status) == MemberStatus.ACTIVE.value,
    ]
    if owner_only:
        conditions.append(col(CartMember.role) == MemberRole.OWNER.value)
    return exists().where(*conditions)


def editable_condition(now: Any) -> ColumnElement[bool]:
    """The cart takes edits: not locked and its deadline (if any) still ahead."""
    return and_(
        col(Cart.locked) == false(),
        or_(col(Cart.deadline).is_(None), col(Cart.deadline) > now),
    )


def not_checking_out() -> ColumnElement[bool]:
    """No order of the cart is waiting for its payments."""
    return ~exists().where(
        col(ShopOrder.cart_id) == col(Cart.id),
        col(ShopOrder.status) == OrderStatus.PENDING.value,
    )


def bump_statement(
    cart_id: Any,
    actor_id: Any,
    now: Any,
    *,
    owner_only: bool = False,
    editable: bool = True,
    where: tuple[ColumnElement[bool], ...] = (),
    values: Mapping[str, Any] | None = None,
) -> Any:
    """UPDATE cart SET version = version + 1 (and `values`) if the actor may change it now,
    RETURNING the cart row. `actor_id` None: no member check (joining, the deadline job)."""
    conditions: list[ColumnElement[bool]] = [col(Cart.id) == cart_id, col(Cart.deleted) == false()]
    if actor_id is not None:
        conditions.append(_member_condition(cart_id, actor_id, owner_only))
    if editable:
        conditions.append(editable_condition(now))
    conditions.extend(where)
    return (
        sa_update(_carts)
        .where(*conditions)
        .values(version=_carts.c.version + 1, **(values or {}))
        .returning(*_carts.c)
    )


# A member's everyday edit: parameters cart_id, actor_id, now.
BUMP_AS_MEMBER = bump_statement(bindparam("cart_id"), bindparam("actor_id"), bindparam("now"))
# Parameters line_id, quantity.
SET_QUANTITY = sa_update(_lines).where(_lines.c.id == bindparam("line_id"))
# Parameters cart_id, version, text, created_at.
ADD_ACTIVITY = sa_insert(_activity)


def insert_ignoring_conflicts(session: Session, model: Any, values: Mapping[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL; True if a row went in.

    No savepoint needed, so it is safe with pysqlite's transaction handling too. SQLAlchemy
    reports an INSERT's row count only when asked (`preserve_rowcount`); without it psycopg's
    is -1, which reads as "inserted" even when the row was already there.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values).on_conflict_do_nothing()
    result = session.exec(statement.execution_options(preserve_rowcount=True))
    return result.rowcount == 1


# --------------------------------------------------------------------------- the room view
# Four reads make a cart page (parameter cart_id): the cart, its active members, its lines with
# their product and first image, the recent activity.

_FIRST_IMAGE = (
    select(_images.c.url)
    .where(_images.c.product_id == _products.c.id)
    .order_by(_images.c.position)
    .limit(1)
    .scalar_subquery()
    .label("image")
)
READ_CART = select(_carts).where(_carts.c.id == bindparam("cart_id"))
READ_MEMBERS = (
    select(
        _members.c.user_id,
        _members.c.role,
        _users.c.display_name,
        _users.c.avatar_url,
    )
    .join(_users, _users.c.id == _members.c.user_id)
    .where(_members.c.status == MemberStatus.ACTIVE.value)
    .where(_members.c.cart_id == bindparam("cart_id"))
    .order_by(_members.c.joined_at, _members.c.id)
)
READ_LINES = (
    select(
        _lines.c.id,
        _lines.c.product_id,
        _lines.c.added_by,
        _lines.c.quantity,
        _lines.c.note,
        _products.c.slug,
        _products.c.title,
        _products.c.price_amount,
        _products.c.currency,
        _products.c.stock,
        _FIRST_IMAGE,
    )
    .join(_products, _products.c.id == _lines.c.product_id)
    .where(_lines.c.cart_id == bindparam("cart_id"))
    .order_by(_lines.c.created_at, _lines.c.id)
)
READ_ACTIVITY = (
    select(_activity.c.version, _activity.c.text, _activity.c.created_at)
    .where(_activity.c.cart_id == bindparam("cart_id"))
    .order_by(_activity.c.version.desc())
    .limit(ACTIVITY_TAIL)
)
