"""A three-node Redis Cluster of our own, on free ports in a temporary folder, torn down after."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry


def cluster_port() -> int:
    """A free port P with P + 10000 free too (the cluster bus port), P at most 55535."""
    while True:
        port = random.randint(20000, 45000)
        if all(_free(p) for p in (port, port + 10000)):
            return port


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class ClusterNodes:
    folder: Path
    ports: list[int]

    @property
    def url(self) -> str:
        return "redis+cluster://" + ",".join(f"127.0.0.1:{port}" for port in self.ports)

    def client(self, port: int) -> redis.Redis:
        # No retries: redis-py's default backs off for seconds when a node is (meant to be) down.
        return redis.Redis(
            port=port, socket_connect_timeout=1, socket_timeout=2, retry=Retry(NoBackoff(), 0)
        )

    def start(self, port: int) -> None:
        """(Re)start one node in its own folder: nodes.conf there keeps its id and slots."""
        node_dir = self.folder / str(port)
        node_dir.mkdir(exist_ok=True)
        subprocess.run(
            [
                "redis-server", "--port", str(port), "--bind", "127.0.0.1",
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", "1500", "--cluster-require-full-coverage", "no",
                "--save", "", "--appendonly", "no", "--daemonize", "yes",
                "--dir", str(node_dir), "--logfile", str(node_dir / "redis.log"),
                "--pidfile", str(node_dir / "redis.pid"),
            ],
            check=True,
        )  # fmt: skip
        self._wait(lambda: self.client(port).ping(), f"node {port} did not start")

    def stop(self, port: int) -> None:
        """SIGKILL, as a crash would (SHUTDOWN through redis-py takes seconds of retries)."""
        pidfile = self.folder / str(port) / "redis.pid"
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pidfile.read_text()), signal.SIGKILL)
        self._wait(lambda: not _answers(self.client(port)), f"node {port} did not stop")

    def cluster_ok(self) -> bool:
        return all(
            self.client(port).cluster("info").get("cluster_state") == "ok" for port in self.ports
        )

    @staticmethod
    def _wait(check: object, message: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError, OSError):
                if check():  # type: ignore[operator]
                    return
            time.sleep(0.1)
        raise RuntimeError(message)


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@contextlib.contextmanager
def redis_cluster(size: int = 3) -> Iterator[ClusterNodes]:
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        raise RuntimeError("redis-server and redis-cli are needed (Debian package redis-server)")
    nodes = ClusterNodes(Path(tempfile.mkdtemp(prefix="bandwagon-redis-cluster-")), [])
    try:
        for _ in range(size):
            port = cluster_port()
            nodes.ports.append(port)
            nodes.start(port)
        addresses = [f"127.0.0.1:{port}" for port in nodes.ports]
        subprocess.run(
            ["redis-cli", "--cluster", "create", *addresses, "--cluster-replicas", "0",
             "--cluster-yes"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        nodes._wait(nodes.cluster_ok, "the cluster did not agree on its slots")
        yield nodes
    finally:
        for port in nodes.ports:
            if _answers(nodes.client(port)):
                nodes.stop(port)
        shutil.rmtree(nodes.folder, ignore_errors=True)
