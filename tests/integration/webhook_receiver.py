"""A real HTTP receiver for the webhook tests (aiohttp, on a free local port), that checks
every delivery with the `standardwebhooks` library the way a merchant's system would.

`script` decides the answer per call: a list of statuses consumed in order per webhook-id
(then 200), or a fixed status for every call.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    webhook_id: str
    timestamp: str
    body: dict[str, Any]
    verified_with: list[str]  # which of the receiver's secrets verified the signature
    answered: int


@dataclass
class Receiver:
    secrets: list[str] = field(default_factory=list)
    always: int | None = None  # answer every call with this status
    failures: dict[str, list[int]] = field(default_factory=dict)  # webhook-id -> statuses first
    fail_first: list[int] = field(default_factory=list)  # statuses for the first calls of all
    calls: list[Received] = field(default_factory=list)
    url: str = ""
    delay: float = 0.0  # seconds to wait before answering (a slow receiver)

    def delivered(self) -> list[Received]:
        """Calls answered 2xx, in arrival order."""
        return [c for c in self.calls if 200 <= c.answered < 300]

    def _answer(self, webhook_id: str) -> int:
        if self.always is not None:
            return self.always
        if self.fail_first:
            return self.fail_first.pop(0)
        queued = self.failures.get(webhook_id)
        return queued.pop(0) if queued else 200

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if self.delay:
            await asyncio.sleep(self.delay)
        headers = dict(request.headers)
        verified = []
        for secret in self.secrets:
            try:
                Webhook(secret).verify(raw, headers)
                verified.append(secret)
            except WebhookVerificationError:
                pass
        if not verified:
            self.calls.append(Received(headers.get("webhook-id", ""), "", {}, [], 401))
            return web.Response(status=401, text="bad signature")
        status = self._answer(headers["webhook-id"])
        self.calls.append(
            Received(
                headers["webhook-id"],
                headers["webhook-timestamp"],
                json.loads(raw),
                verified,
                status,
            )
        )
        return web.Response(status=status, text="ok" if status < 300 else "nope")


@asynccontextmanager
async def running_receiver(receiver: Receiver) -> AsyncIterator[Receiver]:
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    receiver.url = f"http://127.0.0.1:{port}/hook"
    try:
        yield receiver
    finally:
        await runner.cleanup()
