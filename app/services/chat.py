"""Chat rooms: posting, replies, reports and moderation, and the views every viewer shares.

Rooms are keyed by channel-like keys ("product:12", "live:7", "watch:7:3"). Who may read a room
of each kind, who owns it (moderates it besides site moderators) and which product makes
someone a "buyer" there comes from a `RoomPolicy` registered per kind, so live sessions and
private side chats reuse this module unchanged. Unknown kinds are closed to everyone.

Every change runs in a unit of work, bumps the room's version with one UPDATE and records a
`chat` event on the room's channel ("chat:<room key>") after commit. The database is the truth:
the pushed window is always re-read from it, so a viewer who missed an event catches up on the
next push or on reconnect.

Limits hold across backend processes because they live in the database: the send throttle is a
row per key moved by compare-and-set, a mute is a row per (room, user).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, delete, func, select, update

from app.adapters.db.models import Product
from app.adapters.db.models_chat import (
    ChatFilterWord,
    ChatMessage,
    ChatMute,
    ChatReport,
    ChatRoom,
    ChatThrottle,
)
from app.adapters.db.models_deals import DealOrder
from app.adapters.db.models_people import User
from app.domain import chat as rules
from app.domain.chat import ChatRefused, Refusal, RoomKey, Segment
from app.domain.events import DomainEvent
from app.domain.people import avatar_colour, initials
from app.services.unit_of_work import UnitOfWork

# Event kinds that change what every viewer sees (the others only concern moderators).
WINDOW_KINDS = frozenset({"message_posted", "message_deleted", "settings_changed"})
REMOVED_TAIL = 100  # ids of recently deleted messages sent with the window
MAX_OLDER = 300  # messages a viewer can hold above the live window
THROTTLE_ATTEMPTS = 8


# ---------------------------------------------------------------------------------- room kinds
@dataclass(frozen=True)
class RoomPolicy:
    """How rooms of one kind behave. `can_read(session, key, user_id)` (user_id None for a
    guest) gates reading and posting; `owner_of` names the room's own moderator;
    `buyer_product` names the product whose buyers get the "buyer" badge."""

    can_read: Callable[[Session, RoomKey, int | None], bool]
    owner_of: Callable[[Session, RoomKey], int | None] = lambda _s, _k: None
    buyer_product: Callable[[Session, RoomKey], int | None] = lambda _s, _k: None


_policies: dict[str, RoomPolicy] = {}


def register_room_kind(kind: str, policy: RoomPolicy) -> None:
    """Open rooms of `kind` ("live", "watch"...) with the given rules. Call at import time."""
    if kind not in rules.ROOM_KINDS:
        raise ValueError(f"unknown room kind {kind!r}; add it to app.domain.chat.ROOM_KINDS")
    _policies[kind] = policy


def _product_id(key: RoomKey) -> int | None:
    return int(key.ident) if key.ident.isdigit() else None


def _product_room_readable(session: Session, key: RoomKey, _user_id: int | None) -> bool:
    product_id = _product_id(key)
    return product_id is not None and session.get(Product, product_id) is not None


register_room_kind(
    "product",
    RoomPolicy(
        can_read=_product_room_readable,
        buyer_product=lambda _s, key: _product_id(key),
    ),
)


def buyers_of(session: Session, product_id: int, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` bought the product. Today: an order from a captured group-buy
    participation. Extend here when plain checkout orders exist (a paid order counts)."""
    ids = sorted(set(user_ids))
    if not ids:
        return set()
    rows = session.exec(
        select(DealOrder.user_id)
        .where(DealOrder.product_id == product_id, col(DealOrder.user_id).in_(ids))
        .distinct()
    ).all()
    return {int(user_id) for user_id in rows}


# ---------------------------------------------------------------------------------------- views
@dataclass(frozen=True)
class ChatMessageView:
    id: int
    author_id: int
    author_name: str
    author_initials: str
    author_avatar: str
    author_colour: str
    sent_at: str  # ISO 8601, UTC
    buyer: bool
    parts: list[Segment]
    reply_to_id: int = 0
    reply_author: str = ""
    reply_excerpt: str = ""


@dataclass(frozen=True)
class ChatWindow:
    """What every viewer of a room sees live: the newest messages, oldest first."""

    room_key: str
    version: int
    messages: list[ChatMessageView]
    has_older: bool
    slow_mode_seconds: int
    removed_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ReportView:
    message: ChatMessageView
    reports: int
    reasons: list[str]


