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
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain.events import DomainEvent
from app.services import carts
from app.services.unit_of_work import unit_of_work
from app.states.carts import CartState
from bench.cluster import Cluster, Shopper, running_cluster
from bench.reflex_client import ReflexClient
from bench.support import no_collector_pauses, percentile

CART_STATE = CartState.get_full_name()
DELIVERY_TIMEOUT = 5.0


class NullBus:
    """Set-up happens before anyone watches: its news would reach nobody."""

    def publish(self, event: DomainEvent) -> None:
        pass

    async def listen(self):  # type: ignore[no-untyped-def]  # pragma: no cover
        raise NotImplementedError
        yield


@dataclass
class Member:
    shopper: Shopper
    cart_id: int
    line_id: int = 0
    client: ReflexClient | None = None


@dataclass
class Expectation:
    cart_id: int
    line_id: int
    quantity: int
    sent: float
    waiting: set[int]  # user ids of the members that have not seen it yet
    latencies: list[float] = field(default_factory=list)


def build_carts(cluster: Cluster, count: int, size: int) -> list[list[Member]]:
    """carts × members shoppers; every member already has one line in their cart."""
    shoppers = cluster.add_shoppers(count * size)
    with cluster.session() as session:
        from app.adapters.db.models import Category, Product

        suffix = uuid.uuid4().hex[:8]  # callers may build several sets of carts in one database
        category = Category(slug=f"bench-{suffix}", name="Bench")
        session.add(category)
        session.flush()
        product = Product(
            slug=f"bench-mug-{suffix}", title="Bench Mug", price_amount=1000, stock=1_000_000,
            category_id=category.id,
        )  # fmt: skip
        session.add(product)
        session.commit()
        product_id = product.id
    assert product_id is not None
    groups: list[list[Member]] = []
    for index in range(count):
        people = shoppers[index * size : (index + 1) * size]
        with unit_of_work(cluster.session, NullBus()) as uow:
            cart_id = carts.create_shared_cart(uow, people[0].user_id, f"Cart {index + 1}")
        with cluster.session() as session:
            code = carts.load_cart(session, cart_id, people[0].user_id).invite_code
        members = [Member(person, cart_id) for person in people]
        for member in members:
            with unit_of_work(cluster.session, NullBus()) as uow:
                if member is not members[0]:
                    carts.join_by_code(uow, member.shopper.user_id, code)
                carts.add_item(uow, cart_id, member.shopper.user_id, product_id, 1)
        with cluster.session() as session:
            view = carts.load_cart(session, cart_id, people[0].user_id)
        by_adder = {line.added_by_id: line.id for line in view.lines}
        for member in members:
            member.line_id = by_adder[member.shopper.user_id]
        groups.append(members)
    return groups


def line_quantity(view: Any, line_id: int) -> int | None:
    if not isinstance(view, dict):
        return None
    for line in view.get("lines", ()):
        if line.get("id") == line_id:
            return int(line.get("quantity", 0))
    return None


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
    parser.add_argument("--spacing", type=float, default=0.02, help="seconds between changes")
    args = parser.parse_args()
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
