"""The audit log: who did what in the console, and when."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from app.adapters.db.models_events import AuditEntry
from app.adapters.db.models_people import User
from app.domain.clock import as_utc
from app.domain.people import ADMIN_ROLES
from app.services.console.access import require
from app.services.context import Context
from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: str  # ISO 8601, UTC
    actor: str
    action: str
    target: str
    detail: str


def note(uow: UnitOfWork, actor_id: int, action: str, target: str = "", detail: str = "") -> None:
    """Record a console action in the caller's transaction: it is logged if and only if it
    happened."""
    uow.session.add(
        AuditEntry(actor_id=actor_id, action=action, target=target[:120], detail=detail[:500])
    )


def audit_log(ctx: Context, actor_id: int, limit: int = 100) -> list[AuditLine]:
    """The newest console actions first (admins only)."""
    with ctx.session() as session:
        require(session, actor_id, ADMIN_ROLES)
        rows = session.exec(
            select(AuditEntry, User.display_name)
            .join(User, col(User.id) == col(AuditEntry.actor_id))
            .order_by(col(AuditEntry.id).desc())
            .limit(limit)
        ).all()
    return [
        AuditLine(
            id=entry.id or 0,
            at=as_utc(entry.at).isoformat(timespec="seconds"),
            actor=name,
            action=entry.action,
            target=entry.target,
            detail=entry.detail,
        )
        for entry, name in rows
    ]
