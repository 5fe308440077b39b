"""Child processes that are always stopped, with their children, when we stop.

`reflex run --env prod` ignores SIGTERM here, so every child gets its own process group and we
escalate to SIGKILL after a grace period.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll until the URL answers (any HTTP status) or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError as error:
            last_error = error
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s ({last_error})")


@dataclass
class ProcessGroup:
    """Processes started together and stopped together."""

    grace_seconds: float = 8.0
    children: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(
        self,
        args: Sequence[str],
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        log: Path | None = None,
    ) -> subprocess.Popen[bytes]:
        output = open(log, "ab") if log else None  # noqa: SIM115 - lives as long as the child
        child = subprocess.Popen(
            list(args),
            env=dict(env) if env is not None else None,
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )
        self.children.append(child)
        return child

    def wait_any(self, poll_seconds: float = 0.5) -> int:
        """Block until any child exits; its exit code (the others are stopped on exit)."""
        while True:
            for child in self.children:
                code = child.poll()
                if code is not None:
                    return code
            time.sleep(poll_seconds)

    def stop(self) -> None:
        for child in reversed(self.children):
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + self.grace_seconds
        for child in reversed(self.children):
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            _signal_group(child, signal.SIGKILL)
            child.wait()
        self.children.clear()

    def __enter__(self) -> ProcessGroup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(child: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, sig)
