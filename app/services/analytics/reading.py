"""The dashboard's reads: each one a range read of the rollups' primary key (grain, bucket,
metric, dim) or of the consumer's small tables, never of the event log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.adapters.db.models import Product
from app.adapters.db.models_analytics import MetricRollup, ShopperMonth, VisitorSeen
from app.adapters.db.models_deals import Deal
from app.adapters.db.models_live import LiveSession
from app.domain import analytics as m
from app.domain.analytics import Period
from app.domain.clock import as_utc
from app.domain.numbers import is_digits

R = MetricRollup
Row = dict[str, int | str]
FILL_DEALS = 5
TOP_PRODUCTS = 8
COHORT_MONTHS = 6
LIVE_MINUTES = 240


def _in(grain: str, since: datetime, until: datetime) -> list[Any]:
    return [col(R.grain) == grain, col(R.bucket) >= since, col(R.bucket) < until]


def totals_by_bucket(
    session: Session, grain: str, since: datetime, until: datetime
) -> dict[datetime, dict[str, int]]:
    """bucket -> metric -> count, for the shop-wide metrics (plus "paid$": sales in cents)."""
    found: dict[datetime, dict[str, int]] = defaultdict(dict)
    rows = session.exec(
        select(R.bucket, R.metric, R.count, R.amount).where(
            *_in(grain, since, until), col(R.dim) == ""
        )
    ).all()
    for bucket, metric, count, amount in rows:
        here = found[as_utc(bucket)]
        here[metric] = int(count)
        if metric == m.PAID:
            here["paid$"] = int(amount)
    return found


def sales_between(session: Session, since: datetime, until: datetime) -> tuple[int, int]:
    """(orders paid, sales in cents) in whole hours from `since` to `until`."""
    orders, amount = session.exec(
        select(func.coalesce(func.sum(R.count), 0), func.coalesce(func.sum(R.amount), 0)).where(
            *_in(m.HOUR, since, until), col(R.metric) == m.PAID, col(R.dim) == ""
        )
    ).one()
    return int(orders), int(amount)


def visitors_since(session: Session, since: datetime) -> int:
    return int(
        session.exec(
            select(func.count()).select_from(VisitorSeen).where(col(VisitorSeen.last_seen) >= since)
        ).one()
    )


def _top_dims(session: Session, metric: str, period: Period, limit: int) -> list[tuple[str, int]]:
    total = func.sum(R.count)
    rows = session.exec(
        select(R.dim, total)
        .where(*_in(period.grain, period.start, period.end), col(R.metric) == metric)
        .group_by(col(R.dim))
        .order_by(total.desc(), col(R.dim))
        .limit(limit)
    ).all()
    return [(str(dim), int(count)) for dim, count in rows if dim]


def deal_fill(
    session: Session, period: Period, label: Callable[[datetime, Period], str]
) -> tuple[list[str], list[Row]]:
    """The seats taken over time (cumulative) of the deals most joined in the period."""
    top = [dim for dim, _ in _top_dims(session, m.DEAL_FILL, period, FILL_DEALS)]
    if not top:
        return [], []
    ids = [int(dim) for dim in top if is_digits(dim, 18)]
    titles = dict(
        session.exec(
            select(Deal.id, Product.title)
            .join(Product, col(Product.id) == col(Deal.product_id))
            .where(col(Deal.id).in_(ids))
        ).all()
    )
    names = [f"#{dim} {titles.get(int(dim), '')}".strip()[:40] for dim in top]
    base = dict(
        session.exec(
            select(R.dim, func.sum(R.count))
            .where(
                col(R.grain) == period.grain,
                col(R.bucket) < period.start,
                col(R.metric) == m.DEAL_FILL,
                col(R.dim).in_(top),
            )
            .group_by(col(R.dim))
        ).all()
    )
    steps: dict[datetime, dict[str, int]] = defaultdict(dict)
    for bucket, dim, count in session.exec(
        select(R.bucket, R.dim, R.count).where(
            *_in(period.grain, period.start, period.end),
            col(R.metric) == m.DEAL_FILL,
            col(R.dim).in_(top),
        )
    ).all():
        steps[as_utc(bucket)][dim] = int(count)
    running = {dim: int(base.get(dim, 0) or 0) for dim in top}
    rows: list[Row] = []
    at = period.start
    while at < period.end:
        point: Row = {"at": label(at, period)}
        for index, dim in enumerate(top, start=1):
            running[dim] += steps.get(at, {}).get(dim, 0)
            point[f"s{index}"] = running[dim]
        rows.append(point)
        at += period.step
    return names, rows


def live_curve(session: Session, period: Period) -> tuple[str, list[Row]]:
    """Viewers arriving, chat messages and deal joins per minute of the latest live session
    with activity in the period."""
    found = session.exec(
        select(R.dim, R.bucket)
        .where(*_in(m.MINUTE, period.start, period.end), col(R.metric) == m.LIVE_VIEWERS)
        .order_by(col(R.bucket).desc())
        .limit(1)
    ).first()
    if found is None:
        return "", []
    session_id, last = str(found[0]), as_utc(found[1])
    since = max(period.start, last - timedelta(minutes=LIVE_MINUTES))
    per_minute: dict[datetime, dict[str, int]] = defaultdict(dict)
    for bucket, metric, count in session.exec(
        select(R.bucket, R.metric, R.count).where(
            *_in(m.MINUTE, since, last + timedelta(minutes=1)), col(R.dim) == session_id
        )
    ).all():
        per_minute[as_utc(bucket)][metric] = int(count)
    if not per_minute:
        return "", []
    first = min(per_minute)
    title = ""
    if is_digits(session_id, 18):
        title = (
            session.exec(
                select(LiveSession.title).where(col(LiveSession.id) == int(session_id))
            ).first()
            or ""
        )
    rows: list[Row] = []
    at = first
    while at <= last:
        here = per_minute.get(at, {})
        rows.append(
            {
                "at": at.strftime("%H:%M"),
                "viewers": here.get(m.LIVE_VIEWERS, 0),
                "chat": here.get(m.LIVE_CHAT, 0),
                "joins": here.get(m.LIVE_JOINS, 0),
            }
        )
        at += timedelta(minutes=1)
    return f"#{session_id} {title}".strip(), rows


def top_group_products(session: Session, period: Period) -> list[Row]:
    """The products added most (by quantity) to shared carts in the period."""
    top = _top_dims(session, m.GROUP_PRODUCT, period, TOP_PRODUCTS)
    ids = [int(dim) for dim, _ in top if is_digits(dim, 18)]
    titles = dict(
        session.exec(select(Product.id, Product.title).where(col(Product.id).in_(ids))).all()
    )
    return [
        {
            "product": titles.get(int(dim), f"Product {dim}") if is_digits(dim, 18) else dim,
            "quantity": n,
        }
        for dim, n in top
    ]


def cohorts(session: Session, until: datetime) -> list[Row]:
    """Shoppers by the month of their first order, and the share of them who ordered again in
    each following month (month 0 = 100%)."""
    newest = m.month_of(until - timedelta(seconds=1))
    oldest = newest
    for _ in range(COHORT_MONTHS - 1):
        oldest = m.month_of(oldest - timedelta(days=1))
    cells: dict[datetime, dict[int, int]] = defaultdict(dict)
    for cohort, month, count in session.exec(
        select(ShopperMonth.cohort, ShopperMonth.month, func.count())
        .where(col(ShopperMonth.cohort) >= oldest, col(ShopperMonth.cohort) <= newest)
        .group_by(col(ShopperMonth.cohort), col(ShopperMonth.month))
    ).all():
        start = as_utc(cohort)
        cells[start][m.months_between(start, as_utc(month))] = int(count)
    rows: list[Row] = []
    for cohort in sorted(cells):
        size = cells[cohort].get(0, 0)
        row: Row = {"cohort": cohort.strftime("%b %Y"), "shoppers": size}
        for offset in range(COHORT_MONTHS):
            row[f"m{offset}"] = m.percent(cells[cohort].get(offset, 0), size)
        rows.append(row)
    return rows
