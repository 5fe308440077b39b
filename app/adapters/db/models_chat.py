"""Tables for chat rooms: rooms keyed by channel-like keys, messages, reports, mutes, the room's
keyword filter and the send throttle.

A room is keyed by a string such as "product:12", "live:7" or "watch:7:3", so every chat in the
app (product pages, live sessions, private side chats) shares these tables and one service.
Races are settled by the schema: one mute row per (room, user) and one report per (message,
reporter) are primary or unique keys, and the throttle row is only moved by a compare-and-set
UPDATE, which holds on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


class ChatRoom(SQLModel, table=True):
    """One chat room. `owner_id` is the user who moderates it besides site moderators (the host
    of a live session); product rooms have none. `version` grows with every change."""

    __table_args__ = (
        CheckConstraint("slow_mode_seconds >= 0", name="ck_chatroom_slow_mode_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=80, unique=True, index=True)
    owner_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    slow_mode_seconds: int = 0
    version: int = 0
    created_at: datetime = Timestamp()


class ChatMessage(SQLModel, table=True):
    """A message. Deleting keeps the row (reports and replies still point at it) and hides it."""

    __table_args__ = (Index("ix_chatmessage_room_id_id", "room_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="chatroom.id")
    user_id: int = Field(foreign_key="user.id", index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
    reply_to_id: int | None = Field(default=None, foreign_key="chatmessage.id")
    created_at: datetime = Timestamp()
    deleted_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    deleted_by: int | None = Field(default=None, foreign_key="user.id")


class ChatReport(SQLModel, table=True):
    """Someone flagged a message for the moderators; once per (message, reporter)."""

    __table_args__ = (
        UniqueConstraint("message_id", "reporter_id", name="uq_chatreport_message_reporter"),
    )

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="chatmessage.id", index=True)
    room_id: int = Field(foreign_key="chatroom.id", index=True)
    reporter_id: int = Field(foreign_key="user.id")
    reason: str = Field(default="", max_length=200)
    created_at: datetime = Timestamp()
    resolved_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class ChatMute(SQLModel, table=True):
    """A user may not post in a room until `until`. Muting again moves `until`."""

    room_id: int = Field(foreign_key="chatroom.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    muted_by: int = Field(foreign_key="user.id")
    until: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    reason: str = Field(default="", max_length=200)
    created_at: datetime = Timestamp()


class ChatFilterWord(SQLModel, table=True):
    """A word or phrase moderators refuse in one room's messages (stored normalised)."""

    room_id: int = Field(foreign_key="chatroom.id", primary_key=True)
    word: str = Field(max_length=60, primary_key=True)
    added_by: int = Field(foreign_key="user.id")
    created_at: datetime = Timestamp()


class ChatThrottle(SQLModel, table=True):
    """Recent send times of one key ("rate:<user>", "slow:<room>:<user>") as comma-separated
    epoch seconds: a sliding window shared by every backend process through the database."""

    key: str = Field(primary_key=True, max_length=80)
    stamps: str = Field(default="", max_length=200)


CHAT_TABLES = [
    ChatRoom.__table__,  # type: ignore[attr-defined]
    ChatMessage.__table__,  # type: ignore[attr-defined]
    ChatReport.__table__,  # type: ignore[attr-defined]
    ChatMute.__table__,  # type: ignore[attr-defined]
    ChatFilterWord.__table__,  # type: ignore[attr-defined]
    ChatThrottle.__table__,  # type: ignore[attr-defined]
]
