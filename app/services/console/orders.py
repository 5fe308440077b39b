"""The console's list of recent shop orders (admins): who, how much, where it stands."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from app.adapters.db.models_orders import ShopOrder
from app.adapters.db.models_people import User
from app.domain.checkout import ORDER_LABELS
from app.domain.clock import as_utc
from app.domain.money import format_minor
from app.domain.people import ADMIN_ROLES
from app.services.console.access import require
from app.services.context import Context
from app.services.orders.views import CART_PREFIX


@dataclass(frozen=True)
class ConsoleOrder:
    key: str  # the order page's key ("order-12")
    owner: str
    cart_name: str
    total: str
    status: str
    placed_at: str


def recent_orders(ctx: Context, actor_id: int, limit: int = 30) -> list[ConsoleOrder]:
    """The newest checkouts first; each links to its order page (refunds are decided in the
    refund requests below it)."""
    with ctx.session() as session:
        require(session, actor_id, ADMIN_ROLES)
        rows = session.exec(
            select(ShopOrder, User.display_name)
            .join(User, col(User.id) == col(ShopOrder.owner_id))
            .order_by(col(ShopOrder.id).desc())
            .limit(limit)
        ).all()
    return [
        ConsoleOrder(
            key=f"{CART_PREFIX}{order.id}",
            owner=owner,
            cart_name=order.cart_name,
            total=format_minor(order.total, order.currency),
            status=ORDER_LABELS.get(order.status, order.status),
            placed_at=as_utc(order.created_at).strftime("%d %b %Y, %H:%M UTC"),
        )
        for order, owner in rows
    ]
