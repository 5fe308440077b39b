"""One webhook POST over HTTP (httpx), timed, never raising: every outcome is an
AttemptOutcome the delivery worker records. Failed attempts are counted for Prometheus."""

from __future__ import annotations

import time
from typing import Protocol

import httpx

from app.domain.webhooks import TIMEOUT_SECONDS, AttemptOutcome


class Sender(Protocol):
    async def post(self, url: str, headers: dict[str, str], body: str) -> AttemptOutcome: ...


class HttpSender:
    """POSTs with a 15 s timeout and no redirects (a redirect is the receiver's mistake, and
    following it could lead anywhere)."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self._timeout = timeout

    async def post(self, url: str, headers: dict[str, str], body: str) -> AttemptOutcome:
        started = time.perf_counter()
        try:
            async with httpx.AsyncClient(timeout=self._timeout, follow_redirects=False) as client:
                response = await client.post(url, content=body.encode(), headers=headers)
        except httpx.HTTPError as error:
            elapsed = int((time.perf_counter() - started) * 1000)
            return AttemptOutcome(None, elapsed, f"{type(error).__name__}: {error}"[:300])
        elapsed = int((time.perf_counter() - started) * 1000)
        outcome = AttemptOutcome(response.status_code, elapsed)
        if not outcome.succeeded:
            return AttemptOutcome(response.status_code, elapsed, response.text[:200])
        return outcome