@dataclass(frozen=True)
class ModerationView:
    slow_mode_seconds: int
    filter_words: list[str]
    reports: list[ReportView]
    muted: list[tuple[int, str, str]]  # (user id, name, until ISO)


@dataclass(frozen=True)
class Viewing:
    """What one person may do in a room."""

    can_read: bool
    can_post: bool
    can_moderate: bool


# -------------------------------------------------------------------------------------- helpers
def _now() -> datetime:
    return datetime.now(UTC)


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return _as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def _policy(key: RoomKey) -> RoomPolicy | None:
    return _policies.get(key.kind)


def _insert_ignoring_conflicts(session: Session, model: Any, values: Mapping[str, Any]) -> bool:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = session.exec(insert(model).values(**values).on_conflict_do_nothing())
    return bool(result.rowcount)


def _find_room(session: Session, room_key: str) -> ChatRoom | None:
    return session.exec(select(ChatRoom).where(ChatRoom.key == room_key)).first()


def _room(session: Session, key: RoomKey) -> ChatRoom:
    """The room row, created on first use (concurrent creators end with the same row)."""
    room = _find_room(session, key.key)
    if room is not None:
        return room
    policy = _policy(key)
    owner = policy.owner_of(session, key) if policy else None
    _insert_ignoring_conflicts(
        session,
        ChatRoom,
        {"key": key.key, "owner_id": owner, "slow_mode_seconds": 0, "version": 0,
         "created_at": _now()},
    )  # fmt: skip
    room = _find_room(session, key.key)
    assert room is not None
    return room


def _user(session: Session, user_id: int | None) -> User | None:
    return session.get(User, user_id) if user_id else None


def _readable(session: Session, key: RoomKey, user_id: int | None) -> bool:
    policy = _policy(key)
    return policy is not None and policy.can_read(session, key, user_id)


def _owner(session: Session, key: RoomKey, room: ChatRoom | None) -> int | None:
    if room is not None and room.owner_id is not None:
        return room.owner_id
    policy = _policy(key)
    return policy.owner_of(session, key) if policy else None


def _moderates(session: Session, key: RoomKey, user: User | None, room: ChatRoom | None) -> bool:
    return user is not None and rules.can_moderate(
        user.role, user.id or 0, _owner(session, key, room)
    )


def _require_reader(session: Session, key: RoomKey, user_id: int | None) -> User:
    user = _user(session, user_id)
    if user is None:
        raise ChatRefused(Refusal.SIGN_IN, "Sign in to chat.")
    if not _readable(session, key, user.id):
        raise ChatRefused(Refusal.FORBIDDEN, "You can't write in this chat.")
    return user


def _require_moderator(session: Session, key: RoomKey, actor_id: int | None) -> ChatRoom:
    user = _require_reader(session, key, actor_id)
    room = _room(session, key)
    if not _moderates(session, key, user, room):
        raise ChatRefused(Refusal.FORBIDDEN, "Only the host or a moderator can do that.")
    return room


def _bump(session: Session, room_id: int) -> int:
    row = session.exec(
        update(ChatRoom)
        .where(col(ChatRoom.id) == room_id)
        .values(version=col(ChatRoom.version) + 1)
        .returning(col(ChatRoom.version))
        .execution_options(synchronize_session=False)
    ).first()
    assert row is not None
    return int(row[0])


def _record(uow: UnitOfWork, room: ChatRoom, kind: str, **payload: Any) -> None:
    version = _bump(uow.session, room.id or 0)
    uow.record(DomainEvent("chat", room.key, version, kind, payload))


