"""API keys: made on the profile settings (a shopper's own data) or in the console (admins, who
may also give write scopes), shown once, stored as a SHA-256 digest, revoked at any time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select, update

from app.adapters.db.models_api import ApiKey
from app.adapters.db.models_people import User
from app.domain.api_keys import (
    SCOPE_LABELS,
    SHOPPER_SCOPES,
    KeyRefused,
    Scope,
    clean_name,
    format_scopes,
    looks_like_token,
    new_token,
    parse_scopes,
    read_scopes,
    token_digest,
)
from app.domain.clock import as_utc
from app.domain.people import ADMIN_ROLES, parse_role
from app.domain.throttle import Rate
from app.services.allowances import spend
from app.services.console.access import require
from app.services.console.audit import note
from app.services.context import Context

MAX_KEYS = 20  # live keys per person
# MAX_KEYS bounds the live keys, not making and revoking them in a loop (each key is a token
# to guard and an audit line). Staff too: an admin's session is the one most worth stealing.
# A person makes 10 an hour (far more than setting up an app needs); an address, three people's.
CREATES_PER_PERSON = Rate("api_key.create.person", limit=10, seconds=3600)
CREATES_PER_ADDRESS = Rate("api_key.create.address", limit=30, seconds=3600)
# Tokens are random (2^256): guessing is hopeless, but every wrong one costs a database read.
# An address gets 30 wrong tokens in 10 minutes (a client retrying with a revoked key fits);
# then its requests are refused before the look-up until the window moves on.
WRONG_TOKENS_PER_ADDRESS = Rate("api_key.wrong.address", limit=30, seconds=600)


class WrongTokensRefused(Exception):
    """Too many wrong tokens from one address; `retry_after` seconds until the next try."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# Writing last-used on every request would make every read a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class KeyView:
    id: int
    name: str
    prefix: str
    scopes: list[str]
    owner: str
    created: str  # "05 Dec 2026, 19:02 UTC"
    last_used: str  # "" when never used
    revoked: bool


@dataclass(frozen=True)
class NewKey:
    token: str  # the only time anyone sees it
    key: KeyView


@dataclass(frozen=True)
class Principal:
    """Who is calling, through which key, allowed what."""

    key_id: int
    user_id: int
    scopes: frozenset[Scope]


@dataclass(frozen=True)
class ScopeChoice:
    value: str
    label: str


def _moment(value: object) -> str:
    if not isinstance(value, datetime):
        return ""
    return as_utc(value).strftime("%d %b %Y, %H:%M UTC")


def _view(key: ApiKey, owner: str) -> KeyView:
    return KeyView(
        id=key.id or 0,
        name=key.name,
        prefix=key.prefix,
        scopes=sorted(s.value for s in read_scopes(key.scopes)),
        owner=owner,
        created=_moment(key.created_at),
        last_used=_moment(key.last_used_at),
        revoked=key.revoked_at is not None,
    )


def _is_admin(user: User | None) -> bool:
    return user is not None and parse_role(user.role) in ADMIN_ROLES


def scope_choices(ctx: Context, user_id: int) -> list[ScopeChoice]:
    """The scopes this person may put on a key (write scopes for admins only)."""
    with ctx.session() as session:
        staff = _is_admin(session.get(User, user_id))
    allowed = set(Scope) if staff else set(SHOPPER_SCOPES)
    return [ScopeChoice(s.value, SCOPE_LABELS[s]) for s in Scope if s in allowed]


def create_key(
    ctx: Context, actor_id: int, name: str, scopes: list[str], address: str | None = None
) -> NewKey:
    """A new key of the actor's with these scopes; KeyRefused (naming the field) otherwise,
    also when they or their address make keys too often (no key made then). The token is in
    the answer and nowhere else."""
    with ctx.uow() as uow:
        actor = uow.session.get(User, actor_id)
        if actor is None:
            raise KeyRefused("name", "Sign in to make a key.")
        clean = clean_name(name)
        chosen = parse_scopes(scopes, staff=_is_admin(actor))
        live = uow.session.exec(
            select(func.count())
            .select_from(ApiKey)
            .where(ApiKey.user_id == actor_id, col(ApiKey.revoked_at).is_(None))
        ).one()
        if live >= MAX_KEYS:
            raise KeyRefused("name", f"You have {MAX_KEYS} keys already: revoke one first.")
        token = new_token()
        key = ApiKey(
            user_id=actor_id,
            name=clean,
            prefix=token.prefix,
            token_digest=token.digest,
            scopes=format_scopes(chosen),
            created_at=ctx.now(),
        )
        uow.session.add(key)
        uow.session.flush()
        note(uow, actor_id, "api_key.create", f"key {token.prefix} ({clean})", key.scopes)
        spend(
            ctx,
            lambda message: KeyRefused("name", message),
            (CREATES_PER_PERSON, actor_id),
            (CREATES_PER_ADDRESS, address),
        )
        return NewKey(token.token, _view(key, actor.display_name))


