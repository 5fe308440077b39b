"""Live shopping: schedule a session, go live, pin products, launch flash deals, end it;
follow hosts; watch together with friends.

The session row is the truth: every change is a conditional UPDATE that bumps its version and
records a `live` DomainEvent (published after commit), so viewers on any process redraw from the
database and a viewer who reconnects catches up by loading the page again. Who may run a session
(`can_run`: its host, moderators, admins) is checked here on every call, whatever the page did.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, or_, select, update

from app.adapters.bus import EventBus
from app.adapters.db.models import Product, ProductImage
from app.adapters.db.models_deals import Deal, Participation
from app.adapters.db.models_live import (
    HostFollow,
    LiveSession,
    LiveSessionDeal,
    LiveSessionProduct,
    WatchParty,
    WatchPartyMember,
)
from app.adapters.db.models_people import User
from app.domain.chat import RoomKey
from app.domain.events import DomainEvent
from app.domain.group_buy import CloseOutcome, is_unlocked, price_for, status_at
from app.domain.live import (
    FlashDealRequest,
    LifecycleError,
    LiveAction,
    ReactionLimiter,
    SessionDraft,
    SessionStatus,
    allowed_from,
    can_run,
    clean_text,
    flash_deal_terms,
    next_status,
    ordered_products,
    stream_kind,
    validate_draft,
    validate_flash_deal,
)
from app.domain.money import format_minor
from app.domain.people import initials, may_host
from app.services import carts, chat, deals
from app.services.friends import are_friends
from app.services.unit_of_work import UnitOfWork, unit_of_work

SessionFactory = Callable[[], Session]
_NO_SYNC = {"synchronize_session": False}
PLACEHOLDER_IMAGE = "/placeholder.svg"


# --------------------------------------------------------------------------- errors


class LiveError(Exception):
    """A live-shopping action we refuse; `message` is fit to show, `code` is for programs."""

    def __init__(self, message: str, code: str) -> None:
        self.message = message
        self.code = code
        super().__init__(message)


class LiveValidationError(ValueError):
    """Form values to fix; `field_errors` maps a form field to its message."""

    def __init__(self, field_errors: Mapping[str, str]) -> None:
        self.field_errors = dict(field_errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.field_errors.items()))


NOT_FOUND = "We couldn't find that live session."
NOT_ALLOWED = "Only the host or a moderator can do that."


@dataclass(frozen=True)
class Actor:
    """Who is asking: enough to decide what they may do."""

    id: int
    role: str


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class LiveProductView:
    id: int
    slug: str
    title: str
    price: str
    image: str
    stock: int


@dataclass(frozen=True)
class LiveDealView:
    id: int
    product_id: int
    product_title: str
    status: str  # scheduled / open / unlocked / closing / succeeded / failed / cancelled
    joinable: bool
    participants: int
    min_to_unlock: int
    unlocked: bool
    current_price: str
    full_price: str
    regular_price: str
    deadline: str  # ISO 8601 UTC
    progress: int  # 0..100, towards unlocking


@dataclass(frozen=True)
class LiveSessionView:
    id: int
    title: str
    description: str
    host_id: int
    host_name: str
    host_initials: str
    cover_image: str
    stream_url: str
    stream_kind: str
    starts_at: str  # ISO 8601 UTC
    status: str
    pinned_product_id: int  # 0: nothing pinned
    version: int
    products: list[LiveProductView]
    deals: list[LiveDealView]


@dataclass(frozen=True)
class ScheduleItem:
    id: int
    title: str
    host_id: int
    host_name: str
    cover_image: str
    starts_at: str
    status: str
    product_count: int


@dataclass(frozen=True)
class ProductChoice:
    id: int
    title: str
    price: str


@dataclass(frozen=True)
class CoverChoice:
    url: str
    label: str


@dataclass(frozen=True)
class PartyMemberView:
    id: int
    name: str
    initials: str


@dataclass(frozen=True)
class PartyLineView:
    title: str
    quantity: int
    added_by: str


@dataclass(frozen=True)
class WatchPartyView:
    id: int
    session_id: int
    owner_id: int
    cart_id: int
    members: list[PartyMemberView]
    cart_lines: list[PartyLineView]
    cart_total: str


# --------------------------------------------------------------------------- helpers


def utcnow() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime | None) -> str:
    return _utc(moment).isoformat() if moment else ""


def live_event(session_id: int, version: int, kind: str, **payload: Any) -> DomainEvent:
    """News about one live session; watchers of channel live:<id> redraw from the database."""
    return DomainEvent("live", str(session_id), version, kind, dict(payload))


SCHEDULE_CHANNEL_ID = "schedule"


def schedule_event(kind: str, session_id: int) -> DomainEvent:
    """News for the /live schedule page (channel live:schedule)."""
    return DomainEvent("live", SCHEDULE_CHANNEL_ID, 0, kind, {"session_id": session_id})


def party_event(session_id: int, user_id: int, kind: str) -> DomainEvent:
    """News for one member of a watch party (channel liveparty:<session>:<user>)."""
    return DomainEvent("liveparty", f"{session_id}:{user_id}", 0, kind, {})


def _load(session: Session, session_id: int) -> LiveSession:
    found = session.get(LiveSession, session_id, populate_existing=True)
    if found is None:
        raise LiveError(NOT_FOUND, "not_found")
    return found


def _require_runner(live: LiveSession, actor: Actor) -> None:
    if not can_run(actor.id, actor.role, live.host_id):
        raise LiveError(NOT_ALLOWED, "forbidden")


def actor_of(session: Session, user_id: int) -> Actor:
    """The user's current role from the database (a role change applies at once)."""
    user = session.get(User, user_id)
    if user is None:
        raise LiveError("Please sign in again.", "unknown_user")
    return Actor(user_id, user.role)


