"""The analytics dashboard's data, read from the hourly rollups (never from the log itself)
after folding in whatever the log gained since the last read."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from app.adapters.db.models_deals import Deal
from app.adapters.db.models_events import EventRollup, EventRollupDaily
from app.adapters.db.models_people import AuthSession
from app.domain.clock import as_utc
from app.domain.events import EventKind
from app.domain.group_buy import DealStatus
from app.domain.people import ADMIN_ROLES
from app.services.analytics.rollups import refresh_rollups
from app.services.console.access import require
from app.services.context import Context

RANGES = (1, 7, 30, 90)
ACTIVE_WINDOW = timedelta(minutes=5)
# (series key, label, event kind)
SERIES = (
    ("joins", "Deal joins", EventKind.DEAL_JOINED.value),
    ("carts", "Cart changes", EventKind.CART_CHANGED.value),
    ("messages", "Chat messages", EventKind.CHAT_MESSAGE_POSTED.value),
)
FUNNEL = (
    ("Deals opened", EventKind.DEAL_CREATED.value),
    ("Joins", EventKind.DEAL_JOINED.value),
    ("Unlocked", EventKind.DEAL_UNLOCKED.value),
    ("Closed", EventKind.DEAL_CLOSED.value),
)


@dataclass(frozen=True)
class Kpi:
    label: str
    value: int
    before: int  # the same stretch of time just before
    change: str  # "+3", "−2", "±0"


@dataclass(frozen=True)
class FunnelStep:
    label: str
    count: int
    share: int  # percent of the first step


@dataclass(frozen=True)
class DealFill:
    deal_id: int
    joined: int
    needed: int
    percent: int


@dataclass(frozen=True)
class Dashboard:
    days: int
    visitors_now: int
    kpis: list[Kpi]
    series: list[dict[str, int | str]]  # {"at": label, "joins": n, ...} for the chart
    funnel: list[FunnelStep]
    fill: list[DealFill]
    updated_at: str


def _change(now: int, before: int) -> str:
    diff = now - before
    return f"+{diff}" if diff > 0 else (f"−{-diff}" if diff < 0 else "±0")


def _counts(
    rows: list[tuple[datetime, str, int]], since: datetime, until: datetime
) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for hour, kind, count in rows:
        if since <= as_utc(hour) < until:
            totals[kind] += count
    return totals


def dashboard(ctx: Context, actor_id: int, days: int = 1) -> Dashboard:
    """Activity over the last `days` (1, 7, 30 or 90) against the `days` before (admins)."""
    days = days if days in RANGES else 1
    refresh_rollups(ctx)
    now = as_utc(ctx.now())
    hour_now = now.replace(minute=0, second=0, microsecond=0)
    # Hourly buckets for a day; whole UTC days (today included) for longer ranges.
    end = (
        hour_now + timedelta(hours=1) if days == 1 else hour_now.replace(hour=0) + timedelta(days=1)
    )
    start = end - timedelta(days=days)
    previous = start - timedelta(days=days)
    with ctx.session() as session:
        require(session, actor_id, ADMIN_ROLES)
        if days == 1:
            # Hours: the last 24 against the 24 before.
            rows = list(
                session.exec(
                    select(EventRollup.hour, EventRollup.kind, EventRollup.count).where(
                        col(EventRollup.hour) >= previous, col(EventRollup.hour) < end
                    )
                ).all()
            )
        else:
            # Days: a few rows per kind and day, whatever the size of the log.
            rows = list(
                session.exec(
                    select(
                        EventRollupDaily.day, EventRollupDaily.kind, EventRollupDaily.count
                    ).where(col(EventRollupDaily.day) >= previous, col(EventRollupDaily.day) < end)
                ).all()
            )
        # Signed-in visitors: sessions are touched at most every 5 minutes, so this counts
        # whoever loaded a page in about the last 5 to 10 minutes.
        visitors = session.exec(
            select(func.count(func.distinct(AuthSession.user_id))).where(
                col(AuthSession.last_seen_at) >= now - ACTIVE_WINDOW * 2,
                col(AuthSession.revoked_at).is_(None),
            )
        ).one()
        open_deals = session.exec(
            select(Deal.id, Deal.participants, Deal.min_to_unlock)
            .where(col(Deal.status) == DealStatus.OPEN.value)
            .order_by(col(Deal.id).desc())
            .limit(12)
        ).all()
    current = _counts(rows, start, end)
    # The same stretch before: up to the same minute, for a fair "today so far" comparison.
    before = _counts(rows, previous, previous + (now - start))
    kpis = [
        Kpi(
            label,
            current.get(kind, 0),
            before.get(kind, 0),
            _change(current.get(kind, 0), before.get(kind, 0)),
        )
        for _, label, kind in SERIES
    ]
    bucket = timedelta(hours=1) if days == 1 else timedelta(days=1)
    buckets = int((end - start) / bucket)
    per_bucket: list[dict[str, int]] = [defaultdict(int) for _ in range(buckets)]
    for hour, kind, count in rows:  # one pass: 90 days are about 2,000 rows per kind
        index = int((as_utc(hour) - start) / bucket)
        if 0 <= index < buckets:
            per_bucket[index][kind] += count
    label = "%H:00" if days == 1 else "%d %b"
    series: list[dict[str, int | str]] = []
    for index, counts in enumerate(per_bucket):
        point: dict[str, int | str] = {"at": (start + index * bucket).strftime(label)}
        for key, _, kind in SERIES:
            point[key] = counts.get(kind, 0)
        series.append(point)
    first = max(current.get(FUNNEL[0][1], 0), 1)
    funnel = [
        FunnelStep(label, current.get(kind, 0), round(100 * current.get(kind, 0) / first))
        for label, kind in FUNNEL
    ]
    fill = [
        DealFill(deal_id or 0, joined, needed, min(100, round(100 * joined / max(needed, 1))))
        for deal_id, joined, needed in open_deals
    ]
    return Dashboard(
        days=days,
        visitors_now=int(visitors),
        kpis=kpis,
        series=series,
        funnel=funnel,
        fill=fill,
        updated_at=now.isoformat(timespec="seconds"),
    )


def series_csv(board: Dashboard) -> str:
    """The activity chart's data as CSV (one row per hour or day)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["period"] + [label for _, label, _ in SERIES])
    for point in board.series:
        writer.writerow([point["at"]] + [point[key] for key, _, _ in SERIES])
    return out.getvalue()
