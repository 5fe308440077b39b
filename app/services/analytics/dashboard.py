"""The analytics dashboard's data, read only from the rollups the consumer keeps (never from
the log): a handful of indexed range reads whatever the size of the log."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain import analytics as m
from app.domain.analytics import Period
from app.domain.clock import as_utc
from app.domain.money import format_minor
from app.domain.people import ADMIN_ROLES
from app.services.analytics import reading
from app.services.console.access import require
from app.services.context import Context

RANGES = (1, 7, 30, 90)
CURRENCY = "USD"

# Every chart: key -> (title, [(column key, label)], first column is the x axis).
CHARTS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "trend": (
        "Traffic and orders",
        [("at", "Period"), ("visits", "Visits"), ("carts", "Cart adds"), ("orders", "Orders")],
    ),
    "sales": (
        "Sales",
        [("at", "Period"), ("sales_minor", "Sales (cents)"), ("before_minor", "Compared (cents)")],
    ),
    "funnel": ("Conversion funnel", [("step", "Step"), ("count", "Now"), ("before", "Before")]),
    "social": ("Social funnel", [("step", "Step"), ("count", "Now"), ("before", "Before")]),
    "deals": ("Deal funnel", [("step", "Step"), ("count", "Now"), ("before", "Before")]),
    "fill": (
        "Deal fill over time",
        [("at", "Period")] + [(f"s{i}", f"Deal {i}") for i in range(1, 6)],
    ),
    "live": (
        "Live session",
        [("at", "Minute"), ("viewers", "Viewers arriving"), ("chat", "Chat"), ("joins", "Joins")],
    ),
    "products": (
        "Top products in friends' groups",
        [("product", "Product"), ("quantity", "Quantity")],
    ),
    "cohorts": (
        "Monthly cohorts by first order",
        [("cohort", "First order"), ("shoppers", "Shoppers")]
        + [(f"m{i}", f"Month {i} %") for i in range(6)],
    ),
}
FUNNELS = {
    "funnel": (
        ("Visit", m.VISIT),
        ("Product view", m.VIEW_PRODUCT),
        ("Cart add", m.CART_ADD),
        ("Checkout", m.CHECKOUT),
        ("Paid", m.PAID),
    ),
    "social": (
        ("Cart shared", m.CART_SHARED),
        ("Friend joined", m.FRIEND_JOINED),
        ("Group filled", m.GROUP_FILLED),
        ("Captured", m.GROUP_CAPTURED),
    ),
    "deals": (
        ("Deal viewed", m.VIEW_DEAL),
        ("Joined", m.DEAL_JOINED),
        ("Unlocked", m.DEAL_UNLOCKED),
    ),
}
Row = dict[str, int | str]


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: str
    before: str
    change: str  # "+3", "−2", "±0" (points for rates)


@dataclass(frozen=True)
class Board:
    label: str  # the period shown
    compare: str  # what it is compared with ("" for nothing)
    visitors_now: int
    kpis: list[Kpi]
    charts: dict[str, list[Row]]
    fill_names: list[str]  # the deals behind the fill chart's s1..s5
    live_title: str
    updated_at: str


def _change(now: int, before: int, unit: str = "") -> str:
    diff = now - before
    return f"+{diff}{unit}" if diff > 0 else (f"−{-diff}{unit}" if diff < 0 else f"±0{unit}")


def _money(amount: int) -> str:
    return format_minor(amount, CURRENCY)


def _funnel(kind: str, now: dict[str, int], before: dict[str, int]) -> list[Row]:
    return [
        {"step": label, "count": now.get(metric, 0), "before": before.get(metric, 0)}
        for label, metric in FUNNELS[kind]
    ]


def _kpis(
    now_t: dict[str, int],
    before_t: dict[str, int],
    sales: tuple[int, int, int, int],
) -> list[Kpi]:
    orders_today, sales_today, orders_before, sales_before = sales
    aov = now_t.get("paid$", 0) // max(now_t.get(m.PAID, 0), 1)
    aov_before = before_t.get("paid$", 0) // max(before_t.get(m.PAID, 0), 1)
    returning = m.percent(now_t.get(m.PAID_RETURNING, 0), now_t.get(m.PAID, 0))
    returning_before = m.percent(before_t.get(m.PAID_RETURNING, 0), before_t.get(m.PAID, 0))
    unlock = m.percent(now_t.get(m.DEAL_UNLOCKED, 0), now_t.get(m.DEAL_CLOSED, 0))
    unlock_before = m.percent(before_t.get(m.DEAL_UNLOCKED, 0), before_t.get(m.DEAL_CLOSED, 0))
    conversion = m.percent(now_t.get(m.PAID, 0), now_t.get(m.VISIT, 0))
    conversion_before = m.percent(before_t.get(m.PAID, 0), before_t.get(m.VISIT, 0))
    return [
        Kpi(
            "sales_today",
            "Sales today",
            _money(sales_today),
            _money(sales_before),
            ("+" if sales_today >= sales_before else "−") + _money(abs(sales_today - sales_before)),
        ),
        Kpi(
            "orders_today",
            "Orders today",
            str(orders_today),
            str(orders_before),
            _change(orders_today, orders_before),
        ),
        Kpi("aov", "Average order value", _money(aov), _money(aov_before), ""),
        Kpi(
            "returning",
            "Returning shoppers",
            f"{returning}%",
            f"{returning_before}%",
            _change(returning, returning_before, " pts"),
        ),
        Kpi(
            "conversion",
            "Visit to order",
            f"{conversion}%",
            f"{conversion_before}%",
            _change(conversion, conversion_before, " pts"),
        ),
        Kpi(
            "unlock",
            "Deal unlock rate",
            f"{unlock}%",
            f"{unlock_before}%",
            _change(unlock, unlock_before, " pts"),
        ),
        Kpi(
            "joins",
            "Deal joins",
            str(now_t.get(m.DEAL_JOINED, 0)),
            str(before_t.get(m.DEAL_JOINED, 0)),
            _change(now_t.get(m.DEAL_JOINED, 0), before_t.get(m.DEAL_JOINED, 0)),
        ),
    ]


def _label(bucket: datetime, period: Period) -> str:
    return bucket.strftime("%H:00" if period.grain == m.HOUR else "%d %b")


def _series(
    period: Period,
    compared: Period | None,
    per_bucket: dict[datetime, dict[str, int]],
) -> tuple[list[Row], list[Row]]:
    trend: list[Row] = []
    sales: list[Row] = []
    buckets = int((period.end - period.start) / period.step)
    for index in range(buckets):
        at = period.start + index * period.step
        here = per_bucket.get(at, {})
        trend.append(
            {
                "at": _label(at, period),
                "visits": here.get(m.VISIT, 0),
                "carts": here.get(m.CART_ADD, 0),
                "orders": here.get(m.PAID, 0),
            }
        )
        then = per_bucket.get(compared.start + index * period.step, {}) if compared else {}
        sales.append(
            {
                "at": _label(at, period),
                # Whole currency units for the chart's axis; cents for the CSV.
                "sales": here.get("paid$", 0) // 100,
                "before": then.get("paid$", 0) // 100,
                "sales_minor": here.get("paid$", 0),
                "before_minor": then.get("paid$", 0),
            }
        )
    return trend, sales


def _totals(
    per_bucket: dict[datetime, dict[str, int]], period: Period | None, until: datetime
) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    if period is None:
        return totals
    for bucket, values in per_bucket.items():
        if period.start <= bucket < min(period.end, until):
            for metric, value in values.items():
                totals[metric] += value
    return totals


def dashboard(
    ctx: Context,
    actor_id: int,
    days: int = 1,
    *,
    period: Period | None = None,
    comparison: str = "previous",
) -> Board:
    """The dashboard for the last `days` (1, 7, 30, 90) or a custom `period`, compared with
    `comparison` ("previous", "week", "year" or "none"); admins only."""
    now = as_utc(ctx.now())
    if period is None:
        period = m.preset_period(days if days in RANGES else 1, now)
    compared = period.shifted(comparison)
    with ctx.session() as session:
        require(session, actor_id, ADMIN_ROLES)
        first = min(period.start, compared.start) if compared else period.start
        per_bucket = reading.totals_by_bucket(session, period.grain, first, period.end)
        # The comparison is cut to the same point in time ("today so far" against the same
        # hours the day before).
        shown_until = min(period.end, now + timedelta(hours=1))
        now_totals = _totals(per_bucket, period, shown_until)
        before_totals = _totals(
            per_bucket, compared, compared.start + (shown_until - period.start) if compared else now
        )
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        sales_today = reading.sales_between(session, today, now + timedelta(hours=1))
        sales_before = reading.sales_between(
            session, today - timedelta(days=1), now - timedelta(days=1) + timedelta(hours=1)
        )
        visitors = reading.visitors_since(session, now - m.ACTIVE_WINDOW)
        fill_names, fill = reading.deal_fill(session, period, _label)
        live_title, live = reading.live_curve(session, period)
        products = reading.top_group_products(session, period)
        cohorts = reading.cohorts(session, period.end)
    trend, sales = _series(period, compared, per_bucket)
    charts: dict[str, list[Row]] = {
        "trend": trend,
        "sales": sales,
        "funnel": _funnel("funnel", now_totals, before_totals),
        "social": _funnel("social", now_totals, before_totals),
        "deals": _funnel("deals", now_totals, before_totals),
        "fill": fill,
        "live": live,
        "products": products,
        "cohorts": cohorts,
    }
    last_day = period.end - timedelta(days=1)
    label = (
        f"{period.start:%d %b %H:00} – {period.end:%d %b %H:00} UTC"
        if period.grain == m.HOUR
        else f"{period.start:%d %b %Y} – {last_day:%d %b %Y}"
    )
    return Board(
        label=label,
        compare=m.COMPARISONS.get(comparison, ""),
        visitors_now=visitors,
        kpis=_kpis(now_totals, before_totals, (*sales_today, *sales_before)),
        charts=charts,
        fill_names=fill_names,
        live_title=live_title,
        updated_at=now.isoformat(timespec="seconds"),
    )


def chart_csv(board: Board, key: str) -> str:
    """One chart's data as CSV (its columns, one row per point)."""
    _, columns = CHARTS[key]
    if key == "fill":
        columns = [columns[0]] + [
            (f"s{i}", name) for i, name in enumerate(board.fill_names, start=1)
        ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _, label in columns])
    for row in board.charts.get(key, []):
        writer.writerow([row.get(column, "") for column, _ in columns])
    return out.getvalue()
