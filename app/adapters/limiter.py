"""Attempt limits shared by every backend process: the maintained `limits` library, on Redis
when REDIS_URL is set (so two workers share one allowance) and in memory without it.

Each rate is a moving window (`limits`' exact strategy): "5 per 2 seconds" never lets a sixth
through in any 2 seconds, however the attempts fall. Keys are whatever the caller limits by, a
user id or a client address; they expire with their window, so a stream of new keys costs
memory only for as long as the window lasts.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache
from typing import Protocol

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from app.config import settings
from app.domain.throttle import Rate

log = logging.getLogger(__name__)


class Limiter(Protocol):
    def attempt(self, rate: Rate, key: str) -> float | None:
        """Spend one attempt: None when allowed, else the seconds until one is free again."""

    def blocked(self, rate: Rate, key: str) -> float | None:
        """Without spending: None when an attempt is left, else the seconds until one is."""


class SharedLimiter:
    def __init__(self, storage: Storage) -> None:
        self._shared = MovingWindowRateLimiter(storage)
        # While Redis is unreachable each process still limits on its own, rather than letting
        # everything through or refusing everyone.
        self._local = MovingWindowRateLimiter(MemoryStorage())

    def attempt(self, rate: Rate, key: str) -> float | None:
        item = RateLimitItemPerSecond(rate.limit, rate.seconds, namespace="bandwagon")
        try:
            return self._spend(self._shared, item, rate.name, key)
        except (RedisError, OSError) as error:
            log.warning("rate limits are per process while Redis is unreachable: %s", error)
            return self._spend(self._local, item, rate.name, key)

    def blocked(self, rate: Rate, key: str) -> float | None:
        item = RateLimitItemPerSecond(rate.limit, rate.seconds, namespace="bandwagon")
        try:
            return self._wait(self._shared, item, rate.name, key)
        except (RedisError, OSError):
            return self._wait(self._local, item, rate.name, key)

    @staticmethod
    def _wait(
        strategy: MovingWindowRateLimiter, item: RateLimitItem, name: str, key: str
    ) -> float | None:
        if strategy.test(item, name, key):
            return None
        reset = strategy.get_window_stats(item, name, key).reset_time
        return max(0.1, reset - time.time())

    @staticmethod
    def _spend(
        strategy: MovingWindowRateLimiter, item: RateLimitItem, name: str, key: str
    ) -> float | None:
        if strategy.hit(item, name, key):
            return None
        reset = strategy.get_window_stats(item, name, key).reset_time
        return max(0.1, reset - time.time())


def memory_limiter() -> SharedLimiter:
    """One process's own limits: for tests, and for a shop without Redis."""
    return SharedLimiter(MemoryStorage())


@lru_cache(maxsize=1)
def shared_limiter() -> SharedLimiter:
    """The process-wide limiter: Redis when configured, memory otherwise."""
    url = settings().redis_url
    if url is None:
        return memory_limiter()
    storage = storage_from_string(url)
    assert isinstance(storage, Storage)  # a redis:// URL gives the synchronous storage
    return SharedLimiter(storage)
