"""Chat fan-out to a thousand viewers across two backend processes, against a bare floor.

    .venv/bin/python bench/bench_live.py [--viewers 1000] [--processes 2] [--messages 60]

1. Creates a fresh PostgreSQL database (TEST_POSTGRES_URL or the local server), migrates it and
   adds one product and the posters (signed-in users with a session row each).
2. Starts `--processes` Reflex backends (the app's ASGI app under granian, one worker each, the
   way `reflex run --env prod` serves it) on free ports, with REDIS_URL so Reflex keeps state in
   Redis and chat events cross processes on the bus.
3. Starts load-generator processes (bench/live_viewers.py) whose viewers open the product page
   over Reflex's raw websocket protocol (hydrate_and_load, then the page's load handlers put them
   in the chat room), spread evenly over the backends.
4. Posters send chat messages through the real `ChatState.send` handler at `--rate` per second,
   rotating so nobody hits the 5-in-10-s limit. Each message carries its send time; each viewer
   records when it first sees it.
5. Stops the backends and runs the floor: the same number of viewers on `--processes` bare
   python-socketio servers fed from Redis (bench/live_floor.py), the same messages in pushes of
   the same size, at the same rate.

Prints p50/p95/p99 delivery times and the share delivered for both, and the ratio; the last
line is one JSON object. Every process it starts runs in its own process group and is stopped
(SIGTERM, then SIGKILL) on the way out; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import redis  # noqa: E402
from sqlmodel import Session, func, select  # noqa: E402

from app.adapters.db.models import Category, Product  # noqa: E402
from app.adapters.db.models_chat import ChatMessage  # noqa: E402
from app.adapters.db.models_people import User  # noqa: E402
from app.adapters.db.session import make_engine  # noqa: E402
from app.cli import migrate  # noqa: E402
from app.launcher.processes import free_port, wait_for_http  # noqa: E402
from app.services import accounts, chat  # noqa: E402
from app.services.context import Context  # noqa: E402
from app.services.sign_in import SESSION_COOKIE  # noqa: E402
from bench.live_protocol import (  # noqa: E402
    ROOT_STATE,
    Viewer,
    event_frame,
    hydrate_auth,
    marker,
    ws_url,
)
from bench.support import percentile  # noqa: E402
from tests.factories import SilentBus  # noqa: E402
from tests.support.databases import create_database, drop_database  # noqa: E402

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
CHAT_STATE = f"{ROOT_STATE}.app___states___chat____chat_state"
GRANIAN = str(Path(sys.executable).parent / "granian")
HISTORY = 30
HISTORY_TEXT = "Earlier in the chat: does the glaze chip easily? Mine is fine after a year"


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Children:
    """Processes we started, each in its own group; stopped together, forcefully if need be."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, args: list[str], env: dict[str, str], logfile: Path, **kw: Any) -> Any:
        out = kw.pop("stdout", None) or open(logfile, "ab")  # noqa: SIM115
        proc = subprocess.Popen(
            args, env=env, cwd=ROOT, stdout=out, stderr=open(logfile, "ab"),  # noqa: SIM115
            start_new_session=True, **kw,
        )  # fmt: skip
        self.procs.append(proc)
        return proc

    def stop(self, procs: list[subprocess.Popen[bytes]] | None = None, grace: float = 8) -> None:
        targets = procs if procs is not None else list(self.procs)
        for proc in targets:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in targets:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
            if proc in self.procs:
                self.procs.remove(proc)


def seed(url: str, posters: int) -> tuple[int, list[str]]:
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        category = Category(slug="bench", name="Bench")
        session.add(category)
        session.flush()
        product = Product(
            slug="bench-mug", title="Bench Mug", price_amount=1800, category_id=category.id or 0
        )
        users = [User(display_name=f"Poster {i}") for i in range(posters)]
        session.add(product)
        session.add_all(users)
        session.flush()
        tokens = [accounts.start_session(session, u.id or 0, "bench") for u in users]
        session.commit()
        product_id = product.id or 0
    # A room with history, so every push (app and floor alike) carries a full window.
    earlier = time.time() - 3600
    for i in range(HISTORY):
        ctx = Context(
            session_factory=lambda: Session(engine, expire_on_commit=False),
            bus=SilentBus(),
            clock=lambda i=i: datetime.fromtimestamp(earlier + i * 3, UTC),
        )
        chat.post_message(
            ctx, users[i % posters].id, f"product:{product_id}", f"{HISTORY_TEXT} #{i}"
        )
    engine.dispose()
    return product_id, tokens


