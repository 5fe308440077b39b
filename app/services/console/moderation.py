"""The moderation queue: reported chat messages across every room, kept or removed, and
their authors muted, through the chat's own moderation use cases. Moderators and admins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from app.adapters.db.models_chat import ChatMessage, ChatReport, ChatRoom
from app.adapters.db.models_people import User
from app.domain.clock import as_utc
from app.domain.people import MODERATING_ROLES
from app.services.chat import moderation as chat_moderation
from app.services.console.access import require
from app.services.console.audit import note
from app.services.context import Context

MUTE_MINUTES = 24 * 60


@dataclass(frozen=True)
class ReportedMessage:
    message_id: int
    room_key: str
    author_id: int
    author: str
    body: str
    reports: int
    reasons: str
    first_reported: str  # ISO 8601, UTC


def moderation_queue(ctx: Context, actor_id: int, limit: int = 50) -> list[ReportedMessage]:
    """Messages with open reports, most reported first."""
    with ctx.session() as session:
        require(session, actor_id, MODERATING_ROLES)
        rows = (
            session.connection()
            .execute(
                sa_select(
                    col(ChatMessage.id),
                    col(ChatRoom.key),
                    col(ChatMessage.user_id),
                    col(User.display_name),
                    col(ChatMessage.body),
                    func.count(col(ChatReport.id)),
                    func.min(col(ChatReport.created_at)),
                )
                .select_from(ChatReport)
                .join(ChatMessage, col(ChatMessage.id) == col(ChatReport.message_id))
                .join(ChatRoom, col(ChatRoom.id) == col(ChatReport.room_id))
                .join(User, col(User.id) == col(ChatMessage.user_id))
                .where(col(ChatReport.resolved_at).is_(None), col(ChatMessage.deleted_at).is_(None))
                .group_by(
                    col(ChatMessage.id),
                    col(ChatRoom.key),
                    col(ChatMessage.user_id),
                    col(User.display_name),
                    col(ChatMessage.body),
                )
                .order_by(func.count(col(ChatReport.id)).desc(), func.min(ChatReport.created_at))
                .limit(limit)
            )
            .all()
        )
        reasons: dict[int, list[str]] = {}
        ids = [row[0] for row in rows]
        if ids:
            for message_id, reason in session.exec(
                select(ChatReport.message_id, ChatReport.reason).where(
                    col(ChatReport.message_id).in_(ids), col(ChatReport.resolved_at).is_(None)
                )
            ).all():
                if reason:
                    reasons.setdefault(message_id, []).append(reason)
    return [
        ReportedMessage(
            message_id=message_id or 0,
            room_key=room_key,
            author_id=author_id,
            author=author,
            body=body[:500],
            reports=int(count),
            reasons="; ".join(reasons.get(message_id or 0, []))[:300],
            first_reported=as_utc(first).isoformat(timespec="minutes"),
        )
        for message_id, room_key, author_id, author, body, count, first in rows
    ]


def _audit(ctx: Context, actor_id: int, action: str, target: str, detail: str = "") -> None:
    # The chat's use case has committed by now: the entry records what happened.
    with ctx.uow() as uow:
        note(uow, actor_id, action, target, detail)


def keep_message(ctx: Context, actor_id: int, room_key: str, message_id: int) -> int:
    """The message stays; its open reports are closed. How many were closed."""
    with ctx.session() as session:
        require(session, actor_id, MODERATING_ROLES)
    closed = chat_moderation.dismiss_reports(ctx, actor_id, room_key, message_id)
    _audit(ctx, actor_id, "moderation.keep", f"message {message_id} in {room_key}")
    return closed


def remove_message(ctx: Context, actor_id: int, room_key: str, message_id: int) -> bool:
    """Hide the message for everyone (its reports close); False if it was already gone."""
    with ctx.session() as session:
        require(session, actor_id, MODERATING_ROLES)
    removed = chat_moderation.delete_message(ctx, actor_id, room_key, message_id)
    if removed:
        _audit(ctx, actor_id, "moderation.remove", f"message {message_id} in {room_key}")
    return removed


def mute_author(ctx: Context, actor_id: int, room_key: str, user_id: int) -> str:
    """Stop the author posting in that room for a day; when the mute ends (ISO 8601)."""
    with ctx.session() as session:
        require(session, actor_id, MODERATING_ROLES)
    until = chat_moderation.mute_user(
        ctx, actor_id, room_key, user_id, MUTE_MINUTES, "reported in the moderation queue"
    )
    _audit(ctx, actor_id, "moderation.mute", f"user {user_id} in {room_key}", "24 hours")
    return as_utc(until).isoformat(timespec="minutes")