def _session_products(session: Session, session_id: int) -> list[int]:
    rows = session.exec(
        select(LiveSessionProduct.product_id)
        .where(LiveSessionProduct.session_id == session_id)
        .order_by(col(LiveSessionProduct.position))
    ).all()
    return [int(r) for r in rows]


def _bump(session: Session, session_id: int, *conditions: Any, **values: Any) -> int | None:
    """Bump the version (and set `values`) when `conditions` hold; the new version or None."""
    row = session.exec(
        update(LiveSession)
        .where(col(LiveSession.id) == session_id, *conditions)
        .values(version=col(LiveSession.version) + 1, **values)
        .returning(col(LiveSession.version)),
        execution_options=_NO_SYNC,
    ).first()
    return None if row is None else int(row[0])


# --------------------------------------------------------------------------- scheduling


def cover_choices(session: Session) -> list[CoverChoice]:
    """Upload-free cover images: the first picture of every product in the shop."""
    rows = session.exec(
        select(ProductImage.url, Product.title)
        .join(Product, col(Product.id) == col(ProductImage.product_id))
        .where(ProductImage.position == 0)
        .order_by(col(Product.title))
    ).all()
    return [CoverChoice(url, title) for url, title in rows]


def product_choices(session: Session) -> list[ProductChoice]:
    """Every product a host can show, by title."""
    rows = session.exec(select(Product).order_by(col(Product.title))).all()
    return [
        ProductChoice(p.id or 0, p.title, format_minor(p.price_amount, p.currency)) for p in rows
    ]


