"""Friends' activity: the live sessions friends are watching now, then what they reviewed,
bought, joined and answered, newest first.

Each kind comes only from friends who share it (app/domain/sharing.py: reviews by default, the
rest when turned on) and only from people who are friends at the moment of the read, so a
private activity never shows, not even as a count, and removing a friend stops it at once.
Who is watching what is not stored: it is the presence of the live sessions' rooms, which the
caller passes in (`watching`) and which is shared by every backend process.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, and_, col, or_, select

from app.adapters.db.models import Product
from app.adapters.db.models_deals import Deal, DealOrder, Participation
from app.adapters.db.models_live import LiveSession
from app.adapters.db.models_orders import OrderLine, ShopOrder
from app.adapters.db.models_people import Friendship, User
from app.adapters.db.models_social import Answer, Question, Review
from app.domain.clock import as_utc
from app.domain.events import DomainEvent, EventKind
from app.domain.live import SessionStatus
from app.domain.sharing import watching_now
from app.routes import live_url, product_url
from app.services.circle import friend_ids
from app.services.context import Context
from app.services.preferences import sharing
from app.services.unit_of_work import UnitOfWork

PER_KIND = 30
SHOWN = 40
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ActivityItem:
    kind: str  # watching / review / purchase / deal_join / answer
    friend_id: int
    friend_name: str
    text: str
    link: str
    when: str  # "2026-12-05 16:30 UTC"
    at: str  # ISO 8601, for ordering on the client


def _rows(session: Session, friends: set[int], key: str) -> list[int]:
    return sorted(sharing(session, friends, key))


def _reviews(session: Session, who: list[int]) -> list[tuple[int, int, str, datetime]]:
    rows = session.execute(
        sa_select(
            col(Review.author_id),
            col(Review.product_id),
            col(Review.stars),
            col(Review.title),
            col(Review.updated_at),
        )
        .where(col(Review.author_id).in_(who))
        .order_by(col(Review.updated_at).desc())
        .limit(PER_KIND)
    ).all()
    return [(u, p, f"reviewed {{product}}: {s} of 5 stars, “{t}”", at) for u, p, s, t, at in rows]


def _purchases(session: Session, who: list[int]) -> list[tuple[int, int, str, datetime]]:
    paid = session.execute(
        sa_select(col(OrderLine.added_by), col(OrderLine.product_id), col(ShopOrder.closed_at))
        .join(ShopOrder, col(ShopOrder.id) == col(OrderLine.order_id))
        .where(col(ShopOrder.status) == "complete", col(OrderLine.added_by).in_(who))
        .order_by(col(ShopOrder.closed_at).desc())
        .limit(PER_KIND)
    ).all()
    deals = session.execute(
        sa_select(col(DealOrder.user_id), col(DealOrder.product_id), col(DealOrder.created_at))
        .where(col(DealOrder.user_id).in_(who))
        .order_by(col(DealOrder.created_at).desc())
        .limit(PER_KIND)
    ).all()
    return [(u, p, "bought {product}", at or EPOCH) for u, p, at in [*paid, *deals]]


def _joins(session: Session, who: list[int]) -> list[tuple[int, int, str, datetime]]:
    rows = session.execute(
        sa_select(col(Participation.user_id), col(Deal.product_id), col(Participation.created_at))
        .join(Deal, col(Deal.id) == col(Participation.deal_id))
        .where(
            col(Participation.user_id).in_(who),
            col(Participation.status).in_(("held", "captured", "needs_action")),
        )
        .order_by(col(Participation.created_at).desc())
        .limit(PER_KIND)
    ).all()
    return [(u, p, "joined a group deal on {product}", at) for u, p, at in rows]


def _answers(session: Session, who: list[int]) -> list[tuple[int, int, str, datetime]]:
    rows = session.execute(
        sa_select(col(Answer.author_id), col(Question.product_id), col(Answer.created_at))
        .join(Question, col(Question.id) == col(Answer.question_id))
        .where(col(Answer.author_id).in_(who))
        .order_by(col(Answer.created_at).desc())
        .limit(PER_KIND)
    ).all()
    return [(u, p, "answered a question about {product}", at) for u, p, at in rows]


KINDS = (
    ("review", "share.reviews", _reviews),
    ("purchase", "share.purchases", _purchases),
    ("deal_join", "share.deal_joins", _joins),
    ("answer", "share.answers", _answers),
)


WATCHING = "share.watching"
Watching = Mapping[int, Iterable[int]]  # user id -> ids of the live sessions they have open


def _watching(
    session: Session, friends: set[int], watching: Watching, now: datetime
) -> list[ActivityItem]:
    """Friends who share it, on sessions live now: "Bob is watching Kettle night"."""
    present = {u: list(s) for u, s in watching.items() if u in friends}
    sharers = sharing(session, present, WATCHING) if present else set()
    if not sharers:
        return []
    wanted = {s for u in sharers for s in present[u]}
    live = {
        row.id or 0: row
        for row in session.exec(
            select(LiveSession).where(
                col(LiveSession.id).in_(wanted), LiveSession.status == SessionStatus.LIVE.value
            )
        )
    }
    pairs = watching_now(present, sharers, {i: row.host_id for i, row in live.items()})
    people = {u for u, _ in pairs}
    names = dict(
        session.exec(select(User.id, User.display_name).where(col(User.id).in_(people))).all()
    )
    return [
        ActivityItem(
            kind="watching",
            friend_id=user_id,
            friend_name=names.get(user_id, "A friend"),
            text=f"is watching {live[session_id].title}",
            link=str(live_url(session_id)),
            when="Live now",
            at=now.isoformat(),
        )
        for user_id, session_id in pairs
    ]


def feeds_to_redraw(ctx: Context, moved: Collection[int], readers: Collection[int]) -> set[int]:
    """Which of `readers` (people with their feed open) see a change when the people in `moved`
    start or stop watching a live session: those with a friend among them who shares it."""
    readers = set(readers)
    with ctx.session() as session:
        sharers = sharing(session, moved, WATCHING)
        if not sharers or not readers:
            return set()
        low, high = col(Friendship.user_low), col(Friendship.user_high)
        pairs = session.exec(
            select(Friendship).where(
                or_(
                    and_(low.in_(readers), high.in_(sharers)),
                    and_(high.in_(readers), low.in_(sharers)),
                )
            )
        ).all()
    touched = {p.user_low for p in pairs if p.user_low in readers and p.user_high in sharers}
    return touched | {
        p.user_high for p in pairs if p.user_high in readers and p.user_low in sharers
    }


def tell_friends(uow: UnitOfWork, actor_id: int, key: str) -> None:
    """Inside the actor's transaction: if they share `key`, news for each friend's open
    activity page (room "activity:<friend id>"), which re-reads its feed once."""
    session = uow.session
    if actor_id not in sharing(session, [actor_id], key):
        return
    for friend_id in sorted(friend_ids(session, actor_id)):
        uow.record(DomainEvent("activity", str(friend_id), 0, EventKind.ACTIVITY_CHANGED))


def friends_activity(
    ctx: Context, viewer_id: int, watching: Watching | None = None
) -> list[ActivityItem]:
    """The viewer's friends' shared activity: live sessions they are watching now (from
    `watching`, who has which session open), then the rest, newest first."""
    with ctx.session() as session:
        friends = friend_ids(session, viewer_id)
        if not friends:
            return []
        now_watching = _watching(session, friends, watching or {}, as_utc(ctx.now()))
        found: list[tuple[str, int, int, str, datetime]] = []
        for kind, key, read in KINDS:
            who = _rows(session, friends, key)
            if who:
                found += [(kind, u, p, text, as_utc(at)) for u, p, text, at in read(session, who)]
        found.sort(key=lambda item: item[4], reverse=True)
        found = found[:SHOWN]
        people = {u for _, u, _, _, _ in found}
        products = {p for _, _, p, _, _ in found}
        names = dict(
            session.exec(select(User.id, User.display_name).where(col(User.id).in_(people))).all()
        )
        titles = {
            p.id: p for p in session.exec(select(Product).where(col(Product.id).in_(products)))
        }
        items = now_watching
        for kind, user_id, product_id, text, at in found:
            product = titles.get(product_id)
            if product is None:
                continue
            items.append(
                ActivityItem(
                    kind=kind,
                    friend_id=user_id,
                    friend_name=names.get(user_id, "A friend"),
                    text=text.format(product=product.title),
                    link=str(product_url(product.slug)),
                    when=at.strftime("%Y-%m-%d %H:%M UTC"),
                    at=at.isoformat(),
                )
            )
        return items
