"""GET /healthz: this process is up. GET /readyz: it can reach its database and Redis.

nginx, a supervisor or a load balancer polls these. /healthz touches nothing, so a slow database
never gets a live process restarted; /readyz (503 with the reason when not) says whether this
process can do useful work right now. Each probe opens its own connections with short timeouts,
so it measures reachability and never waits behind the app's busy pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import lru_cache

import redis.asyncio as aioredis
from sqlalchemy import Engine, create_engine, text
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.config import settings

TIMEOUT_SECONDS = 2.0


@lru_cache(maxsize=4)
def _probe_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return create_engine(url, pool_size=1, max_overflow=0)
    return create_engine(
        url,
        pool_size=1,
        max_overflow=0,
        pool_pre_ping=True,
        connect_args={"connect_timeout": int(TIMEOUT_SECONDS)},
    )


def _select_one(url: str) -> None:
    with _probe_engine(url).connect() as connection:
        connection.execute(text("SELECT 1"))


async def database_status(url: str) -> str:
    try:
        await asyncio.wait_for(asyncio.to_thread(_select_one, url), TIMEOUT_SECONDS + 1)
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable", said as such
        return f"unreachable: {type(error).__name__}"
    return "ok"


async def redis_status(url: str | None) -> str:
    if not url:
        return "not used"
    client = aioredis.Redis.from_url(
        url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        await asyncio.wait_for(client.ping(), TIMEOUT_SECONDS + 1)  # type: ignore[arg-type]
    except Exception as error:  # noqa: BLE001 - as above
        return f"unreachable: {type(error).__name__}"
    finally:
        await client.aclose()
    return "ok"


def health_routes(
    database_url: Callable[[], str] = lambda: settings().database_url,
    redis_url: Callable[[], str | None] = lambda: settings().redis_url,
) -> list[Route]:
    """The two probes; the arguments are for tests."""

    async def healthz(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> JSONResponse:
        database, cache = await asyncio.gather(
            database_status(database_url()), redis_status(redis_url())
        )
        ready = database == "ok" and cache in ("ok", "not used")
        body = {"status": "ok" if ready else "unavailable", "database": database, "redis": cache}
        return JSONResponse(body, status_code=200 if ready else 503)

    return [Route("/healthz", healthz, methods=["GET"]), Route("/readyz", readyz, methods=["GET"])]
