"""Real servers for tests: a private Redis, and the whole production stack (`make prod`)."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import redis

from app.config import PROJECT_ROOT
from app.launcher.processes import free_port


class PrivateRedis:
    """A redis-server of our own: stopping it disturbs nobody, and nobody else's events reach
    our bus (pub/sub channels are shared by every database of one server)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def http_get(url: str, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@dataclass
class Stack:
    """`python -m app.launcher.production` running on a free port."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def workers(self) -> dict[int, int]:
        """Backend port -> pid of its Granian main process (the supervisor's direct child)."""
        found = {}
        with contextlib.suppress(psutil.NoSuchProcess):
            for child in psutil.Process(self.process.pid).children():
                with contextlib.suppress(psutil.NoSuchProcess):
                    command = child.cmdline()
                    if "granian" in command:
                        found[int(command[command.index("--port") + 1])] = child.pid
        return found

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, as an operator or systemd would; SIGKILL to everything left if it hangs."""
        if self.process.poll() is None:
            descendants = psutil.Process(self.process.pid).children(recursive=True)
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                for process in [psutil.Process(self.process.pid), *descendants]:
                    with contextlib.suppress(psutil.NoSuchProcess):
                        process.kill()
                self.process.wait()
        return self.process.returncode


def stack_environment(database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SITE_URL", "API_URL", "FRONTEND_PORT", "BACKEND_PORT", "WORKERS")
    }
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SESSION_SECRET=secrets.token_urlsafe(40),
        DATA_DIR=str(data_dir),
        APP_ENV="prod",
    )
    return env


def start_stack(env: dict[str, str], log: Path, workers: int = 2) -> Stack:
    port = free_port()
    command = [sys.executable, "-m", "app.launcher.production", "--workers", str(workers)]
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            # The address the tests' browsers and clients use: the one origin prod accepts.
            env={**env, "SITE_URL": f"http://127.0.0.1:{port}"},
            cwd=PROJECT_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Stack(process, f"http://127.0.0.1:{port}", log)


@contextlib.contextmanager
def running_stack(env: dict[str, str], log: Path, workers: int = 2) -> Iterator[Stack]:
    """The stack, once it answers /readyz through nginx; stopped afterwards."""
    stack = start_stack(env, log, workers)
    try:
        deadline = time.monotonic() + 300
        while True:
            if stack.process.poll() is not None:
                raise RuntimeError(f"the stack stopped during start-up:\n{stack.output()[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the stack did not get ready:\n{stack.output()[-3000:]}")
            with contextlib.suppress(OSError):
                if http_get(f"{stack.url}/readyz", timeout=2)[0] == 200:
                    break
            time.sleep(0.5)
        yield stack
    finally:
        stack.stop()
