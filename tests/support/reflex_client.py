"""A client that speaks Reflex's own websocket protocol, for load generators and tests.

It does what the browser's state.js does: connect socket.io at /_event with the tab's token and
the page's hydrate-and-load event in the CONNECT packet, send `event` messages naming handlers by
their full dotted state name, and receive deltas as `event` messages. The Cookie header goes
with the websocket handshake, where the app reads the session from.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any

import aiohttp
import socketio

NAMESPACE = "/_event"
ROOT_STATE = "reflex___state____state"
FIELD_MARKER = "_rx_state_"

Delta = dict[str, dict[str, Any]]


class ReflexClient:
    def __init__(self, base_url: str, cookie: str = "", address: str | None = None) -> None:
        """`address`: the local address to connect from (any 127.x.y.z on Linux), so that
        simulated browsers reach a proxy from addresses of their own, as real ones do."""
        self.base_url = base_url.rstrip("/")
        self.cookie = cookie
        self.token = str(uuid.uuid4())
        self.router_data: dict[str, Any] = {}
        self.values: dict[str, dict[str, Any]] = {}  # state name -> var -> latest value
        self.listeners: list[Callable[[Delta, float], None]] = []
        self._changed = asyncio.Event()
        self.updates = 0  # update messages received so far
        self._http = (
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0)))
            if address
            else None
        )
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self._http)
        self.sio.on("event", self._on_update, namespace=NAMESPACE)

    async def _on_update(self, update: dict[str, Any]) -> None:
        arrived = time.perf_counter()
        self.updates += 1
        delta: Delta = update.get("delta") or {}
        for state, changes in delta.items():
            bucket = self.values.setdefault(state, {})
            for key, value in changes.items():
                bucket[key.removesuffix(FIELD_MARKER)] = value
        for listener in self.listeners:
            listener(delta, arrived)
        self._changed.set()
        # As the page does: events the server sends back are queued to it. Only a request to
        # load the page again is followed here (toasts, redirects... are the browser's).
        for event in update.get("events") or ():
            if str(event.get("name", "")).endswith(".hydrate_and_load"):
                asyncio.get_running_loop().create_task(self.call(event["name"]))

    async def open(self, path: str, params: dict[str, str] | None = None) -> None:
        """Connect as a browser tab showing `path`; the page's on_load handlers run."""
        self.router_data = {"pathname": path, "asPath": path}
        if params:
            self.router_data["query"] = dict(params)
        boot = {
            "name": f"{ROOT_STATE}.hydrate_and_load",
            "payload": {},
            "router_data": self.router_data,
        }
        headers = {"Cookie": self.cookie} if self.cookie else {}
        await self.sio.connect(
            f"{self.base_url}?token={self.token}",
            headers=headers,
            transports=["websocket"],
            socketio_path="/_event",
            namespaces=[NAMESPACE],
            auth={"event": boot},
            wait_timeout=30,
        )

    async def call(self, handler: str, **payload: Any) -> None:
        """Send one event, e.g. call("<full state name>.change_quantity", line_id=3, delta=1)."""
        event = {"name": handler, "payload": payload, "router_data": self.router_data}
        await self.sio.emit("event", event, namespace=NAMESPACE)

    def value(self, state: str, var: str, default: Any = None) -> Any:
        return self.values.get(state, {}).get(var, default)

    async def wait_until(self, check: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `check()` holds for the values received so far."""
        deadline = time.monotonic() + timeout
        while not check():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the expected update did not arrive")
            self._changed.clear()
            if check():
                return
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue

    async def close(self) -> None:
        await self.sio.disconnect()
        if self._http is not None:
            await self._http.close()
