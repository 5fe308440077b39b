"""POST /stripe/webhook: Stripe (or the local test server) telling us what happened to payments.

Nothing in a delivery is trusted before its signature and age are checked (`verify_event`: the
raw body, STRIPE_WEBHOOK_SECRET, at most 300 s either way). A verified event is applied exactly
once by the deal service, whatever the order and however often it arrives; a refused one gets
HTTP 400 (Stripe retries those, and the app never depends on a single delivery).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.adapters.bus import EventBus
from app.adapters.payments.configured import app_gateway
from app.adapters.payments.gateway import PaymentGateway
from app.adapters.payments.webhooks import WebhookError, verify_event
from app.config import settings
from app.services import deals

log = logging.getLogger(__name__)
MAX_BODY = 512 * 1024  # Stripe events are a few kB


def _configured_secret() -> str | None:
    return settings().stripe_webhook_secret


def stripe_app(
    *,
    secret: Callable[[], str | None] = _configured_secret,
    gateway: Callable[[], PaymentGateway] = app_gateway,
    session_factory: Callable[[], Session] | None = None,
    event_bus: EventBus | None = None,
) -> Starlette:
    """The webhook receiver; the arguments are for tests (a database, a bus, a secret)."""

    async def webhook(request: Request) -> JSONResponse:
        key = secret()
        if not key:
            return JSONResponse({"error": "webhooks are not configured"}, status_code=503)
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "body too large"}, status_code=413)
        try:
            event = verify_event(body, request.headers.get("stripe-signature", ""), key)
        except WebhookError as error:
            log.warning("refused a Stripe webhook: %s", error)
            return JSONResponse({"error": "invalid signature"}, status_code=400)
        try:
            changed = await asyncio.to_thread(
                deals.handle_webhook_event,
                event,
                gateway=gateway(),
                session_factory=session_factory,
                event_bus=event_bus,
            )
        except ValueError as error:
            log.warning("refused a malformed Stripe event: %s", error)
            return JSONResponse({"error": "malformed event"}, status_code=400)
        return JSONResponse({"received": True, "changed": changed})

    return Starlette(routes=[Route("/webhook", webhook, methods=["POST"])])
