"""Redis restarting under the whole `make prod` stack (a private redis-server started by the
test): the pages say "reconnecting" while it is away, then show the current cart again; an edit
made meanwhile by someone whose page works is not lost, and nothing stale stays on screen."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import Engine

from app.adapters.db.session import make_engine
from app.services import carts
from app.services.unit_of_work import unit_of_work
from app.states.rooms import LiveStatus
from tests.factories import SilentBus
from tests.support.cluster import Cluster
from tests.support.databases import fresh_postgres
from tests.support.reflex_client import ReflexClient
from tests.support.shared_carts import CART_STATE, build_carts, line_quantity
from tests.support.stack import PrivateRedis, Stack, running_stack, stack_environment

STATUS = LiveStatus.get_full_name()
ROOT = "reflex___state____state"


@pytest.fixture(scope="module")
def redis_server() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def world(
    postgres_server: Engine, redis_server: PrivateRedis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, Cluster]]:
    folder = tmp_path_factory.mktemp("redis-restart")
    with fresh_postgres("bandwagon_redis_restart") as database:
        env = stack_environment(database, redis_server.url, folder / "data")
        with running_stack(env, folder / "stack.log", workers=2) as stack:
            engine = make_engine(database)
            yield stack, Cluster(database, [stack.url], engine, folder)
            engine.dispose()


async def _until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        await asyncio.sleep(0.1)


async def test_pages_say_reconnecting_then_show_the_current_cart(
    world: tuple[Stack, Cluster], redis_server: PrivateRedis
) -> None:
    stack, shop = world
    members = build_carts(shop, count=1, size=2)[0]
    clients = [ReflexClient(stack.url, m.shopper.cookie) for m in members]
    line = members[1].line_id

    def seen(client: ReflexClient) -> int | None:
        return line_quantity(client.value(CART_STATE, "view"), line)

    try:
        for client, member in zip(clients, members, strict=True):
            await client.open(f"/cart/{member.cart_id}", {"cart_id": str(member.cart_id)})
            await client.wait_until(lambda c=client: seen(c) is not None, 60)
        redis_server.stop()
        for client in clients:
            await client.wait_until(lambda c=client: c.value(STATUS, "live_ok") is False, 15)
        # Meanwhile a change commits (here straight through the service, as a worker whose
        # page still works would): its news cannot travel, the database has it.
        with unit_of_work(shop.session, SilentBus()) as uow:
            carts.set_quantity(uow, members[1].cart_id, members[1].shopper.user_id, line, 5)
        # Each page loads itself again once news flows (Redis came back empty): a fresh state,
        # then its load handler; the page is usable when that has landed.
        reloaded = [asyncio.Event() for _ in clients]
        for client, done in zip(clients, reloaded, strict=True):
            client.listeners.append(
                lambda delta, _at, done=done: (
                    done.set() if delta.get(ROOT, {}).get("is_hydrated_rx_state_") else None
                )
            )
        redis_server.start()
        for client, done in zip(clients, reloaded, strict=True):
            await client.wait_until(lambda c=client: c.value(STATUS, "live_ok") is True, 30)
            await asyncio.wait_for(done.wait(), 30)
            await client.wait_until(lambda c=client: seen(c) == 5, 15)
        # And the page works again: an edit after the restart reaches the other member.
        await clients[0].call(f"{CART_STATE}.change_quantity", line_id=members[0].line_id, delta=1)
        await clients[1].wait_until(
            lambda: line_quantity(clients[1].value(CART_STATE, "view"), members[0].line_id) == 2,
            15,
        )
    finally:
        for client in clients:
            await client.close()
