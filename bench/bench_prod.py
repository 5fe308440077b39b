"""The whole stack in production mode under a mixed workload, with 1, 2 and 4 workers.

    .venv/bin/python bench/bench_prod.py [--workers 1,2,4] [--clients 1000] [--seconds 30]
    .venv/bin/python bench/bench_prod.py --short      # a quick check: 1 and 2 workers, 80 clients

For each worker count: a fresh PostgreSQL database, a private Redis, the local Stripe server,
N Granian workers and nginx in front of them with the configuration `make prod` writes (from
deploy/nginx-site.conf.template; the workload is all websocket, so nginx serves no pages here).
Simulated browsers speak Reflex's own protocol through nginx:
- every client sits on a shared-cart page (carts of four), which is what keeps them connected;
- cart: a member changes their line (CartState.change_quantity), timed until every other
  member of the cart has seen the new quantity;
- browse: a shopper reloads the catalog (CatalogState.load), timed until the answer arrives;
- chat: a shopper posts in a product's chat (ChatState.send), timed until their page shows it;
- join: a shopper joins an open group-buy deal with a test card (DealState.join, through the
  local Stripe server), timed until their seat shows the hold.
Each action is an error when it is refused or not seen within 5 s. Peak RSS is sampled per
worker (its Granian processes together). Prints a table, writes a PNG chart, and as its last
line one JSON object: workers, rps, p99_ms, errors, rss_mb, clients, and per-action figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil

from app.adapters.db.session import make_engine
from app.adapters.payments.local_server import start_subprocess
from app.adapters.payments.stripe_gateway import LOCAL_SECRET_KEY
from app.cli import migrate
from app.launcher.cluster import start_workers
from app.launcher.nginx import nginx_binary, nginx_command, write_config
from app.launcher.processes import ProcessGroup, free_port, wait_for_http
from app.states.catalog import CatalogState
from app.states.chat import ChatState
from app.states.deals import DealState
from bench.prod_chart import draw_chart
from bench.support import no_collector_pauses, percentile
from tests.support.cluster import Cluster
from tests.support.databases import fresh_postgres
from tests.support.reflex_client import ReflexClient
from tests.support.shared_carts import CART_STATE, Member, build_carts, line_quantity, open_deal
from tests.support.stack import PrivateRedis

TIMEOUT = 5.0
ACTIONS = ("cart", "browse", "chat", "join")
CATALOG, CHAT, DEAL = (
    CatalogState.get_full_name(),
    ChatState.get_full_name(),
    DealState.get_full_name(),
)


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))

    def record(self, action: str, seconds: float | None) -> None:
        if seconds is None:
            self.errors[action] += 1
        else:
            self.latencies[action].append(seconds * 1000)


@contextlib.contextmanager
def stack(workers: int, folder: Path) -> Iterator[tuple[Cluster, list[int], ProcessGroup]]:
    """Database, Redis, local Stripe, workers and nginx; all stopped afterwards."""
    redis_server = PrivateRedis()
    redis_server.start()
    stripe = start_subprocess(port=0, data_dir=folder / "stripe", fresh=True)
    try:
        with fresh_postgres("bandwagon_bench_prod") as database_url:
            migrate(database_url)
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_server.url,
                "DATA_DIR": str(folder / "data"),
                "APP_ENV": "prod",
                "SESSION_SECRET": secrets.token_urlsafe(40),
                "STRIPE_SECRET_KEY": LOCAL_SECRET_KEY,
                "STRIPE_API_BASE": stripe.url,
                "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
                # As `make prod`: the shopper's address is the one nginx saw (see `browser`).
                "TRUSTED_PROXY_HOPS": "1",
            }
            (folder / "metrics").mkdir(exist_ok=True)
            (folder / "site").mkdir(exist_ok=True)
            engine = make_engine(database_url)
            with ProcessGroup(grace_seconds=5) as group:
                ports = start_workers(group, env, workers, pages=False, log_dir=folder)
                port = free_port()
                config = write_config(
                    folder, listen=f"127.0.0.1:{port}", root=folder / "site",
                    backends=[f"127.0.0.1:{p}" for p in ports], routes=[],
                )  # fmt: skip
                binary = nginx_binary()
                assert binary, "nginx is needed: make nginx"
                proxy = group.start(nginx_command(binary, config), log=folder / "nginx.log")
                wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=30, process=proxy)
                cluster = Cluster(database_url, [f"http://127.0.0.1:{port}"], engine, folder)
                yield cluster, [c.pid for c in group.children[:workers]], group
            engine.dispose()
    finally:
        stripe.stop()
        redis_server.stop()


class Peaks:
    """Peak resident memory of each worker (its Granian process tree), sampled twice a second."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.peak = [0.0 for _ in pids]  # the whole tree: Granian's main process and its server
        self.serving = [0.0 for _ in pids]  # the largest process alone (the one with the app)

    def sample(self) -> None:
        for index, pid in enumerate(self.pids):
            with contextlib.suppress(psutil.NoSuchProcess):
                root = psutil.Process(pid)
                sizes = [p.memory_info().rss for p in [root, *root.children(recursive=True)]]
                self.peak[index] = max(self.peak[index], sum(sizes) / 2**20)
                self.serving[index] = max(self.serving[index], max(sizes) / 2**20)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.to_thread(self.sample)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)


