"""POST /stripe/webhook: Stripe (or the local test server) telling us what happened to payments.

Nothing in a delivery is trusted before its signature and age are checked (the raw body,
STRIPE_WEBHOOK_SECRET, at most 300 s either way). A verified event is applied exactly once by
the deal service, whatever the order and however often it arrives; a refused one gets HTTP 400
(Stripe retries those, and the app never depends on a single delivery).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.config import settings
from app.domain.numbers import parse_whole
from app.services import deals
from app.services.context import Context, app_context
from app.services.telemetry import WEBHOOK_FAILURES

log = logging.getLogger(__name__)
MAX_BODY = 512 * 1024  # Stripe events are a few kB


async def bounded_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to exceed `limit` bytes: a declared
    length over the limit is refused unread, and a stream is read no further than the limit."""
    declared = parse_whole(request.headers.get("content-length"))
    if declared is not None and declared > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _configured_secret() -> str | None:
    return settings().stripe_webhook_secret


def stripe_app(
    *,
    secret: Callable[[], str | None] = _configured_secret,
    context: Callable[[], Context] = app_context,
) -> Starlette:
    """The webhook receiver; the arguments are for tests (a secret, a service context)."""

    async def webhook(request: Request) -> JSONResponse:
        key = secret()
        if not key:
            return JSONResponse({"error": "webhooks are not configured"}, status_code=503)
        body = await bounded_body(request, MAX_BODY)
        if body is None:
            return JSONResponse({"error": "body too large"}, status_code=413)
        signature = request.headers.get("stripe-signature", "")
        try:
            changed = await asyncio.to_thread(
                deals.receive_webhook, context(), body, signature, key
            )
        except deals.WebhookRefused as error:
            WEBHOOK_FAILURES.labels("stripe", "signature").inc()
            log.warning("refused a Stripe webhook: %s", error)
            return JSONResponse({"error": "invalid signature"}, status_code=400)
        except ValueError as error:
            WEBHOOK_FAILURES.labels("stripe", "malformed").inc()
            log.warning("refused a malformed Stripe event: %s", error)
            return JSONResponse({"error": "malformed event"}, status_code=400)
        return JSONResponse({"received": True, "changed": changed})

    return Starlette(routes=[Route("/webhook", webhook, methods=["POST"])])
