"""Notifications derived from facts other services store: a deal one joined closed, a host one
follows went live. A piece of due work (app/services/deadlines.py) looks at the last few
minutes of those facts every tick; each notification carries a `ref` unique per person, so
however many processes (or ticks) see the same fact, each person is told once.

Deriving them here, rather than in the deal and live services, keeps those services unaware of
notifications; the cost is a delay of one tick (5 s).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from app.adapters.db.models import Product
from app.adapters.db.models_deals import Deal, Participation
from app.adapters.db.models_live import HostFollow, LiveSession
from app.adapters.db.models_people import User
from app.domain.clock import as_utc
from app.routes import deal_url, live_url
from app.services.context import Context
from app.services.notifications.inbox import NotificationKind, notify

LOOK_BACK = timedelta(minutes=15)
# Who was in the deal when it closed: charged on success, released on failure.
WAS_IN = ("captured", "released", "held")


def notify_from_facts(ctx: Context) -> int:
    """Tell participants how their deals ended and followers that a host went live."""
    since = as_utc(ctx.now()) - LOOK_BACK
    told = 0
    with ctx.uow() as uow:
        session = uow.session
        deals = session.exec(
            select(Deal, Product)
            .join(Product, col(Product.id) == Deal.product_id)
            .where(col(Deal.status).in_(("succeeded", "failed")), col(Deal.closed_at) >= since)
        ).all()
        for deal, product in deals:
            people = session.exec(
                select(Participation.user_id).where(
                    Participation.deal_id == deal.id, col(Participation.status).in_(WAS_IN)
                )
            ).all()
            won = deal.status == "succeeded"
            title = (
                f"The group deal on {product.title} unlocked"
                if won
                else f"The group deal on {product.title} did not unlock; nobody was charged"
            )
            for user_id in people:
                told += notify(
                    uow,
                    user_id,
                    NotificationKind.DEAL_OUTCOME,
                    title,
                    link=str(deal_url(deal.id or 0)),
                    ref=f"deal:{deal.id}:{deal.status}",
                )
        sessions = session.exec(
            select(LiveSession, User)
            .join(User, col(User.id) == LiveSession.host_id)
            .where(col(LiveSession.went_live_at) >= since, LiveSession.status == "live")
        ).all()
        for live, host in sessions:
            followers = session.exec(
                select(HostFollow.follower_id).where(HostFollow.host_id == live.host_id)
            ).all()
            for user_id in followers:
                told += notify(
                    uow,
                    user_id,
                    NotificationKind.HOST_LIVE,
                    f"{host.display_name} is live: {live.title}",
                    link=str(live_url(live.id or 0)),
                    ref=f"live:{live.id}",
                )
    return told
