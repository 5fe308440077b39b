"""What viewers read: the /live schedule and one session's page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from app.adapters.db.models import Product
from app.adapters.db.models_live import LiveSession, LiveSessionProduct
from app.adapters.db.models_people import User
from app.domain.clock import as_utc
from app.domain.live import SessionStatus, stream_kind
from app.domain.money import format_minor
from app.domain.people import initials, may_host
from app.services.catalog import first_images
from app.services.context import Context
from app.services.live.console import runs
from app.services.live.flash_deals import deal_views, joined_deal_ids, stream_pays
from app.services.live.follows import followed_host_ids
from app.services.live.records import PLACEHOLDER_IMAGE, iso, load_row, session_products
from app.services.live.views import (
    LiveProductView,
    LiveSessionView,
    PartyPanel,
    ScheduleItem,
    SchedulePage,
    SessionPage,
)
from app.services.live.watch_parties import load_panel

ENDED_SHOWN = 6  # replays listed on /live


def _session_view(session: Session, session_id: int, now: datetime) -> LiveSessionView:
    live = load_row(session, session_id)
    host = session.get(User, live.host_id)
    product_ids = session_products(session, session_id)
    products = {
        p.id or 0: p
        for p in session.exec(select(Product).where(col(Product.id).in_(product_ids))).all()
    }
    images = first_images(session, product_ids)
    product_views = [
        LiveProductView(
            id=pid,
            slug=products[pid].slug,
            title=products[pid].title,
            price=format_minor(products[pid].price_amount, products[pid].currency),
            image=images.get(pid, PLACEHOLDER_IMAGE),
            stock=products[pid].stock,
        )
        for pid in product_ids
        if pid in products
    ]
    host_name = host.display_name if host else "Host"
    return LiveSessionView(
        id=session_id,
        title=live.title,
        description=live.description,
        host_id=live.host_id,
        host_name=host_name,
        host_initials=initials(host_name),
        cover_image=live.cover_image,
        stream_url=live.stream_url,
        stream_kind=stream_kind(live.stream_url).value,
        starts_at=iso(live.starts_at),
        status=live.status,
        pinned_product_id=live.pinned_product_id or 0,
        version=live.version,
        products=product_views,
        deals=deal_views(session, session_id, products, now),
    )


def session_view(ctx: Context, session_id: int) -> LiveSessionView:
    """Everything every viewer of a session sees, from the database (LiveError if none)."""
    with ctx.session() as session:
        return _session_view(session, session_id, as_utc(ctx.now()))


def session_page(ctx: Context, viewer_id: int | None, session_id: int) -> SessionPage:
    """/live/<id> at load, in one database visit: the session and this viewer's own view of
    it (may they run it, do they follow the host, which deals they joined, their party)."""
    with ctx.session() as session:
        view = _session_view(session, session_id, as_utc(ctx.now()))
        pays = stream_pays(ctx)
        if viewer_id is None:
            return SessionPage(view, False, False, [], PartyPanel(None, []), pays)
        return SessionPage(
            view=view,
            can_run=runs(session, viewer_id, session_id),
            following=view.host_id in followed_host_ids(session, viewer_id),
            joined_deal_ids=joined_deal_ids(session, [d.id for d in view.deals], viewer_id),
            party=load_panel(session, session_id, viewer_id),
            pays_in_stream=pays,
        )


def _schedule(session: Session, ended_limit: int) -> dict[str, list[ScheduleItem]]:
    counts = dict(
        session.exec(
            select(LiveSessionProduct.session_id, func.count()).group_by(
                col(LiveSessionProduct.session_id)
            )
        ).all()
    )

    def items(status: SessionStatus, order: Any, limit: int | None = None) -> list[ScheduleItem]:
        query = (
            select(LiveSession, User)
            .join(User, col(User.id) == col(LiveSession.host_id))
            .where(LiveSession.status == status.value)
            .order_by(order)
        )
        if limit:
            query = query.limit(limit)
        return [
            ScheduleItem(
                id=live.id or 0,
                title=live.title,
                host_id=live.host_id,
                host_name=user.display_name,
                cover_image=live.cover_image,
                starts_at=iso(live.starts_at),
                status=live.status,
                product_count=int(counts.get(live.id or 0, 0)),
            )
            for live, user in session.exec(query).all()
        ]

    return {
        "live": items(SessionStatus.LIVE, col(LiveSession.went_live_at).desc()),
        "upcoming": items(SessionStatus.SCHEDULED, col(LiveSession.starts_at)),
        "ended": items(SessionStatus.ENDED, col(LiveSession.ended_at).desc(), ended_limit),
    }


def schedule(ctx: Context, *, ended_limit: int = ENDED_SHOWN) -> dict[str, list[ScheduleItem]]:
    """The /live lists everyone sees: live now, upcoming (soonest first), recent replays."""
    with ctx.session() as session:
        return _schedule(session, ended_limit)


def schedule_page(ctx: Context, viewer_id: int | None) -> SchedulePage:
    """/live for one viewer: the lists plus the hosts they follow and whether they may host."""
    with ctx.session() as session:
        lists = _schedule(session, ENDED_SHOWN)
        user = session.get(User, viewer_id) if viewer_id is not None else None
        return SchedulePage(
            live=lists["live"],
            upcoming=lists["upcoming"],
            ended=lists["ended"],
            followed_ids=followed_host_ids(session, user.id or 0) if user else [],
            is_host=bool(user and may_host(user.role)),
        )
