"""Tables for interest communities: the community, its members (with when they joined and
whether they host it), its posts' extras and the deals and sessions a host attached.

Posts and replies themselves are rows of `chatmessage` in the community's chat room
("community:<id>"): a reply is a message whose `reply_to_id` is the post. So deleting, muting,
the word filter, reports and the moderation queue are the chat's, unchanged. A post's pin and
photos live here, keyed by the message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


class Community(SQLModel, table=True):
    """A community around a category or a theme; `category_id` links it to the catalog."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=60)
    description: str = Field(default="", max_length=400)
    category_id: int | None = Field(default=None, foreign_key="category.id", index=True)
    created_by: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Timestamp()


class CommunityMember(SQLModel, table=True):
    """One row per (community, member): joining twice is one row; leaving deletes it."""

    __tablename__ = "community_member"
    __table_args__ = (
        CheckConstraint("role IN ('member', 'host')", name="ck_community_member_role_known"),
        Index("ix_community_member_joined", "community_id", "joined_at", "user_id"),
    )

    community_id: int = Field(foreign_key="community.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True)
    role: str = Field(default="member", max_length=10)
    joined_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class CommunityPost(SQLModel, table=True):
    """A top-level post of a community (the message itself is in `chatmessage`)."""

    __tablename__ = "community_post"

    message_id: int = Field(foreign_key="chatmessage.id", primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    pinned_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    pinned_by: int | None = Field(default=None, foreign_key="user.id")


class CommunityPhoto(SQLModel, table=True):
    """A photo of a post: re-encoded to WebP like the console's product pictures."""

    __tablename__ = "community_photo"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="chatmessage.id", index=True)
    url: str = Field(max_length=200)
    position: int = 0


class CommunityFeature(SQLModel, table=True):
    """A deal or live session a host attached to the community (besides those of its
    category, which it shows anyway)."""

    __tablename__ = "community_feature"
    __table_args__ = (
        CheckConstraint("kind IN ('deal', 'live')", name="ck_community_feature_kind_known"),
    )

    community_id: int = Field(foreign_key="community.id", primary_key=True)
    kind: str = Field(max_length=10, primary_key=True)
    ref_id: int = Field(primary_key=True)
    added_by: int = Field(foreign_key="user.id")
    added_at: datetime = Timestamp()