def schedule_session(
    uow: UnitOfWork, host_id: int, draft: SessionDraft, now: datetime | None = None
) -> int:
    """A host schedules a session. Raises LiveError when the user may not host, and
    LiveValidationError with every field problem at once."""
    now = _utc(now or utcnow())
    session = uow.session
    actor = actor_of(session, host_id)
    if not may_host(actor.role):
        raise LiveError("Only hosts can schedule live sessions.", "not_a_host")
    wanted = ordered_products(draft.product_ids)
    found = session.exec(select(Product.id).where(col(Product.id).in_(wanted))).all()
    known = {int(pid) for pid in found if pid is not None}
    covers = {c.url for c in cover_choices(session)}
    errors = validate_draft(draft, now, covers=covers, known_products=known)
    if errors:
        raise LiveValidationError(errors)
    assert draft.starts_at is not None
    live = LiveSession(
        host_id=host_id,
        title=clean_text(draft.title),
        description=clean_text(draft.description),
        cover_image=draft.cover_image,
        stream_url=draft.stream_url.strip(),
        starts_at=_utc(draft.starts_at),
        status=SessionStatus.SCHEDULED.value,
        version=1,
    )
    session.add(live)
    session.flush()
    assert live.id is not None
    session.add_all(
        LiveSessionProduct(session_id=live.id, product_id=pid, position=i)
        for i, pid in enumerate(wanted)
    )
    uow.record(live_event(live.id, 1, "live.scheduled"))
    uow.record(schedule_event("live.scheduled", live.id))
    return live.id


# --------------------------------------------------------------------------- lifecycle


def _move(uow: UnitOfWork, session_id: int, user_id: int, action: LiveAction, now: datetime) -> int:
    session = uow.session
    live = _load(session, session_id)
    _require_runner(live, actor_of(session, user_id))
    target = next_status(live.status, action)  # a clear message when it cannot move
    values: dict[str, Any] = {"status": target.value}
    if target is SessionStatus.LIVE:
        values["went_live_at"] = now
    else:
        values["ended_at"] = now
        values["pinned_product_id"] = None
    version = _bump(
        session,
        session_id,
        col(LiveSession.status).in_([s.value for s in allowed_from(action)]),
        **values,
    )
    if version is None:  # another tab moved it first: explain from where it is now
        next_status(_load(session, session_id).status, action)
        raise LifecycleError("This session changed meanwhile. Reload to see it.")
    kind = "live.started" if target is SessionStatus.LIVE else "live.ended"
    uow.record(live_event(session_id, version, kind))
    uow.record(schedule_event(kind, session_id))
    return version


def go_live(uow: UnitOfWork, session_id: int, user_id: int, now: datetime | None = None) -> int:
    """Scheduled -> live. Only the host or a moderator. Returns the new version."""
    return _move(uow, session_id, user_id, LiveAction.GO_LIVE, _utc(now or utcnow()))


def end_session(uow: UnitOfWork, session_id: int, user_id: int, now: datetime | None = None) -> int:
    """Live (or scheduled: cancelled) -> ended, for good. The page stays as a replay."""
    return _move(uow, session_id, user_id, LiveAction.END, _utc(now or utcnow()))


def pin_product(uow: UnitOfWork, session_id: int, user_id: int, product_id: int | None) -> int:
    """Show one of the session's products to every viewer (None unpins). Live sessions only."""
    session = uow.session
    live = _load(session, session_id)
    _require_runner(live, actor_of(session, user_id))
    if product_id is not None and product_id not in _session_products(session, session_id):
        raise LiveError("That product isn't part of this session.", "unknown_product")
    version = _bump(
        session,
        session_id,
        col(LiveSession.status) == SessionStatus.LIVE.value,
        pinned_product_id=product_id,
    )
    if version is None:
        raise LiveError("Products can be pinned while the session is live.", "not_live")
    uow.record(live_event(session_id, version, "live.pinned", product_id=product_id))
    return version


