"""What the console (and later the REST API) shows of webhook endpoints and their attempts."""

from __future__ import annotations

from dataclasses import dataclass

from app.adapters.db.models_webhooks import WebhookAttempt, WebhookEndpoint
from app.domain.clock import as_utc


@dataclass(frozen=True)
class EndpointView:
    id: int
    url: str
    description: str
    event_types: list[str]
    active: bool
    disabled_reason: str
    rotating: bool  # an old secret still signs beside the new one
    created_at: str  # ISO 8601, UTC
    pending: int = 0
    delivered: int = 0
    failed: int = 0


@dataclass(frozen=True)
class CreatedEndpoint:
    """A new endpoint with its secret, which is shown once (it stays readable to admins
    through `endpoint_secret`, as receivers need it to verify)."""

    endpoint: EndpointView
    secret: str


@dataclass(frozen=True)
class AttemptView:
    id: int
    message_id: int
    webhook_id: str
    kind: str
    at: str  # ISO 8601, UTC
    status_code: int  # 0: no answer
    response_ms: int
    error: str
    succeeded: bool
    message_status: str  # pending, delivered, failed


def endpoint_view(row: WebhookEndpoint, counts: dict[str, int] | None = None) -> EndpointView:
    counts = counts or {}
    return EndpointView(
        id=row.id or 0,
        url=row.url,
        description=row.description,
        event_types=row.event_types.split(),
        active=row.active,
        disabled_reason=row.disabled_reason,
        rotating=row.previous_secret is not None,
        created_at=as_utc(row.created_at).isoformat(timespec="seconds"),
        pending=counts.get("pending", 0),
        delivered=counts.get("delivered", 0),
        failed=counts.get("failed", 0),
    )


def attempt_view(
    row: WebhookAttempt, webhook_id: str, kind: str, message_status: str
) -> AttemptView:
    status = row.status_code or 0
    return AttemptView(
        id=row.id or 0,
        message_id=row.message_id,
        webhook_id=webhook_id,
        kind=kind,
        at=as_utc(row.attempted_at).isoformat(timespec="seconds"),
        status_code=status,
        response_ms=row.response_ms,
        error=row.error,
        succeeded=200 <= status < 300,
        message_status=message_status,
    )
