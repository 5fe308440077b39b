"""`make prod` for real: nginx, two Granian workers, PostgreSQL and a private Redis, supervised.

A worker killed with SIGKILL is started again within seconds; its clients reconnect through
nginx to a live worker and see the current cart, while the other worker's clients notice
nothing. A worker that cannot start stops the whole start-up with its message. SIGTERM stops
everything cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.adapters.db.session import make_engine
from app.config import PROJECT_ROOT
from app.launcher.cluster import start_workers
from app.launcher.processes import ProcessGroup
from app.states.chat import ChatState
from bench.bench_carts import CART_STATE, build_carts, line_quantity
from tests.conftest import REDIS_TEST_URL
from tests.factories import add_category, add_product
from tests.support.cluster import Cluster
from tests.support.databases import fresh_postgres
from tests.support.reflex_client import ReflexClient
from tests.support.stack import PrivateRedis, Stack, http_get, running_stack, stack_environment

RESTART_WITHIN = 20.0  # seconds from SIGKILL to the worker answering again


@pytest.fixture(scope="module")
def database(postgres_server: Engine) -> Iterator[str]:
    with fresh_postgres("bandwagon_prod") as url:
        yield url


@pytest.fixture(scope="module")
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(
    database: str, private_redis: PrivateRedis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("prod")
    env = stack_environment(database, private_redis.url, folder / "data")
    with running_stack(env, folder / "stack.log", workers=2) as running:
        yield running


@pytest.fixture(scope="module")
def shop(stack: Stack, database: str) -> Iterator[Cluster]:
    """Signed-in shoppers and carts, written straight to the stack's database."""
    engine = make_engine(database)
    yield Cluster(database, [stack.url], engine, stack.log.parent)
    engine.dispose()


