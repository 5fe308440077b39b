"""Reflex's websocket protocol, raw: Engine.IO v4 + Socket.IO v5 text frames over aiohttp.

A viewer opens `ws://host:port/_event/?EIO=4&transport=websocket&token=<uuid>`, reads the
Engine.IO open packet, connects the `/_event` namespace with the page's hydrate event in the
CONNECT packet (as Reflex's own frontend does), answers pings, and reads `event` messages.
Chat messages in the bench carry a marker `bm<seq>x<send time in 0.1 ms>`, so every viewer can
time each message's first arrival without talking to the sender.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import aiohttp

NAMESPACE = "/_event"
ROOT_STATE = "reflex___state____state"
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
MARK = re.compile(r"bm(\d+)x(\d+)")


def marker(seq: int, sent_at: float) -> str:
    return f"bm{seq}x{int(sent_at * 10_000)}"


def ws_url(port: int, token: str | None = None) -> str:
    token = token or str(uuid.uuid4())
    return f"ws://127.0.0.1:{port}{NAMESPACE}/?EIO=4&transport=websocket&token={token}"


def router_data(path: str, params: dict[str, str]) -> dict[str, Any]:
    return {"pathname": path, "asPath": path, "query": params}


def hydrate_auth(path: str, params: dict[str, str]) -> dict[str, Any]:
    return {"event": {"name": HYDRATE, "payload": {}, "router_data": router_data(path, params)}}


def event_frame(name: str, payload: dict[str, Any], path: str, params: dict[str, str]) -> str:
    body = {"name": name, "payload": payload, "router_data": router_data(path, params)}
    return f"42{NAMESPACE}," + json.dumps(["event", body], separators=(",", ":"))


class Viewer:
    """One socket. `on_frame(text, now)` sees every Socket.IO event frame."""

    def __init__(
        self,
        url: str,
        auth: dict[str, Any] | None,
        on_frame: Callable[[str, float], None],
        headers: dict[str, str] | None = None,
    ) -> None:
        self.url = url
        self.auth = auth
        self.on_frame = on_frame
        self.headers = headers or {}
        self.connected = asyncio.Event()
        self.closed = False
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def send(self, frame: str) -> None:
        assert self.ws is not None
        await self.ws.send_str(frame)

    async def run(self, session: aiohttp.ClientSession, stop: asyncio.Event) -> None:
        async with session.ws_connect(
            self.url, headers=self.headers, autoping=False, max_msg_size=0, compress=0
        ) as ws:
            self.ws = ws
            opened = await ws.receive(timeout=60)
            if opened.type != aiohttp.WSMsgType.TEXT or not opened.data.startswith("0"):
                raise ConnectionError(f"no Engine.IO open packet: {opened.data!r}")
            connect = f"40{NAMESPACE}," + (json.dumps(self.auth) if self.auth else "")
            await ws.send_str(connect)
            stopper = asyncio.ensure_future(stop.wait())
            try:
                while not stop.is_set():
                    receiver = asyncio.ensure_future(ws.receive())
                    done, _ = await asyncio.wait(
                        {receiver, stopper}, return_when=asyncio.FIRST_COMPLETED
                    )
                    if receiver not in done:
                        receiver.cancel()
                        break
                    msg = receiver.result()
                    if msg.type != aiohttp.WSMsgType.TEXT:
                        break
                    data: str = msg.data
                    if data == "2":
                        await ws.send_str("3")
                    elif data.startswith("42"):
                        self.on_frame(data, time.time())
                    elif data.startswith("40"):
                        self.connected.set()
                    elif data.startswith("44"):
                        raise ConnectionError(f"connect refused: {data[:200]}")
            finally:
                stopper.cancel()
                self.closed = True


class Arrivals:
    """First arrival of each marked message at one viewer, in milliseconds after sending."""

    def __init__(self) -> None:
        self.seen: dict[int, float] = {}

    def feed(self, text: str, now: float) -> None:
        if "bm" not in text:
            return
        for match in MARK.finditer(text):
            seq = int(match.group(1))
            if seq not in self.seen:
                self.seen[seq] = now * 1000 - int(match.group(2)) / 10
