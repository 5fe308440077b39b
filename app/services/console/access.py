"""Who may use which part of the console, checked inside the services (the pages check too,
but a handler called directly must be refused just the same)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session

from app.adapters.db.models_people import User
from app.domain.people import (
    ADMIN_ROLES,
    CONSOLE_ROLES,
    HOSTING_ROLES,
    MODERATING_ROLES,
    ROLE_LABELS,
    Role,
    parse_role,
)
from app.services.context import Context


class ConsoleRefused(PermissionError):
    """The actor's role does not allow this; the message says so in plain words."""


@dataclass(frozen=True)
class ConsoleAccess:
    """What the console shows this person."""

    role: str
    role_label: str
    products: bool
    deals: bool
    live: bool
    moderation: bool
    users: bool
    audit: bool


_REFUSALS = {
    ADMIN_ROLES: "Only admins can do this.",
    HOSTING_ROLES: "Only hosts and admins can do this.",
    MODERATING_ROLES: "Only moderators and admins can do this.",
    CONSOLE_ROLES: "The console is for the shop's staff.",
}


def require(session: Session, actor_id: int, allowed: Collection[Role]) -> User:
    """The acting user, if their role (read now, from the database) is one of `allowed`;
    ConsoleRefused otherwise. Always re-read: a role taken away stops working at once."""
    actor = session.get(User, actor_id) if actor_id else None
    if actor is None or parse_role(actor.role) not in allowed:
        raise ConsoleRefused(_REFUSALS.get(frozenset(allowed), "You may not do this."))
    return actor


def console_access(ctx: Context, actor_id: int) -> ConsoleAccess:
    """The console's sections this person may use; ConsoleRefused for shoppers and guests."""
    with ctx.session() as session:
        actor = require(session, actor_id, CONSOLE_ROLES)
    role = parse_role(actor.role) or Role.SHOPPER
    return ConsoleAccess(
        role=role.value,
        role_label=ROLE_LABELS[role],
        products=role in ADMIN_ROLES,
        deals=role in HOSTING_ROLES,
        live=role in HOSTING_ROLES,
        moderation=role in MODERATING_ROLES,
        users=role in ADMIN_ROLES,
        audit=role in ADMIN_ROLES,
    )
