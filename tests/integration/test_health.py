"""/healthz says the process is up; /readyz says whether its database and Redis answer."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from app.api.health import health_routes
from app.launcher.processes import free_port
from tests.conftest import REDIS_TEST_URL


def _client(database_url: str, redis_url: str | None) -> httpx.AsyncClient:
    routes = health_routes(database_url=lambda: database_url, redis_url=lambda: redis_url)
    transport = httpx.ASGITransport(app=Starlette(routes=routes))
    return httpx.AsyncClient(transport=transport, base_url="http://backend")


async def test_ready_when_the_database_and_redis_answer(sqlite_url: str) -> None:
    client = _client(sqlite_url, REDIS_TEST_URL)
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    answer = await client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_one_process_without_redis_is_ready(sqlite_url: str) -> None:
    answer = await _client(sqlite_url, None).get("/readyz")
    assert answer.status_code == 200 and answer.json()["redis"] == "not used"


async def test_not_ready_when_redis_is_unreachable_but_still_alive(sqlite_url: str) -> None:
    client = _client(sqlite_url, f"redis://127.0.0.1:{free_port()}")
    answer = await client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "unavailable"
    assert answer.json()["database"] == "ok"
    assert answer.json()["redis"].startswith("unreachable")
    assert (await client.get("/healthz")).status_code == 200


async def test_not_ready_when_the_database_is_unreachable() -> None:
    closed = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/shop"
    answer = await _client(closed, None).get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["database"].startswith("unreachable")


async def test_each_request_is_timed_by_route(sqlite_url: str) -> None:
    from prometheus_client import REGISTRY
    from starlette.middleware import Middleware

    from app.api.metrics import MetricsMiddleware

    routes = health_routes(database_url=lambda: sqlite_url, redis_url=lambda: None)
    app = Starlette(routes=routes, middleware=[Middleware(MetricsMiddleware)])
    labels = {"route": "/healthz", "method": "GET", "status": "200"}
    name = "bandwagon_http_request_duration_seconds_count"
    before = REGISTRY.get_sample_value(name, labels) or 0
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as c:
        await c.get("/healthz")
        await c.get("/healthz")
        await c.get("/no-such-route")
    assert REGISTRY.get_sample_value(name, labels) == before + 2
    missing = {"route": "other", "method": "GET", "status": "404"}
    assert (REGISTRY.get_sample_value(name, missing) or 0) >= 1