def revoke_key(ctx: Context, actor_id: int, key_id: int) -> bool:
    """Revoke a key: its owner may, and so may admins (any key). False if it was already
    revoked; KeyRefused when it is not theirs to revoke or does not exist."""
    with ctx.uow() as uow:
        actor = uow.session.get(User, actor_id)
        key = uow.session.get(ApiKey, key_id)
        if key is None or actor is None or (key.user_id != actor_id and not _is_admin(actor)):
            raise KeyRefused("key", "There is no such key.")
        if key.revoked_at is not None:
            return False
        key.revoked_at = ctx.now()
        uow.session.add(key)
        note(uow, actor_id, "api_key.revoke", f"key {key.prefix} ({key.name})")
        return True


def _list(session: Session, *conditions: object) -> list[KeyView]:
    rows = session.exec(
        select(ApiKey, User)
        .join(User, col(User.id) == col(ApiKey.user_id))
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(col(ApiKey.revoked_at).is_not(None), col(ApiKey.id).desc())
        .limit(200)
    ).all()
    return [_view(key, user.display_name) for key, user in rows]


def my_keys(ctx: Context, user_id: int) -> list[KeyView]:
    """A person's own keys, live ones first."""
    with ctx.session() as session:
        return _list(session, col(ApiKey.user_id) == user_id)


def all_keys(ctx: Context, actor_id: int) -> list[KeyView]:
    """Every key in the shop, for the console (admins only)."""
    with ctx.session() as session:
        require(session, actor_id, ADMIN_ROLES)
        return _list(session, col(ApiKey.id) > 0)


def authenticate(ctx: Context, token: str, address: str | None = None) -> Principal | None:
    """The key behind a bearer token, or None (unknown, malformed or revoked). Staff scopes
    count only while the owner still has the role for them; last-used is kept to the minute.
    Each wrong token spends one of the `address`'s tries; WrongTokensRefused (nothing looked
    up) while it has none left."""
    if address:
        wait = ctx.limiter.blocked(WRONG_TOKENS_PER_ADDRESS, address)
        if wait is not None:
            raise WrongTokensRefused(WRONG_TOKENS_PER_ADDRESS.refusal(wait), wait)
    found = _look_up(ctx, token)
    if found is None and address:
        ctx.limiter.attempt(WRONG_TOKENS_PER_ADDRESS, address)
    return found


def _look_up(ctx: Context, token: str) -> Principal | None:
    if not looks_like_token(token):
        return None
    now = ctx.now()
    with ctx.uow() as uow:
        session = uow.session
        row = session.exec(
            select(ApiKey, User)
            .join(User, col(User.id) == col(ApiKey.user_id))
            .where(ApiKey.token_digest == token_digest(token), col(ApiKey.revoked_at).is_(None))
        ).first()
        if row is None:
            return None
        key, owner = row
        assert key.id is not None
        stale = key.last_used_at is None or as_utc(key.last_used_at) < now - LAST_USED_PRECISION
        if stale:  # most requests write nothing (a write would serialise them on SQLite)
            _stamp(session, key.id, now)
        scopes = read_scopes(key.scopes)
        if not _is_admin(owner):
            scopes = scopes & SHOPPER_SCOPES
        return Principal(key.id, key.user_id, frozenset(scopes))


def _stamp(session: Session, key_id: int, now: datetime) -> None:
    """Last used: now, unless another request stamped it within the minute."""
    session.exec(
        update(ApiKey)
        .where(
            col(ApiKey.id) == key_id,
            or_(
                col(ApiKey.last_used_at).is_(None),
                col(ApiKey.last_used_at) < now - LAST_USED_PRECISION,
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