def start_viewer_procs(
    children: Children, mode: str, ports: list[int], viewers: int, procs: int,
    path: str, params: dict[str, str], workdir: Path,
) -> list[tuple[subprocess.Popen[bytes], Path, queue.Queue[str]]]:  # fmt: skip
    started = []
    base, extra = divmod(viewers, procs)
    offset = 0
    for i in range(procs):
        count = base + (1 if i < extra else 0)
        out = workdir / f"{mode}-viewers-{i}.json"
        proc = children.start(
            [sys.executable, str(ROOT / "bench" / "live_viewers.py"), "--ports",
             ",".join(map(str, ports)), "--count", str(count), "--offset", str(offset),
             "--mode", mode, "--path", path, "--params", json.dumps(params), "--out", str(out)],
            dict(os.environ), workdir / f"{mode}-viewers-{i}.log",
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        lines: queue.Queue[str] = queue.Queue()

        def pump(stream: Any = proc.stdout, sink: queue.Queue[str] = lines) -> None:
            for raw in iter(stream.readline, b""):
                sink.put(raw.decode().strip())

        threading.Thread(target=pump, daemon=True).start()
        started.append((proc, out, lines))
        offset += count
    return started


def wait_ready(started: list[Any], timeout: float) -> tuple[int, int]:
    ok = failed = 0
    deadline = time.monotonic() + timeout
    for proc, _, lines in started:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("viewers did not get ready in time")
            if proc.poll() is not None:
                raise RuntimeError(f"a viewer process exited with {proc.returncode}")
            try:
                line = lines.get(timeout=min(remaining, 1.0))
            except queue.Empty:
                continue
            if line.startswith("READY"):
                _, good, bad = line.split()
                ok, failed = ok + int(good), failed + int(bad)
                break
    return ok, failed


def collect(started: list[Any]) -> dict[str, Any]:
    for proc, _, _ in started:
        with contextlib.suppress(BrokenPipeError, OSError):
            proc.stdin.write(b"stop\n")
            proc.stdin.flush()
    arrivals: list[dict[str, float]] = []
    viewers = dropped = 0
    for proc, out, _ in started:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=60)
        if out.exists():
            data = json.loads(out.read_text())
            arrivals.extend(data["arrivals"])
            viewers += data["viewers"]
            dropped += data["dropped"]
    return {"arrivals": arrivals, "viewers": viewers, "dropped": dropped}


def figures(result: dict[str, Any], messages: int, expected_viewers: int) -> dict[str, float]:
    latencies = [ms for seen in result["arrivals"] for ms in seen.values()]
    delivered = len(latencies) / max(1, expected_viewers * messages)
    return {
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1) if latencies else float("nan"),
        "delivered": round(delivered, 4),
        "viewers_ready": result["viewers"],
        "dropped": result["dropped"],
    }


