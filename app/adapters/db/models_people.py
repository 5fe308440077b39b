"""Tables for people: users, their sign-in accounts, sessions and friendships."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(max_length=40)
    email: str | None = Field(default=None, max_length=254, index=True)
    avatar_url: str | None = Field(default=None, max_length=500)
    role: str = Field(default="shopper", max_length=20)
    created_at: datetime = Timestamp()


class ExternalAccount(SQLModel, table=True):
    """A user's account at a sign-in provider; one user may link several."""

    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    provider: str = Field(max_length=40)
    subject: str = Field(max_length=255)
    email: str | None = Field(default=None, max_length=254)
    created_at: datetime = Timestamp()


class AuthSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of the cookie's token is stored."""

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Timestamp()
    last_seen_at: datetime = Timestamp()
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    user_agent: str = Field(default="", max_length=300)


class FriendInvite(SQLModel, table=True):
    """A short code (and link) that lets anyone who has it ask to be the inviter's friend."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=12, unique=True, index=True)
    inviter_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Timestamp()
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Friendship(SQLModel, table=True):
    """One row per pair, smaller id first, so a pair can only be friends once."""

    __table_args__ = (CheckConstraint("user_low < user_high", name="ck_friendship_ordered"),)

    user_low: int = Field(foreign_key="user.id", primary_key=True)
    user_high: int = Field(foreign_key="user.id", primary_key=True, index=True)
    created_at: datetime = Timestamp()
