"""Folding a batch of logged events into the metric rollups (inside the consumer's
transaction): the rules in app/domain/analytics.py, plus the bits of history some metrics need
(a visitor's last page view, a shopper's first order, which deals run in a live session)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from app.adapters.db import analytics_statements as store
from app.adapters.db.event_log import LoggedEvent
from app.adapters.db.models_analytics import ShopperHistory, VisitorSeen
from app.adapters.db.models_live import LiveSessionDeal
from app.domain import analytics as rules
from app.domain.analytics import Tick
from app.domain.clock import as_utc
from app.domain.numbers import is_digits

Key = tuple[str, datetime, str, str]


def _buckets(at: datetime, live: bool) -> list[tuple[str, datetime]]:
    hour = at.replace(minute=0, second=0, microsecond=0)
    if live:
        return [(rules.MINUTE, at.replace(second=0, microsecond=0))]
    return [(rules.HOUR, hour), (rules.DAY, hour.replace(hour=0))]


def _visits(session: Session, events: Sequence[LoggedEvent]) -> list[tuple[datetime, Tick]]:
    views = [e for e in events if e.kind == "page.viewed" and e.payload.get("visitor")]
    if not views:
        return []
    keys = {str(e.payload["visitor"])[:64] for e in views}
    seen: dict[str, datetime] = {
        visitor: as_utc(at)
        for visitor, at in session.exec(
            select(VisitorSeen.visitor, VisitorSeen.last_seen).where(
                col(VisitorSeen.visitor).in_(keys)
            )
        ).all()
    }
    found: list[tuple[datetime, Tick]] = []
    for event in views:
        key = str(event.payload["visitor"])[:64]
        last = seen.get(key)
        if rules.starts_visit(last, event.occurred_at):
            found.append((event.occurred_at, Tick(rules.VISIT)))
        seen[key] = event.occurred_at if last is None else max(last, event.occurred_at)
    store.save_visitors(session, {key: seen[key] for key in keys})
    return found


def _buyer(event: LoggedEvent) -> int | None:
    value = event.payload.get("user_id", event.actor_id)
    return value if isinstance(value, int) else None


def _orders(session: Session, events: Sequence[LoggedEvent]) -> list[tuple[datetime, Tick]]:
    paid = [e for e in events if e.kind == "order.paid" and _buyer(e) is not None]
    if not paid:
        return []
    users = {_buyer(e) for e in paid}
    history: dict[int, tuple[datetime, int]] = {
        user_id: (as_utc(first), orders)
        for user_id, first, orders in session.exec(
            select(
                ShopperHistory.user_id, ShopperHistory.first_order_at, ShopperHistory.orders
            ).where(col(ShopperHistory.user_id).in_(users))
        ).all()
    }
    found: list[tuple[datetime, Tick]] = []
    cells: dict[tuple[int, datetime], datetime] = {}
    for event in paid:
        user_id = _buyer(event)
        assert user_id is not None
        at = event.occurred_at
        first, orders = history.get(user_id, (at, 0))
        if rules.is_returning(first if orders else None, at):
            found.append((at, Tick(rules.PAID_RETURNING)))
        history[user_id] = (first, orders + 1)
        cells[(user_id, rules.month_of(at))] = rules.month_of(first)
    store.save_shoppers(session, {user: history[user] for user in users if user is not None})
    store.add_shopper_months(
        session,
        [
            {"user_id": user_id, "month": month, "cohort": cohort}
            for (user_id, month), cohort in cells.items()
        ],
    )
    return found


def _live_joins(session: Session, events: Sequence[LoggedEvent]) -> list[tuple[datetime, Tick]]:
    joins = [e for e in events if e.kind == "deal.joined" and is_digits(e.aggregate_id, 18)]
    if not joins:
        return []
    deal_ids = {int(e.aggregate_id) for e in joins}
    sessions = dict(
        session.exec(
            select(LiveSessionDeal.deal_id, LiveSessionDeal.session_id).where(
                col(LiveSessionDeal.deal_id).in_(deal_ids)
            )
        ).all()
    )
    return [
        (e.occurred_at, Tick(rules.LIVE_JOINS, str(sessions[int(e.aggregate_id)]), live=True))
        for e in joins
        if int(e.aggregate_id) in sessions
    ]


def apply_metrics(session: Session, events: Sequence[LoggedEvent]) -> None:
    """Add what `events` (in id order) mean to the metric rollups."""
    moments: list[tuple[datetime, Tick]] = [
        (event.occurred_at, tick)
        for event in events
        for tick in rules.ticks(event.kind, event.aggregate_id, event.payload)
    ]
    moments += _visits(session, events)
    moments += _orders(session, events)
    moments += _live_joins(session, events)
    totals: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for at, tick in moments:
        for grain, bucket in _buckets(as_utc(at), tick.live):
            cell = totals[(grain, bucket, tick.metric, tick.dim)]
            cell[0] += tick.count
            cell[1] += tick.amount
    store.add_to_rollups(
        session,
        [
            {"grain": g, "bucket": b, "metric": m, "dim": d, "count": c, "amount": a}
            for (g, b, m, d), (c, a) in totals.items()
        ],
    )
