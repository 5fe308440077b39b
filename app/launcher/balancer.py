"""A small TCP load balancer for running several backend processes behind one port.

Each incoming connection goes to the next live backend (round robin) and stays there, so a
websocket keeps its process for its lifetime and plain HTTP keep-alive connections spread out. A
backend that refuses the connection is skipped, so a killed process costs its clients one
reconnect (Reflex reconnects and re-runs the page's load handler) and nothing else. In front of a
real deployment use nginx, HAProxy or a cloud load balancer the same way (see README).

Run: python -m app.launcher.balancer --port 3000 --backend 127.0.0.1:8001 --backend 127.0.0.1:8002
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging

log = logging.getLogger(__name__)
CONNECT_TIMEOUT = 2.0
CHUNK = 64 * 1024


class Balancer:
    def __init__(self, backends: list[tuple[str, int]]) -> None:
        if not backends:
            raise ValueError("at least one backend is needed")
        self.backends = backends
        self._next = itertools.cycle(range(len(backends)))

    async def _open_backend(
        self,
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        for _ in range(len(self.backends)):
            host, port = self.backends[next(self._next)]
            try:
                return await asyncio.wait_for(asyncio.open_connection(host, port), CONNECT_TIMEOUT)
            except (OSError, TimeoutError):
                log.warning("backend %s:%s is not answering; trying the next", host, port)
        return None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        backend = await self._open_backend()
        if backend is None:
            writer.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
            with contextlib.suppress(OSError):
                await writer.drain()
            writer.close()
            return
        backend_reader, backend_writer = backend
        await asyncio.gather(
            _pipe(reader, backend_writer), _pipe(backend_reader, writer), return_exceptions=True
        )

    async def serve(self, host: str, port: int) -> None:
        server = await asyncio.start_server(self.handle, host, port, backlog=1024)
        async with server:
            await server.serve_forever()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(CHUNK):
            sink.write(data)
            await sink.drain()
    finally:
        with contextlib.suppress(OSError, RuntimeError):
            if sink.can_write_eof():
                sink.write_eof()
        sink.close()


def parse_backend(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app.launcher.balancer")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backend", action="append", type=parse_backend, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(Balancer(args.backend).serve(args.host, args.port))


if __name__ == "__main__":
    main()
