"""Where the API's leaky buckets live: in this process, or in Redis shared by every process.

Each bucket is one number (its drain moment, app/domain/leaky_bucket.py). In Redis it is
changed with optimistic locking instead of a script: WATCH the key, read it, decide, and write
it in a MULTI/EXEC that Redis refuses if anyone wrote the key in between; then read again. Of
two processes spending the last drop at once, exactly one gets it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

import redis

from app.domain.leaky_bucket import Bucket, Drip, drip

ATTEMPTS = 20


class BucketStore(Protocol):
    def spend(self, name: str, bucket: Bucket) -> Drip: ...


class MemoryBuckets:
    """One process: a dict under a lock."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._tats: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def spend(self, name: str, bucket: Bucket) -> Drip:
        with self._lock:
            now = self._clock()
            result = drip(self._tats.get(name), now, bucket)
            if result.allowed:
                self._tats[name] = result.tat
            return result


class RedisBuckets:
    """Every process sharing one Redis: compare-and-set on the bucket's key."""

    def __init__(
        self,
        url: str,
        prefix: str = "bandwagon:api:bucket:",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._prefix = prefix
        self._clock = clock

    def spend(self, name: str, bucket: Bucket) -> Drip:
        key = self._prefix + name
        with self._client.pipeline() as pipe:
            for _ in range(ATTEMPTS):
                try:
                    pipe.watch(key)
                    raw: bytes | None = pipe.get(key)  # type: ignore[assignment]
                    now = self._clock()
                    result = drip(float(raw) if raw is not None else None, now, bucket)
                    if not result.allowed:
                        pipe.unwatch()
                        return result
                    pipe.multi()
                    ttl_ms = max(1, int((result.tat - now) * 1000) + 1000)
                    pipe.set(key, repr(result.tat), px=ttl_ms)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue
        # Heavy contention on one key: refuse for a moment rather than spin.
        return Drip(False, 0.0, 0, bucket.interval, bucket.interval)

    def close(self) -> None:
        self._client.close()


def bucket_store(redis_url: str | None, prefix: str = "bandwagon:api:bucket:") -> BucketStore:
    """Redis when the app has one (REDIS_URL), this process otherwise."""
    if redis_url:
        return RedisBuckets(redis_url, prefix)
    return MemoryBuckets()
