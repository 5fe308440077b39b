"""The analytics dashboard on a big event log: load times and rollup lag on PostgreSQL.

    .venv/bin/python bench/bench_analytics.py [--events 1000000] [--shoppers 10000] [--days 90]

Creates a fresh PostgreSQL database (TEST_POSTGRES_URL or the local server), migrates it, fills
the event log with `events` events spread over `days` days from `shoppers` shoppers (COPY, as a
long-running shop would have written them), folds them into the hourly rollups through the
consumer API, then loads the dashboard's data for 7, 30 and 90 days (`--loads` times each) and
measures the rollup lag: the time from an event's commit to its appearance in the aggregates
when the dashboard refreshes (every 2 s in the browser; the figure here excludes that wait).
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
from app.services import analytics
from app.services.analytics.dashboard import dashboard
from tests.factories import SilentBus, make_context
from tests.support.databases import fresh_postgres

# How often each kind happens in the generated history (weights).
KINDS = (
    (EventKind.CART_CHANGED.value, "cart", 45),
    (EventKind.CHAT_MESSAGE_POSTED.value, "chat", 25),
    (EventKind.DEAL_JOINED.value, "deal", 15),
    (EventKind.DEAL_LEFT.value, "deal", 3),
    (EventKind.DEAL_CREATED.value, "deal", 1),
    (EventKind.DEAL_UNLOCKED.value, "deal", 1),
    (EventKind.FRIEND_ADDED.value, "friends", 5),
    (EventKind.LIVE_REACTIONS.value, "live", 5),
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


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
                moment = now - timedelta(seconds=span - offset)
                copy.write_row(
                    (
                        kind,
                        aggregate_of[kind],
                        str(rng.randrange(1, 5000)),
                        1,
                        rng.randrange(1, shoppers + 1),
                        moment,
                        moment,
                        "{}",
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
    parser.add_argument("--loads", type=int, default=20)
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
                return next(k.value for k in board.kpis if k.label == "Deal joins")

            lags: list[float] = []
            for n in range(20):
                before = joins_today()
                with ctx.uow() as uow:
                    uow.record(DomainEvent("bench", str(n), n, EventKind.DEAL_JOINED.value, {}))
                committed = time.perf_counter()
                while joins_today() <= before:
                    pass
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
            }
        )
    )


if __name__ == "__main__":
    main()
