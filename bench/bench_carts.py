"""Shared carts under load: how fast does one member's change reach the others?

    .venv/bin/python bench/bench_carts.py [--carts 50] [--members 4] [--rounds 10] [--spacing 0.02]

Starts `processes` backend processes (the real app under Granian) on free ports sharing Redis and
a fresh PostgreSQL database, signs in carts × members shoppers, gives every cart its members and
one line per member, and connects one client per shopper over Reflex's own websocket protocol,
the members of each cart spread over the processes. Each round, one member of every cart adds one
to their line through the cart page's handler; the time from sending that event to the new
quantity arriving at each other member is recorded. Prints the figures, and as its last line one
JSON object: clients, carts, processes, changes, p50_ms, p95_ms, p99_ms, delivered (a share).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.support import no_collector_pauses, percentile
from tests.support.cluster import running_cluster
from tests.support.reflex_client import ReflexClient
from tests.support.shared_carts import CART_STATE, Member, build_carts, line_quantity

DELIVERY_TIMEOUT = 5.0


@dataclass
class Expectation:
    cart_id: int
    line_id: int
    quantity: int
    sent: float
    waiting: set[int]  # user ids of the members that have not seen it yet
    latencies: list[float] = field(default_factory=list)


async def connect_all(groups: list[list[Member]], urls: list[str]) -> None:
    members = [m for group in groups for m in group]
    for position, member in enumerate(members):
        # Members of one cart alternate between processes, so news must cross Redis.
        member.client = ReflexClient(urls[position % len(urls)], member.shopper.cookie)

    async def open_one(member: Member) -> None:
        assert member.client is not None
        await member.client.open(f"/cart/{member.cart_id}", {"cart_id": str(member.cart_id)})
        await member.client.wait_until(
            lambda: (
                line_quantity(member.client.value(CART_STATE, "view"), member.line_id) is not None
            ),
            timeout=60,
        )

    for start in range(0, len(members), 20):  # a browser-like trickle, not a thundering herd
        await asyncio.gather(*(open_one(m) for m in members[start : start + 20]))


async def run_rounds(groups: list[list[Member]], rounds: int, spacing: float) -> list[Expectation]:
    pending: dict[int, list[Expectation]] = {}
    done: list[Expectation] = []
    quantities = {m.line_id: 1 for group in groups for m in group}

    def listener(member: Member):  # type: ignore[no-untyped-def]
        def on_delta(delta: dict[str, Any], arrived: float) -> None:
            view = delta.get(CART_STATE, {}).get("view_rx_state_")
            if view is None:
                return
            for expectation in pending.get(member.cart_id, ()):
                if member.shopper.user_id not in expectation.waiting:
                    continue
                seen = line_quantity(view, expectation.line_id)
                if seen is not None and seen >= expectation.quantity:
                    expectation.waiting.discard(member.shopper.user_id)
                    expectation.latencies.append((arrived - expectation.sent) * 1000)

        return on_delta

    for group in groups:
        for member in group:
            assert member.client is not None
            member.client.listeners.append(listener(member))

    for round_number in range(rounds):
        expectations = []
        for group in groups:
            actor = group[round_number % len(group)]
            quantities[actor.line_id] += 1
            expectation = Expectation(
                actor.cart_id,
                actor.line_id,
                quantities[actor.line_id],
                time.perf_counter(),
                {m.shopper.user_id for m in group if m is not actor},
            )
            pending.setdefault(actor.cart_id, []).append(expectation)
            expectations.append(expectation)
            assert actor.client is not None
            await actor.client.call(f"{CART_STATE}.change_quantity", line_id=actor.line_id, delta=1)
            await asyncio.sleep(spacing)
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while any(e.waiting for e in expectations) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        for expectation in expectations:
            pending[expectation.cart_id].remove(expectation)
        done.extend(expectations)
    return done


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    with running_cluster(args.processes) as cluster:
        groups = build_carts(cluster, args.carts, args.members)
        await connect_all(groups, cluster.urls)
        await asyncio.sleep(1.0)  # presence settles; it is not what we measure
        with no_collector_pauses():
            results = await run_rounds(groups, args.rounds, args.spacing)
        for group in groups:
            for member in group:
                assert member.client is not None
                await member.client.close()
    latencies = [value for e in results for value in e.latencies]
    expected = sum(len(e.latencies) + len(e.waiting) for e in results)
    return {
        "clients": args.carts * args.members,
        "carts": args.carts,
        "processes": args.processes,
        "changes": len(results),
        "deliveries": len(latencies),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies, default=float("nan")), 1),
        "delivered": round(len(latencies) / expected, 4) if expected else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--carts", type=int, default=50)
    parser.add_argument("--members", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--spacing", type=float, default=None,
        help="seconds between changes (default 1/carts: one change per cart per second)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.spacing is None:
        args.spacing = 1.0 / args.carts
    figures = asyncio.run(bench(args))
    print(
        f"{figures['clients']} clients in {figures['carts']} carts on {figures['processes']} "
        f"processes: {figures['changes']} changes, {figures['deliveries']} deliveries; "
        f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms; "
        f"delivered {figures['delivered']:.2%}"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
