"""A PostgreSQL server of our own (Debian's binaries, run as the `postgres` user), for fault
tests that stop and start it: the machine's own server on 5432 is never touched."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

from app.launcher.processes import free_port

BIN = Path(os.environ.get("POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


@dataclass
class PrivatePostgres:
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *command: str) -> None:
        runner = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
        subprocess.run([*runner, *command], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-o", options,
            "-l", str(self.folder / "log"), "-w", "start",
        )  # fmt: skip

    def stop(self, mode: str = "immediate") -> None:
        """`immediate`: as a crash would, every connection cut, no clean shutdown."""
        self._as_postgres(
            str(BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "-w", "stop"
        )

    def new_database(self) -> str:
        """An empty database on this server; its URL."""
        name = f"shop_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self._dsn, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    @property
    def _dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def answers(self) -> bool:
        try:
            with psycopg.connect(self._dsn, connect_timeout=1):
                return True
        except psycopg.OperationalError:
            return False


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    if not (BIN / "initdb").exists():
        raise RuntimeError(f"PostgreSQL binaries not found in {BIN} (Debian: postgresql-15)")
    folder = Path(tempfile.mkdtemp(prefix="bandwagon-pg-"))
    server = PrivatePostgres(folder, free_port())
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    try:
        server._as_postgres(
            str(BIN / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "postgres"
        )
        server.start()
        deadline = time.monotonic() + 30
        while not server.answers():
            assert time.monotonic() < deadline, "the private PostgreSQL did not start"
            time.sleep(0.1)
        yield server
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
