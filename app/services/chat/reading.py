"""Reading a room: what a person may do there, the live window, older pages, the reply box
and the moderators' panel."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, func, select

from app.adapters.db.models_chat import ChatFilterWord, ChatMessage, ChatMute, ChatReport, ChatRoom
from app.adapters.db.models_people import User
from app.domain import chat as rules
from app.domain.chat import ChatRefused, Refusal, RoomKey
from app.services.chat.rooms import (
    find_room,
    moderates,
    readable,
    require_moderator,
    user,
    visible_message,
)
from app.services.chat.views import (
    ChatMessageView,
    ChatWindow,
    ModerationView,
    ReportView,
    RoomOpening,
    Viewing,
    iso,
    message_rows,
    message_views,
)
from app.services.context import Context

REMOVED_TAIL = 100  # ids of recently deleted messages sent with the window
MAX_OLDER = 300  # messages a viewer can hold above the live window


def _viewing(session: Session, key: RoomKey, user_id: int | None) -> Viewing:
    if not readable(session, key, user_id):
        return Viewing(False, False, False)
    who = user(session, user_id)
    return Viewing(True, who is not None, moderates(session, key, who, find_room(session, key.key)))


def viewing(ctx: Context, viewer_id: int | None, room_key: str) -> Viewing:
    """What this person (None: a guest) may do in the room."""
    key = rules.parse_room_key(room_key)
    with ctx.session() as session:
        return _viewing(session, key, viewer_id)


def read_window(session: Session, room_key: str, size: int = rules.WINDOW_SIZE) -> ChatWindow:
    """`window` inside a caller's session."""
    key = rules.parse_room_key(room_key)
    found = find_room(session, key.key)
    if found is None:
        return ChatWindow(key.key, 0, [], False, 0, [])
    rows = message_rows(session, ChatMessage.room_id == found.id, newest_first=True, limit=size + 1)
    has_older = len(rows) > size
    rows = list(reversed(rows[:size]))
    removed = session.exec(
        select(ChatMessage.id)
        .where(ChatMessage.room_id == found.id, col(ChatMessage.deleted_at).is_not(None))
        .order_by(col(ChatMessage.deleted_at).desc())
        .limit(REMOVED_TAIL)
    ).all()
    return ChatWindow(
        room_key=key.key,
        version=found.version,
        messages=message_views(session, key, rows),
        has_older=has_older,
        slow_mode_seconds=found.slow_mode_seconds,
        removed_ids=sorted(int(i) for i in removed if i is not None),
    )


def window(ctx: Context, room_key: str, size: int = rules.WINDOW_SIZE) -> ChatWindow:
    """The newest `size` visible messages of a room (oldest first) and its live settings:
    what every viewer of the room sees (pushed to them on each change)."""
    with ctx.session() as session:
        return read_window(session, room_key, size)


def open_room(ctx: Context, viewer_id: int | None, room_key: str) -> RoomOpening:
    """A room as this person opens it, in one visit: their rights, the window if they may
    read it and the moderation panel if they moderate it."""
    key = rules.parse_room_key(room_key)
    with ctx.session() as session:
        allowed = _viewing(session, key, viewer_id)
        shown = read_window(session, room_key) if allowed.can_read else None
        found = find_room(session, key.key) if allowed.can_moderate else None
        panel = read_panel(session, key, found, ctx.now()) if found is not None else None
        if allowed.can_moderate and panel is None:  # a room nobody has written in yet
            panel = ModerationView(0, [], [], [])
        return RoomOpening(allowed, shown, panel)


def older_messages(
    ctx: Context,
    viewer_id: int | None,
    room_key: str,
    before_id: int,
    until_id: int | None = None,
    page: int = rules.PAGE_SIZE,
) -> tuple[list[ChatMessageView], bool]:
    """Visible messages from one page before `before_id` up to (not including) `until_id`
    (the oldest message of the live window), oldest first, and whether there are more.

    Reaching up to the window keeps what a viewer scrolled back through contiguous with it."""
    key = rules.parse_room_key(room_key)
    with ctx.session() as session:
        if not readable(session, key, viewer_id):
            raise ChatRefused(Refusal.FORBIDDEN, "You can't read this chat.")
        found = find_room(session, key.key)
        if found is None or before_id <= 1:
            return [], False
        visible = (ChatMessage.room_id == found.id, col(ChatMessage.deleted_at).is_(None))
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
        rows = message_rows(
            session,
            ChatMessage.room_id == found.id,
            col(ChatMessage.id) >= start,
            col(ChatMessage.id) < upper,
            newest_first=True,
            limit=MAX_OLDER,
        )
        return message_views(session, key, list(reversed(rows))), has_more


def message_brief(
    ctx: Context, viewer_id: int | None, room_key: str, message_id: int
) -> tuple[str, str]:
    """(author name, excerpt) of a visible message, for the reply box."""
    key = rules.parse_room_key(room_key)
    with ctx.session() as session:
        if not readable(session, key, viewer_id):
            raise ChatRefused(Refusal.FORBIDDEN, "You can't read this chat.")
        message = visible_message(session, key, message_id)
        author = user(session, message.user_id)
        return (author.display_name if author else "Someone"), rules.excerpt(message.body)


def filter_words(session: Session, room_id: int) -> list[str]:
    return list(
        session.exec(
            select(ChatFilterWord.word)
            .where(ChatFilterWord.room_id == room_id)
            .order_by(col(ChatFilterWord.word))
        ).all()
    )


def read_panel(session: Session, key: RoomKey, found: ChatRoom, now: datetime) -> ModerationView:
    """Settings, filter words, open reports and mutes of a room (the caller checked rights)."""
    report_rows = session.exec(
        select(ChatReport.message_id, func.count(), func.max(ChatReport.created_at))
        .where(ChatReport.room_id == found.id, col(ChatReport.resolved_at).is_(None))
        .group_by(col(ChatReport.message_id))
        .order_by(func.max(ChatReport.created_at).desc())
        .limit(50)
    ).all()
    counts = {int(message_id): int(count) for message_id, count, _ in report_rows}
    rows = message_rows(
        session, col(ChatMessage.id).in_(list(counts)), newest_first=False, limit=len(counts) + 1
    )
    views = {v.id: v for v in message_views(session, key, rows)}
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
        .where(ChatMute.room_id == found.id, col(ChatMute.until) > now)
        .order_by(col(ChatMute.until))
    ).all()
    return ModerationView(
        slow_mode_seconds=found.slow_mode_seconds,
        filter_words=filter_words(session, found.id or 0),
        reports=reports,
        muted=[(mute.user_id, who.display_name, iso(mute.until)) for mute, who in mutes],
    )


def moderation_panel(ctx: Context, actor_id: int | None, room_key: str) -> ModerationView:
    """Settings, filter words, open reports and mutes: for the room's moderators only."""
    key = rules.parse_room_key(room_key)
    with ctx.uow() as uow:
        now = ctx.now()
        found = require_moderator(uow.session, key, actor_id, now)
        return read_panel(uow.session, key, found, now)
