"""Reading communities: the list, one community's page for a viewer, and its live feed (the
members, the posts with their replies and photos, its upcoming sessions and open deals)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlmodel import Session, col, func, or_, select

from app.adapters.db.models import Category, Product
from app.adapters.db.models_chat import ChatMessage
from app.adapters.db.models_community import (
    Community,
    CommunityFeature,
    CommunityMember,
    CommunityPhoto,
    CommunityPost,
)
from app.adapters.db.models_deals import Deal
from app.adapters.db.models_live import LiveSession, LiveSessionProduct
from app.adapters.db.models_people import User
from app.domain import communities as rules
from app.domain.chat import parse_room_key
from app.domain.communities import CommunityRefused
from app.domain.people import avatar_colour, initials
from app.services.chat import reading as chat_reading
from app.services.chat.rooms import find_room
from app.services.chat.views import ChatMessageView, iso, message_rows, message_views
from app.services.communities.access import (
    community_by_slug,
    may_appoint,
    membership,
    moderates,
    room_key,
)
from app.services.communities.membership import founders
from app.services.communities.views import (
    Choice,
    CommunityCard,
    CommunityFeed,
    CommunityHeader,
    CommunityPage,
    Face,
    PostView,
)
from app.services.context import Context
from app.services.deals.views import cards_of
from app.services.live.views import ScheduleItem

SHOWN_ELSEWHERE = 4  # sessions and deals shown on the page


def list_communities(ctx: Context, viewer_id: int | None) -> list[CommunityCard]:
    """Every community, the biggest first, with whether the viewer is in it."""
    with ctx.session() as session:
        counts = dict(
            session.exec(
                select(CommunityMember.community_id, func.count()).group_by(
                    col(CommunityMember.community_id)
                )
            ).all()
        )
        mine = set()
        if viewer_id:
            mine = set(
                session.exec(
                    select(CommunityMember.community_id).where(CommunityMember.user_id == viewer_id)
                ).all()
            )
        rows = session.exec(
            select(Community, Category)
            .join(Category, col(Category.id) == col(Community.category_id), isouter=True)
            .order_by(col(Community.id))
        ).all()
        cards = [
            CommunityCard(
                id=c.id or 0,
                slug=c.slug,
                name=c.name,
                description=c.description,
                category=category.name if category else "",
                members=int(counts.get(c.id or 0, 0)),
                joined=(c.id or 0) in mine,
            )
            for c, category in rows
        ]
    return sorted(cards, key=lambda card: (-card.members, card.id))


def _faces(session: Session, community_id: int) -> list[Face]:
    founding = set(founders(session, community_id))
    rows = session.exec(
        select(CommunityMember, User)
        .join(User, col(User.id) == col(CommunityMember.user_id))
        .where(CommunityMember.community_id == community_id)
        .order_by(col(CommunityMember.joined_at).desc(), col(CommunityMember.user_id).desc())
        .limit(rules.FACES_SHOWN)
    ).all()
    return [
        Face(
            user_id=user.id or 0,
            name=user.display_name,
            initials=initials(user.display_name),
            avatar=user.avatar_url or "",
            colour=avatar_colour(user.id or 0),
            host=member.role == rules.HOST,
            founding=(user.id or 0) in founding,
        )
        for member, user in rows
    ]


def _posts(session: Session, community_id: int) -> list[PostView]:
    visible = (
        CommunityPost.community_id == community_id,
        col(ChatMessage.deleted_at).is_(None),
    )
    base = select(CommunityPost.message_id, CommunityPost.pinned_at).join(
        ChatMessage, col(ChatMessage.id) == col(CommunityPost.message_id)
    )
    pinned = session.exec(
        base.where(*visible, col(CommunityPost.pinned_at).is_not(None)).limit(rules.MAX_PINNED)
    ).all()
    newest = session.exec(
        base.where(*visible, col(CommunityPost.pinned_at).is_(None))
        .order_by(col(CommunityPost.message_id).desc())
        .limit(rules.FEED_SIZE)
    ).all()
    order = rules.feed_order([(int(i), at) for i, at in [*pinned, *newest]])
    if not order:
        return []
    pinned_ids = {int(i) for i, _ in pinned}
    key = parse_room_key(room_key(community_id))
    rows = message_rows(
        session, col(ChatMessage.id).in_(order), newest_first=False, limit=len(order)
    )
    posts = {m.id: m for m in message_views(session, key, rows)}
    reply_rows = message_rows(
        session,
        col(ChatMessage.reply_to_id).in_(order),
        newest_first=True,
        limit=rules.REPLIES_SHOWN * len(order),
    )
    replies: dict[int, list[ChatMessageView]] = defaultdict(list)
    for reply in message_views(session, key, list(reversed(reply_rows))):
        replies[reply.reply_to_id].append(reply)
    counts = dict(
        session.exec(
            select(ChatMessage.reply_to_id, func.count())
            .where(col(ChatMessage.reply_to_id).in_(order), col(ChatMessage.deleted_at).is_(None))
            .group_by(col(ChatMessage.reply_to_id))
        ).all()
    )
    photos: dict[int, list[str]] = defaultdict(list)
    for message_id, url in session.exec(
        select(CommunityPhoto.message_id, CommunityPhoto.url)
        .where(col(CommunityPhoto.message_id).in_(order))
        .order_by(col(CommunityPhoto.message_id), col(CommunityPhoto.position))
    ).all():
        photos[int(message_id)].append(url)
    founding = set(founders(session, community_id))
    return [
        PostView(
            message=posts[pid],
            photos=photos.get(pid, []),
            pinned=pid in pinned_ids,
            founding=posts[pid].author_id in founding,
            replies=replies.get(pid, [])[-rules.REPLIES_SHOWN :],
            reply_count=int(counts.get(pid, 0)),
        )
        for pid in order
        if pid in posts
    ]


def _featured(session: Session, community_id: int, kind: str) -> list[int]:
    return [
        int(i)
        for i in session.exec(
            select(CommunityFeature.ref_id).where(
                CommunityFeature.community_id == community_id, CommunityFeature.kind == kind
            )
        ).all()
    ]


def _sessions(session: Session, community: Community) -> list[ScheduleItem]:
    """Live now or upcoming sessions that show a product of its category, or attached."""
    picked = [col(LiveSession.id).in_(_featured(session, community.id or 0, "live"))]
    if community.category_id is not None:
        picked.append(
            col(LiveSession.id).in_(
                select(LiveSessionProduct.session_id)
                .join(Product, col(Product.id) == col(LiveSessionProduct.product_id))
                .where(Product.category_id == community.category_id)
            )
        )
    rows = session.exec(
        select(LiveSession, User)
        .join(User, col(User.id) == col(LiveSession.host_id))
        .where(col(LiveSession.status).in_(("scheduled", "live")), or_(*picked))
        .order_by(col(LiveSession.status).desc(), col(LiveSession.starts_at))
        .limit(SHOWN_ELSEWHERE)
    ).all()
    return [
        ScheduleItem(
            id=live.id or 0,
            title=live.title,
            host_id=live.host_id,
            host_name=user.display_name,
            cover_image=live.cover_image,
            starts_at=iso(live.starts_at),
            status=live.status,
            product_count=0,
        )
        for live, user in rows
    ]


def _deals(session: Session, community: Community, now: datetime) -> list[Deal]:
    picked = [col(Deal.id).in_(_featured(session, community.id or 0, "deal"))]
    if community.category_id is not None:
        picked.append(
            col(Deal.product_id).in_(
                select(Product.id).where(Product.category_id == community.category_id)
            )
        )
    return list(
        session.exec(
            select(Deal)
            .where(Deal.status == "open", col(Deal.deadline) > now, or_(*picked))
            .order_by(col(Deal.deadline), col(Deal.id))
            .limit(SHOWN_ELSEWHERE)
        ).all()
    )


def read_feed(session: Session, community: Community, now: datetime) -> CommunityFeed:
    community_id = community.id or 0
    members = session.exec(
        select(func.count())
        .select_from(CommunityMember)
        .where(CommunityMember.community_id == community_id)
    ).one()
    return CommunityFeed(
        community_id=community_id,
        members=int(members),
        faces=_faces(session, community_id),
        posts=_posts(session, community_id),
        sessions=_sessions(session, community),
        deals=cards_of(session, _deals(session, community, now), now),
    )


def feed(ctx: Context, community_id: int) -> CommunityFeed | None:
    """What every viewer of the community's page sees (None: it is gone)."""
    with ctx.session() as session:
        community = session.get(Community, community_id)
        return read_feed(session, community, ctx.now()) if community else None