def launch_flash_deal(
    session_id: int,
    user_id: int,
    request: FlashDealRequest,
    *,
    now: datetime | None = None,
    session_factory: SessionFactory | None = None,
    event_bus: EventBus | None = None,
) -> int:
    """Open a group-buy deal on a session product with a short deadline, from the stream.

    Checks the caller may run the session and that it is live, creates the deal through the deal
    service, then links it to the session (viewers see it with its countdown). Returns the deal
    id. LiveValidationError for bad console values."""
    now = _utc(now or utcnow())
    with unit_of_work(session_factory, event_bus) as uow:
        live = _load(uow.session, session_id)
        _require_runner(live, actor_of(uow.session, user_id))
        if live.status != SessionStatus.LIVE:
            raise LiveError("Flash deals can be launched while the session is live.", "not_live")
        errors = validate_flash_deal(request, _session_products(uow.session, session_id))
        if errors:
            raise LiveValidationError(errors)
        product = uow.session.get(Product, request.product_id)
        assert product is not None
        terms = flash_deal_terms(product.price_amount, product.currency, request, now)
    try:
        deal_id = deals.create_deal(
            product_id=request.product_id,
            created_by=user_id,
            terms=terms,
            now=now,
            session_factory=session_factory,
            event_bus=event_bus,
        )
    except deals.DealValidationError as error:
        raise LiveValidationError(error.field_errors) from error
    with unit_of_work(session_factory, event_bus) as uow:
        uow.session.add(
            LiveSessionDeal(deal_id=deal_id, session_id=session_id, launched_by=user_id)
        )
        version = _bump(uow.session, session_id)
        assert version is not None
        uow.record(live_event(session_id, version, "live.deal_launched", deal_id=deal_id))
    return deal_id


def session_of_deal(session: Session, deal_id: int) -> int | None:
    """The live session a deal was launched in, if any."""
    link = session.get(LiveSessionDeal, deal_id)
    return link.session_id if link else None


def joined_deal_ids(session: Session, deal_ids: list[int], user_id: int) -> list[int]:
    """Which of these deals the user is in (seat taken, card held or on its way)."""
    if not deal_ids:
        return []
    rows = session.exec(
        select(Participation.deal_id).where(
            col(Participation.deal_id).in_(deal_ids),
            Participation.user_id == user_id,
            col(Participation.status).in_(deals.ACTIVE),
        )
    ).all()
    return sorted(int(r) for r in rows)


def may_run(session: Session, session_id: int, user_id: int | None) -> bool:
    """Whether this user may run the session (for showing the host console)."""
    if user_id is None:
        return False
    live = session.get(LiveSession, session_id)
    user = session.get(User, user_id)
    return bool(live and user and can_run(user_id, user.role, live.host_id))


# --------------------------------------------------------------------------- following


