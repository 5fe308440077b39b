"""Managing webhook endpoints (admins): register, list, disable and enable, delete, rotate
the secret, read the attempts and replay a message. Each is one use case that re-reads the
actor's role and writes an audit entry in its own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from app.adapters.db.models_webhooks import WebhookAttempt, WebhookEndpoint, WebhookMessage
from app.config import settings
from app.domain.events import EventKind
from app.domain.people import ADMIN_ROLES
from app.domain.webhooks import (
    ROTATION_OVERLAP,
    WebhookUrlError,
    check_description,
    check_event_types,
    check_url,
    message_id,
    new_secret,
    subscribable_kinds,
)
from app.services.console.access import require
from app.services.console.audit import note
from app.services.context import Context
from app.services.webhooks.views import (
    AttemptView,
    CreatedEndpoint,
    EndpointView,
    attempt_view,
    endpoint_view,
)


class WebhookError(ValueError):
    """Input we refuse, with a message per field (`url`, `event_types`)."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__(" ".join(field_errors.values()))
        self.field_errors = field_errors


class WebhookNotFound(LookupError):
    """No such endpoint or message."""


def event_types() -> list[str]:
    """Every event kind an endpoint may subscribe to."""
    return subscribable_kinds(kind.value for kind in EventKind)


def _shop_urls() -> list[str]:
    config = settings()
    return [config.site_url, config.api_url]


def _validated(
    url: str, kinds: Iterable[str], shop_urls: Sequence[str] | None, description: str = ""
) -> tuple[str, list[str], str]:
    errors: dict[str, str] = {}
    checked_url, checked_kinds, checked_description = "", [], ""
    try:
        checked_url = check_url(url, _shop_urls() if shop_urls is None else shop_urls)
    except WebhookUrlError as refusal:
        errors["url"] = str(refusal)
    try:
        checked_kinds = check_event_types(kinds, event_types())
    except ValueError as refusal:
        errors["event_types"] = str(refusal)
    try:
        checked_description = check_description(description)
    except ValueError as refusal:
        errors["description"] = str(refusal)
    if errors:
        raise WebhookError(errors)
    return checked_url, checked_kinds, checked_description


def _endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    row = session.get(WebhookEndpoint, endpoint_id)
    if row is None:
        raise WebhookNotFound("No such webhook endpoint.")
    return row


def register_endpoint(
    ctx: Context,
    actor_id: int,
    url: str,
    kinds: Iterable[str],
    description: str = "",
    *,
    shop_urls: Sequence[str] | None = None,
) -> CreatedEndpoint:
    """A new endpoint that receives the events of `kinds` from now on (WebhookError for a URL
    that is not http(s), points at the shop itself, or no/unknown kinds)."""
    checked_url, checked_kinds, checked_description = _validated(url, kinds, shop_urls, description)
    with ctx.uow() as uow:
        require(uow.session, actor_id, ADMIN_ROLES)
        row = WebhookEndpoint(
            owner_id=actor_id,
            url=checked_url,
            description=checked_description,
            event_types=" ".join(checked_kinds),
            secret=new_secret(),
            created_at=ctx.now(),
        )
        uow.session.add(row)
        uow.session.flush()
        note(uow, actor_id, "webhook.register", checked_url, " ".join(checked_kinds))
        return CreatedEndpoint(endpoint_view(row), row.secret)


