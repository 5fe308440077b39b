"""The orders page: a shopper's cart orders and group-buy deal orders, newest first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.adapters.db.models import Product
from app.adapters.db.models_deals import DealOrder
from app.adapters.db.models_orders import OrderLine, PaymentShare, ShopOrder
from app.adapters.db.models_people import User
from app.domain.checkout import (
    ORDER_LABELS,
    SHARE_LABELS,
    OrderStatus,
    ShareStatus,
)
from app.domain.clock import as_utc
from app.domain.money import format_minor
from app.services.checkout.shares import label
from app.services.checkout.views import OrderLineView, OrderView, share_views
from app.services.context import Context


def list_orders(ctx: Context, viewer_id: int, limit: int = 50) -> list[OrderView]:
    """The shopper's orders, newest first: cart orders they own, pay for or have items in, and
    their group-buy deal orders."""
    with ctx.session() as session:
        return _orders(session, viewer_id, limit)


def _orders(session: Session, user_id: int, limit: int) -> list[OrderView]:
    involved = (
        select(OrderLine.order_id)
        .where(or_(col(OrderLine.added_by) == user_id, col(OrderLine.payer_id) == user_id))
        .scalar_subquery()
    )
    orders = session.exec(
        select(ShopOrder)
        .where(or_(col(ShopOrder.owner_id) == user_id, col(ShopOrder.id).in_(involved)))
        .order_by(col(ShopOrder.id).desc())
        .limit(limit)
    ).all()
    ids = [order.id or 0 for order in orders]
    lines_by_order: dict[int, list[OrderLine]] = {}
    shares_by_order: dict[int, list[PaymentShare]] = {}
    if ids:
        for line in session.exec(
            select(OrderLine).where(col(OrderLine.order_id).in_(ids)).order_by(col(OrderLine.id))
        ):
            lines_by_order.setdefault(line.order_id, []).append(line)
        for share in session.exec(
            select(PaymentShare)
            .where(col(PaymentShare.order_id).in_(ids))
            .order_by(col(PaymentShare.id))
        ):
            shares_by_order.setdefault(share.order_id, []).append(share)
    people = {line.added_by for lines in lines_by_order.values() for line in lines} | {
        line.payer_id for lines in lines_by_order.values() for line in lines
    }
    names = {
        user.id: user.display_name
        for user in session.exec(select(User).where(col(User.id).in_(people)))
    }
    views: list[tuple[datetime, OrderView]] = []
    for order in orders:
        assert order.id is not None
        shares = shares_by_order.get(order.id, [])
        mine = next((s for s in shares if s.user_id == user_id), None)
        views.append(
            (
                as_utc(order.created_at),
                OrderView(
                    key=f"order-{order.id}",
                    kind="cart",
                    number=f"#{order.id}",
                    title=order.cart_name,
                    status=order.status,
                    status_label=ORDER_LABELS.get(order.status, order.status),
                    placed=label(order.created_at),
                    total=format_minor(order.total, order.currency),
                    your_share=format_minor(mine.amount, mine.currency) if mine else "",
                    your_share_status=SHARE_LABELS.get(mine.status, "") if mine else "",
                    reason=order.reason if order.status != OrderStatus.COMPLETE else "",
                    lines=[
                        OrderLineView(
                            title=line.title,
                            quantity=line.quantity,
                            unit_price=format_minor(line.unit_price, order.currency),
                            line_total=format_minor(
                                line.unit_price * line.quantity, order.currency
                            ),
                            added_by=names.get(line.added_by, "Someone"),
                            payer=names.get(line.payer_id, "Someone"),
                            mine=line.added_by == user_id,
                        )
                        for line in lines_by_order.get(order.id, [])
                    ],
                    shares=share_views(session, shares),
                ),
            )
        )
    views.extend(_deal_orders(session, user_id, limit))
    views.sort(key=lambda item: item[0], reverse=True)
    return [view for _, view in views[:limit]]


def _deal_orders(session: Session, user_id: int, limit: int) -> list[tuple[datetime, OrderView]]:
    rows = session.exec(
        select(DealOrder, Product)
        .join(Product, col(Product.id) == col(DealOrder.product_id))
        .where(DealOrder.user_id == user_id)
        .order_by(col(DealOrder.id).desc())
        .limit(limit)
    ).all()
    out = []
    for deal_order, product in rows:
        amount = format_minor(deal_order.amount, deal_order.currency)
        out.append(
            (
                as_utc(deal_order.created_at),
                OrderView(
                    key=f"deal-order-{deal_order.id}",
                    kind="deal",
                    number=f"Deal #{deal_order.deal_id}",
                    title=f"Group deal: {product.title}",
                    status=OrderStatus.COMPLETE.value,
                    status_label=ORDER_LABELS[OrderStatus.COMPLETE],
                    placed=label(deal_order.created_at),
                    total=amount,
                    your_share=amount,
                    your_share_status=SHARE_LABELS[ShareStatus.PAID],
                    reason="",
                    lines=[
                        OrderLineView(
                            title=product.title,
                            quantity=deal_order.quantity,
                            unit_price=format_minor(deal_order.unit_price, deal_order.currency),
                            line_total=amount,
                            added_by="You",
                            payer="You",
                            mine=True,
                        )
                    ],
                    shares=[],
                ),
            )
        )
    return out