def follow_host(uow: UnitOfWork, follower_id: int, host_id: int) -> bool:
    """Follow a host to see when they are live. True if newly followed; twice is harmless."""
    session = uow.session
    if follower_id == host_id:
        raise LiveError("You can't follow yourself.", "self_follow")
    host = session.get(User, host_id)
    if host is None or not may_host(host.role):
        raise LiveError("Only hosts can be followed.", "not_a_host")
    if session.get(HostFollow, (follower_id, host_id)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(HostFollow(follower_id=follower_id, host_id=host_id))
    except IntegrityError:  # followed at the same moment in another tab
        return False
    return True


def unfollow_host(uow: UnitOfWork, follower_id: int, host_id: int) -> bool:
    result = uow.session.exec(
        delete(HostFollow).where(
            col(HostFollow.follower_id) == follower_id, col(HostFollow.host_id) == host_id
        )
    )
    return bool(result.rowcount)


def followed_host_ids(session: Session, user_id: int) -> list[int]:
    rows = session.exec(select(HostFollow.host_id).where(HostFollow.follower_id == user_id))
    return sorted(int(r) for r in rows.all())


def follower_count(session: Session, host_id: int) -> int:
    return len(
        session.exec(select(HostFollow.follower_id).where(HostFollow.host_id == host_id)).all()
    )


# --------------------------------------------------------------------------- reading


def _first_images(session: Session, product_ids: list[int]) -> dict[int, str]:
    if not product_ids:
        return {}
    rows = session.exec(
        select(ProductImage.product_id, ProductImage.url)
        .where(col(ProductImage.product_id).in_(product_ids))
        .order_by(col(ProductImage.position))
    ).all()
    images: dict[int, str] = {}
    for pid, url in rows:
        images.setdefault(int(pid), url)
    return images


def _outcome(deal: Deal) -> CloseOutcome | None:
    if deal.status in (deals.SUCCEEDED, deals.FAILED, "cancelled") and deal.outcome:
        return CloseOutcome(deal.outcome)
    return None


def _deal_views(
    session: Session, session_id: int, titles: dict[int, Product], now: datetime
) -> list[LiveDealView]:
    rows = session.exec(
        select(Deal)
        .join(LiveSessionDeal, col(LiveSessionDeal.deal_id) == col(Deal.id))
        .where(LiveSessionDeal.session_id == session_id)
        .order_by(col(Deal.id).desc())
    ).all()
    views = []
    for deal in rows:
        deal = session.get(Deal, deal.id, populate_existing=True) or deal
        terms = deals.terms_of(deal)
        outcome = _outcome(deal)
        status = (
            deals.CLOSING
            if deal.status == deals.CLOSING
            else status_at(terms, deal.participants, now, outcome).value
        )
        product = titles.get(deal.product_id) or session.get(Product, deal.product_id)
        regular = product.price_amount if product else terms.tiers[0].unit_price
        views.append(
            LiveDealView(
                id=deal.id or 0,
                product_id=deal.product_id,
                product_title=product.title if product else "",
                status=status,
                joinable=status in ("open", "unlocked"),
                participants=deal.participants,
                min_to_unlock=deal.min_to_unlock,
                unlocked=is_unlocked(terms, deal.participants),
                current_price=format_minor(price_for(terms, deal.participants), deal.currency),
                full_price=format_minor(terms.tiers[-1].unit_price, deal.currency),
                regular_price=format_minor(regular, deal.currency),
                deadline=_iso(terms.deadline),
                progress=min(100, deal.participants * 100 // max(deal.min_to_unlock, 1)),
            )
        )
    return views


def load_session_view(
    session: Session, session_id: int, now: datetime | None = None
) -> LiveSessionView:
    """Everything a viewer's page shows about a session, from the database (LiveError if none)."""
    now = _utc(now or utcnow())
    live = _load(session, session_id)
    host = session.get(User, live.host_id)
    product_ids = _session_products(session, session_id)
    products = {
        p.id or 0: p
        for p in session.exec(select(Product).where(col(Product.id).in_(product_ids))).all()
    }
    images = _first_images(session, product_ids)
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
        starts_at=_iso(live.starts_at),
        status=live.status,
        pinned_product_id=live.pinned_product_id or 0,
        version=live.version,
        products=product_views,
        deals=_deal_views(session, session_id, products, now),
    )


def schedule(session: Session, *, ended_limit: int = 6) -> dict[str, list[ScheduleItem]]:
    """The /live page: sessions live now, upcoming ones (soonest first), recent replays."""
    counts: dict[int, int] = {}
    for sid in session.exec(select(LiveSessionProduct.session_id)).all():
        counts[int(sid)] = counts.get(int(sid), 0) + 1

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
                starts_at=_iso(live.starts_at),
                status=live.status,
                product_count=counts.get(live.id or 0, 0),
            )
            for live, user in session.exec(query).all()
        ]

    return {
        "live": items(SessionStatus.LIVE, col(LiveSession.went_live_at).desc()),
        "upcoming": items(SessionStatus.SCHEDULED, col(LiveSession.starts_at)),
        "ended": items(SessionStatus.ENDED, col(LiveSession.ended_at).desc(), ended_limit),
    }


# --------------------------------------------------------------------------- watch together


def _party_member(session: Session, party_id: int, user_id: int) -> bool:
    return session.get(WatchPartyMember, (party_id, user_id)) is not None


def _party_members(session: Session, party_id: int) -> list[int]:
    rows = session.exec(
        select(WatchPartyMember.user_id).where(WatchPartyMember.party_id == party_id)
    ).all()
    return [int(r) for r in rows]


