"""Moderating a room: delete, mute, slow mode, the word filter, reports.

Each action exists twice on purpose but with one body: as its own function (for programs and
the API: its own result) and as a command for `moderate`, which the page uses to act and get
the refreshed panel back in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlmodel import col, delete, func, select, update

from app.adapters.db.models_chat import ChatFilterWord, ChatMessage, ChatMute, ChatReport, ChatRoom
from app.domain import chat as rules
from app.domain.chat import ChatRefused, Refusal, RoomKey
from app.domain.events import EventKind
from app.services.chat.reading import read_panel
from app.services.chat.rooms import (
    insert_ignoring_conflicts,
    moderates,
    record,
    require_moderator,
    user,
)
from app.services.chat.views import ModerationView, iso
from app.services.context import Context
from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Act:
    """Where a moderation command runs: the room (already checked), who acts, when."""

    uow: UnitOfWork
    key: RoomKey
    room: ChatRoom
    actor_id: int | None
    now: datetime


T = TypeVar("T", covariant=True)


class Command(Protocol[T]):
    def apply(self, act: Act) -> T: ...


def run(ctx: Context, actor_id: int | None, room_key: str, command: Command[T]) -> T:
    """Apply one moderation command (the chat's own, or another area's, such as pinning a
    community's post) after checking the actor moderates the room; its result."""
    key = rules.parse_room_key(room_key)
    with ctx.uow() as uow:
        now = ctx.now()
        found = require_moderator(uow.session, key, actor_id, now)
        return command.apply(Act(uow, key, found, actor_id, now))


def moderate(
    ctx: Context, actor_id: int | None, room_key: str, command: Command[object]
) -> ModerationView:
    """Apply one moderation command and return the room's panel as it is after it."""
    key = rules.parse_room_key(room_key)
    with ctx.uow() as uow:
        now = ctx.now()
        found = require_moderator(uow.session, key, actor_id, now)
        command.apply(Act(uow, key, found, actor_id, now))
        refreshed = uow.session.get(ChatRoom, found.id, populate_existing=True) or found
        return read_panel(uow.session, key, refreshed, now)


@dataclass(frozen=True)
class DeleteMessage:
    """Hide a message for everyone; its reports are closed. False if it was already gone."""

    message_id: int

    def apply(self, act: Act) -> bool:
        session = act.uow.session
        result = session.exec(
            update(ChatMessage)
            .where(
                col(ChatMessage.id) == self.message_id,
                col(ChatMessage.room_id) == act.room.id,
                col(ChatMessage.deleted_at).is_(None),
            )
            .values(deleted_at=act.now, deleted_by=act.actor_id)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False
        session.exec(
            update(ChatReport)
            .where(
                col(ChatReport.message_id) == self.message_id,
                col(ChatReport.resolved_at).is_(None),
            )
            .values(resolved_at=act.now)
            .execution_options(synchronize_session=False)
        )
        record(act.uow, act.room, EventKind.CHAT_MESSAGE_DELETED, message_id=self.message_id)
        return True


@dataclass(frozen=True)
class Mute:
    """Stop a user posting in the room for `minutes`; returns when the mute ends."""

    user_id: int
    minutes: int
    reason: str = ""

    def apply(self, act: Act) -> datetime:
        session = act.uow.session
        minutes = rules.clean_mute_minutes(self.minutes)
        target = user(session, self.user_id)
        if target is None:
            raise ChatRefused(Refusal.NOT_FOUND, "That person doesn't exist.")
        if self.user_id == act.actor_id or moderates(session, act.key, target, act.room):
            raise ChatRefused(Refusal.FORBIDDEN, "Moderators can't be muted.")
        until = act.now + timedelta(minutes=minutes)
        values = {
            "muted_by": act.actor_id, "until": until, "reason": self.reason[:200],
            "created_at": act.now,
        }  # fmt: skip
        where = (col(ChatMute.room_id) == act.room.id, col(ChatMute.user_id) == self.user_id)
        renew = update(ChatMute).where(*where).values(**values)
        updated = session.exec(renew.execution_options(synchronize_session=False))
        if updated.rowcount != 1 and not insert_ignoring_conflicts(
            session, ChatMute, {"room_id": act.room.id, "user_id": self.user_id, **values}
        ):  # muted at the same moment by another moderator: the newest mute wins
            session.exec(renew.execution_options(synchronize_session=False))
        record(act.uow, act.room, EventKind.CHAT_USER_MUTED, user_id=self.user_id, until=iso(until))
        return until


@dataclass(frozen=True)
class Unmute:
    user_id: int

    def apply(self, act: Act) -> None:
        act.uow.session.exec(
            delete(ChatMute).where(
                col(ChatMute.room_id) == act.room.id, col(ChatMute.user_id) == self.user_id
            )
        )
        record(act.uow, act.room, EventKind.CHAT_USER_UNMUTED, user_id=self.user_id)


@dataclass(frozen=True)
class SetSlowMode:
    """0 turns slow mode off; otherwise each non-moderator may post once per `seconds`."""

    seconds: int

    def apply(self, act: Act) -> int:
        seconds = rules.clean_slow_mode(self.seconds)
        act.uow.session.exec(
            update(ChatRoom)
            .where(col(ChatRoom.id) == act.room.id)
            .values(slow_mode_seconds=seconds)
            .execution_options(synchronize_session=False)
        )
        record(act.uow, act.room, EventKind.CHAT_SETTINGS_CHANGED, slow_mode_seconds=seconds)
        return seconds


@dataclass(frozen=True)
class AddFilterWord:
    """Refuse messages containing this word or phrase (whole words, any case or width)."""

    raw: str

    def apply(self, act: Act) -> str:
        session = act.uow.session
        word = rules.clean_filter_word(self.raw)
        count = session.exec(
            select(func.count())
            .select_from(ChatFilterWord)
            .where(ChatFilterWord.room_id == act.room.id)
        ).one()
        if count >= rules.MAX_FILTER_WORDS:
            raise ChatRefused(
                Refusal.INVALID, f"A room can filter at most {rules.MAX_FILTER_WORDS} words."
            )
        values = {
            "room_id": act.room.id, "word": word, "added_by": act.actor_id, "created_at": act.now,
        }  # fmt: skip
        if insert_ignoring_conflicts(session, ChatFilterWord, values):
            record(act.uow, act.room, EventKind.CHAT_FILTER_CHANGED)
        return word


@dataclass(frozen=True)
class RemoveFilterWord:
    word: str

    def apply(self, act: Act) -> None:
        act.uow.session.exec(
            delete(ChatFilterWord).where(
                col(ChatFilterWord.room_id) == act.room.id, col(ChatFilterWord.word) == self.word
            )
        )
        record(act.uow, act.room, EventKind.CHAT_FILTER_CHANGED)


@dataclass(frozen=True)
class DismissReports:
    """Keep a reported message; its open reports are closed. How many were."""

    message_id: int

    def apply(self, act: Act) -> int:
        result = act.uow.session.exec(
            update(ChatReport)
            .where(
                col(ChatReport.message_id) == self.message_id,
                col(ChatReport.room_id) == act.room.id,
                col(ChatReport.resolved_at).is_(None),
            )
            .values(resolved_at=act.now)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)


def delete_message(ctx: Context, actor_id: int | None, room_key: str, message_id: int) -> bool:
    """A moderator hides a message for everyone; its reports are closed. False if it was
    already gone (deleting twice is harmless)."""
    return run(ctx, actor_id, room_key, DeleteMessage(message_id))


def mute_user(
    ctx: Context, actor_id: int | None, room_key: str, user_id: int, minutes: int, reason: str = ""
) -> datetime:
    """A moderator stops a user posting in the room for `minutes`; when the mute ends."""
    return run(ctx, actor_id, room_key, Mute(user_id, minutes, reason))


def unmute_user(ctx: Context, actor_id: int | None, room_key: str, user_id: int) -> None:
    """A moderator lets a muted user write again."""
    run(ctx, actor_id, room_key, Unmute(user_id))


def set_slow_mode(ctx: Context, actor_id: int | None, room_key: str, seconds: int) -> int:
    """0 turns slow mode off; otherwise each non-moderator may post once per `seconds`."""
    return run(ctx, actor_id, room_key, SetSlowMode(seconds))


def add_filter_word(ctx: Context, actor_id: int | None, room_key: str, raw: str) -> str:
    """Refuse messages containing this word or phrase (whole words, any case or width)."""
    return run(ctx, actor_id, room_key, AddFilterWord(raw))


def remove_filter_word(ctx: Context, actor_id: int | None, room_key: str, word: str) -> None:
    """Let a filtered word through again."""
    run(ctx, actor_id, room_key, RemoveFilterWord(word))


def dismiss_reports(ctx: Context, actor_id: int | None, room_key: str, message_id: int) -> int:
    """A moderator keeps a reported message; its open reports are closed."""
    return run(ctx, actor_id, room_key, DismissReports(message_id))
