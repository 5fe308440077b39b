"""The load balancer in front of several backend processes: spreads, sticks, survives a death."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from app.launcher.balancer import Balancer
from app.launcher.processes import free_port


async def _backend(name: bytes) -> asyncio.Server:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():  # echoes with its name: a long-lived connection
            writer.write(name + b":" + line)
            await writer.drain()
        writer.close()

    return await asyncio.start_server(answer, "127.0.0.1", 0)


@contextlib.asynccontextmanager
async def _cluster(names: list[bytes]) -> AsyncIterator[tuple[int, list[asyncio.Server]]]:
    backends = [await _backend(name) for name in names]
    ports = [server.sockets[0].getsockname()[1] for server in backends]
    port = free_port()
    balancer = Balancer([("127.0.0.1", p) for p in ports])
    task = asyncio.create_task(balancer.serve("127.0.0.1", port))
    await asyncio.sleep(0.05)
    try:
        yield port, backends
    finally:
        task.cancel()
        for server in backends:
            server.close()


async def _ask(port: int, lines: list[bytes]) -> list[bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answers = []
    for line in lines:
        writer.write(line + b"\n")
        await writer.drain()
        answers.append((await asyncio.wait_for(reader.readline(), 2)).strip())
    writer.close()
    return answers


async def test_connections_alternate_and_each_stays_with_its_process() -> None:
    async with _cluster([b"A", b"B"]) as (port, _):
        first = await _ask(port, [b"1", b"2", b"3"])
        second = await _ask(port, [b"1", b"2"])
    assert first == [b"A:1", b"A:2", b"A:3"]
    assert second == [b"B:1", b"B:2"]


async def test_a_dead_process_is_skipped() -> None:
    async with _cluster([b"A", b"B"]) as (port, backends):
        backends[0].close()
        await backends[0].wait_closed()
        answers = [(await _ask(port, [b"x"]))[0] for _ in range(3)]
    assert answers == [b"B:x"] * 3


async def test_no_live_process_answers_503() -> None:
    async with _cluster([b"A"]) as (port, backends):
        backends[0].close()
        await backends[0].wait_closed()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\n\r\n")
        status = await asyncio.wait_for(reader.readline(), 3)
        writer.close()
    assert status.startswith(b"HTTP/1.1 503")


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
