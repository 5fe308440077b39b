"""The bad-input suite against the public API (/api/v1) on SQLite and PostgreSQL: every path
parameter, query parameter and JSON field gets the hostile corpus. Each answer is a 4xx with
problem details (or a 2xx for a value that is harmless); never a 5xx, and never an exception
out of the app (the test transport re-raises them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from app.domain.leaky_bucket import Bucket
from tests.hostile_inputs import NUMBERS, SEGMENTS, TEXTS, harmless_text
from tests.integration.api_world import ALL_SCOPES, ApiWorld, api_world

PROBLEM = "application/problem+json"
GOOD_PRODUCT = {"title": "Tide Mug", "price_minor": 2450, "stock": 7, "category": "home"}

# every value of the corpus as a query or path value (path values percent-encoded)
QUERY_VALUES = [*TEXTS.values(), *(str(v) for v in NUMBERS.values())]
PATH_VALUES = [*SEGMENTS.values(), quote("\x00", safe=""), quote("a\u202eb", safe="")]
JSON_VALUES: list[Any] = [*TEXTS.values(), *NUMBERS.values(), {"a": 1}, 2**200, -(2**70), 1e308]
QUERIES = [
    ("/products", "limit"),
    ("/products", "cursor"),
    ("/products", "category"),
    ("/deals", "status"),
    ("/deals", "cursor"),
    ("/orders", "limit"),
    ("/carts", "cursor"),
    ("/categories", "unknown"),
]


@pytest.fixture
def world(database_url: str) -> Iterator[ApiWorld]:
    for world in api_world(database_url):
        world.product("Home Mug", category="home")
        yield world


def _check(response: httpx.Response, what: str, problems: list[str]) -> None:
    if response.status_code == 429:
        problems.append(f"{what}: rate limited, so not tested")
    elif response.status_code >= 500:
        problems.append(f"{what}: {response.status_code} {response.text[:200]}")
    elif response.status_code >= 400 and response.headers.get("content-type") != PROBLEM:
        problems.append(f"{what}: {response.status_code} without problem details")


async def test_hostile_paths_queries_and_fields_get_4xx_problem_details(world: ApiWorld) -> None:
    token = world.key("Ada", ALL_SCOPES)
    problems: list[str] = []
    roomy = world.app(bucket=Bucket(100_000, 60.0))  # the quota has its own tests
    async with world.client(token, app=roomy) as api:
        for value in PATH_VALUES:
            for path in ("/products/{}", "/products/{}/reviews", "/deals/{}", "/carts/{}"):
                url = path.format(value)
                _check(await api.get(url), f"GET {url[:60]}", problems)
            _check(await api.get(f"/orders/{value}"), f"GET /orders/{value[:40]}", problems)
            patch = await api.patch(f"/products/{value}", json={"stock": 3})
            _check(patch, f"PATCH /products/{value[:40]}", problems)
        for value in QUERY_VALUES:
            for path, name in QUERIES:
                response = await api.get(path, params={name: value})
                _check(response, f"GET {path}?{name}={value[:30]!r}", problems)
        for value in JSON_VALUES:
            for field in ("title", "description", "price_minor", "stock", "currency", "category"):
                body = {**GOOD_PRODUCT, "title": f"Mug {len(problems)}", field: value}
                made = await api.post("/products", json=body)
                _check(made, f"POST /products {field}={str(value)[:30]!r}", problems)
                if made.status_code == 201:
                    stored = made.json()
                    assert harmless_text(stored["title"]) and harmless_text(stored["description"])
                changed = await api.patch("/products/home-mug", json={field: value})
                _check(changed, f"PATCH /products {field}={str(value)[:30]!r}", problems)
        raw = await api.post(
            "/products",
            content=b'{"title": "x\\u0000", "price_minor": 1e999, "stock": NaN}',
            headers={"content-type": "application/json"},
        )
        _check(raw, "POST /products with NaN and 1e999", problems)
    assert problems == [], "\n".join(problems)