async def open_page(client: ReflexClient, path: str, params: dict[str, str], ready: Any) -> None:
    await client.open(path, params)
    await client.wait_until(ready, timeout=60)


_addresses = itertools.count(1)


def browser(url: str, cookie: str) -> ReflexClient:
    """A simulated browser from an address of its own (127.0.x.y): shoppers come from many
    addresses, and the shop's per-address allowances (chat, joins) are meant for one each."""
    n = next(_addresses)
    return ReflexClient(url, cookie, address=f"127.0.{n // 250}.{n % 250 + 2}")


async def connect_members(groups: list[list[Member]], url: str) -> None:
    members = [m for group in groups for m in group]
    for member in members:
        member.client = browser(url, member.shopper.cookie)

    async def one(m: Member) -> None:
        assert m.client is not None
        await open_page(
            m.client, f"/cart/{m.cart_id}", {"cart_id": str(m.cart_id)},
            lambda: line_quantity(m.client.value(CART_STATE, "view"), m.line_id) is not None,
        )  # fmt: skip

    for start in range(0, len(members), 25):  # a trickle, as browsers arrive
        await asyncio.gather(*(one(m) for m in members[start : start + 25]))


async def timed(client: ReflexClient, handler: str, check: Any, **payload: Any) -> float | None:
    """Send one event; seconds until `check()` holds for what arrived, None on a timeout."""
    sent = time.perf_counter()
    await client.call(handler, **payload)
    try:
        await client.wait_until(check, TIMEOUT)
    except TimeoutError:
        return None
    return time.perf_counter() - sent


async def cart_loop(groups: list[list[Member]], period: float, until: float, tally: Tally) -> None:
    """Every cart: one change per `period`, by its members in turn, seen by all the others."""

    async def one_cart(group: list[Member], offset: float) -> None:
        await asyncio.sleep(offset)
        turn = 0
        quantities = {m.line_id: 1 for m in group}
        while time.monotonic() < until:
            actor = group[turn % len(group)]
            turn += 1
            quantities[actor.line_id] += 1
            want = quantities[actor.line_id]
            others = [m.client for m in group if m is not actor and m.client is not None]
            sent = time.perf_counter()
            assert actor.client is not None
            await actor.client.call(f"{CART_STATE}.change_quantity", line_id=actor.line_id, delta=1)
            try:
                await asyncio.gather(*(
                    c.wait_until(lambda c=c, line=actor.line_id, want=want: (line_quantity(
                        c.value(CART_STATE, "view"), line) or 0) >= want, TIMEOUT)
                    for c in others
                ))  # fmt: skip
                tally.record("cart", time.perf_counter() - sent)
            except TimeoutError:
                tally.record("cart", None)
            await asyncio.sleep(max(0.0, period - (time.perf_counter() - sent)))

    await asyncio.gather(*(one_cart(g, i * period / len(groups)) for i, g in enumerate(groups)))


