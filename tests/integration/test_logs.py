"""Log lines are JSON objects that carry the id of the request they were written for."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from app.api.logs import JsonFormatter, RequestLogMiddleware


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


async def _answer(request: Request) -> PlainTextResponse:
    logging.getLogger("app.example").warning("refused a webhook", extra={"event_id": "evt_1"})
    return PlainTextResponse("no", status_code=400)


async def test_every_line_of_a_request_carries_its_id(lines: io.StringIO) -> None:
    app = Starlette(routes=[Route("/hook", _answer)], middleware=[Middleware(RequestLogMiddleware)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as c:
        await c.get("/hook", headers={"X-Request-ID": "nginx-given-id"})
        await c.get("/hook")
    records = [json.loads(line) for line in lines.getvalue().splitlines()]
    mine = [r for r in records if r.get("request_id") == "nginx-given-id"]
    assert [r["logger"] for r in mine] == ["app.example", "bandwagon.access"]
    assert mine[0]["message"] == "refused a webhook" and mine[0]["event_id"] == "evt_1"
    assert mine[1]["status"] == 400 and mine[1]["path"] == "/hook" and mine[1]["level"] == "info"
    others = {r["request_id"] for r in records if "request_id" in r} - {"nginx-given-id"}
    assert len(others) == 1  # the request without a header got an id of its own


async def test_lines_written_while_a_websocket_event_is_handled_carry_its_id(
    lines: io.StringIO,
) -> None:
    """As python-socketio does: each event's handler runs in a task started by the reader."""
    frames = [
        '42/_event,["event",{"name":"reflex___state____state.app___states___carts____cart_state'
        '.change_quantity","payload":{}}]',
        '42/_event,["event",{"name":"x.y.send_message","payload":{}}]',
    ]
    handled: list[asyncio.Task[None]] = []

    async def handler() -> None:
        logging.getLogger("app.example").warning("handled")

    async def reader(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()  # websocket.connect
        for _ in frames:
            await receive()
            handled.append(asyncio.get_running_loop().create_task(handler()))
        await asyncio.gather(*handled)

    incoming = [{"type": "websocket.connect"}] + [
        {"type": "websocket.receive", "text": frame} for frame in frames
    ]

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(_message: Message) -> None:
        return None

    scope = {"type": "websocket", "path": "/_event/", "headers": []}
    await RequestLogMiddleware(reader)(scope, receive, send)
    records = [json.loads(line) for line in lines.getvalue().splitlines()]
    mine = [r for r in records if r["message"] == "handled"]
    assert [r["event"] for r in mine] == ["change_quantity", "send_message"]
    assert len({r["event_id"] for r in mine}) == 2 and all(r["request_id"] for r in mine)
    assert all("user_id" not in r for r in mine)  # nobody signed in on this socket
