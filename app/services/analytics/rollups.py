"""Hourly and daily counts per event kind, refreshed from the event log through the consumer API, so
reading them never scans the log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from app.adapters.db import analytics_statements as store
from app.adapters.db.event_log import LoggedEvent
from app.adapters.db.models_events import EventRollup, EventRollupDaily
from app.domain.clock import as_utc
from app.services.analytics.metrics import apply_metrics
from app.services.context import Context
from app.services.event_log import consume

ROLLUP_CONSUMER = "analytics.hourly"


def _hour(moment: datetime) -> datetime:
    return as_utc(moment).replace(minute=0, second=0, microsecond=0)


def _day(moment: datetime) -> datetime:
    return _hour(moment).replace(hour=0)


def _apply(session: Session, events: Sequence[LoggedEvent]) -> None:
    """Fold a batch into the hourly and the daily counts (in the consumer's transaction)."""
    hourly = Counter((_hour(event.occurred_at), event.kind) for event in events)
    daily = Counter((_day(event.occurred_at), event.kind) for event in events)
    store.add_counts(
        session,
        EventRollup,
        ("hour", "kind"),
        ("count",),
        [{"hour": h, "kind": k, "count": n} for (h, k), n in hourly.items()],
    )
    store.add_counts(
        session,
        EventRollupDaily,
        ("day", "kind"),
        ("count",),
        [{"day": d, "kind": k, "count": n} for (d, k), n in daily.items()],
    )
    apply_metrics(session, events)


def refresh_rollups(ctx: Context, *, batches: int = 100) -> int:
    """Fold the events logged since the last refresh into the hourly rollups; how many."""
    total = 0
    for _ in range(batches):
        applied = consume(ctx, ROLLUP_CONSUMER, _apply, batch=5000)
        total += applied
        if applied == 0:
            break
    return total


def hourly_counts(
    ctx: Context, kinds: Sequence[str], since: datetime, until: datetime
) -> dict[str, int]:
    """How many events of each kind happened in [since, until), from the rollups."""
    with ctx.session() as session:
        rows = session.exec(
            select(EventRollup.kind, EventRollup.count).where(
                col(EventRollup.kind).in_(list(kinds)),
                col(EventRollup.hour) >= _hour(since),
                col(EventRollup.hour) < until,
            )
        ).all()
    totals: Counter[str] = Counter()
    for kind, count in rows:
        totals[kind] += count
    return dict(totals)
