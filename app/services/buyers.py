"""Who bought what here, read from our own orders (never claimed by the shopper).

A purchase is a line of a completed cart order (for the shopper who added it and for the one who
paid it) or a captured group-buy order. Reviews ("Verified buyer"), answers ("Bought it") and
question routing all ask these two functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Subquery, func, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.adapters.db.models_deals import DealOrder
from app.adapters.db.models_orders import OrderLine, ShopOrder
from app.domain.clock import as_utc


def _purchases(product_id: int) -> Subquery:
    """(user_id, at) rows of every purchase of the product, as one union."""
    paid_sub = (
        sa_select(col(ShopOrder.id), col(ShopOrder.closed_at))
        .where(col(ShopOrder.status) == "complete")
        .subquery()
    )
    by_adder = (
        sa_select(col(OrderLine.added_by).label("user_id"), paid_sub.c.closed_at.label("at"))
        .join(paid_sub, paid_sub.c.id == OrderLine.order_id)
        .where(col(OrderLine.product_id) == product_id)
    )
    by_payer = (
        sa_select(col(OrderLine.payer_id).label("user_id"), paid_sub.c.closed_at.label("at"))
        .join(paid_sub, paid_sub.c.id == OrderLine.order_id)
        .where(col(OrderLine.product_id) == product_id)
    )
    by_deal: Any = sa_select(
        col(DealOrder.user_id).label("user_id"), col(DealOrder.created_at).label("at")
    ).where(col(DealOrder.product_id) == product_id)
    return union_all(by_adder, by_payer, by_deal).subquery()


def buyers_of(session: Session, product_id: int, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` bought the product here."""
    ids = sorted(set(user_ids))
    if not ids:
        return set()
    bought = _purchases(product_id)
    query: Any = sa_select(bought.c.user_id).where(bought.c.user_id.in_(ids)).distinct()
    rows = session.execute(query).scalars().all()
    return {int(r) for r in rows}


def past_buyers(session: Session, product_id: int) -> list[tuple[int, datetime | None]]:
    """Every buyer of the product with their latest purchase, most recent first."""
    bought = _purchases(product_id)
    latest = func.max(bought.c.at)
    query: Any = (
        sa_select(bought.c.user_id, latest).group_by(bought.c.user_id).order_by(latest.desc())
    )
    rows = session.execute(query).all()
    return [(int(u), as_utc(at) if at else None) for u, at in rows]
