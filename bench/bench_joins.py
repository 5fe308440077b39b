"""Burst of concurrent joins on one capped deal, through the real service and local Stripe.

    .venv/bin/python bench/bench_joins.py [--attempts 200] [--cap 50]

Creates a fresh PostgreSQL database (TEST_POSTGRES_URL or the local server), migrates it, starts
localstripe on a free port, fires `attempts` joins at once from as many threads, checks the deal
was not oversold and prints, as its last line, one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from app.adapters.db.models import Category, Product
from app.adapters.db.models_deals import DEAL_TABLES, Deal, Participation
from app.adapters.db.models_people import User
from app.adapters.db.session import make_engine
from app.adapters.payments.configured import build_payments
from app.adapters.payments.local_server import start_subprocess
from app.adapters.payments.stripe_gateway import (
    LOCAL_SECRET_KEY,
    TEST_CARDS,
    StripeGateway,
)
from app.cli import migrate
from app.domain.group_buy import DealTerms, PriceTier
from app.services import deals
from app.services.context import Context
from bench.support import percentile
from tests.factories import SilentBus
from tests.support.databases import create_database, drop_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--cap", type=int, default=50)
    args = parser.parse_args()

    url = create_database()
    stripe_dir = Path(tempfile.mkdtemp(prefix="bench-localstripe-"))
    server = start_subprocess(port=0, data_dir=stripe_dir, fresh=True)
    engine = make_engine(url)
    try:
        migrate(url)
        SQLModel.metadata.create_all(engine, tables=DEAL_TABLES)

        def factory() -> Session:
            return Session(engine, expire_on_commit=False)

        now = datetime.now(UTC)
        with factory() as session:
            category = Category(slug="bench", name="Bench")
            session.add(category)
            session.flush()
            product = Product(
                slug="bench", title="Bench", price_amount=100, category_id=category.id
            )
            seller = User(display_name="Seller", role="host")
            shoppers = [User(display_name=f"S{i}") for i in range(args.attempts)]
            session.add_all([product, seller, *shoppers])
            session.commit()
            user_ids = [u.id for u in shoppers]
            product_id, seller_id = product.id, seller.id
        assert product_id is not None and seller_id is not None
        gateway = StripeGateway(LOCAL_SECRET_KEY, api_base=server.url)
        payments = build_payments(gateway)
        ctx = Context(session_factory=factory, bus=SilentBus(), payments_factory=lambda: payments)
        deal_id = deals.create_deal(
            ctx,
            seller_id,
            product_id,
            DealTerms(
                tiers=(PriceTier(1, 10000), PriceTier(10, 8000)),
                currency="USD",
                min_to_unlock=10,
                max_participants=args.cap,
                starts_at=now - timedelta(minutes=1),
                deadline=now + timedelta(hours=1),
            ),
        )
        start = threading.Barrier(args.attempts)
        latencies: list[float] = []
        lock = threading.Lock()

        def join(user_id: int) -> bool:
            start.wait()
            began = time.perf_counter()
            try:
                deals.join_deal(ctx, user_id, deal_id, 1, TEST_CARDS["success"])
                ok = True
            except deals.JoinError:
                ok = False
            with lock:
                latencies.append((time.perf_counter() - began) * 1000)
            return ok

        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.attempts) as pool:
            results = list(pool.map(join, user_ids))
        elapsed = time.perf_counter() - t0

        with factory() as session:
            deal = session.get(Deal, deal_id)
            assert deal is not None
            held = session.exec(
                select(func.count())
                .select_from(Participation)
                .where(Participation.deal_id == deal_id, Participation.status == "held")
            ).one()
            doubles = session.exec(
                select(Participation.user_id)
                .where(Participation.deal_id == deal_id)
                .group_by(Participation.user_id)
                .having(func.count() > 1)
            ).all()
            participants = deal.participants
        figures = {
            "attempts": args.attempts,
            "cap": args.cap,
            "holds": int(held),
            "participants": participants,
            "oversold": max(0, participants - args.cap) + max(0, int(held) - args.cap),
            "double_holds": len(doubles),
            "accepted": sum(results),
            "joins_per_s": round(args.attempts / elapsed, 1),
            "p50_ms": round(percentile(latencies, 0.50), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
        }
    finally:
        engine.dispose()
        server.stop()
        drop_database(url)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
