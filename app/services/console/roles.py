"""Users and roles: admins grant and take roles; the first admin comes from ADMIN_EMAILS
(applied at sign-in and at start-up) or `make admin EMAIL=...`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.adapters.db.models_people import User
from app.domain.events import DomainEvent, EventKind
from app.domain.people import (
    ADMIN_ROLES,
    ROLE_LABELS,
    Role,
    looks_like_email,
    normalise_email,
    parse_role,
)
from app.domain.plain_text import contains_pattern, without_hidden_characters
from app.services.console.access import ConsoleRefused, require
from app.services.console.audit import note
from app.services.context import Context
from app.services.unit_of_work import UnitOfWork


class RoleError(ValueError):
    """A role change we refuse (unknown user or role, the last admin)."""


@dataclass(frozen=True)
class StaffRow:
    id: int
    name: str
    email: str
    role: str
    role_label: str


def _row(user: User) -> StaffRow:
    role = parse_role(user.role) or Role.SHOPPER
    return StaffRow(
        user.id or 0, user.display_name, user.email or "", role.value, ROLE_LABELS[role]
    )


def _record(uow: UnitOfWork, user: User, before: str, actor_id: int | None) -> None:
    uow.record(
        DomainEvent(
            "user",
            str(user.id),
            0,
            EventKind.USER_ROLE_CHANGED,
            {"before": before, "after": user.role},
            actor_id=actor_id,
        )
    )


def list_users(ctx: Context, actor_id: int, query: str = "", limit: int = 50) -> list[StaffRow]:
    """Users matching `query` (name or e-mail), staff first (admins only)."""
    with ctx.session() as session:
        require(session, actor_id, ADMIN_ROLES)
        statement = select(User)
        text = without_hidden_characters(query[:200]).strip().lower()[:80]
        if text:
            pattern = contains_pattern(text)
            statement = statement.where(
                or_(
                    func.lower(col(User.display_name)).like(pattern, escape="\\"),
                    func.lower(col(User.email)).like(pattern, escape="\\"),
                )
            )
        staff_first = (col(User.role) == Role.SHOPPER.value).asc()
        rows = session.exec(statement.order_by(staff_first, col(User.id)).limit(limit)).all()
    return [_row(user) for user in rows]


def _admins(session: Session) -> int:
    return int(
        session.exec(
            select(func.count()).select_from(User).where(User.role == Role.ADMIN.value)
        ).one()
    )


def set_role(ctx: Context, actor_id: int, user_id: int, role: str) -> StaffRow:
    """Give `user_id` the role `role` (admins only; recorded in the audit log). Taking the
    admin role from the last admin is refused: nobody could give it back."""
    wanted = parse_role(role)
    if wanted is None:
        raise RoleError("Choose shopper, host, moderator or admin.")
    with ctx.uow() as uow:
        require(uow.session, actor_id, ADMIN_ROLES)
        user = uow.session.get(User, user_id)
        if user is None:
            raise RoleError("No such user.")
        before = user.role
        if before == wanted.value:
            return _row(user)
        if before == Role.ADMIN.value and _admins(uow.session) <= 1:
            raise RoleError("This is the last admin: make someone else admin first.")
        user.role = wanted.value
        uow.session.add(user)
        note(
            uow,
            actor_id,
            "role.set",
            f"user {user_id} ({user.display_name})",
            f"{before} → {wanted.value}",
        )
        _record(uow, user, before, actor_id)
        return _row(user)


def promote_if_listed(
    uow: UnitOfWork, user: User, verified_email: str | None, admin_emails: Collection[str]
) -> bool:
    """At sign-in: make the user an admin if the provider vouched for an address listed in
    ADMIN_EMAILS. Never demotes: taking a role is an admin's decision in the console."""
    email = normalise_email(verified_email)
    if not email or email not in admin_emails or user.role == Role.ADMIN.value:
        return False
    before = user.role
    user.role = Role.ADMIN.value
    uow.session.add(user)
    uow.session.flush()
    _record(uow, user, before, None)
    return True


def promote_listed_admins(ctx: Context, admin_emails: Collection[str]) -> list[str]:
    """At start-up: existing users whose e-mail is listed in ADMIN_EMAILS become admins."""
    emails = sorted({normalise_email(e) for e in admin_emails if e})
    if not emails:
        return []
    with ctx.uow() as uow:
        users = uow.session.exec(select(User).where(func.lower(col(User.email)).in_(emails))).all()
        promoted = [u.email or "" for u in users if promote_if_listed(uow, u, u.email, emails)]
    return promoted


def make_admin(ctx: Context, email: str) -> StaffRow:
    """`make admin EMAIL=...`: the user with that e-mail becomes an admin (an operator's
    command on the server, so no actor check). RoleError if nobody has signed in with it."""
    wanted = normalise_email(email)
    if not looks_like_email(wanted):
        raise RoleError(f"{email!r} is not an e-mail address.")
    with ctx.uow() as uow:
        user = uow.session.exec(
            select(User).where(func.lower(col(User.email)) == wanted).order_by(col(User.id))
        ).first()
        if user is None:
            raise RoleError(f"Nobody with the e-mail {wanted!r} has signed in yet.")
        promote_if_listed(uow, user, wanted, {wanted})
        return _row(user)


__all__ = [
    "ConsoleRefused",
    "RoleError",
    "StaffRow",
    "list_users",
    "make_admin",
    "promote_if_listed",
    "promote_listed_admins",
    "set_role",
]
