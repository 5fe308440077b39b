"""Verify Stripe webhook deliveries before trusting a byte of them."""

from __future__ import annotations

import json
import time
from typing import Any

import stripe

DEFAULT_TOLERANCE = 300  # seconds, Stripe's own default


class WebhookError(Exception):
    """A webhook we refuse: bad signature, stale or future timestamp, or malformed body.

    Answer it with HTTP 400; Stripe retries deliveries that were refused.
    """


def _signed_at(sig_header: str) -> int:
    for part in sig_header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                return int(value)
            except ValueError:
                break
    raise WebhookError("Stripe-Signature header has no valid timestamp")


def verify_event(
    payload: bytes,
    sig_header: str,
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE,
    *,
    now: float | None = None,
) -> dict[str, Any]:
    """Check a delivery's signature and age; return the event as a plain dict.

    `payload` must be the raw request body (re-serialised JSON breaks the signature).
    `stripe.Webhook.construct_event` rejects timestamps older than `tolerance` but accepts any
    timestamp in the future, so a captured signature with a forged future time would stay
    replayable; we refuse those too. `now` is for tests.
    """
    if not secret:
        raise WebhookError("no webhook secret configured")
    if not sig_header:
        raise WebhookError("missing Stripe-Signature header")
    if tolerance <= 0:
        # The SDK treats 0 as "no age check at all": never what we want.
        raise ValueError("tolerance must be positive")
    current = time.time() if now is None else now
    signed_at = _signed_at(sig_header)
    if signed_at > current + tolerance:
        raise WebhookError(f"webhook timestamp {signed_at} is in the future")
    if signed_at < current - tolerance:
        # Checked here as well so that `now` is honoured; the SDK checks against the clock.
        raise WebhookError(f"webhook timestamp {signed_at} is too old")
    try:
        stripe.Webhook.construct_event(payload, sig_header, secret, tolerance=tolerance)
    except stripe.SignatureVerificationError as error:
        raise WebhookError(f"signature verification failed: {error}") from error
    except ValueError as error:  # body is not JSON / not an event
        raise WebhookError(f"malformed webhook body: {error}") from error
    event = json.loads(payload)
    if not isinstance(event, dict) or "type" not in event:
        raise WebhookError("webhook body is not a Stripe event")
    return event


def sign_payload(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header for `payload`, for tests and the local fake."""
    return str(
        stripe.WebhookSignature.generate_signature_header(
            payload.decode("utf-8"), secret, timestamp=timestamp
        )
    )
