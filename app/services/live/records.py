"""The live-session row and its news: loading it, bumping its version, who may run it.

Private to the live package: its use cases take a unit of work's session here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select, update

from app.adapters.db.models_live import LiveSession, LiveSessionProduct
from app.adapters.db.models_people import User
from app.domain.clock import as_utc
from app.domain.events import DomainEvent, EventKind
from app.domain.live import can_run
from app.services.live.errors import NOT_ALLOWED, NOT_FOUND, LiveError

_NO_SYNC = {"synchronize_session": False}
SCHEDULE_CHANNEL_ID = "schedule"
PLACEHOLDER_IMAGE = "/placeholder.svg"


@dataclass(frozen=True)
class Actor:
    """Who is asking: enough to decide what they may do."""

    id: int
    role: str


def live_event(session_id: int, version: int, kind: EventKind, **payload: Any) -> DomainEvent:
    """News about one live session; watchers of channel live:<id> redraw from the database."""
    return DomainEvent("live", str(session_id), version, kind, dict(payload))


def schedule_event(kind: EventKind, session_id: int) -> DomainEvent:
    """News for the /live schedule page (channel live:schedule)."""
    return DomainEvent("live", SCHEDULE_CHANNEL_ID, 0, kind, {"session_id": session_id})


def party_event(session_id: int, user_id: int, kind: EventKind) -> DomainEvent:
    """News for one member of a watch party (channel liveparty:<session>:<user>)."""
    return DomainEvent("liveparty", f"{session_id}:{user_id}", 0, kind, {})


def iso(moment: datetime | None) -> str:
    return as_utc(moment).isoformat() if moment else ""


def load_row(session: Session, session_id: int) -> LiveSession:
    """The session's row, fresh from the database; LiveError when there is none."""
    found = session.get(LiveSession, session_id, populate_existing=True)
    if found is None:
        raise LiveError(NOT_FOUND, "not_found")
    return found


def actor_of(session: Session, user_id: int) -> Actor:
    """The user's current role from the database (a role change applies at once)."""
    user = session.get(User, user_id)
    if user is None:
        raise LiveError("Please sign in again.", "unknown_user")
    return Actor(user_id, user.role)


def require_runner(session: Session, live: LiveSession, user_id: int) -> None:
    """Its host, a moderator or an admin; checked on every call, whatever the page showed."""
    actor = actor_of(session, user_id)
    if not can_run(actor.id, actor.role, live.host_id):
        raise LiveError(NOT_ALLOWED, "forbidden")


def session_products(session: Session, session_id: int) -> list[int]:
    rows = session.exec(
        select(LiveSessionProduct.product_id)
        .where(LiveSessionProduct.session_id == session_id)
        .order_by(col(LiveSessionProduct.position))
    ).all()
    return [int(r) for r in rows]


def bump(session: Session, session_id: int, *conditions: Any, **values: Any) -> int | None:
    """Bump the version (and set `values`) when `conditions` hold; the new version or None."""
    row = session.exec(
        update(LiveSession)
        .where(col(LiveSession.id) == session_id, *conditions)
        .values(version=col(LiveSession.version) + 1, **values)
        .returning(col(LiveSession.version)),
        execution_options=_NO_SYNC,
    ).first()
    return None if row is None else int(row[0])