def test_probes_answer_through_nginx(stack: Stack) -> None:
    status, headers, body = http_get(f"{stack.url}/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}
    assert headers["Server"].startswith("nginx")
    status, _, body = http_get(f"{stack.url}/readyz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok", "redis": "ok"}
    # The workers log JSON lines; nginx gave the request an id, which its access line carries.
    lines = [line.split(" | ", 1)[1] for line in stack.output().splitlines() if '"/readyz"' in line]
    access = [json.loads(line) for line in lines if '"bandwagon.access"' in line]
    assert access and all(len(entry["request_id"]) == 32 for entry in access)


def test_nginx_serves_the_built_pages(stack: Stack) -> None:
    status, headers, body = http_get(f"{stack.url}/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"<html" in body
    assert http_get(f"{stack.url}/catalog")[0] == 200
    assert http_get(f"{stack.url}/cart/7")[0] == 200  # a page with a parameter: the app's shell
    assert http_get(f"{stack.url}/no-such-page")[0] == 404


def test_shared_links_unfurl_through_nginx(stack: Stack, shop: Cluster) -> None:
    """nginx passes a shared page to a worker, which answers with the shell and its tags."""
    with shop.session() as session:  # production seeds nothing: the shop's own product
        add_product(session, add_category(session, "unfurl", "Unfurl"), "unfurl-mug")
        session.commit()
    status, headers, body = http_get(f"{stack.url}/product/unfurl-mug")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert '<meta property="og:title" content="Unfurl Mug · $18.00"/>' in page
    assert "/assets/" in page  # the build's own shell: the app boots from it
    image = page.split('<meta property="og:image" content="', 1)[1].split('"', 1)[0]
    path = image.split("://", 1)[1].split("/", 1)[1]
    status, headers, card = http_get(f"{stack.url}/{path}")
    assert status == 200 and headers["Content-Type"] == "image/png"
    assert card[:8] == b"\x89PNG\r\n\x1a\n"
    # Hashed scripts are kept for a year; /deals/new stays a page of its own.
    script = page.split('href="/assets/', 1)[1].split('"', 1)[0]
    assert "immutable" in http_get(f"{stack.url}/assets/{script}")[1].get("Cache-Control", "")
    assert "og:title" not in http_get(f"{stack.url}/deals/new")[2].decode()


async def _until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        await asyncio.sleep(0.1)


async def test_a_killed_worker_comes_back_and_its_clients_catch_up(
    stack: Stack, shop: Cluster
) -> None:
    members = build_carts(shop, count=1, size=4)[0]
    clients = [ReflexClient(stack.url, m.shopper.cookie) for m in members]

    def quantity(client: ReflexClient, line_id: int) -> int | None:
        return line_quantity(client.value(CART_STATE, "view"), line_id)

    async def open_cart(client: ReflexClient) -> None:
        cart = members[0].cart_id
        await client.open(f"/cart/{cart}", {"cart_id": str(cart)})
        await client.wait_until(lambda: quantity(client, members[0].line_id) is not None, 60)

    for client in clients:  # one after the other: nginx's least_conn spreads them 2 and 2
        await open_cart(client)
    replacements: list[ReflexClient] = []
    try:
        workers = stack.workers()
        assert len(workers) == 2
        port, pid = sorted(workers.items())[0]
        killed_at = time.monotonic()
        os.kill(pid, signal.SIGKILL)

        await _until(
            lambda: any(not c.sio.connected for c in clients), 10, "a client is disconnected"
        )
        await asyncio.sleep(1.0)  # every client of the dead worker has been told by now
        dropped = [i for i, c in enumerate(clients) if not c.sio.connected]
        kept = [i for i, c in enumerate(clients) if c.sio.connected]
        assert dropped and kept, f"clients on the killed worker: {dropped}, others: {kept}"

        # While the dropped are away, someone on the live worker changes the cart.
        editor = members[kept[0]]
        await clients[kept[0]].call(
            f"{CART_STATE}.change_quantity", line_id=editor.line_id, delta=1
        )
        for i in kept:
            await clients[i].wait_until(lambda i=i: quantity(clients[i], editor.line_id) == 2)

        # The dropped reconnect, as the browser's page does: nginx sends them to a live worker,
        # and they see the cart as it is now.
        for i in dropped:
            again = ReflexClient(stack.url, members[i].shopper.cookie)
            again.token = clients[i].token  # the tab keeps its token
            replacements.append(again)
            await open_cart(again)
            await again.wait_until(lambda again=again: quantity(again, editor.line_id) == 2)

        # The supervisor has started the killed worker again on its port.
        def restarted() -> bool:
            new_pid = stack.workers().get(port)
            answer = http_get(f"http://127.0.0.1:{port}/healthz")[0]
            return new_pid not in (None, pid) and answer == 200

        await _until(lambda: _safe(restarted), RESTART_WITHIN, "the worker is back")
        print(f"worker restarted and ready {time.monotonic() - killed_at:.1f}s after SIGKILL")

        # The restarted worker serves clients again and shares their news with the other one.
        direct = ReflexClient(f"http://127.0.0.1:{port}", members[dropped[0]].shopper.cookie)
        replacements.append(direct)
        await open_cart(direct)
        await direct.wait_until(lambda: quantity(direct, editor.line_id) == 2)
        await direct.call(
            f"{CART_STATE}.change_quantity", line_id=members[dropped[0]].line_id, delta=1
        )
        for i in kept:
            await clients[i].wait_until(
                lambda i=i: quantity(clients[i], members[dropped[0]].line_id) == 2
            )
        # The other worker's clients never noticed: still on their first connection.
        assert all(clients[i].sio.connected for i in kept)
    finally:
        for client in clients + replacements:
            await client.close()
    assert "exited (code -9)" in stack.output()


async def test_a_chat_survives_a_killed_worker(stack: Stack, shop: Cluster) -> None:
    """Said before the kill, said by the others while the dropped are away: all of it is there
    when the dropped come back, on a live worker; the others stay connected throughout."""
    people = shop.add_shoppers(4, "Chatter")
    build_carts(shop, count=1, size=1)  # a product to talk about
    with shop.engine.connect() as connection:
        slug = connection.execute(
            text("SELECT slug FROM product ORDER BY id DESC LIMIT 1")
        ).scalar()
    path, params = f"/product/{slug}", {"product_key": str(slug)}
    chat_state = ChatState.get_full_name()

    def says(client: ReflexClient, words: str) -> bool:
        return words in json.dumps(client.values.get(chat_state, {}))

    async def open_chat(client: ReflexClient) -> None:
        await client.open(path, params)
        await client.wait_until(lambda: bool(client.value(chat_state, "can_post")), 60)

    await _until(lambda: _safe(lambda: len(stack.workers()) == 2), RESTART_WITHIN, "2 workers")
    # Two chatters on each worker (straight to its port, so the split is known).
    (port, pid), (other, _) = sorted(stack.workers().items())
    homes = [port, port, other, other]
    clients = [
        ReflexClient(f"http://127.0.0.1:{home}", person.cookie)
        for home, person in zip(homes, people, strict=True)
    ]
    for client in clients:
        await open_chat(client)
    back: list[ReflexClient] = []
    try:
        await clients[0].call(f"{chat_state}.send", form={"message": "before the crash"})
        for client in clients:
            await client.wait_until(lambda c=client: says(c, "before the crash"), 15)
        os.kill(pid, signal.SIGKILL)
        await _until(lambda: not clients[0].sio.connected, 10, "a chatter dropped")
        await asyncio.sleep(1.0)
        dropped = [i for i, c in enumerate(clients) if not c.sio.connected]
        kept = [i for i, c in enumerate(clients) if c.sio.connected]
        assert (dropped, kept) == ([0, 1], [2, 3])
        await clients[kept[0]].call(f"{chat_state}.send", form={"message": "while you were out"})
        for i in kept:
            await clients[i].wait_until(lambda i=i: says(clients[i], "while you were out"), 15)
        for i in dropped:  # the page reconnects through nginx, which picks a live worker
            again = ReflexClient(stack.url, people[i].cookie)
            again.token = clients[i].token
            back.append(again)
            await open_chat(again)
            for words in ("before the crash", "while you were out"):
                await again.wait_until(lambda a=again, w=words: says(a, w), 15)
        # A returning chatter is heard by those who never left.
        await back[0].call(f"{chat_state}.send", form={"message": "back again"})
        for i in kept:
            await clients[i].wait_until(lambda i=i: says(clients[i], "back again"), 15)
        assert all(clients[i].sio.connected for i in kept)
        await _until(lambda: _safe(lambda: stack.workers().get(port) not in (None, pid)),
                     RESTART_WITHIN, "the worker is back")  # fmt: skip
    finally:
        for client in clients + back:
            with contextlib.suppress(Exception):
                await client.close()


async def test_metrics_through_nginx_sum_the_live_workers(stack: Stack, shop: Cluster) -> None:
    """After the kill above: the dead worker's websockets are no longer counted."""
    members = build_carts(shop, count=1, size=2)[0]
    clients = [ReflexClient(stack.url, m.shopper.cookie) for m in members]
    try:
        for client, member in zip(clients, members, strict=True):
            await client.open(f"/cart/{member.cart_id}", {"cart_id": str(member.cart_id)})
            await client.wait_until(lambda c=client: c.value(CART_STATE, "view") is not None, 60)
        await clients[0].call(f"{CART_STATE}.change_quantity", line_id=members[0].line_id, delta=1)
        await clients[1].wait_until(
            lambda: line_quantity(clients[1].value(CART_STATE, "view"), members[0].line_id) == 2
        )
        # The sockets of the test above close a moment after their clients hang up.
        clients_gauge = ("bandwagon_websocket_clients", ())
        await _until(lambda: _metrics(stack.url)[clients_gauge] == 2, 10, "two tabs are counted")
        samples = _metrics(stack.url)
        assert samples[("bandwagon_events_total", ())] >= 3  # two page loads and the change
        readyz = (("method", "GET"), ("route", "/readyz"), ("status", "200"))
        assert samples[("bandwagon_http_request_duration_seconds_count", readyz)] >= 1
        # The change crossed the bus: every worker's hub counted it, timed its trip and the
        # cart room's render.
        assert samples[("bandwagon_bus_events_total", (("aggregate", "cart"),))] >= 2
        assert samples[("bandwagon_bus_lag_seconds_count", ())] >= 2
        assert samples[("bandwagon_render_seconds_count", (("aggregate", "cart"),))] >= 2
    finally:
        for client in clients:
            await client.close()


def _metrics(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, _, body = http_get(f"{url}/metrics")
    assert status == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def _safe(check: Callable[[], bool]) -> bool:
    try:
        return check()
    except OSError:
        return False


def test_sigterm_stops_the_whole_stack(stack: Stack) -> None:
    """Last in this module: it stops the shared stack."""
    children = psutil.Process(stack.process.pid).children(recursive=True)
    assert children
    started = time.monotonic()
    assert stack.stop() == 0
    assert time.monotonic() - started < 25
    assert not [c.pid for c in children if c.is_running() and c.status() != "zombie"]


def test_a_worker_that_cannot_start_stops_the_start_up_with_its_message(
    postgres_url: str, tmp_path: Path
) -> None:
    env = stack_environment(postgres_url, REDIS_TEST_URL, tmp_path / "data")
    env["SESSION_SECRET"] = "too-short"  # the workers refuse it when they build their routes
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "app.launcher.production", "--workers", "2", "--port", "1"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Start-up failed: worker-1 could not start" in result.stderr
    assert "SESSION_SECRET: expected at least 32 random characters" in result.stderr
    assert "starting worker-1 again" not in output  # no loop
    assert "starting nginx" not in output
    print(f"start-up refused after {time.monotonic() - started:.1f}s")


def test_a_stopping_worker_finishes_the_request_in_flight(sqlite_url: str, tmp_path: Path) -> None:
    """SIGTERM while a request runs: the answer still arrives whole, then the worker exits."""
    with socket.socket() as hole:  # a database that accepts and never answers: /readyz waits
        hole.bind(("127.0.0.1", 0))
        hole.listen(16)
        env = {
            **os.environ,
            "DATABASE_URL": f"postgresql://nobody@127.0.0.1:{hole.getsockname()[1]}/shop",
            "REDIS_URL": REDIS_TEST_URL,
            "DATA_DIR": str(tmp_path / "data"),
            "APP_ENV": "test",
        }
        with ProcessGroup(grace_seconds=5) as group:
            [port] = start_workers(group, env, 1, pages=False, log_dir=tmp_path)
            answer: list[tuple[int, dict[str, str], bytes]] = []
            asking = threading.Thread(
                target=lambda: answer.append(http_get(f"http://127.0.0.1:{port}/readyz", 20))
            )
            asking.start()
            time.sleep(0.5)
            worker = group.children[0]
            worker.send_signal(signal.SIGTERM)
            asking.join(20)
            hole.close()  # its waiting connections fail now, so the worker's threads end
            assert worker.wait(timeout=20) == 0
    [(status, _, body)] = answer
    assert status == 503
    assert json.loads(body)["database"].startswith("unreachable")