def _attachable(session: Session, shown: CommunityFeed, now: datetime) -> list[Choice]:
    shown_deals = {d.id for d in shown.deals}
    shown_sessions = {s.id for s in shown.sessions}
    deals = session.exec(
        select(Deal.id, Product.title)
        .join(Product, col(Product.id) == col(Deal.product_id))
        .where(Deal.status == "open", col(Deal.deadline) > now)
        .order_by(col(Deal.deadline))
        .limit(20)
    ).all()
    sessions = session.exec(
        select(LiveSession.id, LiveSession.title)
        .where(col(LiveSession.status).in_(("scheduled", "live")))
        .order_by(col(LiveSession.starts_at))
        .limit(20)
    ).all()
    return [
        *(Choice("deal", i or 0, f"Deal: {t}") for i, t in deals if i not in shown_deals),
        *(Choice("live", i or 0, f"Live: {t}") for i, t in sessions if i not in shown_sessions),
    ]


def community_page(ctx: Context, viewer_id: int | None, slug: str) -> CommunityPage:
    """A community's page for this viewer (None: a guest); CommunityRefused if there is none."""
    now = ctx.now()
    with ctx.session() as session:
        community = community_by_slug(session, slug)
        if community is None:
            raise CommunityRefused("That community doesn't exist.")
        community_id = community.id or 0
        shown = read_feed(session, community, now)
        category = session.get(Category, community.category_id) if community.category_id else None
        creator = session.get(User, community.created_by)
        viewer = session.get(User, viewer_id) if viewer_id else None
        moderating = moderates(session, community_id, viewer_id)
        muted: list[tuple[int, str, str]] = []
        room = find_room(session, room_key(community_id))
        if moderating and room is not None:
            key = parse_room_key(room_key(community_id))
            muted = chat_reading.read_panel(session, key, room, now).muted
        return CommunityPage(
            header=CommunityHeader(
                id=community_id,
                slug=community.slug,
                name=community.name,
                description=community.description,
                category=category.name if category else "",
                category_slug=category.slug if category else "",
                created_by=creator.display_name if creator else "",
            ),
            feed=shown,
            member=membership(session, community_id, viewer_id) is not None,
            moderates=moderating,
            appoints=viewer is not None and may_appoint(community, viewer),
            creator_id=community.created_by,
            muted=muted,
            attachable=_attachable(session, shown, now) if moderating else [],
        )