async def run_rounds(
    ports: list[int], tokens: list[str], path: str, params: dict[str, str], channel: str,
    window: list[dict[str, Any]], args: argparse.Namespace,
) -> tuple[int, int]:  # fmt: skip
    """Alternate rounds: app messages through ChatState.send, then floor messages on Redis.
    Refusals of app messages are counted from the posters' own deltas."""
    stop = asyncio.Event()
    refusals = [0]

    def on_frame(frame: str, _now: float) -> None:
        if '"error_rx_state_":"' in frame and '"error_rx_state_":""' not in frame:
            refusals[0] += 1

    posters = [
        Viewer(ws_url(ports[i % len(ports)]), hydrate_auth(path, params), on_frame,
               headers={"Cookie": f"{SESSION_COOKIE}={token}"})
        for i, token in enumerate(tokens)
    ]  # fmt: skip
    floor_bus = redis.Redis.from_url(REDIS_URL)
    name = f"{CHAT_STATE}.send"
    size = 0
    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.ensure_future(p.run(session, stop)) for p in posters]
        await asyncio.wait_for(asyncio.gather(*(p.connected.wait() for p in posters)), 60)
        await asyncio.sleep(2.0)  # their page loads finish
        for r in range(args.rounds):
            start = time.monotonic() + 0.5
            for i in range(args.per_round):
                seq = r * args.per_round + i
                await asyncio.sleep(max(0.0, start + i / args.rate - time.monotonic()))
                body = f"{marker(seq, time.time())} {args.text}"
                frame = event_frame(name, {"form": {"message": body}}, path, params)
                await posters[seq % len(posters)].send(frame)
            await asyncio.sleep(SETTLE)
            start = time.monotonic() + 0.5
            for i in range(args.per_round):
                seq = r * args.per_round + i
                await asyncio.sleep(max(0.0, start + i / args.rate - time.monotonic()))
                data = json.dumps(floor_payload(window, seq, args.text), separators=(",", ":"))
                size = len(data)
                floor_bus.publish(channel, data)
            await asyncio.sleep(SETTLE)
        stop.set()
        await asyncio.wait(tasks, timeout=10)
    floor_bus.close()
    return refusals[0], size


SETTLE = 4.0  # seconds after a round for its last message to reach everyone


def floor_payload(window: list[dict[str, Any]], seq: int, text: str) -> dict[str, Any]:
    """The same shape and size as the app's chat push, with the newest message replaced."""
    newest = dict(window[-1], id=10_000_000 + seq)
    newest["parts"] = [{"text": f"{marker(seq, time.time())} {text}", "href": ""}]
    window[:] = [*window[1:], newest]
    fields = {"messages": window, "has_older": True, "slow_mode_seconds": 0, "removed_ids": []}
    return {"delta": {CHAT_STATE: {k + "_rx_state_": v for k, v in fields.items()}}, "events": []}


