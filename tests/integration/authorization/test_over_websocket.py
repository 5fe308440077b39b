"""A sample of the matrix through the real app: a backend process on PostgreSQL and Redis,
each role a browser tab speaking Reflex's websocket protocol with its own session cookie.

The in-process matrix (test_matrix.py) calls every handler; this checks that what it calls is
what a browser reaches: the cookie read from the websocket handshake, the page's load run by the
app, and the same refusals. Refused roles go first and must change nothing; then the first
allowed role's call must change the shop.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.authorization import harness, world
from tests.integration.authorization.handler_table import HANDLERS
from tests.support.cluster import Cluster, running_cluster
from tests.support.reflex_client import ReflexClient

# What the running app's own jobs and page visits write, whoever calls what: webhook delivery,
# the event consumers' positions, analytics rollups, a visitor's experiment link.
BACKGROUND = frozenset(
    {
        "event_consumer",
        "event_rollup_hourly",
        "event_rollup_daily",
        "experiment_visitor",
        "experiment_exposure",
        "webhook_attempt",
        "webhook_endpoint",
        "webhook_message",
    }
)
SAMPLE = (
    "carts.CartState.lock",
    "console.moderation.ConsoleModerationState.remove",
    "live_console.LiveConsoleState.pin",
    "console.users.ConsoleUsersState.set_role",
    "people.ProfileState.save_name",
)


@pytest.fixture(scope="module")
def running() -> Iterator[tuple[Cluster, world.Shop]]:
    with running_cluster(workers=1) as cluster:
        ids, cookies = world.populate(cluster.engine)
        yield cluster, world.Shop(cluster.engine, ids, cookies)


async def settle(shop: world.Shop, before: dict[str, str], seconds: float) -> list[str]:
    """The tables changed since `before`, once something changed or `seconds` passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if tables := world.changed(before, shop.fingerprint(BACKGROUND)):
            return tables
        await asyncio.sleep(0.2)
    return []


@pytest.mark.parametrize("key", SAMPLE)
async def test_a_browser_of_each_role_gets_what_the_table_says(
    key: str, running: tuple[Cluster, world.Shop]
) -> None:
    cluster, shop = running
    rule = HANDLERS[key]
    cls = harness.app_handlers()[key]
    handler = f"{cls.get_full_name()}.{key.rsplit('.', 1)[1]}"
    path = harness.resolve(rule.path, shop.ids)
    args: dict[str, Any] = harness.resolve(rule.args, shop.ids)
    tabs: list[ReflexClient] = []

    async def call_as(role: str) -> None:
        tab = ReflexClient(cluster.urls[0], shop.cookies[role])
        tabs.append(tab)
        await tab.open(path, harness.route_params(path))
        # The page's load runs first: its news about this state (or about anything) arrives.
        with contextlib.suppress(TimeoutError):
            await tab.wait_until(lambda: cls.get_full_name() in tab.values, timeout=8)
        await asyncio.sleep(0.3)
        await tab.call(handler, **args)

    try:
        before = shop.fingerprint(BACKGROUND)
        for role in rule.refused():
            await call_as(role)
        changed = await settle(shop, before, 3.0)
        assert not changed, f"{key}: a refused role changed {changed}"
        first = rule.allowed()[0]
        await call_as(first)
        seen = tabs[-1].values.get(cls.get_full_name())
        assert await settle(shop, before, 15.0), f"{key}: {first} (allowed) changed nothing {seen}"
    finally:
        for tab in tabs:
            await tab.close()
