"""Redis going away: pages say "reconnecting", edits still commit, and everything resyncs after."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from app.adapters.bus.redis_bus import RedisBus
from app.cli import migrate
from app.domain.events import DomainEvent
from app.realtime.hub import Hub
from app.realtime.rooms import Rooms, Viewer, delta
from app.services import carts
from tests.fakes import FakeApp
from tests.integration.cart_world import Shop, load_cart, make_shop
from tests.support.stack import PrivateRedis


class CartPage:
    @staticmethod
    def get_full_name() -> str:
        return "root.cart_page"


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed (Debian package redis-server)")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def shop(sqlite_url: str) -> Iterator[Shop]:
    migrate(sqlite_url)
    yield from make_shop(sqlite_url)


async def _until(check: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_an_edit_during_a_redis_outage_is_kept_and_shown_when_redis_returns(
    shop: Shop, private_redis: PrivateRedis
) -> None:
    bus = RedisBus(private_redis.url)
    shop.bus = bus  # type: ignore[assignment]
    alice, bob = shop.user("Alice"), shop.user("Bob")
    mug = shop.product("Harbor Mug", stock=9)
    cart = shop.do(carts.create_shared_cart, alice, "Picnic")
    assert isinstance(cart, int)
    shop.do(carts.join_by_code, bob, load_cart(shop, cart, alice).invite_code)

    async def render(event: DomainEvent) -> dict[str, Any]:
        view = await asyncio.to_thread(load_cart, shop, cart, alice)
        return delta(CartPage, items=sum(line.quantity for line in view.lines))

    app, rooms = FakeApp(), Rooms()
    rooms.bind(app)
    rooms.register("cart", render)
    rooms.register_status(lambda ok: delta(CartPage, live_ok=ok))
    await rooms.enter("bob-tab", f"cart:{cart}", Viewer(bob, "Bob"))
    hub = Hub(rooms)
    runner = asyncio.create_task(hub.run(bus))

    def pushed(name: str) -> list[Any]:
        return [
            data["delta"]["root.cart_page"][name + "_rx_state_"]
            for _, data in app.sio.emits
            if name + "_rx_state_" in data["delta"].get("root.cart_page", {})
        ]

    try:
        client = redis.Redis.from_url(private_redis.url)
        await _until(lambda: client.pubsub_numsub(bus.channel)[0][1] >= 1)
        await asyncio.to_thread(shop.do, carts.add_item, cart, alice, mug, 2)
        await _until(lambda: pushed("items") == [2])

        private_redis.stop()
        await _until(lambda: pushed("live_ok") == [False])
        # The edit commits although its news cannot be sent.
        await asyncio.to_thread(shop.do, carts.add_item, cart, bob, mug, 3)
        assert sum(line.quantity for line in load_cart(shop, cart, bob).lines) == 5

        private_redis.start()
        await _until(lambda: pushed("live_ok") == [False, True])
        await _until(lambda: pushed("items")[-1] == 5)
    finally:
        runner.cancel()
