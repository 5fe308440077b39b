"""Roles and the audit log: admins grant and take roles; everyone else is refused on the
server; the first admin comes from ADMIN_EMAILS or `make admin`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from app.adapters.db.event_log import read_after
from app.adapters.db.models_people import User
from app.adapters.db.session import make_engine
from app.services.console import access, audit, roles
from app.services.console.access import ConsoleRefused
from app.services.context import Context
from tests.factories import RecordingBus, make_context


@pytest.fixture
def ctx(database_url: str) -> Iterator[Context]:
    engine = make_engine(database_url)
    yield make_context(engine, bus=RecordingBus())
    engine.dispose()


def _user(ctx: Context, name: str, role: str = "shopper") -> int:
    with ctx.uow() as uow:
        user = User(display_name=name, email=f"{name.lower()}@shop.test", role=role)
        uow.session.add(user)
        uow.session.flush()
        assert user.id is not None
        return user.id


def _role(ctx: Context, user_id: int) -> str:
    with ctx.session() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.role


def test_an_admin_grants_and_takes_roles_and_the_audit_log_shows_it(ctx: Context) -> None:
    boss, bob = _user(ctx, "Boss", "admin"), _user(ctx, "Bob")
    assert roles.set_role(ctx, boss, bob, "moderator").role_label == "Moderator"
    assert access.console_access(ctx, bob).moderation
    assert not access.console_access(ctx, bob).users
    roles.set_role(ctx, boss, bob, "shopper")
    assert _role(ctx, bob) == "shopper"
    lines = audit.audit_log(ctx, boss)
    assert [(line.actor, line.action, line.detail) for line in lines] == [
        ("Boss", "role.set", "moderator → shopper"),
        ("Boss", "role.set", "shopper → moderator"),
    ]
    with ctx.session() as session:
        kinds = [(e.kind, e.actor_id) for e in read_after(session, 0)]
    assert kinds == [("user.role_changed", boss), ("user.role_changed", boss)]


@pytest.mark.parametrize("role", ["shopper", "host", "moderator"])
def test_a_non_admin_calling_admin_services_is_refused(ctx: Context, role: str) -> None:
    boss, caller, target = _user(ctx, "Boss", "admin"), _user(ctx, "Cal", role), _user(ctx, "T")
    with pytest.raises(ConsoleRefused, match="Only admins"):
        roles.set_role(ctx, caller, target, "admin")
    with pytest.raises(ConsoleRefused):
        roles.list_users(ctx, caller)
    with pytest.raises(ConsoleRefused):
        audit.audit_log(ctx, caller)
    assert _role(ctx, target) == "shopper"
    assert audit.audit_log(ctx, boss) == []


def test_shoppers_and_guests_cannot_open_the_console(ctx: Context) -> None:
    shopper = _user(ctx, "Sam")
    for who in (shopper, 0, 999_999):
        with pytest.raises(ConsoleRefused):
            access.console_access(ctx, who)
    host = _user(ctx, "Hal", "host")
    sections = access.console_access(ctx, host)
    assert (sections.deals, sections.products, sections.users) == (True, False, False)


def test_the_last_admin_keeps_the_role(ctx: Context) -> None:
    boss = _user(ctx, "Boss", "admin")
    with pytest.raises(roles.RoleError, match="last admin"):
        roles.set_role(ctx, boss, boss, "shopper")
    other = _user(ctx, "Ada", "admin")
    roles.set_role(ctx, other, boss, "host")
    assert _role(ctx, boss) == "host"


def test_unknown_roles_and_users_are_refused(ctx: Context) -> None:
    boss = _user(ctx, "Boss", "admin")
    with pytest.raises(roles.RoleError, match="Choose"):
        roles.set_role(ctx, boss, boss, "owner")
    with pytest.raises(roles.RoleError, match="No such user"):
        roles.set_role(ctx, boss, 424242, "host")


def test_admin_emails_promote_at_start_up_and_make_admin_promotes_by_email(ctx: Context) -> None:
    ann, bob = _user(ctx, "Ann"), _user(ctx, "Bob")
    assert roles.promote_listed_admins(ctx, {"ann@shop.test", "nobody@shop.test"}) == [
        "ann@shop.test"
    ]
    assert (_role(ctx, ann), _role(ctx, bob)) == ("admin", "shopper")
    assert roles.make_admin(ctx, " BOB@shop.test ").role == "admin"
    with pytest.raises(roles.RoleError, match="Nobody"):
        roles.make_admin(ctx, "ghost@shop.test")


def test_a_listed_address_becomes_admin_only_when_verified(ctx: Context) -> None:
    ann = _user(ctx, "Ann")
    with ctx.uow() as uow:
        user = uow.session.exec(select(User).where(User.id == ann)).one()
        assert not roles.promote_if_listed(uow, user, None, {"ann@shop.test"})
        assert roles.promote_if_listed(uow, user, "Ann@Shop.test", {"ann@shop.test"})
    assert _role(ctx, ann) == "admin"
