"""What chat viewers see, and the one query that reads messages with their authors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.adapters.db.models_chat import ChatMessage
from app.adapters.db.models_people import User
from app.domain import chat as rules
from app.domain.chat import RoomKey, Segment
from app.domain.clock import as_utc
from app.domain.people import avatar_colour, initials
from app.services.buyers import buyers_of
from app.services.chat.rooms import policy


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


@dataclass(frozen=True)
class RoomOpening:
    """A room as one viewer opens it: what they may do, the live window when they may read
    it, and the moderation panel when they moderate it."""

    viewing: Viewing
    window: ChatWindow | None
    moderation: ModerationView | None


def iso(moment: datetime) -> str:
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


_Parent = aliased(ChatMessage)
_Author = aliased(User)
_ParentAuthor = aliased(User)


def message_rows(session: Session, *conditions: Any, newest_first: bool, limit: int) -> list[Any]:
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


def message_views(session: Session, key: RoomKey, rows: list[Any]) -> list[ChatMessageView]:
    """Message views (oldest first as given) with buyer badges: one more query at most."""
    if not rows:
        return []
    kind = policy(key)
    product_id = kind.buyer_product(session, key) if kind else None
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
                sent_at=iso(created),
                buyer=uid in buyers,
                parts=rules.segments(body),
                reply_to_id=reply_to or 0,
                reply_author=reply_author,
                reply_excerpt=reply_excerpt,
            )
        )
    return out
