"""The moderation queue: whatever shoppers reported (chat messages, reviews, and any other
kind that registers a source), kept or removed, and its author muted, through each kind's own
use cases. Moderators and admins; every decision is audited.

A kind plugs in with `register_source(...)`: an object with a `kind`, a `label`, `reported`
(the open reports, read in the queue's session) and `keep` / `remove` / `mute` (use cases
taking the context, the moderator's id and the item's `key`). See moderation_sources.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.adapters.db.models_chat import ChatMessage, ChatReport, ChatRoom
from app.adapters.db.models_people import User
from app.domain.clock import as_utc
from app.domain.numbers import is_digits
from app.domain.people import MODERATING_ROLES
from app.services.chat import moderation as chat_moderation
from app.services.console.access import ConsoleRefused, require
from app.services.console.audit import note
from app.services.console.moderation_sources import (
    SOURCES,
    ModerationSource,
    Reported,
    register_source,
)
from app.services.context import Context
from app.services.reviews import reporting

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


def reported_messages(session: Session, limit: int = 50) -> list[ReportedMessage]:
    """Messages with open reports, most reported first (the caller checked the role)."""
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


# --------------------------------------------------------------------------- the whole queue


class _ChatMessages:
    kind, label = "message", "Chat message"

    def reported(self, session: Session, limit: int) -> list[Reported]:
        return [
            Reported(
                kind=self.kind,
                kind_label=self.label,
                key=f"{item.room_key}|{item.message_id}",
                place=item.room_key,
                author_id=item.author_id,
                author=item.author,
                text=item.body,
                reports=item.reports,
                reasons=item.reasons,
                first_reported=item.first_reported,
            )
            for item in reported_messages(session, limit)
        ]

    @staticmethod
    def _split(key: str) -> tuple[str, int]:
        room_key, _, message_id = key.rpartition("|")
        return room_key, int(message_id) if is_digits(message_id, 18) else 0

    def keep(self, ctx: Context, actor_id: int, key: str) -> None:
        keep_message(ctx, actor_id, *self._split(key))

    def remove(self, ctx: Context, actor_id: int, key: str) -> bool:
        return remove_message(ctx, actor_id, *self._split(key))

    def mute(self, ctx: Context, actor_id: int, key: str, author_id: int) -> str:
        room_key, _ = self._split(key)
        return f"in {room_key} until {mute_author(ctx, actor_id, room_key, author_id)}"


class _Reviews:
    kind, label = "review", "Review"

    def reported(self, session: Session, limit: int) -> list[Reported]:
        return [
            Reported(
                kind=self.kind,
                kind_label=self.label,
                key=str(item.review_id),
                place=item.product,
                author_id=item.author_id,
                author=item.author,
                text=item.text,
                reports=item.reports,
                reasons=item.reasons,
                first_reported=item.first_reported.isoformat(timespec="minutes"),
            )
            for item in reporting.reported_reviews(session, limit)
        ]

    def keep(self, ctx: Context, actor_id: int, key: str) -> None:
        reporting.keep_review(ctx, actor_id, int(key))
        _audit(ctx, actor_id, "moderation.keep", f"review {key}")

    def remove(self, ctx: Context, actor_id: int, key: str) -> bool:
        removed = reporting.remove_review(ctx, actor_id, int(key))
        if removed:
            _audit(ctx, actor_id, "moderation.remove", f"review {key}")
        return removed

    def mute(self, ctx: Context, actor_id: int, key: str, author_id: int) -> str:
        until = reporting.mute_reviewer(ctx, actor_id, author_id)
        _audit(ctx, actor_id, "moderation.mute", f"user {author_id} (reviews)", "24 hours")
        return f"from reviews until {as_utc(until).isoformat(timespec='minutes')}"


register_source(_ChatMessages())
register_source(_Reviews())


def moderation_queue(ctx: Context, actor_id: int, limit: int = 50) -> list[Reported]:
    """Everything with open reports, of every registered kind: most reported first."""
    with ctx.session() as session:
        require(session, actor_id, MODERATING_ROLES)
        items = [item for source in SOURCES.values() for item in source.reported(session, limit)]
    items.sort(key=lambda item: (-item.reports, item.first_reported))
    return items[:limit]


def _source(kind: str) -> ModerationSource:
    found = SOURCES.get(kind)
    if found is None:
        raise ConsoleRefused("That kind of report is not known.")
    return found


def keep(ctx: Context, actor_id: int, kind: str, key: str) -> None:
    """Keep a reported item; its reports close (audited)."""
    with ctx.session() as session:
        require(session, actor_id, MODERATING_ROLES)
    _source(kind).keep(ctx, actor_id, key)


def remove(ctx: Context, actor_id: int, kind: str, key: str) -> bool:
    """Take a reported item down (audited); False if it was already gone."""
    with ctx.session() as session:
        require(session, actor_id, MODERATING_ROLES)
    return _source(kind).remove(ctx, actor_id, key)


def mute(ctx: Context, actor_id: int, kind: str, key: str, author_id: int) -> str:
    """Stop the item's author posting that kind for a day (audited)."""
    with ctx.session() as session:
        require(session, actor_id, MODERATING_ROLES)
    return _source(kind).mute(ctx, actor_id, key, author_id)
