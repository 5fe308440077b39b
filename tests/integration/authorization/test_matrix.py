"""The authorization matrix (#18): every event handler and route, called as every role.

For each entry of `handler_table.HANDLERS` the app's real handler runs in this process (see
`harness.py`) as each role of the test shop (`world.py`):
- a role the entry does not allow is refused: the shop's rows are exactly as before (sign-in
  bookkeeping aside), nothing is published, and what `shows` names stays empty for it;
- a role it allows is not refused: no error, and when the entry says `effect=True` the shop
  changed (the call reached the service), and what `shows` names is filled for `who_sees`.
A handler of the app missing from the table (or an entry for one that is gone) fails
`test_every_handler_is_in_the_table`.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.realtime.rooms import rooms
from app.services.context import set_app_context
from tests.integration.authorization import harness, world
from tests.integration.authorization.handler_table import HANDLERS
from tests.integration.authorization.roles import ROLES, Rule

APP_HANDLERS = harness.app_handlers()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> world.Template:
    return world.build(tmp_path_factory.mktemp("matrix") / "shop.db")


@pytest.fixture
def copies(template: world.Template, tmp_path: Path) -> Iterator[Any]:
    made = 0

    def fresh() -> Any:
        nonlocal made
        made += 1
        return template.fresh(tmp_path / f"shop-{made}.db")

    yield fresh
    set_app_context(None)
    rooms.forget(harness.SID)  # the pages' loads put the test's tab into live rooms


def test_every_handler_is_in_the_table() -> None:
    missing = sorted(set(APP_HANDLERS) - set(HANDLERS))
    stale = sorted(set(HANDLERS) - set(APP_HANDLERS))
    assert not missing, f"handlers with no entry in handler_table.HANDLERS: {missing}"
    assert not stale, f"entries for handlers that no longer exist: {stale}"


def filled(value: Any) -> bool:
    return bool(value) and value != "0"


async def run(shop: world.Shop, key: str, rule: Rule, role: str) -> tuple[list[Any], Any]:
    cls = APP_HANDLERS[key]
    name = key.rsplit(".", 1)[1]
    set_app_context(shop.ctx())
    return await harness.call_handler(cls, name, rule, shop.cookies[role], shop.ids)


# Public methods of a state are handlers a browser can call, decorated or not. These two only
# act for the caller's own tab (my address, "please sign in" to myself); any other
# helper must start with an underscore (the live page's `_show` used to be callable, letting a
# tab mark itself as the session's host console and pick any watch party to act in).
UNDECORATED = {
    "session.SessionState.client_address",
    "session.SessionState.ask_to_sign_in",
}


def test_every_handler_is_meant_as_one() -> None:
    helpers = sorted(
        key
        for key, cls in APP_HANDLERS.items()
        if key not in UNDECORATED
        and "@rx.event" not in inspect.getsource(cls.event_handlers[key.rsplit(".", 1)[1]].fn)
    )
    assert not helpers, f"public methods a browser can call; prefix them with _: {helpers}"


def test_local_handlers_only_change_form_fields() -> None:
    """An entry marked local() may not reach the server's data or ask who is signed in."""
    reaching = []
    for key, rule in HANDLERS.items():
        if rule.local and key in APP_HANDLERS:
            cls = APP_HANDLERS[key]
            source = inspect.getsource(cls.event_handlers[key.rsplit(".", 1)[1]].fn)
            if any(word in source for word in ("app_context", "_user_now", "_staff(")):
                reaching.append(key)
    assert not reaching, f"marked local() but reach the services: {reaching}"


@pytest.mark.parametrize("key", sorted(k for k, r in HANDLERS.items() if r.runs and not r.local))
async def test_each_role_may_call_only_what_its_entry_allows(key: str, copies: Any) -> None:
    if key not in APP_HANDLERS:
        pytest.fail(f"{key} is not a handler of the app")
    rule = HANDLERS[key]
    problems: list[str] = []
    with copies() as shop:
        for role in rule.refused():
            before = shop.fingerprint()
            shop.bus.clear()
            try:
                _, state = await run(shop, key, rule, role)
            except Exception as error:  # noqa: BLE001 - reported with the role below
                problems.append(f"{role}: raised {error!r}")
                continue
            if tables := world.changed(before, shop.fingerprint()):
                problems.append(f"{role} changed {tables}")
            if shop.bus.events:
                problems.append(f"{role} published {[e.kind for e in shop.bus.events]}")
            if rule.shows and filled(getattr(state, rule.shows)):
                problems.append(f"{role} was shown {rule.shows}")
        for role in rule.allowed():
            if rule.effect:  # from the shop as built, so the change is this role's
                with copies() as own:
                    await check_allowed(own, key, rule, role, problems)
            else:
                await check_allowed(shop, key, rule, role, problems)
    assert not problems, f"{key}: " + "; ".join(problems)


async def check_allowed(
    shop: world.Shop, key: str, rule: Rule, role: str, problems: list[str]
) -> None:
    before = shop.fingerprint()
    try:
        _, state = await run(shop, key, rule, role)
    except Exception as error:  # noqa: BLE001 - reported with the role
        problems.append(f"{role} (allowed): raised {error!r}")
        return
    if rule.effect and not world.changed(before, shop.fingerprint()):
        problems.append(f"{role} (allowed) changed nothing: refused?")
    if rule.shows:
        sees = rule.who_sees if rule.who_sees is not None else rule.who
        if filled(getattr(state, rule.shows)) != (role in sees):
            problems.append(f"{role}: {rule.shows} is {getattr(state, rule.shows)!r}")


def test_roles_are_the_issues_eight_and_another_host() -> None:
    assert ROLES == (
        "guest",
        "shopper",
        "cart_member",
        "cart_owner",
        "deal_participant",
        "session_host",
        "other_host",
        "moderator",
        "admin",
    )
