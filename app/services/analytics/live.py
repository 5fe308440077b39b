"""Folding the log into the rollups and announcing it to the open dashboards."""

from __future__ import annotations

from sqlalchemy import func, select

from app.adapters.db.models_events import EventRecord
from app.domain.events import DomainEvent, EventKind
from app.services.analytics.rollups import ROLLUP_CONSUMER, refresh_rollups
from app.services.context import Context
from app.services.event_log import consumer_position

# Dashboards watch this bus channel ("analytics:dashboard").
CHANNEL_AGGREGATE, CHANNEL_ID = "analytics", "dashboard"
CHANNEL = f"{CHANNEL_AGGREGATE}:{CHANNEL_ID}"


def latest_event_id(ctx: Context) -> int:
    with ctx.session() as session:
        return int(session.exec(select(func.max(EventRecord.id))).one()[0] or 0)  # type: ignore[call-overload]


def follow_log(ctx: Context) -> int:
    """Apply what the log gained since the rollups' last event; when something was applied,
    publish `analytics.updated` carrying the new position. Returns how many were applied."""
    if latest_event_id(ctx) <= consumer_position(ctx, ROLLUP_CONSUMER):
        return 0  # nothing new: two reads, no write
    applied = refresh_rollups(ctx)
    if applied:
        position = consumer_position(ctx, ROLLUP_CONSUMER)
        ctx.bus.publish(
            DomainEvent(
                CHANNEL_AGGREGATE,
                CHANNEL_ID,
                position,
                EventKind.ANALYTICS_UPDATED,
                {"position": position, "applied": applied},
            )
        )
    return applied
