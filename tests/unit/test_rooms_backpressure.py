"""A client that stops reading cannot make the others wait or make its process hold an ever
longer queue: past MAX_QUEUED pushes it is dropped to a resync (its connection closes, and the
page's load handler reads the current state when the browser reconnects)."""

from __future__ import annotations

import socketio
from engineio.async_socket import AsyncSocket

from app.realtime.rooms import MAX_QUEUED, NAMESPACE, Rooms


async def _room(*eio_sids: str) -> tuple[socketio.AsyncServer, dict[str, AsyncSocket]]:
    server = socketio.AsyncServer(async_mode="asgi")
    sockets = {}
    for index, eio_sid in enumerate(eio_sids):
        sockets[eio_sid] = server.eio.sockets[eio_sid] = AsyncSocket(server.eio, eio_sid)
        await server.manager.enter_room(f"sid-{index}", NAMESPACE, "cart:1", eio_sid=eio_sid)
    return server, sockets


def _queued(socket: AsyncSocket) -> list[object]:
    return list(socket.queue._queue)  # type: ignore[attr-defined]


async def test_a_stalled_client_is_dropped_to_a_resync_and_the_others_get_every_push() -> None:
    server, sockets = await _room("reader", "stalled")
    reader, stalled = sockets["reader"], sockets["stalled"]
    for _ in range(MAX_QUEUED - 1):
        assert Rooms._fan_out(server, "cart:1", {"delta": {}})
        reader.queue.get_nowait()  # this one's writer keeps up
        reader.queue.task_done()
    assert stalled.queue.qsize() == MAX_QUEUED - 1

    Rooms._fan_out(server, "cart:1", {"delta": {"n": 1}})  # the stalled queue is now full
    Rooms._fan_out(server, "cart:1", {"delta": {"n": 2}})  # one more: dropped to a resync

    assert _queued(stalled) == [None]  # backlog gone; its writer closes the websocket next
    assert len(_queued(reader)) == 2  # the reader got both pushes, the same packet objects
    assert stalled.queue._unfinished_tasks == 1  # type: ignore[attr-defined]


async def test_a_client_that_keeps_up_is_never_dropped() -> None:
    server, sockets = await _room("reader")
    for _ in range(3 * MAX_QUEUED):
        Rooms._fan_out(server, "cart:1", {"delta": {}})
        sockets["reader"].queue.get_nowait()
        sockets["reader"].queue.task_done()
    assert None not in _queued(sockets["reader"])
