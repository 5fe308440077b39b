"""Attempt limits on the real Redis: every backend process spends from one allowance per key,
and a Redis that cannot be reached leaves each process limiting on its own."""

from __future__ import annotations

import uuid

import pytest
import redis
from limits.storage import storage_from_string

from app.adapters.limiter import SharedLimiter
from app.domain.throttle import Rate
from tests.conftest import REDIS_TEST_URL, service_unavailable


@pytest.fixture
def rate() -> Rate:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        service_unavailable("Redis", error)
    # A name per test run: the keys of earlier runs never count.
    return Rate(f"test.{uuid.uuid4().hex}", limit=3, seconds=60)


def _process() -> SharedLimiter:
    """What one backend process builds from REDIS_URL."""
    storage = storage_from_string(REDIS_TEST_URL)
    assert not hasattr(storage, "__aenter__")
    return SharedLimiter(storage)


def test_two_processes_spend_one_allowance_per_key(rate: Rate) -> None:
    first, second = _process(), _process()
    spent = [first.attempt(rate, "user:7"), second.attempt(rate, "user:7")]
    spent.append(first.attempt(rate, "user:7"))
    assert spent == [None, None, None]
    wait = second.attempt(rate, "user:7")
    assert wait is not None and 0 < wait <= rate.seconds
    assert first.attempt(rate, "user:8") is None  # another key has its own
    assert first.attempt(rate, "ip:203.0.113.9") is None


def test_without_redis_each_process_still_limits(rate: Rate) -> None:
    cut_off = SharedLimiter(storage_from_string("redis://127.0.0.1:1/0"))
    results = [cut_off.attempt(rate, "user:7") for _ in range(rate.limit + 1)]
    assert results[: rate.limit] == [None] * rate.limit
    assert results[-1] is not None
