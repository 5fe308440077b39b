"""From the event log to the messages owed to each endpoint, exactly once.

A consumer of the event log (`consume`, position stored in the same transaction) writes one
`webhook_message` per event and subscribed endpoint; the unique (endpoint, event) pair makes a
second writer's row impossible. Events logged before an endpoint existed are not sent to it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.adapters.db.event_log import LoggedEvent
from app.adapters.db.models_webhooks import WebhookEndpoint, WebhookMessage
from app.domain.clock import as_utc
from app.services import event_log
from app.services.context import Context

CONSUMER = "webhooks"


def message_body(event: LoggedEvent) -> str:
    """The JSON a receiver gets: Standard Webhooks' `type`, `timestamp` and `data`."""
    return json.dumps(
        {
            "type": event.kind,
            "timestamp": event.occurred_at.isoformat(),
            "data": {
                "event_id": event.id,
                "aggregate": event.aggregate,
                "aggregate_id": event.aggregate_id,
                "version": event.version,
                "actor_id": event.actor_id,
                "payload": event.payload,
            },
        },
        separators=(",", ":"),
        default=str,
    )


def _apply(session: Session, events: Sequence[LoggedEvent], now: datetime) -> None:
    endpoints = session.exec(select(WebhookEndpoint).where(col(WebhookEndpoint.active))).all()
    if not endpoints:
        return
    wanted = [(e, set(e.event_types.split()), as_utc(e.created_at)) for e in endpoints]
    rows = [
        {
            "endpoint_id": endpoint.id,
            "event_id": event.id,
            "kind": event.kind,
            "aggregate_key": f"{event.aggregate}:{event.aggregate_id}"[:110],
            "body": message_body(event),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "lease_owner": "",
            "created_at": now,
        }
        for event in events
        for endpoint, kinds, since in wanted
        if event.kind in kinds and event.logged_at >= since
    ]
    if rows:
        session.connection().execute(insert(WebhookMessage.__table__), rows)  # type: ignore[attr-defined]


def _any_endpoint(ctx: Context) -> bool:
    with ctx.session() as session:
        found = session.exec(select(WebhookEndpoint.id).where(col(WebhookEndpoint.active)))
        return found.first() is not None


def fan_out(ctx: Context, batch: int = 500) -> int:
    """Turn the next logged events into messages for the endpoints subscribed to them; the
    number of events read (0: caught up)."""
    position = event_log.consumer_position(ctx, CONSUMER)
    if not event_log.events_after(ctx, position, limit=1):
        return 0  # caught up: two reads, no write lock taken every second
    if not _any_endpoint(ctx):
        # Nobody to tell: events logged before an endpoint exists are never sent to it, so a
        # busy shop without webhooks need not read (and parse) every event each second.
        event_log.skip_to_latest(ctx, CONSUMER)
        return 0
    now = ctx.now()
    return event_log.consume(ctx, CONSUMER, lambda s, events: _apply(s, events, now), batch=batch)