async def browse_loop(
    clients: list[ReflexClient], period: float, until: float, tally: Tally
) -> None:
    async def one(client: ReflexClient) -> None:
        while time.monotonic() < until:
            before = client.updates
            seconds = await timed(client, f"{CATALOG}.load", lambda n=before: client.updates > n)
            tally.record("browse", seconds)
            await asyncio.sleep(period)

    await asyncio.gather(*(one(c) for c in clients))


async def chat_loop(clients: list[ReflexClient], period: float, until: float, tally: Tally) -> None:
    async def one(index: int, client: ReflexClient) -> None:
        seq = 0
        while time.monotonic() < until:
            seq += 1
            text = f"bench {index}-{seq}"
            seconds = await timed(
                client, f"{CHAT}.send", lambda t=text: t in json.dumps(client.values.get(CHAT, {})),
                form={"message": text},
            )  # fmt: skip
            refused = client.value(CHAT, "error")
            tally.record("chat", None if refused else seconds)
            await asyncio.sleep(period)

    await asyncio.gather(*(one(i, c) for i, c in enumerate(clients)))


async def join_loop(clients: list[ReflexClient], rate: float, until: float, tally: Tally) -> None:
    async def one(client: ReflexClient) -> None:
        seconds = await timed(
            client, f"{DEAL}.join",
            lambda: (client.value(DEAL, "seat") or {}).get("status") in ("held", "captured")
            or bool(client.value(DEAL, "error")),
        )  # fmt: skip
        tally.record("join", None if client.value(DEAL, "error") else seconds)

    started = []
    for client in clients:
        if time.monotonic() >= until:
            break
        started.append(asyncio.ensure_future(one(client)))
        await asyncio.sleep(1.0 / rate)
    await asyncio.gather(*started)


