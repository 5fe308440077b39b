"""Outbound webhooks after the Standard Webhooks specification (standardwebhooks.com): secrets,
signatures, the retry schedule and which URLs an endpoint may have. Plain rules, no I/O."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from app.domain.plain_text import has_hidden_characters

SECRET_PREFIX = "whsec_"
# Delays before each attempt: the first goes at once, the last 24 h after the one before.
RETRY_SCHEDULE: tuple[float, ...] = (
    0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600,
)  # fmt: skip
JITTER = 0.1  # each delay moves by up to ±10 %, so retries of many endpoints do not align
TIMEOUT_SECONDS = 15.0
# An endpoint whose every attempt failed for this long is switched off and its owner told.
FAILING_LIMIT = timedelta(days=5)
# After a rotation the old secret keeps signing (beside the new one) this long.
ROTATION_OVERLAP = timedelta(hours=24)
MAX_URL_LENGTH = 500
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "[::1]"})


class WebhookUrlError(ValueError):
    """The URL cannot be an endpoint; the message says why."""


def new_secret(random_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """A fresh signing secret: `whsec_` and 24 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(random_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """`v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for one secret."""
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(
    secrets_in_force: Iterable[str], message_id: str, timestamp: int, body: str
) -> str:
    """The `webhook-signature` value: one signature per secret, space-separated, so a receiver
    that still has the old secret (during a rotation) and one that has the new both verify."""
    return " ".join(signature(s, message_id, timestamp, body) for s in secrets_in_force)


def delivery_headers(
    secrets_in_force: Iterable[str], message_id: str, timestamp: int, body: str
) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets_in_force, message_id, timestamp, body),
        "user-agent": "Bandwagon-Webhooks/1",
    }


def message_id(event_id: int) -> str:
    """The `webhook-id` of an event: the same on every attempt and every replay, so a
    receiver can drop duplicates."""
    return f"evt_{event_id}"


def next_delay(
    attempts_made: int,
    schedule: Sequence[float] = RETRY_SCHEDULE,
    rand: Callable[[], float] | None = None,
) -> float | None:
    """Seconds to wait before the next attempt after `attempts_made` attempts; None when the
    schedule is spent (the message is given up)."""
    if attempts_made >= len(schedule):
        return None
    base = float(schedule[attempts_made])
    if base <= 0 or rand is None:
        return base
    return base * (1 + JITTER * (2 * rand() - 1))


@dataclass(frozen=True)
class AttemptOutcome:
    """What one POST to an endpoint came to."""

    status: int | None  # HTTP status; None when there was no answer (timeout, refused)
    elapsed_ms: int
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        """410 Gone: the receiver asks us to stop (the endpoint is disabled)."""
        return self.status == 410


def _host_port(url: str) -> tuple[str, int] | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return None
    default = 443 if parts.scheme == "https" else 80
    return ("localhost" if host in LOOPBACK else host), port or default


def check_url(url: str, shop_urls: Iterable[str]) -> str:
    """The endpoint URL, trimmed, if it may be one: http(s), a host, and not the shop itself
    (a webhook to ourselves would loop). WebhookUrlError otherwise."""
    text = url.strip()
    if not text:
        raise WebhookUrlError("Enter the URL that should receive the events.")
    if len(text) > MAX_URL_LENGTH:
        raise WebhookUrlError(f"Use at most {MAX_URL_LENGTH} characters.")
    if has_hidden_characters(text) or any(ch.isspace() for ch in text):
        raise WebhookUrlError("URLs can't contain spaces, control or invisible characters.")
    scheme, _, _ = text.partition(":")
    if scheme.lower() not in ("http", "https"):
        raise WebhookUrlError("Only http:// and https:// URLs can receive webhooks.")
    target = _host_port(text)
    if target is None:
        raise WebhookUrlError("That URL has no valid host.")
    if any(target == _host_port(shop) for shop in shop_urls if shop):
        raise WebhookUrlError("That URL points at this shop itself.")
    return text


MAX_DESCRIPTION = 200


def check_description(raw: str) -> str:
    """An endpoint's note to its admins, spaces folded; ValueError with the reason otherwise."""
    text = " ".join((raw or "").split())
    if len(text) > MAX_DESCRIPTION:
        raise ValueError(f"Keep the description under {MAX_DESCRIPTION} characters.")
    if has_hidden_characters(text):
        raise ValueError("Descriptions can't contain control or invisible characters.")
    return text


# News made by the realtime layer for open pages, not facts a merchant's systems care about.
_NOT_SUBSCRIBABLE = frozenset(
    {"live.deal_progress", "presence", "resync", "bus_down", "bus_up", "notify.changed"}
    # The analytics' own telemetry (visitor keys) and realtime news stay inside the shop.
    | {"page.viewed", "analytics.updated"}
)


def subscribable_kinds(all_kinds: Iterable[str]) -> list[str]:
    """The event kinds an endpoint may subscribe to, sorted."""
    return sorted(k for k in all_kinds if k not in _NOT_SUBSCRIBABLE)


def check_event_types(chosen: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """The chosen kinds, deduplicated and sorted; WebhookUrlError-like ValueError when empty
    or unknown."""
    allowed_set = set(allowed)
    picked = sorted({c.strip() for c in chosen if c.strip()})
    if not picked:
        raise ValueError("Pick at least one event type.")
    unknown = [c for c in picked if c not in allowed_set]
    if unknown:
        raise ValueError(f"Unknown event type: {', '.join(unknown)}.")
    return picked
