"""Live sessions and their hosts, as the console lists them (hosts see their own)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from app.adapters.db.models_live import LiveSession
from app.adapters.db.models_people import User
from app.domain.clock import as_utc
from app.domain.people import HOSTING_ROLES, Role, may_administer
from app.services.console.access import require
from app.services.context import Context


@dataclass(frozen=True)
class ConsoleSession:
    id: int
    title: str
    host: str
    status: str
    starts_at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class ConsoleLive:
    sessions: list[ConsoleSession]
    hosts: list[str]


def console_live(ctx: Context, actor_id: int, limit: int = 50) -> ConsoleLive:
    """Sessions, newest start first, and who may host (grant the role under Users)."""
    with ctx.session() as session:
        actor = require(session, actor_id, HOSTING_ROLES)
        statement = select(LiveSession, User.display_name).join(
            User, col(User.id) == col(LiveSession.host_id)
        )
        if not may_administer(actor.role):
            statement = statement.where(LiveSession.host_id == actor_id)
        rows = session.exec(
            statement.order_by(col(LiveSession.starts_at).desc()).limit(limit)
        ).all()
        hosts = session.exec(
            select(User.display_name)
            .where(col(User.role).in_([Role.HOST.value, Role.ADMIN.value]))
            .order_by(col(User.display_name))
        ).all()
    return ConsoleLive(
        sessions=[
            ConsoleSession(
                id=s.id or 0,
                title=s.title,
                host=name,
                status=s.status,
                starts_at=as_utc(s.starts_at).isoformat(timespec="minutes"),
            )
            for s, name in rows
        ],
        hosts=list(hosts),
    )