def start_watch_party(uow: UnitOfWork, session_id: int, owner_id: int) -> int:
    """Open (or reopen) this shopper's watch party for a session: a private side chat and a
    shared cart for the friends they invite. One party per shopper per session."""
    session = uow.session
    live = _load(session, session_id)
    if live.status == SessionStatus.ENDED:
        raise LiveError("This session has ended.", "ended")
    existing = session.exec(
        select(WatchParty).where(
            WatchParty.session_id == session_id, WatchParty.owner_id == owner_id
        )
    ).first()
    if existing is not None and existing.id is not None:
        return existing.id
    cart_id = carts.create_shared_cart(uow, owner_id, f"Watching: {live.title}"[:60])
    party = WatchParty(session_id=session_id, owner_id=owner_id, cart_id=cart_id)
    try:
        with session.begin_nested():
            session.add(party)
            session.flush()
    except IntegrityError:  # opened at the same moment in another tab
        raise LiveError("Your watch party is already open. Reload the page.", "exists") from None
    assert party.id is not None
    session.add(WatchPartyMember(party_id=party.id, user_id=owner_id))
    uow.record(party_event(session_id, owner_id, "party.opened"))
    return party.id


def invite_to_party(uow: UnitOfWork, party_id: int, inviter_id: int, friend_id: int) -> None:
    """A member brings a friend into the party (its chat and its shared cart). Friends only."""
    session = uow.session
    party = session.get(WatchParty, party_id)
    if party is None or not _party_member(session, party_id, inviter_id):
        raise LiveError("You're not in that watch party.", "not_a_member")
    if not are_friends(session, inviter_id, friend_id):
        raise LiveError("You can only invite friends.", "not_friends")
    if _party_member(session, party_id, friend_id):
        return
    try:
        with session.begin_nested():
            session.add(
                WatchPartyMember(party_id=party_id, user_id=friend_id, invited_by=inviter_id)
            )
    except IntegrityError:
        return
    if party.cart_id is not None:
        # Already in the cart, or left it: the party still works.
        with contextlib.suppress(carts.CartError):
            carts.invite_friend(uow, party.cart_id, inviter_id, friend_id)
    for member in _party_members(session, party_id):
        uow.record(party_event(party.session_id, member, "party.member_added"))


def party_channel_members(session: Session, party_id: int) -> list[int]:
    return _party_members(session, party_id)


def party_room_key(party_id: int) -> str:
    """The chat room of a watch party: visible only to its members."""
    return f"watch:{party_id}"


def can_see_party(session: Session, party_id: int, user_id: int | None) -> bool:
    return user_id is not None and _party_member(session, party_id, user_id)


def add_to_party_cart(uow: UnitOfWork, party_id: int, user_id: int, product_id: int) -> None:
    """Put one of a product in the party's shared cart and tell every member."""
    session = uow.session
    party = session.get(WatchParty, party_id)
    if party is None or party.cart_id is None or not _party_member(session, party_id, user_id):
        raise LiveError("You're not in that watch party.", "not_a_member")
    try:
        carts.add_item(uow, party.cart_id, user_id, product_id, 1)
    except carts.CartError as error:
        raise LiveError(error.message, str(error.code)) from error
    for member in _party_members(session, party_id):
        uow.record(party_event(party.session_id, member, "party.cart_changed"))


