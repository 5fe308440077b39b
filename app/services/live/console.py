"""The host console: go live, pin a product, end the session.

Scheduled -> live -> ended, never back. Every change is a conditional UPDATE that bumps the
session's version and records a `live` event, so viewers on every process redraw from the
database. Flash deals, also launched from the console, are in `flash_deals`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col

from app.adapters.db.models_live import LiveSession
from app.adapters.db.models_people import User
from app.domain.clock import as_utc
from app.domain.events import EventKind
from app.domain.live import (
    LifecycleError,
    LiveAction,
    SessionStatus,
    allowed_from,
    can_run,
    next_status,
)
from app.services.context import Context
from app.services.live.errors import LiveError
from app.services.live.records import (
    bump,
    live_event,
    load_row,
    require_runner,
    schedule_event,
    session_products,
)
from app.services.unit_of_work import UnitOfWork


def _move(uow: UnitOfWork, session_id: int, user_id: int, action: LiveAction, now: datetime) -> int:
    session = uow.session
    live = load_row(session, session_id)
    require_runner(session, live, user_id)
    target = next_status(live.status, action)  # a clear message when it cannot move
    values: dict[str, Any] = {"status": target.value}
    if target is SessionStatus.LIVE:
        values["went_live_at"] = now
    else:
        values["ended_at"] = now
        values["pinned_product_id"] = None
    version = bump(
        session,
        session_id,
        col(LiveSession.status).in_([s.value for s in allowed_from(action)]),
        **values,
    )
    if version is None:  # another tab moved it first: explain from where it is now
        next_status(load_row(session, session_id).status, action)
        raise LifecycleError("This session changed meanwhile. Reload to see it.")
    kind = EventKind.LIVE_STARTED if target is SessionStatus.LIVE else EventKind.LIVE_ENDED
    uow.record(live_event(session_id, version, kind))
    uow.record(schedule_event(kind, session_id))
    return version


def go_live(ctx: Context, actor_id: int, session_id: int) -> int:
    """Scheduled -> live. Only the host or a moderator. Returns the new version.
    LiveError when not allowed, LifecycleError when the session cannot go live."""
    with ctx.uow() as uow:
        return _move(uow, session_id, actor_id, LiveAction.GO_LIVE, as_utc(ctx.now()))


def end_session(ctx: Context, actor_id: int, session_id: int) -> int:
    """Live (or scheduled: cancelled) -> ended, for good. The page stays as a replay."""
    with ctx.uow() as uow:
        return _move(uow, session_id, actor_id, LiveAction.END, as_utc(ctx.now()))


def pin_product(ctx: Context, actor_id: int, session_id: int, product_id: int | None) -> int:
    """Show one of the session's products to every viewer (None unpins). Live sessions only."""
    with ctx.uow() as uow:
        session = uow.session
        require_runner(session, load_row(session, session_id), actor_id)
        if product_id is not None and product_id not in session_products(session, session_id):
            raise LiveError("That product isn't part of this session.", "unknown_product")
        version = bump(
            session,
            session_id,
            col(LiveSession.status) == SessionStatus.LIVE.value,
            pinned_product_id=product_id,
        )
        if version is None:
            raise LiveError("Products can be pinned while the session is live.", "not_live")
        uow.record(live_event(session_id, version, EventKind.LIVE_PINNED, product_id=product_id))
        return version


def may_run(ctx: Context, viewer_id: int | None, session_id: int) -> bool:
    """Whether this user may run the session (for showing the host console)."""
    with ctx.session() as session:
        return runs(session, viewer_id, session_id)


def runs(session: Session, viewer_id: int | None, session_id: int) -> bool:
    """`may_run` inside a caller's session (the page load reads it with the rest)."""
    if viewer_id is None:
        return False
    live = session.get(LiveSession, session_id)
    user = session.get(User, viewer_id)
    return bool(live and user and can_run(viewer_id, user.role, live.host_id))
