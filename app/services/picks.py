"""Friends' picks: "Popular among your friends" and "Bob and 2 friends bought this".

Signals come from friends' paid orders, deal joins and shared-cart lines, each only from friends
who share that kind of activity (app/domain/sharing.py: off by default), and only from people who
are friends at the moment of the read, so removing a friend stops the sharing at once. Ranking
is the rule in app/domain/picks.py. Shoppers without friends (or whose friends share nothing)
see what is popular overall, without names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.adapters.db.models import Category, Product
from app.adapters.db.models_carts import Cart, CartLine
from app.adapters.db.models_deals import Deal, DealOrder, Participation
from app.adapters.db.models_orders import OrderLine, ShopOrder
from app.adapters.db.models_people import User
from app.domain.catalog import ProductCard
from app.domain.clock import as_utc
from app.domain.picks import Signal, friends_line, rank_picks
from app.services.catalog import product_cards
from app.services.circle import friend_ids
from app.services.context import Context
from app.services.deals.views import product_id_for
from app.services.preferences import sharing

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
VERBS = {"bought": "bought", "joined": "joined a group deal on", "carted": "added"}
SHARE_KEY = {
    "bought": "share.purchases",
    "joined": "share.deal_joins",
    "carted": "share.cart_lines",
}
JOINED = ("held", "captured", "needs_action")


@dataclass(frozen=True)
class PickCard:
    card: ProductCard
    line: str  # "Bob and 2 friends bought this"; "" for overall popularity


@dataclass(frozen=True)
class PicksView:
    from_friends: bool
    picks: list[PickCard]


def _signals(session: Session, friends: set[int], product_id: int | None = None) -> list[Signal]:
    out: list[Signal] = []
    if not friends:
        return out
    allowed = {kind: sharing(session, friends, key) for kind, key in SHARE_KEY.items()}

    def where_product(query: Any, column: Any) -> Any:
        return query if product_id is None else query.where(column == product_id)

    if allowed["bought"]:
        who = list(allowed["bought"])
        paid = sa_select(
            col(OrderLine.product_id), col(OrderLine.added_by), col(ShopOrder.closed_at)
        ).join(ShopOrder, col(ShopOrder.id) == col(OrderLine.order_id))
        paid = where_product(paid, col(OrderLine.product_id)).where(
            col(ShopOrder.status) == "complete", col(OrderLine.added_by).in_(who)
        )
        deal = sa_select(
            col(DealOrder.product_id), col(DealOrder.user_id), col(DealOrder.created_at)
        ).where(col(DealOrder.user_id).in_(who))
        deal = where_product(deal, col(DealOrder.product_id))
        for p, u, at in session.execute(union_all(paid, deal)).all():
            out.append(Signal(int(p), int(u), "bought", as_utc(at or EPOCH)))
    if allowed["joined"]:
        joins = (
            sa_select(
                col(Deal.product_id), col(Participation.user_id), col(Participation.created_at)
            )
            .join(Deal, col(Deal.id) == col(Participation.deal_id))
            .where(
                col(Participation.user_id).in_(list(allowed["joined"])),
                col(Participation.status).in_(JOINED),
            )
        )
        for p, u, at in session.execute(where_product(joins, col(Deal.product_id))).all():
            out.append(Signal(int(p), int(u), "joined", as_utc(at)))
    if allowed["carted"]:
        lines = (
            sa_select(col(CartLine.product_id), col(CartLine.added_by), col(Cart.created_at))
            .join(Cart, col(Cart.id) == col(CartLine.cart_id))
            .where(
                col(CartLine.added_by).in_(list(allowed["carted"])),
                col(Cart.kind) == "shared",
                col(Cart.deleted).is_(False),
            )
        )
        for p, u, at in session.execute(where_product(lines, col(CartLine.product_id))).all():
            out.append(Signal(int(p), int(u), "carted", as_utc(at)))
    return out


def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = session.exec(select(User.id, User.display_name).where(col(User.id).in_(list(ids)))).all()
    return {int(i or 0): n.split(" ")[0] for i, n in rows}


def _cards(session: Session, product_ids: list[int]) -> dict[int, ProductCard]:
    if not product_ids:
        return {}
    rows = session.exec(
        select(Product, Category)
        .join(Category, col(Category.id) == Product.category_id)
        .where(col(Product.id).in_(product_ids))
    ).all()
    return {card.id: card for card in product_cards(session, rows)}


def _popular(session: Session, limit: int) -> list[int]:
    """Most bought products overall (paid cart orders and captured deal orders)."""
    paid: Any = (
        sa_select(col(OrderLine.product_id).label("product_id"), col(OrderLine.quantity).label("n"))
        .join(ShopOrder, col(ShopOrder.id) == col(OrderLine.order_id))
        .where(col(ShopOrder.status) == "complete")
    )
    deal: Any = sa_select(
        col(DealOrder.product_id).label("product_id"), col(DealOrder.quantity).label("n")
    )
    bought = union_all(paid, deal).subquery()
    total = func.sum(bought.c.n)
    rows = session.execute(
        sa_select(bought.c.product_id, total)
        .group_by(bought.c.product_id)
        .order_by(total.desc(), bought.c.product_id)
        .limit(limit)
    ).all()
    return [int(p) for p, _n in rows]


def friends_picks(ctx: Context, viewer_id: int | None, limit: int = 8) -> PicksView:
    """The home page's picks for this viewer: friends' favourites, else overall popularity."""
    with ctx.session() as session:
        ranked = rank_picks(_signals(session, friend_ids(session, viewer_id)), limit)
        if ranked:
            names = _names(session, {f for p in ranked for f in p.friend_ids})
            cards = _cards(session, [p.product_id for p in ranked])
            return PicksView(
                True,
                [
                    PickCard(
                        cards[p.product_id],
                        friends_line([names[f] for f in p.friend_ids], VERBS[p.kinds[0]]),
                    )
                    for p in ranked
                    if p.product_id in cards
                ],
            )
        popular = _popular(session, limit)
        cards = _cards(session, popular)
        return PicksView(False, [PickCard(cards[p], "") for p in popular if p in cards])


def friends_on_product(ctx: Context, viewer_id: int | None, product_key: str) -> str:
    """ "Bob and 2 friends bought this" for one product page, or "" (no shared activity)."""
    if not viewer_id:
        return ""
    with ctx.session() as session:
        product_id = product_id_for(session, product_key[:100])
        if not product_id:
            return ""
        ranked = rank_picks(_signals(session, friend_ids(session, viewer_id), product_id), 1)
        if not ranked:
            return ""
        names = _names(session, ranked[0].friend_ids)
        return friends_line([names[f] for f in ranked[0].friend_ids], VERBS[ranked[0].kinds[0]])