def load_party(session: Session, session_id: int, user_id: int) -> WatchPartyView | None:
    """The watch party this user belongs to for a session (their own first), or None."""
    rows = session.exec(
        select(WatchParty)
        .join(WatchPartyMember, col(WatchPartyMember.party_id) == col(WatchParty.id))
        .where(WatchParty.session_id == session_id, WatchPartyMember.user_id == user_id)
        .order_by(col(WatchParty.owner_id) != user_id, col(WatchParty.id))
    ).all()
    if not rows:
        return None
    party = rows[0]
    assert party.id is not None
    member_ids = _party_members(session, party.id)
    users = session.exec(select(User).where(col(User.id).in_(member_ids))).all()
    members = sorted(
        (PartyMemberView(u.id or 0, u.display_name, initials(u.display_name)) for u in users),
        key=lambda m: (m.id != party.owner_id, m.name.lower()),
    )
    lines: list[PartyLineView] = []
    total = ""
    if party.cart_id is not None:
        try:
            cart = carts.load_cart(session, party.cart_id, user_id)
            lines = [PartyLineView(ln.title, ln.quantity, ln.added_by) for ln in cart.lines]
            total = cart.total
        except (carts.CartError, carts.CartNotFound, carts.CartAccessDenied):
            lines = []
    return WatchPartyView(
        id=party.id,
        session_id=session_id,
        owner_id=party.owner_id,
        cart_id=party.cart_id or 0,
        members=members,
        cart_lines=lines,
        cart_total=total,
    )


def friends_to_invite(session: Session, party_id: int, user_id: int) -> list[PartyMemberView]:
    """The user's friends who are not in the party yet."""
    from app.services.friends import list_friends

    inside = set(_party_members(session, party_id))
    return [
        PartyMemberView(f.id, f.name, f.initials)
        for f in list_friends(session, user_id)
        if f.id not in inside
    ]


def live_sessions_of_hosts(session: Session, host_ids: list[int]) -> list[int]:
    """Ids of sessions live now by any of these hosts."""
    if not host_ids:
        return []
    rows = session.exec(
        select(LiveSession.id).where(
            col(LiveSession.host_id).in_(host_ids),
            or_(col(LiveSession.status) == SessionStatus.LIVE.value),
        )
    ).all()
    return [int(r) for r in rows if r is not None]


# --------------------------------------------------------------------------- reactions


class ReactionTally:
    """Hearts sent on this process since the last flush, per session (not stored: a heart is
    a moment, not a fact). Flushed a few times a second into one event per session, so a
    thousand taps cost a handful of messages."""

    def __init__(self, limiter: ReactionLimiter | None = None) -> None:
        self.limiter = limiter or ReactionLimiter()
        self._pending: dict[int, int] = {}

    def add(self, session_id: int, sender: object) -> bool:
        """Count one heart unless the sender is over the rate limit."""
        if not self.limiter.allow((session_id, sender)):
            return False
        self._pending[session_id] = self._pending.get(session_id, 0) + 1
        return True

    def drain(self) -> list[DomainEvent]:
        pending, self._pending = self._pending, {}
        return [live_event(sid, 0, "live.reactions", count=n) for sid, n in pending.items()]

    @property
    def pending(self) -> bool:
        return bool(self._pending)


# --------------------------------------------------------------------------- chat rooms


def _ident(key: RoomKey) -> int | None:
    return int(key.ident) if key.ident.isdigit() else None


def _live_chat_readable(session: Session, key: RoomKey, _user_id: int | None) -> bool:
    """A session's chat is public, live and as a replay."""
    session_id = _ident(key)
    return session_id is not None and session.get(LiveSession, session_id) is not None


def _live_chat_owner(session: Session, key: RoomKey) -> int | None:
    session_id = _ident(key)
    live = session.get(LiveSession, session_id) if session_id is not None else None
    return live.host_id if live else None  # the host moderates their session's chat


def _party_chat_readable(session: Session, key: RoomKey, user_id: int | None) -> bool:
    """A watch party's chat: its members only."""
    party_id = _ident(key)
    return party_id is not None and can_see_party(session, party_id, user_id)


def _party_chat_owner(session: Session, key: RoomKey) -> int | None:
    party_id = _ident(key)
    party = session.get(WatchParty, party_id) if party_id is not None else None
    return party.owner_id if party else None


chat.register_room_kind(
    "live", chat.RoomPolicy(can_read=_live_chat_readable, owner_of=_live_chat_owner)
)
chat.register_room_kind(
    "watch", chat.RoomPolicy(can_read=_party_chat_readable, owner_of=_party_chat_owner)
)
