"""Users from provider identities, their names, and their server-side sessions.

The functions that take a session (`user_for_identity`, `start_session`, `resolve_session`,
`end_sessions`) are steps other use cases run inside their own unit of work (the cart's hot
path checks the session in its one transaction); the ones that take the context are use cases.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Row, bindparam
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlmodel import Session, col, select, update

from app.adapters.db.models_people import AuthSession, ExternalAccount, User
from app.domain.clock import as_utc, utcnow
from app.domain.people import avatar_colour, clean_display_name, initials, name_from_identity
from app.services.context import Context

SESSION_IDLE = timedelta(days=7)
SESSION_ABSOLUTE = timedelta(days=30)
# Writing last_seen on every request would make every page view a write.
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class SignedInIdentity:
    """What a provider told us about the person who just signed in."""

    provider: str
    subject: str
    email: str | None
    name: str | None
    picture: str | None


@dataclass(frozen=True)
class PersonView:
    """Someone as anybody else may see them: what a name and an avatar need, nothing more."""

    id: int
    name: str
    initials: str
    avatar_url: str
    colour: str


@dataclass(frozen=True)
class UserView(PersonView):
    """The signed-in user as they see themself: with their role and e-mail address, which
    never travel to anybody else's browser."""

    role: str
    email: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_view(user: User | Row[*tuple[Any, ...]]) -> UserView:
    """From a User, or a row with its id, display_name, avatar_url, role and email."""
    return UserView(
        id=user.id or 0,
        name=user.display_name,
        initials=initials(user.display_name),
        avatar_url=user.avatar_url or "",
        colour=avatar_colour(user.id or 0),
        role=user.role,
        email=user.email or "",
    )


def person_view(user: User) -> PersonView:
    """The public face of a user, for everyone but themself."""
    return PersonView(
        id=user.id or 0,
        name=user.display_name,
        initials=initials(user.display_name),
        avatar_url=user.avatar_url or "",
        colour=avatar_colour(user.id or 0),
    )


def user_for_identity(session: Session, identity: SignedInIdentity) -> User:
    """The user behind a provider account, created on first sign-in."""
    account = session.exec(
        select(ExternalAccount).where(
            ExternalAccount.provider == identity.provider,
            ExternalAccount.subject == identity.subject,
        )
    ).first()
    if account is not None:
        user = session.get(User, account.user_id)
        assert user is not None
        if identity.picture and not user.avatar_url:
            user.avatar_url = identity.picture
        return user
    user = User(
        display_name=name_from_identity(identity.name, identity.email),
        email=identity.email,
        avatar_url=identity.picture,
    )
    session.add(user)
    session.flush()
    session.add(
        ExternalAccount(
            user_id=user.id or 0,
            provider=identity.provider,
            subject=identity.subject,
            email=identity.email,
        )
    )
    session.flush()
    return user


def start_session(session: Session, user_id: int, user_agent: str = "") -> str:
    """A fresh random session token for this browser; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        AuthSession(
            token_hash=hash_token(token),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_ABSOLUTE,
            user_agent=user_agent[:300],
        )
    )
    return token


_SESSIONS = AuthSession.__table__  # type: ignore[attr-defined]
_USERS = User.__table__  # type: ignore[attr-defined]
_SESSION_USER = (
    sa_select(
        _SESSIONS.c.token_hash,
        _SESSIONS.c.last_seen_at,
        _SESSIONS.c.expires_at,
        _SESSIONS.c.revoked_at,
        _USERS.c.id,
        _USERS.c.display_name,
        _USERS.c.avatar_url,
        _USERS.c.role,
        _USERS.c.email,
    )
    .join(_USERS, _USERS.c.id == _SESSIONS.c.user_id)
    .where(_SESSIONS.c.token_hash == bindparam("token_hash"))
)


def resolve_session(session: Session, token: str | None) -> UserView | None:
    """The signed-in user for a session token, or None when it is unknown, ended or expired."""
    if not token:
        return None
    # Every protected handler call runs this: one prebuilt Core query, one round trip.
    found = session.connection().execute(_SESSION_USER, {"token_hash": hash_token(token)}).first()
    now = utcnow()
    if (
        found is None
        or found.revoked_at is not None
        or as_utc(found.expires_at) <= now
        or as_utc(found.last_seen_at) + SESSION_IDLE <= now
    ):
        return None
    if as_utc(found.last_seen_at) + TOUCH_EVERY <= now:
        session.connection().execute(
            sa_update(_SESSIONS)
            .where(_SESSIONS.c.token_hash == found.token_hash)
            .values(last_seen_at=now)
        )
    return user_view(found)


def end_sessions(session: Session, token: str | None) -> int:
    """Sign out: end every session of the token's user, on every device. Returns how many."""
    if not token:
        return 0
    record = session.get(AuthSession, hash_token(token))
    if record is None:
        return 0
    result = session.exec(
        update(AuthSession)
        .where(col(AuthSession.user_id) == record.user_id)
        .where(col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)


def signed_in(ctx: Context, token: str | None) -> UserView | None:
    """Who holds this session token right now (None: nobody, or the session ended)."""
    with ctx.uow() as uow:
        return resolve_session(uow.session, token)


def rename(ctx: Context, actor_id: int, raw_name: str) -> UserView:
    """Change a display name; raises people.DisplayNameError for a name we refuse."""
    name = clean_display_name(raw_name)
    with ctx.uow() as uow:
        user = uow.session.get(User, actor_id)
        if user is None:
            raise LookupError(actor_id)
        user.display_name = name
        uow.session.add(user)
        uow.session.flush()
        return user_view(user)