async def run_config(workers: int, args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix=f"bandwagon-bench-prod-{workers}-"))
    tally = Tally()
    with stack(workers, folder) as (cluster, pids, _group):
        url = cluster.urls[0]
        groups = build_carts(cluster, args.clients // 4, 4)
        extra = cluster.add_shoppers(args.browsers + args.posters + args.joiners + 1, "Extra")
        host, extra = extra[0], extra[1:]
        product_row = _first_product(cluster)
        deal_id = open_deal(cluster, host, product_row[0])
        await connect_members(groups, url)
        split = args.browsers + args.posters
        browsers = [browser(url, s.cookie) for s in extra[: args.browsers]]
        posters = [browser(url, s.cookie) for s in extra[args.browsers : split]]
        joiners = [browser(url, s.cookie) for s in extra[split:]]
        for c in browsers:
            await open_page(c, "/catalog", {}, lambda c=c: c.value(CATALOG, "loaded") is True)
        slug = product_row[1]
        for c in posters:
            await open_page(c, f"/product/{slug}", {"product_key": slug},
                            lambda c=c: bool(c.value(CHAT, "room_key")))  # fmt: skip
        for c in joiners:
            await open_page(c, f"/deals/{deal_id}", {"deal_id": str(deal_id)},
                            lambda c=c: c.value(DEAL, "deal") is not None)  # fmt: skip
        everyone = [m.client for g in groups for m in g if m.client] + browsers + posters + joiners
        await asyncio.sleep(1.0)
        peaks = Peaks(pids)
        stop = asyncio.Event()
        sampler = asyncio.ensure_future(peaks.run(stop))
        started = time.monotonic()
        until = started + args.seconds
        with no_collector_pauses():
            await asyncio.gather(
                cart_loop(groups, args.cart_period, until, tally),
                browse_loop(browsers, args.browse_period, until, tally),
                chat_loop(posters, args.chat_period, until, tally),
                join_loop(joiners, args.join_rate, until, tally),
            )
        elapsed = time.monotonic() - started
        stop.set()
        await sampler
        connected = sum(1 for c in everyone if c.sio.connected)
        for client in everyone:
            with contextlib.suppress(Exception):
                await client.close()
    done = sum(len(v) for v in tally.latencies.values())
    errors = sum(tally.errors.values())
    all_ms = [x for v in tally.latencies.values() for x in v]
    return {
        "workers": workers,
        "clients": len(everyone),
        "connected_at_end": connected,
        "rps": round(done / elapsed, 1),
        "p99_ms": round(percentile(all_ms, 0.99), 1),
        "errors": errors,
        "error_rate": round(errors / max(1, done + errors), 4),
        "rss_mb": [round(x, 1) for x in peaks.peak],
        "rss_serving_mb": [round(x, 1) for x in peaks.serving],
        "actions": {
            action: {
                "count": len(tally.latencies[action]),
                "errors": tally.errors[action],
                "p50_ms": round(percentile(tally.latencies[action], 0.50), 1),
                "p95_ms": round(percentile(tally.latencies[action], 0.95), 1),
                "p99_ms": round(percentile(tally.latencies[action], 0.99), 1),
            }
            for action in ACTIONS
        },
    }


def _first_product(cluster: Cluster) -> tuple[int, str]:
    from sqlalchemy import text

    with cluster.engine.connect() as connection:
        row = connection.execute(text("SELECT id, slug FROM product ORDER BY id LIMIT 1")).one()
    return int(row[0]), str(row[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="1,2,4", help="worker counts, side by side")
    parser.add_argument("--clients", type=int, default=1000, help="shoppers on cart pages")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time per count")
    parser.add_argument("--cart-period", type=float, default=5.0, help="s between a cart's changes")
    parser.add_argument("--browsers", type=int, default=20)
    parser.add_argument("--browse-period", type=float, default=1.0)
    parser.add_argument("--posters", type=int, default=10)
    parser.add_argument("--chat-period", type=float, default=3.0, help="chat allows 5 per 10 s")
    parser.add_argument("--joiners", type=int, default=60)
    parser.add_argument("--join-rate", type=float, default=2.0, help="joins per second")
    parser.add_argument("--chart", default="test-artifacts/bench-prod.png")
    parser.add_argument("--short", action="store_true", help="1 and 2 workers, 80 clients, 8 s")
    args = parser.parse_args()
    if args.short:
        args.clients, args.seconds = 80, 8.0
        if args.workers == parser.get_default("workers"):
            args.workers = "1,2"
        args.browsers, args.posters, args.joiners = 6, 4, 10
    results = []
    for workers in [int(w) for w in args.workers.split(",")]:
        result = asyncio.run(run_config(workers, args))
        results.append(result)
        print(f"\n{workers} worker(s), {result['clients']} clients: {result['rps']} actions/s, "
              f"errors {result['errors']} ({result['error_rate']:.2%}), "
              f"peak RSS per worker {result['rss_mb']} MB "
              f"(its serving process alone {result['rss_serving_mb']} MB)", flush=True)  # fmt: skip
        for action, figures in result["actions"].items():
            print(f"  {action:7} n={figures['count']:5}  p50 {figures['p50_ms']:7.1f}  "
                  f"p95 {figures['p95_ms']:7.1f}  p99 {figures['p99_ms']:7.1f} ms  "
                  f"errors {figures['errors']}", flush=True)  # fmt: skip
    chart = Path(args.chart)
    draw_chart(results, chart)
    print(f"\nchart: {chart}")
    print(json.dumps({
        "workers": [r["workers"] for r in results],
        "rps": [r["rps"] for r in results],
        "p99_ms": [r["p99_ms"] for r in results],
        "cart_p99_ms": [r["actions"]["cart"]["p99_ms"] for r in results],
        "errors": sum(r["errors"] for r in results),
        "rss_mb": [max(r["rss_mb"]) for r in results],
        "clients": [r["clients"] for r in results],
        "results": results,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
