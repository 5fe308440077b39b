"""A load-generator process for bench_live.py: many viewers of one page over raw websockets.

    python bench/live_viewers.py --ports 8001,8002 --count 250 --offset 0 --mode app \
        --path /product/1 --params '{"product_key": "1"}' --out arrivals.json

Connects `count` viewers (spread over the ports, starting at `offset` so several processes
alternate evenly), prints `READY <ok> <failed>` once all are in the room, records the first
arrival of every marked message at every viewer, and on a `stop` line on stdin (or after
--max-seconds) writes the arrivals to --out and exits. Every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import sys
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.live_protocol import Arrivals, Viewer, hydrate_auth, ws_url


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ports", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--mode", choices=["app", "floor"], required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--params", default="{}")
    parser.add_argument("--out", required=True)
    parser.add_argument("--ready-text", default='"room_key_rx_state_":"product:')
    parser.add_argument("--connect-concurrency", type=int, default=16)
    parser.add_argument("--ready-timeout", type=float, default=240.0)
    parser.add_argument("--max-seconds", type=float, default=900.0)
    args = parser.parse_args()

    ports = [int(p) for p in args.ports.split(",")]
    params = json.loads(args.params)
    auth = hydrate_auth(args.path, params) if args.mode == "app" else None
    stop = asyncio.Event()
    gate = asyncio.Semaphore(args.connect_concurrency)
    arrivals = [Arrivals() for _ in range(args.count)]
    ready = [asyncio.Event() for _ in range(args.count)]

    def on_frame_for(i: int):  # type: ignore[no-untyped-def]
        record = arrivals[i].feed
        flag = ready[i]

        def on_frame(text: str, now: float) -> None:
            if not flag.is_set() and (args.mode == "floor" or args.ready_text in text):
                flag.set()
                return  # the hydrate/load frame predates every timed message
            record(text, now)

        return on_frame

    viewers = [
        Viewer(ws_url(ports[(args.offset + i) % len(ports)]), auth, on_frame_for(i))
        for i in range(args.count)
    ]
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        tasks: list[asyncio.Task[None]] = []
        failed = 0

        async def join(i: int) -> bool:
            async with gate:
                task = asyncio.ensure_future(viewers[i].run(session, stop))
                tasks.append(task)
                if args.mode == "floor":
                    waiter = asyncio.ensure_future(viewers[i].connected.wait())
                else:
                    waiter = asyncio.ensure_future(ready[i].wait())
                done, _ = await asyncio.wait(
                    {waiter, task}, timeout=60, return_when=asyncio.FIRST_COMPLETED
                )
                if waiter in done:
                    ready[i].set()
                    return True
                waiter.cancel()
                return False

        async def progress() -> None:
            while True:
                await asyncio.sleep(5)
                done = sum(1 for flag in ready if flag.is_set())
                print(f"{done}/{args.count} viewers in the room", file=sys.stderr, flush=True)

        reporter = asyncio.ensure_future(progress())
        results = await asyncio.wait_for(
            asyncio.gather(*(join(i) for i in range(args.count))), args.ready_timeout
        )
        reporter.cancel()
        failed = results.count(False)
        gc.collect()
        gc.freeze()  # keep our own collector pauses out of the timings
        print(f"READY {args.count - failed} {failed}", flush=True)

        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        with contextlib.suppress(TimeoutError):
            while True:
                line = await asyncio.wait_for(reader.readline(), args.max_seconds)
                if not line or line.strip() == b"stop":
                    break
        stop.set()
        dropped = sum(1 for v in viewers if v.closed)
        await asyncio.wait(tasks, timeout=20)
        for task in tasks:
            task.cancel()
    out = {
        "viewers": args.count - failed,
        "failed": failed,
        "dropped": dropped,
        "arrivals": [a.seen for i, a in enumerate(arrivals) if ready[i].is_set()],
    }
    Path(args.out).write_text(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())
