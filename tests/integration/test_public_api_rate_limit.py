"""The per-key leaky bucket: reported in RateLimit-* headers, 429 with Retry-After when empty,
and one bucket per key across processes when they share Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from app.adapters.leaky_buckets import RedisBuckets
from app.domain.api_keys import new_token
from app.domain.leaky_bucket import Bucket
from app.services.api_access.keys import WRONG_TOKENS_PER_ADDRESS
from app.services.api_access.quota import Quota
from tests.conftest import REDIS_TEST_URL, service_unavailable
from tests.integration.api_world import ApiWorld, api_world

SMALL = Bucket(capacity=3, period=60.0)  # three at once, then one every 20 s


@pytest.fixture
def world(sqlite_url: str) -> Iterator[ApiWorld]:
    from app.cli import migrate

    migrate(sqlite_url)
    yield from api_world(sqlite_url)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        service_unavailable("Redis", error)
    prefix = f"bandwagon:test:api:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_TEST_URL)
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
    client.close()


async def test_an_empty_bucket_answers_429_with_retry_after(world: ApiWorld) -> None:
    world.product("Harbor Mug")
    token = world.key("Sam", ["read_products"])
    other = world.key("Sam", ["read_products"], name="Other")
    app = world.app(bucket=SMALL)
    async with world.client(token, app=app) as client:
        answers = [await client.get("/products") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
        assert all(a.headers["ratelimit-limit"] == "3" for a in answers)
        refused = answers[-1]
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 20
    async with world.client(other, app=app) as client:
        assert (await client.get("/products")).status_code == 200  # a bucket per key


async def test_an_address_sending_wrong_keys_gets_429_with_retry_after(world: ApiWorld) -> None:
    """Each wrong key spends a try of the address it came from (on the limiter the backend
    processes share); once they are spent even a right key from there waits, elsewhere not."""
    right = world.key("Sam", ["read_products"])
    app = world.app()
    async with world.client(new_token().token, app=app, address="203.0.113.7") as guesser:
        wrong = [await guesser.get("/products") for _ in range(WRONG_TOKENS_PER_ADDRESS.limit)]
        assert {a.status_code for a in wrong} == {401}
        refused = await guesser.get("/products")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"
    assert refused.json()["detail"].startswith("That's a lot in a short time.")
    assert 1 <= int(refused.headers["retry-after"]) <= WRONG_TOKENS_PER_ADDRESS.seconds
    async with world.client(right, app=app, address="203.0.113.7") as same_place:
        assert (await same_place.get("/products")).status_code == 429
    async with world.client(right, app=app, address="198.51.100.20") as elsewhere:
        assert (await elsewhere.get("/products")).status_code == 200


@pytest.mark.redis
async def test_two_app_instances_share_one_bucket_per_key_through_redis(
    world: ApiWorld, redis_prefix: str
) -> None:
    token = world.key("Sam", ["read_deals"])
    first = world.app(RedisBuckets(REDIS_TEST_URL, redis_prefix), SMALL)
    second = world.app(RedisBuckets(REDIS_TEST_URL, redis_prefix), SMALL)
    async with world.client(token, app=first) as one, world.client(token, app=second) as two:
        statuses = [
            (await one.get("/deals")).status_code,
            (await two.get("/deals")).status_code,
            (await one.get("/deals")).status_code,
            (await two.get("/deals")).status_code,
        ]
        assert statuses == [200, 200, 200, 429]
        refused = await one.get("/deals")
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1


@pytest.mark.redis
def test_simultaneous_spenders_never_get_more_than_the_bucket_holds(redis_prefix: str) -> None:
    stores = [RedisBuckets(REDIS_TEST_URL, redis_prefix) for _ in range(4)]
    bucket = Bucket(capacity=10, period=600.0)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: stores[i % 4].spend("key:1", bucket), range(40)))
    assert sum(r.allowed for r in results) == 10


def test_without_a_reachable_redis_requests_go_through() -> None:
    quota = Quota(RedisBuckets("redis://127.0.0.1:1/0"), SMALL)
    assert quota.spend(7).allowed
