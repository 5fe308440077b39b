"""The bus on a three-node Redis Cluster with sharded pub/sub, started by the test.

News spreads over shard channels owned by different nodes (SPUBLISH, never a broadcast PUBLISH),
each aggregate's events arrive in order, a node that restarts costs a "bus down" / "bus up"
(the hub then resyncs every room), and two real backend workers configured with
REDIS_CLUSTER_URL share a cart's changes through the cluster.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.engine import Engine

from app.adapters.bus.cluster_bus import ClusterBus
from app.cli import migrate
from app.domain.events import DomainEvent
from app.launcher.cluster import start_workers
from app.launcher.processes import ProcessGroup
from tests.conftest import REDIS_TEST_URL
from tests.support.cluster import Cluster
from tests.support.databases import fresh_postgres
from tests.support.redis_cluster import ClusterNodes, redis_cluster
from tests.support.reflex_client import ReflexClient
from tests.support.shared_carts import CART_STATE, build_carts, line_quantity


@pytest.fixture(scope="module")
def nodes() -> Iterator[ClusterNodes]:
    with redis_cluster(3) as running:
        yield running


def _event(aggregate_id: int, version: int) -> DomainEvent:
    return DomainEvent("cart", str(aggregate_id), version, "cart.changed", {"n": version})


async def _next(listener: AsyncIterator[DomainEvent], timeout: float = 10.0) -> DomainEvent:
    return await asyncio.wait_for(anext(listener), timeout)


async def _subscribed(bus: ClusterBus, nodes: ClusterNodes) -> None:
    """Until every shard channel has a subscriber on the node that owns it."""
    owners = await asyncio.to_thread(bus.owners)
    deadline = time.monotonic() + 10
    for (_, port), channels in owners.items():
        client = nodes.client(port)
        while any(count < 1 for _, count in client.pubsub_shardnumsub(*channels)):
            assert time.monotonic() < deadline, "the listener did not subscribe"
            await asyncio.sleep(0.05)


async def test_news_is_sharded_over_the_nodes_and_arrives_in_order(nodes: ClusterNodes) -> None:
    publisher, subscriber = ClusterBus(nodes.url), ClusterBus(nodes.url)  # two processes
    owners = await asyncio.to_thread(subscriber.owners)
    assert len(owners) >= 2, f"the shard channels all sit on one node: {owners}"
    listener = subscriber.listen()
    first = asyncio.ensure_future(_next(listener))
    try:
        await _subscribed(subscriber, nodes)
        for version in range(1, 6):
            for cart in range(40):
                publisher.publish(_event(cart, version))
        received = [await first] + [await _next(listener) for _ in range(199)]
    finally:
        first.cancel()
        await listener.aclose()  # type: ignore[attr-defined]
    by_cart: dict[str, list[int]] = {}
    for event in received:
        by_cart.setdefault(event.aggregate_id, []).append(event.version)
    assert by_cart == {str(cart): [1, 2, 3, 4, 5] for cart in range(40)}
    # Sharded: each node carried only its own shards' messages, and more than one node carried some.
    published = {
        port: int(
            nodes.client(port).info("commandstats").get("cmdstat_spublish", {}).get("calls", 0)
        )
        for port in nodes.ports
    }
    assert sum(published.values()) >= 200 and sum(1 for n in published.values() if n) >= 2
    assert all(
        "cmdstat_publish" not in nodes.client(port).info("commandstats") for port in nodes.ports
    )


async def test_a_node_restart_is_a_bus_down_then_up_and_news_flows_again(
    nodes: ClusterNodes,
) -> None:
    publisher, subscriber = ClusterBus(nodes.url), ClusterBus(nodes.url)
    listener = subscriber.listen()
    first = asyncio.ensure_future(_next(listener))
    try:
        await _subscribed(subscriber, nodes)
        publisher.publish(_event(1, 1))
        assert (await first).version == 1
        victim = nodes.ports[1]
        nodes.stop(victim)
        assert (await _next(listener)).kind == "bus_down"
        nodes.start(victim)
        assert (await _next(listener, 30)).kind == "bus_up"
        await _subscribed(subscriber, nodes)
        for cart in range(20):  # some of these live on the restarted node
            publisher.publish(_event(cart, 2))
        got = {(await _next(listener)).aggregate_id for _ in range(20)}
        assert got == {str(cart) for cart in range(20)}
    finally:
        await listener.aclose()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def workers(
    nodes: ClusterNodes, postgres_server: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    """Two backend workers whose bus is the cluster (Reflex's state stays on REDIS_URL)."""
    from app.adapters.db.session import make_engine

    log_dir = tmp_path_factory.mktemp("cluster-workers")
    with fresh_postgres("bandwagon_cluster") as database_url:
        migrate(database_url)
        engine = make_engine(database_url)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_TEST_URL,
            "REDIS_CLUSTER_URL": nodes.url,
            "DATA_DIR": str(log_dir / "data"),
            "APP_ENV": "test",
        }
        try:
            with ProcessGroup(grace_seconds=3) as group:
                ports = start_workers(group, env, 2, pages=False, log_dir=log_dir)
                urls = [f"http://127.0.0.1:{port}" for port in ports]
                yield Cluster(database_url, urls, engine, log_dir)
        finally:
            engine.dispose()


async def test_two_workers_share_a_cart_through_the_cluster(
    workers: Cluster, nodes: ClusterNodes
) -> None:
    members = build_carts(workers, count=1, size=2)[0]
    clients = [ReflexClient(workers.urls[i], m.shopper.cookie) for i, m in enumerate(members)]
    try:
        for client, member in zip(clients, members, strict=True):
            await client.open(f"/cart/{member.cart_id}", {"cart_id": str(member.cart_id)})
            await client.wait_until(
                lambda c=client, m=member: (
                    line_quantity(c.value(CART_STATE, "view"), m.line_id) is not None
                ),
                60,
            )
        line = members[0].line_id
        await clients[0].call(f"{CART_STATE}.change_quantity", line_id=line, delta=1)
        await clients[1].wait_until(
            lambda: line_quantity(clients[1].value(CART_STATE, "view"), line) == 2, 15
        )
    finally:
        for client in clients:
            with contextlib.suppress(Exception):
                await client.close()
    spublished = sum(
        int(nodes.client(port).info("commandstats").get("cmdstat_spublish", {}).get("calls", 0))
        for port in nodes.ports
    )
    assert spublished > 0


def test_publishing_with_no_cluster_reachable_never_raises(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = ClusterBus(f"redis+cluster://127.0.0.1:{_closed_port()}")  # starts without the cluster
    bus.publish(_event(1, 1))
    assert "not published" in caplog.text


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
