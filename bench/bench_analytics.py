"""The analytics dashboard on a big event log: load times and rollup lag on PostgreSQL.

    .venv/bin/python bench/bench_analytics.py [--events 1000000] [--shoppers 10000] [--days 90]

Creates a fresh PostgreSQL database (TEST_POSTGRES_URL or the local server), migrates it, fills
the event log with `events` events spread over `days` days from `shoppers` shoppers (COPY, shaped
as the shop writes them: page views, cart changes, checkouts, paid orders, deal joins, live chat),
folds them into the rollups through the consumer API, then loads the whole dashboard's data
(every chart) for 7, 30 and 90 days (`--loads` times each) and measures the rollup lag: from an
event's commit to the dashboard showing it, the way the app does it (the analytics job gathers
for a moment, folds the log, and the dashboard re-reads on the `analytics.updated` news; the
bus hop itself, about a millisecond, is not included).
Prints, as its last line, one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session

from app.adapters.db.models_people import User
from app.adapters.db.session import make_engine
from app.cli import migrate
from app.domain.events import DomainEvent, EventKind
from app.jobs.analytics import GATHER_SECONDS
from app.services import analytics
from app.services.analytics.dashboard import dashboard
from tests.factories import SilentBus, make_context
from tests.support.databases import fresh_postgres

# How often each kind happens in the generated history (weights).
KINDS = (
    (EventKind.PAGE_VIEWED.value, "visitor", 40),
    (EventKind.CART_CHANGED.value, "cart", 20),
    (EventKind.CHAT_MESSAGE_POSTED.value, "chat", 12),
    (EventKind.DEAL_JOINED.value, "deal", 10),
    (EventKind.CHECKOUT_STARTED.value, "checkout", 4),
    (EventKind.ORDER_PAID.value, "checkout", 3),
    (EventKind.FRIEND_ADDED.value, "friends", 3),
    (EventKind.LIVE_REACTIONS.value, "live", 3),
    (EventKind.DEAL_LEFT.value, "deal", 1),
    (EventKind.DEAL_UNLOCKED.value, "deal", 1),
    (EventKind.DEAL_CLOSED.value, "deal", 1),
)
PAGES = ("home",) * 3 + ("product",) * 4 + ("deal",) * 2 + ("cart", "live")
DEALS, PRODUCTS = 300, 500


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _event(
    rng: random.Random, kind: str, shopper: int, offset: float
) -> tuple[str, dict[str, object]]:
    """(aggregate id, payload) of one generated event, shaped as the shop writes them."""
    day_session = str(int(offset // 86400) + 1)  # one live session a day
    if kind == EventKind.PAGE_VIEWED.value:
        page = rng.choice(PAGES)
        ref = {"deal": str(rng.randrange(1, DEALS)), "live": day_session}.get(page, "")
        return f"u{shopper}", {"visitor": f"u{shopper}", "page": page, "ref": ref}
    if kind == EventKind.CART_CHANGED.value:
        roll = rng.random()
        if roll < 0.6:
            payload: dict[str, object] = {
                "action": "added",
                "product_id": rng.randrange(1, PRODUCTS),
                "quantity": rng.randrange(1, 4),
                "shared": rng.random() < 0.3,
            }
        elif roll < 0.7:
            payload = {"action": "shared"}
        elif roll < 0.8:
            payload = {"action": "joined"}
        else:
            payload = {}
        return str(rng.randrange(1, 20_000)), payload
    if kind in (EventKind.CHECKOUT_STARTED.value, EventKind.ORDER_PAID.value):
        payload = {"user_id": shopper, "shared": rng.random() < 0.3}
        if kind == EventKind.ORDER_PAID.value:
            payload["amount"] = rng.randrange(1000, 20_000)
        return str(rng.randrange(1, 100_000)), payload
    if kind.startswith("deal."):
        return str(rng.randrange(1, DEALS)), {}
    if kind == EventKind.CHAT_MESSAGE_POSTED.value:
        room = f"live:{day_session}" if rng.random() < 0.5 else f"product:{rng.randrange(1, 99)}"
        return room, {"user_id": shopper}
    return str(rng.randrange(1, 5000)), {}


def fill(url: str, events: int, shoppers: int, days: int) -> float:
    """COPY `events` rows into the log; seconds taken."""
    engine = make_engine(url)
    now = datetime.now(UTC)
    rng = random.Random(15)
    kinds = [k for k, _, w in KINDS for _ in range(w)]
    aggregate_of = {k: a for k, a, _ in KINDS}
    span = days * 86400
    started = time.perf_counter()
    # Oldest first, as a live shop would have written them (ids follow time).
    offsets = sorted(rng.random() * span for _ in range(events))
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        columns = (
            "kind, aggregate, aggregate_id, version, actor_id, occurred_at, logged_at, payload"
        )
        with cursor.copy(f"COPY event_log ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for offset in offsets:
                kind = rng.choice(kinds)
                shopper = rng.randrange(1, shoppers + 1)
                moment = now - timedelta(seconds=span - offset)
                aggregate_id, payload = _event(rng, kind, shopper, offset)
                copy.write_row(
                    (
                        kind,
                        aggregate_of[kind],
                        aggregate_id,
                        1,
                        shopper,
                        moment,
                        moment,
                        json.dumps(payload, separators=(",", ":")),
                    )
                )
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--shoppers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--loads", type=int, default=30)
    args = parser.parse_args()
    with fresh_postgres("bandwagon_bench_analytics") as url:
        migrate(url)
        fill_s = fill(url, args.events, args.shoppers, args.days)
        engine = make_engine(url)
        try:
            ctx = make_context(engine, bus=SilentBus())
            with Session(engine) as session:
                admin = User(display_name="Bench Admin", role="admin")
                session.add(admin)
                session.commit()
                admin_id = admin.id or 0
            started = time.perf_counter()
            folded = analytics.refresh_rollups(ctx, batches=10_000_000)
            rollup_s = time.perf_counter() - started

            loads: list[float] = []
            per_range: dict[str, float] = {}
            for days in (7, 30, 90):
                times = []
                for _ in range(args.loads):
                    t0 = time.perf_counter()
                    dashboard(ctx, admin_id, days)
                    times.append((time.perf_counter() - t0) * 1000)
                per_range[f"p95_ms_{days}d"] = round(percentile(times, 0.95), 1)
                loads.extend(times)

            def joins_today() -> int:
                board = dashboard(ctx, admin_id, 1)
                return int(next(k.value for k in board.kpis if k.key == "joins"))

            # From a commit to the dashboard showing it, as in the app: the analytics job
            # wakes on the news, gathers for GATHER_SECONDS, folds the log (follow_log), and
            # the dashboard that got `analytics.updated` re-reads the rollups.
            lags: list[float] = []
            for n in range(20):
                before = joins_today()
                with ctx.uow() as uow:
                    uow.record(DomainEvent("deal", str(n + 1), n, EventKind.DEAL_JOINED.value, {}))
                committed = time.perf_counter()
                time.sleep(GATHER_SECONDS)
                analytics.follow_log(ctx)
                while joins_today() <= before:
                    analytics.follow_log(ctx)
                lags.append((time.perf_counter() - committed) * 1000)
        finally:
            engine.dispose()
    print(
        json.dumps(
            {
                "events": args.events,
                "shoppers": args.shoppers,
                "days": args.days,
                "fill_s": round(fill_s, 1),
                "rollup_build_s": round(rollup_s, 1),
                "folded": folded,
                "p50_ms": round(statistics.median(loads), 1),
                "p95_ms": round(percentile(loads, 0.95), 1),
                **per_range,
                "rollup_lag_ms": round(max(lags), 1),
                "rollup_lag_p50_ms": round(statistics.median(lags), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
