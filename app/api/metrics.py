"""Prometheus metrics: GET /metrics, and the ASGI middleware that measures the backend.

With several workers (`make prod`) every process writes its samples to files under
PROMETHEUS_MULTIPROC_DIR and any one worker's /metrics answers for all of them (prometheus-client's
multiprocess mode), so one scrape through nginx sees the whole site. Without that variable
(`make run`, one process) the samples stay in memory.

Measured here, at the edge of the backend, so no service or state has to know about it:
- `bandwagon_http_request_duration_seconds{route,method,status}`: latency per route (webhook
  failures are the /stripe requests with a 4xx or 5xx status);
- `bandwagon_websocket_clients`: connected browser tabs, summed over the live workers;
- `bandwagon_events_total`: events sent by browsers, page loads included (rate() gives events
  per second).
"""

from __future__ import annotations

import asyncio
import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.logs import EVENT_FRAMES, answered

# Labels stay few: a route is one of these prefixes, every other path (pages) is "other".
ROUTES = (
    "/_event", "/_upload", "/auth", "/stripe", "/healthz", "/readyz", "/metrics", "/ping",
    "/_health", "/api",
)  # fmt: skip

REQUEST_SECONDS = Histogram(
    "bandwagon_http_request_duration_seconds",
    "Time to answer an HTTP request, by route",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
WEBSOCKET_CLIENTS = Gauge(
    "bandwagon_websocket_clients",
    "Open Reflex websockets (browser tabs)",
    multiprocess_mode="livesum",  # a dead worker's clients are not counted
)
EVENTS = Counter("bandwagon_events", "Events received from browsers over the websocket")


def route_of(path: str) -> str:
    for route in ROUTES:
        if path == route or path.startswith(route + "/"):
            return route
    return "other"


class MetricsMiddleware:
    """Times HTTP requests; counts websockets and the events that arrive on them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket" and route_of(scope["path"]) == "/_event":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        def observe(status: int, seconds: float) -> None:
            route = route_of(scope["path"])
            REQUEST_SECONDS.labels(route, scope["method"], str(status)).observe(seconds)

        await answered(self.app, scope, receive, send, observe)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        accepted = False

        async def receiving() -> Message:
            message = await receive()
            text = message.get("text")
            if text is not None and text.startswith(EVENT_FRAMES):
                EVENTS.inc()
            return message

        async def sending(message: Message) -> None:
            nonlocal accepted
            if message["type"] == "websocket.accept" and not accepted:
                accepted = True
                WEBSOCKET_CLIENTS.inc()
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        finally:
            if accepted:
                WEBSOCKET_CLIENTS.dec()


def _exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


async def metrics(_request: Request) -> Response:
    # Reading every worker's files is disk work: keep it off the event loop.
    body = await asyncio.to_thread(_exposition)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def metrics_routes() -> list[Route]:
    return [Route("/metrics", metrics, methods=["GET"])]
