"""The floor for bench_live.py: a bare python-socketio server fed from Redis.

    FLOOR_CHANNEL=bench-floor:x REDIS_URL=redis://127.0.0.1:6379 \
        granian --interface asgi --workers 1 --port 8001 bench.live_floor:app

Every client that connects to the `/_event` namespace joins one room. Each message published on
FLOOR_CHANNEL (a JSON payload) goes out as one room emit, exactly as the app's rooms path ends,
but with nothing before it: no database read, no render, no Reflex. Run two of these for the
two-process floor; both are fed from Redis, so neither lags behind the other.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os

import redis.asyncio as aioredis
import socketio

from app.realtime.rooms import GC_THRESHOLDS

NAMESPACE = "/_event"
ROOM = "viewers"

sio = socketio.AsyncServer(
    async_mode="asgi", cors_allowed_origins=[], transports=["websocket"], async_handlers=False
)


@sio.on("connect", namespace=NAMESPACE)
async def connect(sid: str, environ: dict, auth: object = None) -> None:
    await sio.enter_room(sid, ROOM, namespace=NAMESPACE)


async def relay() -> None:
    client = aioredis.Redis.from_url(os.environ["REDIS_URL"])
    async with client.pubsub() as pubsub:
        await pubsub.subscribe(os.environ["FLOOR_CHANNEL"])
        async for message in pubsub.listen():
            if message.get("type") == "message":
                payload = json.loads(message["data"])
                await sio.emit("event", payload, to=ROOM, namespace=NAMESPACE)


_tasks: set[asyncio.Task[None]] = set()


async def startup() -> None:
    _tasks.add(asyncio.get_running_loop().create_task(relay()))
    gc.collect()
    gc.freeze()  # the same collector settings as the app's backends
    gc.set_threshold(*GC_THRESHOLDS)


app = socketio.ASGIApp(sio, socketio_path="_event", on_startup=startup)