def _take(session: Session, key: str, limit: int, period: float, now: float) -> float:
    """Spend one send from the sliding window of `key`; 0.0 if allowed, else the wait in
    seconds. Compare-and-set on the stored window, so concurrent senders on any process can
    never both take the last slot."""
    for _ in range(THROTTLE_ATTEMPTS):
        stored = session.exec(select(ChatThrottle.stamps).where(ChatThrottle.key == key)).first()
        decision = rules.throttle(rules.parse_stamps(stored or ""), now, limit, period)
        if not decision.allowed:
            return decision.retry_after
        new = rules.format_stamps(decision.stamps)
        if stored is None:
            if _insert_ignoring_conflicts(session, ChatThrottle, {"key": key, "stamps": new}):
                return 0.0
            continue
        result = session.exec(
            update(ChatThrottle)
            .where(col(ChatThrottle.key) == key, col(ChatThrottle.stamps) == stored)
            .values(stamps=new)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            return 0.0
    return 1.0  # heavy contention on one sender's window: ask them to retry shortly


def _mute_remaining(session: Session, room_id: int, user_id: int, now: datetime) -> float:
    mute = session.get(ChatMute, (room_id, user_id), populate_existing=True)
    if mute is None or _as_utc(mute.until) <= now:
        return 0.0
    return (_as_utc(mute.until) - now).total_seconds()


def _filter_words(session: Session, room_id: int) -> list[str]:
    return list(
        session.exec(
            select(ChatFilterWord.word)
            .where(ChatFilterWord.room_id == room_id)
            .order_by(col(ChatFilterWord.word))
        ).all()
    )


# ---------------------------------------------------------------------------------------- reads
def viewing(session: Session, room_key: str, user_id: int | None) -> Viewing:
    """What this person (None: a guest) may do in the room."""
    key = rules.parse_room_key(room_key)
    if not _readable(session, key, user_id):
        return Viewing(False, False, False)
    user = _user(session, user_id)
    room = _find_room(session, key.key)
    return Viewing(True, user is not None, _moderates(session, key, user, room))


_Parent = aliased(ChatMessage)
_Author = aliased(User)
_ParentAuthor = aliased(User)


def _message_rows(session: Session, *conditions: Any, newest_first: bool, limit: int) -> list[Any]:
    """Visible messages with their author and quoted parent, in one query."""
    order = col(ChatMessage.id).desc() if newest_first else col(ChatMessage.id).asc()
    query = (
        sa_select(
            col(ChatMessage.id),
            col(ChatMessage.user_id),
            col(ChatMessage.body),
            col(ChatMessage.reply_to_id),
            col(ChatMessage.created_at),
            col(_Author.display_name),
            col(_Author.avatar_url),
            col(_Parent.body),
            col(_Parent.deleted_at),
            col(_ParentAuthor.display_name),
        )
        .join(_Author, col(_Author.id) == ChatMessage.user_id)
        .outerjoin(_Parent, col(_Parent.id) == ChatMessage.reply_to_id)
        .outerjoin(_ParentAuthor, col(_ParentAuthor.id) == _Parent.user_id)
        .where(col(ChatMessage.deleted_at).is_(None), *conditions)
        .order_by(order)
        .limit(limit)
    )
    return list(session.exec(query).all())  # type: ignore[call-overload]


def _views(session: Session, key: RoomKey, rows: list[Any]) -> list[ChatMessageView]:
    """Message views (oldest first as given) with buyer badges: one more query at most."""
    if not rows:
        return []
    policy = _policy(key)
    product_id = policy.buyer_product(session, key) if policy else None
    buyers = buyers_of(session, product_id, {r[1] for r in rows}) if product_id else set()
    out = []
    for mid, uid, body, reply_to, created, name, avatar, p_body, p_deleted, p_name in rows:
        reply_author = reply_excerpt = ""
        if reply_to:
            reply_author = p_name or "Someone"
            reply_excerpt = "Message deleted" if p_deleted is not None else rules.excerpt(p_body)
        out.append(
            ChatMessageView(
                id=mid,
                author_id=uid,
                author_name=name,
                author_initials=initials(name),
                author_avatar=avatar or "",
                author_colour=avatar_colour(uid),
                sent_at=_iso(created),
                buyer=uid in buyers,
                parts=rules.segments(body),
                reply_to_id=reply_to or 0,
                reply_author=reply_author,
                reply_excerpt=reply_excerpt,
            )
        )
    return out


def window(session: Session, room_key: str, size: int = rules.WINDOW_SIZE) -> ChatWindow:
    """The newest `size` visible messages of a room (oldest first) and its live settings."""
    key = rules.parse_room_key(room_key)
    room = _find_room(session, key.key)
    if room is None:
        return ChatWindow(key.key, 0, [], False, 0, [])
    rows = _message_rows(session, ChatMessage.room_id == room.id, newest_first=True, limit=size + 1)
    has_older = len(rows) > size
    rows = list(reversed(rows[:size]))
    removed = session.exec(
        select(ChatMessage.id)
        .where(ChatMessage.room_id == room.id, col(ChatMessage.deleted_at).is_not(None))
        .order_by(col(ChatMessage.deleted_at).desc())
        .limit(REMOVED_TAIL)
    ).all()
    return ChatWindow(
        room_key=key.key,
        version=room.version,
        messages=_views(session, key, rows),
        has_older=has_older,
        slow_mode_seconds=room.slow_mode_seconds,
        removed_ids=sorted(int(i) for i in removed if i is not None),
    )


def older_messages(
    session: Session,
    room_key: str,
    user_id: int | None,
    before_id: int,
    until_id: int | None = None,
    page: int = rules.PAGE_SIZE,
) -> tuple[list[ChatMessageView], bool]:
    """Visible messages from one page before `before_id` up to (not including) `until_id`
    (the oldest message of the live window), oldest first, and whether there are more.

    Reaching up to the window keeps what a viewer scrolled back through contiguous with it."""
    key = rules.parse_room_key(room_key)
    if not _readable(session, key, user_id):
        raise ChatRefused(Refusal.FORBIDDEN, "You can't read this chat.")
    room = _find_room(session, key.key)
    if room is None or before_id <= 1:
        return [], False
    visible = (ChatMessage.room_id == room.id, col(ChatMessage.deleted_at).is_(None))
    start_rows = session.exec(
        select(ChatMessage.id)
        .where(*visible, col(ChatMessage.id) < before_id)
        .order_by(col(ChatMessage.id).desc())
        .limit(page + 1)
    ).all()
    if not start_rows:
        return [], False
    has_more = len(start_rows) > page
    start = int(start_rows[:page][-1] or 0)
    upper = until_id if until_id and until_id > before_id else before_id
    rows = _message_rows(
        session,
        ChatMessage.room_id == room.id,
        col(ChatMessage.id) >= start,
        col(ChatMessage.id) < upper,
        newest_first=True,
        limit=MAX_OLDER,
    )
    return _views(session, key, list(reversed(rows))), has_more


def message_brief(
    session: Session, room_key: str, user_id: int | None, message_id: int
) -> tuple[str, str]:
    """(author name, excerpt) of a visible message, for the reply box."""
    key = rules.parse_room_key(room_key)
    if not _readable(session, key, user_id):
        raise ChatRefused(Refusal.FORBIDDEN, "You can't read this chat.")
    message = _visible_message(session, key, message_id)
    author = _user(session, message.user_id)
    return (author.display_name if author else "Someone"), rules.excerpt(message.body)


def _visible_message(session: Session, key: RoomKey, message_id: int) -> ChatMessage:
    room = _find_room(session, key.key)
    message = session.get(ChatMessage, message_id) if room is not None else None
    if message is None or room is None or message.room_id != room.id or message.deleted_at:
        raise ChatRefused(Refusal.NOT_FOUND, "That message was deleted.")
    return message


def moderation(session: Session, room_key: str, actor_id: int | None) -> ModerationView:
    """Settings, filter words, open reports and mutes: for the room's moderators only."""
    key = rules.parse_room_key(room_key)
    room = _require_moderator(session, key, actor_id)
    now = _now()
    report_rows = session.exec(
        select(ChatReport.message_id, func.count(), func.max(ChatReport.created_at))
        .where(ChatReport.room_id == room.id, col(ChatReport.resolved_at).is_(None))
        .group_by(col(ChatReport.message_id))
        .order_by(func.max(ChatReport.created_at).desc())
        .limit(50)
    ).all()
    counts = {int(message_id): int(count) for message_id, count, _ in report_rows}
    rows = _message_rows(
        session, col(ChatMessage.id).in_(list(counts)), newest_first=False, limit=len(counts) + 1
    )
    views = {v.id: v for v in _views(session, key, rows)}
    reasons: dict[int, list[str]] = {}
    for message_id, reason in session.exec(
        select(ChatReport.message_id, ChatReport.reason).where(
            col(ChatReport.message_id).in_(list(views)), col(ChatReport.resolved_at).is_(None)
        )
    ).all():
        if reason:
            reasons.setdefault(int(message_id), []).append(reason)
    reports = [
        ReportView(views[mid], counts[mid], reasons.get(mid, [])[:5])
        for mid in counts
        if mid in views
    ]
    mutes = session.exec(
        select(ChatMute, User)
        .join(User, col(User.id) == ChatMute.user_id)
        .where(ChatMute.room_id == room.id, col(ChatMute.until) > now)
        .order_by(col(ChatMute.until))
    ).all()
    return ModerationView(
        slow_mode_seconds=room.slow_mode_seconds,
        filter_words=_filter_words(session, room.id or 0),
        reports=reports,
        muted=[(mute.user_id, user.display_name, _iso(mute.until)) for mute, user in mutes],
    )


# -------------------------------------------------------------------------------------- changes
def post_message(
    uow: UnitOfWork,
    room_key: str,
    user_id: int | None,
    text: str,
    reply_to_id: int | None = None,
    now: float | None = None,
) -> int:
    """Post a message; its id. ChatRefused with the reason when the text is empty or too long,
    the sender is not signed in, may not read the room, is muted, sends too fast (rate limit
    or slow mode), uses a filtered word, or replies to a deleted message."""
    key = rules.parse_room_key(room_key)
    body = rules.clean_message(text)
    session = uow.session
    user = _require_reader(session, key, user_id)
    uid = user.id or 0
    room = _room(session, key)
    moment = time.time() if now is None else now
    now_dt = datetime.fromtimestamp(moment, UTC)
    remaining = _mute_remaining(session, room.id or 0, uid, now_dt)
    if remaining > 0:
        raise rules.muted_refusal(remaining)
    moderator = _moderates(session, key, user, room)
    if rules.blocked_word(body, _filter_words(session, room.id or 0)) is not None:
        raise rules.filtered_refusal()
    parent_id = None
    if reply_to_id:
        parent_id = _visible_message(session, key, int(reply_to_id)).id
    if room.slow_mode_seconds > 0 and not moderator:
        wait = _take(session, f"slow:{room.id}:{uid}", 1, room.slow_mode_seconds, moment)
        if wait:
            raise rules.slow_mode_refusal(room.slow_mode_seconds, wait)
    wait = _take(
        session, f"rate:{uid}", rules.RATE_LIMIT_MESSAGES, rules.RATE_LIMIT_SECONDS, moment
    )
    if wait:
        raise rules.rate_limited(wait)
    message = ChatMessage(
        room_id=room.id or 0, user_id=uid, body=body, reply_to_id=parent_id, created_at=now_dt
    )
    session.add(message)
    session.flush()
    _record(uow, room, "message_posted", message_id=message.id, user_id=uid)
    return message.id or 0


def delete_message(uow: UnitOfWork, room_key: str, actor_id: int | None, message_id: int) -> bool:
    """A moderator hides a message for everyone; its reports are closed. False if it was
    already gone (deleting twice is harmless)."""
    key = rules.parse_room_key(room_key)
    session = uow.session
    room = _require_moderator(session, key, actor_id)
    now = _now()
    result = session.exec(
        update(ChatMessage)
        .where(
            col(ChatMessage.id) == message_id,
            col(ChatMessage.room_id) == room.id,
            col(ChatMessage.deleted_at).is_(None),
        )
        .values(deleted_at=now, deleted_by=actor_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    session.exec(
        update(ChatReport)
        .where(col(ChatReport.message_id) == message_id, col(ChatReport.resolved_at).is_(None))
        .values(resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    _record(uow, room, "message_deleted", message_id=message_id)
    return True


def mute_user(
    uow: UnitOfWork,
    room_key: str,
    actor_id: int | None,
    user_id: int,
    minutes: int,
    reason: str = "",
) -> datetime:
    """A moderator stops a user posting in the room for `minutes`; when the mute ends."""
    key = rules.parse_room_key(room_key)
    session = uow.session
    room = _require_moderator(session, key, actor_id)
    minutes = rules.clean_mute_minutes(minutes)
    target = _user(session, user_id)
    if target is None:
        raise ChatRefused(Refusal.NOT_FOUND, "That person doesn't exist.")
    if user_id == actor_id or _moderates(session, key, target, room):
        raise ChatRefused(Refusal.FORBIDDEN, "Moderators can't be muted.")
    now = _now()
    until = now + timedelta(minutes=minutes)
    values = {"muted_by": actor_id, "until": until, "reason": reason[:200], "created_at": now}
    updated = session.exec(
        update(ChatMute)
        .where(col(ChatMute.room_id) == room.id, col(ChatMute.user_id) == user_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount != 1 and not _insert_ignoring_conflicts(
        session, ChatMute, {"room_id": room.id, "user_id": user_id, **values}
    ):
        session.exec(
            update(ChatMute)
            .where(col(ChatMute.room_id) == room.id, col(ChatMute.user_id) == user_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    _record(uow, room, "user_muted", user_id=user_id, until=_iso(until))
    return until


def unmute_user(uow: UnitOfWork, room_key: str, actor_id: int | None, user_id: int) -> None:
    key = rules.parse_room_key(room_key)
    session = uow.session
    room = _require_moderator(session, key, actor_id)
    session.exec(
        delete(ChatMute).where(col(ChatMute.room_id) == room.id, col(ChatMute.user_id) == user_id)
    )
    _record(uow, room, "user_unmuted", user_id=user_id)


def set_slow_mode(uow: UnitOfWork, room_key: str, actor_id: int | None, seconds: int) -> int:
    """0 turns slow mode off; otherwise each non-moderator may post once per `seconds`."""
    key = rules.parse_room_key(room_key)
    session = uow.session
    room = _require_moderator(session, key, actor_id)
    seconds = rules.clean_slow_mode(seconds)
    session.exec(
        update(ChatRoom)
        .where(col(ChatRoom.id) == room.id)
        .values(slow_mode_seconds=seconds)
        .execution_options(synchronize_session=False)
    )
    _record(uow, room, "settings_changed", slow_mode_seconds=seconds)
    return seconds


def add_filter_word(uow: UnitOfWork, room_key: str, actor_id: int | None, raw: str) -> str:
    """Refuse messages containing this word or phrase (whole words, any case or width)."""
    key = rules.parse_room_key(room_key)
    session = uow.session
    room = _require_moderator(session, key, actor_id)
    word = rules.clean_filter_word(raw)
    count = session.exec(
        select(func.count()).select_from(ChatFilterWord).where(ChatFilterWord.room_id == room.id)
    ).one()
    if count >= rules.MAX_FILTER_WORDS:
        raise ChatRefused(
            Refusal.INVALID, f"A room can filter at most {rules.MAX_FILTER_WORDS} words."
        )
    values = {"room_id": room.id, "word": word, "added_by": actor_id, "created_at": _now()}
    if _insert_ignoring_conflicts(session, ChatFilterWord, values):
        _record(uow, room, "filter_changed")
    return word


def remove_filter_word(uow: UnitOfWork, room_key: str, actor_id: int | None, word: str) -> None:
    key = rules.parse_room_key(room_key)
    session = uow.session
    room = _require_moderator(session, key, actor_id)
    session.exec(
        delete(ChatFilterWord).where(
            col(ChatFilterWord.room_id) == room.id, col(ChatFilterWord.word) == word
        )
    )
    _record(uow, room, "filter_changed")


def report_message(
    uow: UnitOfWork, room_key: str, reporter_id: int | None, message_id: int, reason: str = ""
) -> bool:
    """Flag a message for the moderators; True the first time this person reports it."""
    key = rules.parse_room_key(room_key)
    session = uow.session
    reporter = _require_reader(session, key, reporter_id)
    message = _visible_message(session, key, message_id)
    if message.user_id == reporter.id:
        raise ChatRefused(Refusal.INVALID, "You can't report your own message.")
    reason = " ".join((reason or "").split())[: rules.MAX_REPORT_REASON]
    values = {
        "message_id": message.id, "room_id": message.room_id, "reporter_id": reporter.id,
        "reason": reason, "created_at": _now(),
    }  # fmt: skip
    if not _insert_ignoring_conflicts(session, ChatReport, values):
        return False
    room = _room(session, key)
    _record(uow, room, "message_reported", message_id=message.id)
    return True


def dismiss_reports(uow: UnitOfWork, room_key: str, actor_id: int | None, message_id: int) -> int:
    """A moderator keeps a reported message; its open reports are closed."""
    key = rules.parse_room_key(room_key)
    session = uow.session
    room = _require_moderator(session, key, actor_id)
    result = session.exec(
        update(ChatReport)
        .where(
            col(ChatReport.message_id) == message_id,
            col(ChatReport.room_id) == room.id,
            col(ChatReport.resolved_at).is_(None),
        )
        .values(resolved_at=_now())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def ensure_room(session: Session, room_key: str, owner_id: int | None = None) -> ChatRoom:
    """Create a room ahead of use, or set its owner (a live session's host)."""
    key = rules.parse_room_key(room_key)
    room = _room(session, key)
    if owner_id is not None and room.owner_id != owner_id:
        session.exec(
            update(ChatRoom)
            .where(col(ChatRoom.id) == room.id)
            .values(owner_id=owner_id)
            .execution_options(synchronize_session=False)
        )
        room.owner_id = owner_id
    return room