def _counts(session: Session) -> dict[int, dict[str, int]]:
    rows = session.exec(
        select(WebhookMessage.endpoint_id, WebhookMessage.status, func.count()).group_by(
            col(WebhookMessage.endpoint_id), col(WebhookMessage.status)
        )
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for endpoint_id, status, count in rows:
        counts.setdefault(endpoint_id, {})[status] = int(count)
    return counts


def list_endpoints(ctx: Context, actor_id: int) -> list[EndpointView]:
    """Every endpoint, newest first, with how many messages are pending, delivered, failed."""
    with ctx.session() as session:
        require(session, actor_id, ADMIN_ROLES)
        rows = session.exec(select(WebhookEndpoint).order_by(col(WebhookEndpoint.id).desc()))
        counts = _counts(session)
        return [endpoint_view(row, counts.get(row.id or 0)) for row in rows]


def endpoint_secret(ctx: Context, actor_id: int, endpoint_id: int) -> str:
    """The secret receivers verify with (admins only)."""
    with ctx.session() as session:
        require(session, actor_id, ADMIN_ROLES)
        return _endpoint(session, endpoint_id).secret


def set_endpoint_active(
    ctx: Context, actor_id: int, endpoint_id: int, active: bool
) -> EndpointView:
    """Disable an endpoint (nothing is sent; its messages wait) or enable it again (they go
    out in order, and the failure streak starts afresh)."""
    with ctx.uow() as uow:
        require(uow.session, actor_id, ADMIN_ROLES)
        row = _endpoint(uow.session, endpoint_id)
        row.active = active
        row.disabled_reason = "" if active else "Disabled by an admin."
        row.failing_since = None
        uow.session.add(row)
        note(uow, actor_id, "webhook.enable" if active else "webhook.disable", row.url)
        return endpoint_view(row)


def delete_endpoint(ctx: Context, actor_id: int, endpoint_id: int) -> None:
    """Remove an endpoint with its messages and attempts."""
    with ctx.uow() as uow:
        require(uow.session, actor_id, ADMIN_ROLES)
        row = _endpoint(uow.session, endpoint_id)
        uow.session.exec(delete(WebhookAttempt).where(col(WebhookAttempt.endpoint_id) == row.id))
        uow.session.exec(delete(WebhookMessage).where(col(WebhookMessage.endpoint_id) == row.id))
        note(uow, actor_id, "webhook.delete", row.url)
        uow.session.delete(row)


def rotate_secret(ctx: Context, actor_id: int, endpoint_id: int) -> str:
    """A new secret; the old one keeps signing beside it for 24 hours so receivers can switch
    without losing a delivery. Returns the new secret."""
    with ctx.uow() as uow:
        require(uow.session, actor_id, ADMIN_ROLES)
        row = _endpoint(uow.session, endpoint_id)
        row.previous_secret = row.secret
        row.previous_expires_at = ctx.now() + ROTATION_OVERLAP
        row.secret = new_secret()
        uow.session.add(row)
        note(uow, actor_id, "webhook.rotate_secret", row.url)
        return row.secret


def endpoint_attempts(
    ctx: Context, actor_id: int, endpoint_id: int, limit: int = 50
) -> list[AttemptView]:
    """The newest attempts at one endpoint first: status, response time and error."""
    with ctx.session() as session:
        require(session, actor_id, ADMIN_ROLES)
        _endpoint(session, endpoint_id)
        rows = session.exec(
            select(WebhookAttempt, WebhookMessage)
            .join(WebhookMessage, col(WebhookMessage.id) == col(WebhookAttempt.message_id))
            .where(WebhookAttempt.endpoint_id == endpoint_id)
            .order_by(col(WebhookAttempt.id).desc())
            .limit(limit)
        ).all()
        return [
            attempt_view(attempt, message_id(message.event_id), message.kind, message.status)
            for attempt, message in rows
        ]


def replay_message(ctx: Context, actor_id: int, message_id_: int) -> None:
    """Send a message again now, with the same webhook-id (a new run of the schedule)."""
    with ctx.uow() as uow:
        require(uow.session, actor_id, ADMIN_ROLES)
        moved = uow.session.exec(
            update(WebhookMessage)
            .where(col(WebhookMessage.id) == message_id_)
            .values(
                status="pending",
                attempts=0,
                next_attempt_at=ctx.now(),
                lease_owner="",
                lease_until=None,
            )
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:
            raise WebhookNotFound("No such webhook message.")
        note(uow, actor_id, "webhook.replay", str(message_id_))
