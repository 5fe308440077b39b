"""The Redis bus against the real server: news crosses processes, and publishing never raises."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import AsyncIterator

import pytest
import redis

from app.adapters.bus.redis_bus import RedisBus
from app.domain.events import DomainEvent
from tests.conftest import REDIS_TEST_URL, service_unavailable


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        service_unavailable("Redis", error)
    return REDIS_TEST_URL


def _channel() -> str:
    # A channel per test, so parallel runs and other apps on the same Redis never interfere.
    return f"bandwagon:test:{uuid.uuid4().hex}"


def _event(version: int) -> DomainEvent:
    return DomainEvent("cart", "7", version, "cart.changed", {"activity": "Bob added 2 × Mug"})


async def _subscribed(channel: str, url: str, timeout: float = 5.0) -> None:
    """Wait until the listener's SUBSCRIBE has reached Redis (pub/sub drops earlier news)."""
    client = redis.asyncio.Redis.from_url(url)
    try:
        async with asyncio.timeout(timeout):
            while (await client.pubsub_numsub(channel))[0][1] < 1:
                await asyncio.sleep(0.02)
    finally:
        await client.aclose()


async def _stop(task: asyncio.Future[DomainEvent], listener: AsyncIterator[DomainEvent]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await listener.aclose()  # type: ignore[attr-defined]


async def test_an_event_published_by_one_process_reaches_another(redis_url: str) -> None:
    channel = _channel()
    publisher = RedisBus(redis_url, channel=channel)  # as in one backend process
    subscriber = RedisBus(redis_url, channel=channel)  # as in another
    listener = subscriber.listen()
    received = asyncio.ensure_future(anext(listener))
    try:
        await _subscribed(channel, redis_url)
        publisher.publish(_event(3))
        event = await asyncio.wait_for(received, 5)
    finally:
        await _stop(received, listener)
    assert (event.channel, event.version, event.kind) == ("cart:7", 3, "cart.changed")
    assert event.payload == {"activity": "Bob added 2 × Mug"}


async def test_listeners_on_other_channels_hear_nothing(redis_url: str) -> None:
    publisher = RedisBus(redis_url, channel=_channel())
    quiet_channel = _channel()
    listener = RedisBus(redis_url, channel=quiet_channel).listen()
    received = asyncio.ensure_future(anext(listener))
    try:
        await _subscribed(quiet_channel, redis_url)
        publisher.publish(_event(1))
        done, _ = await asyncio.wait({received}, timeout=0.3)
        assert not done
    finally:
        await _stop(received, listener)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends


def test_publish_never_raises_when_redis_is_unreachable(caplog: pytest.LogCaptureFixture) -> None:
    bus = RedisBus(f"redis://127.0.0.1:{_closed_port()}/0", channel=_channel())
    bus.publish(_event(1))
    bus.publish(_event(2))
    assert "not published" in caplog.text