def per_round_p95(result: dict[str, Any], per_round: int, rounds: int) -> list[float]:
    buckets: list[list[float]] = [[] for _ in range(rounds)]
    for seen in result["arrivals"]:
        for seq, ms in seen.items():
            buckets[min(rounds - 1, int(seq) // per_round)].append(ms)
    return [round(percentile(b, 0.95), 1) for b in buckets]


def granian(target: str, port: int, factory: bool) -> list[str]:
    return [GRANIAN, "--interface", "asgi", *(["--factory"] if factory else []), "--host",
            "127.0.0.1", "--port", str(port), "--workers", "1", "--log-level", "warning",
            target]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--viewers", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--per-round", type=int, default=20, help="messages per round and path")
    parser.add_argument("--rate", type=float, default=2.0, help="messages per second")
    parser.add_argument("--posters", type=int, default=10)
    parser.add_argument("--load-procs", type=int, default=4, help="per path")
    parser.add_argument("--text", default="Just ordered two of these, the glaze is lovely!")
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args()
    if args.posters / args.rate < 2.0:
        parser.error("each poster must wait 2 s between messages: raise --posters")
    redis.Redis.from_url(REDIS_URL).ping()
    messages = args.rounds * args.per_round

    workdir = Path(tempfile.mkdtemp(prefix="bench-live-"))
    url = create_database("bandwagon_bench_live")
    children = Children()
    summary: dict[str, Any] = {}
    try:
        migrate(url)
        product_id, tokens = seed(url, args.posters)
        path, params = f"/product/{product_id}", {"product_key": str(product_id)}
        room = f"product:{product_id}"
        engine = make_engine(url)
        ctx = Context(session_factory=lambda: Session(engine), bus=SilentBus())
        window = [asdict(m) for m in chat.window(ctx, room).messages]
        engine.dispose()

        # The app (Reflex backends: real handlers, the rooms broadcast path) and the floor
        # (bare python-socketio servers fed from Redis) run side by side; rounds alternate so
        # both meet the same background noise.
        ports = [free_port() for _ in range(args.processes)]
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS_URL, "APP_ENV": "test",
               "REFLEX_ENV_MODE": "prod", "__REFLEX_SKIP_COMPILE": "true",
               "PYTHONDONTWRITEBYTECODE": "1", "REFLEX_USE_SYSTEM_BUN": "1",
               "PATH": f"{ROOT / '.tools/node_modules/.bin'}:{os.environ['PATH']}"}  # fmt: skip
        backends = [
            children.start(granian("app.app:app", port, True), env, workdir / f"app-{port}.log")
            for port in ports
        ]
        channel = f"bench-floor:{uuid.uuid4().hex[:8]}"
        floor_ports = [free_port() for _ in range(args.processes)]
        floor_env = {**os.environ, "REDIS_URL": REDIS_URL, "FLOOR_CHANNEL": channel,
                     "PYTHONPATH": str(ROOT)}  # fmt: skip
        floors = [
            children.start(
                granian("bench.live_floor:app", port, False),
                floor_env,
                workdir / f"floor-{port}.log",
            )  # fmt: skip
            for port in floor_ports
        ]
        for port, proc in zip(ports, backends, strict=True):
            wait_for_http(f"http://127.0.0.1:{port}/ping", timeout=180, process=proc)
        for port, proc in zip(floor_ports, floors, strict=True):
            wait_for_http(f"http://127.0.0.1:{port}/_event/?EIO=4&transport=polling", 60, proc)
        log(f"app backends on {ports}, floor servers on {floor_ports}")
        app_viewers = start_viewer_procs(
            children, "app", ports, args.viewers, args.load_procs, path, params, workdir
        )
        ready, failed = wait_ready(app_viewers, timeout=600)
        floor_viewers = start_viewer_procs(
            children, "floor", floor_ports, args.viewers, args.load_procs, path, params, workdir
        )
        ready_floor, _ = wait_ready(floor_viewers, timeout=300)
        log(f"viewers ready: app {ready} (failed {failed}), floor {ready_floor}; "
            f"{args.rounds} rounds of {args.per_round} messages each")  # fmt: skip
        refused, size = asyncio.run(run_rounds(ports, tokens, path, params, channel, window, args))
        app_result, floor_result = collect(app_viewers), collect(floor_viewers)
        engine = make_engine(url)
        with Session(engine) as session:
            stored = session.exec(select(func.count()).select_from(ChatMessage)).one() - HISTORY
        engine.dispose()
        children.stop()
        app = figures(app_result, messages, args.viewers)
        floor = figures(floor_result, messages, args.viewers)
        app_rounds = per_round_p95(app_result, args.per_round, args.rounds)
        floor_rounds = per_round_p95(floor_result, args.per_round, args.rounds)
        ratio = app["p95_ms"] / floor["p95_ms"] if floor["p95_ms"] else float("nan")
        summary = {
            "viewers": args.viewers,
            "processes": args.processes,
            "messages": messages,
            "rate_per_s": args.rate,
            "push_bytes": size,
            "stored": stored,
            "refused": refused,
            "p50_ms": app["p50_ms"],
            "p95_ms": app["p95_ms"],
            "p99_ms": app["p99_ms"],
            "max_ms": app["max_ms"],
            "delivered": app["delivered"],
            "viewers_ready": app["viewers_ready"],
            "dropped": app["dropped"],
            "floor_p50_ms": floor["p50_ms"],
            "floor_p95_ms": floor["p95_ms"],
            "floor_p99_ms": floor["p99_ms"],
            "floor_delivered": floor["delivered"],
            "ratio_to_floor": round(ratio, 2),
            "round_p95_ms": app_rounds,
            "floor_round_p95_ms": floor_rounds,
        }
        print(
            f"chat via rooms : p50 {app['p50_ms']} ms  p95 {app['p95_ms']} ms  "
            f"p99 {app['p99_ms']} ms  delivered {app['delivered']:.2%}  "
            f"({args.viewers} viewers, {args.processes} processes, {messages} messages, "
            f"{size} B pushes; p95 per round {app_rounds})"
        )
        print(
            f"bare broadcast : p50 {floor['p50_ms']} ms  p95 {floor['p95_ms']} ms  "
            f"p99 {floor['p99_ms']} ms  delivered {floor['delivered']:.2%}  "
            f"(p95 per round {floor_rounds})"
        )
        print(f"ratio (p95)    : {ratio:.2f}x the floor")
    finally:
        children.stop()
        if args.keep:
            log(f"kept {workdir} and database {url}")
        else:
            drop_database(url)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
