"""Each API key's request allowance: a leaky bucket, shared by every backend process through
Redis when the app has one (REDIS_URL), kept in this process otherwise."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis

from app.adapters.leaky_buckets import BucketStore, bucket_store
from app.config import settings
from app.domain.leaky_bucket import Bucket, Drip

log = logging.getLogger(__name__)

DEFAULT_BUCKET = Bucket(capacity=120, period=60.0)  # 120 at once, refilled at 2 a second


@dataclass
class Quota:
    """The allowance of every key: one bucket per key id in `store`."""

    store: BucketStore
    bucket: Bucket = DEFAULT_BUCKET

    def spend(self, key_id: int) -> Drip:
        """One request of this key. If the shared store cannot be reached the request goes
        through (and is logged): the API stays up when Redis does not."""
        try:
            return self.store.spend(f"key:{key_id}", self.bucket)
        except redis.RedisError as error:
            log.warning("rate limit store unreachable, letting the request through: %s", error)
            return Drip(True, 0.0, self.bucket.capacity - 1, 0.0, 0.0)


def app_quota(
    bucket: Bucket = DEFAULT_BUCKET, *, redis_url: str | None = None, prefix: str = ""
) -> Quota:
    """The quota for this process: Redis from the settings unless a URL is given."""
    url = redis_url if redis_url is not None else settings().redis_url
    store = bucket_store(url, prefix) if prefix else bucket_store(url)
    return Quota(store, bucket)
