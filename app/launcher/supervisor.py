"""Keeps the processes of the production stack running, the way systemd or Kubernetes would.

- Start-up: each process is started and must answer its readiness URL. One that exits first
  cannot start (bad configuration, port taken): the whole start-up stops with its last output
  lines, instead of trying again forever.
- Afterwards, a process that exits is started again at once; if the new one exits before it is
  ready, the next try waits longer (1, 2, 4 ... 30 s), so an outage elsewhere is ridden out.
- Each process has its own process group, killed whole: a Granian main process killed alone
  would leave its serving child behind, still holding sockets.
- Stop: SIGQUIT to nginx (finishes what is in flight, then closes), SIGTERM to the workers
  (Granian drains: no new connections, running requests and queued events finish), then
  SIGKILL for whatever is left after the grace period.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

MAX_BACKOFF = 30.0


class StartupFailed(RuntimeError):
    """A process exited (or never answered) during start-up."""


@dataclass
class Service:
    name: str
    command: Sequence[str]
    ready_url: str
    env: Mapping[str, str] | None = None
    cwd: Path | None = None
    stop_signal: signal.Signals = signal.SIGTERM
    # After an unexpected exit, before the restart; given the dead process group's id.
    on_exit: Callable[[int], None] | None = None
    process: subprocess.Popen[bytes] | None = None
    ready: bool = False
    starts: int = 0
    started_at: float = 0.0
    failures: int = 0  # exits before becoming ready, in a row
    next_start: float = 0.0
    output: deque[str] = field(default_factory=lambda: deque(maxlen=25))

    def tail(self) -> str:
        return "\n".join(f"    {line}" for line in self.output) or "    (no output)"


def answers(url: str, timeout: float = 1.0) -> bool:
    """Any HTTP answer counts: the process is up and serving."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


class Supervisor:
    def __init__(
        self,
        *,
        ready_timeout: float = 120.0,
        grace_seconds: float = 10.0,
        out: IO[str] | None = None,
    ) -> None:
        self.services: list[Service] = []
        self.ready_timeout = ready_timeout
        self.grace_seconds = grace_seconds
        self.out = out or sys.stdout
        self.stopping = threading.Event()
        self._print_lock = threading.Lock()

    def say(self, text: str) -> None:
        with self._print_lock:
            print(text, file=self.out, flush=True)

    def _spawn(self, service: Service) -> None:
        service.starts += 1
        service.started_at = time.monotonic()
        service.ready = False
        service.output.clear()
        process = subprocess.Popen(
            list(service.command),
            env=dict(service.env) if service.env is not None else None,
            cwd=service.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        service.process = process
        threading.Thread(target=self._pump, args=(service, process), daemon=True).start()

    def _pump(self, service: Service, process: subprocess.Popen[bytes]) -> None:
        """Show a process's output with its name and keep its last lines for error messages."""
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip()
            service.output.append(line)
            self.say(f"{service.name} | {line}")

    def start(self, batch: list[Service]) -> None:
        """Start these services, wait until each answers (StartupFailed if one cannot), then
        keep them under watch."""
        self.services.extend(batch)
        for service in batch:
            self.say(f"starting {service.name}")
            self._spawn(service)
        deadline = time.monotonic() + self.ready_timeout
        for service in batch:
            while not service.ready:
                if self.stopping.is_set():
                    raise StartupFailed("stopped during start-up")
                assert service.process is not None
                code = service.process.poll()
                if code is not None:
                    time.sleep(0.2)  # let the output pump catch the last words
                    raise StartupFailed(
                        f"{service.name} could not start (exit code {code}). "
                        f"Its last output:\n{service.tail()}"
                    )
                if time.monotonic() > deadline:
                    raise StartupFailed(
                        f"{service.name} did not answer {service.ready_url} within "
                        f"{self.ready_timeout:.0f}s. Its last output:\n{service.tail()}"
                    )
                service.ready = answers(service.ready_url)
                if not service.ready:
                    time.sleep(0.2)

    def watch(self, poll_seconds: float = 0.2, until: Callable[[], bool] | None = None) -> None:
        """Restart whatever exits, until stop() is asked for (or `until()` holds)."""
        while not self.stopping.is_set() and not (until and until()):
            now = time.monotonic()
            for service in self.services:
                self._check(service, now)
            self.stopping.wait(poll_seconds)

    def _check(self, service: Service, now: float) -> None:
        process = service.process
        if process is None:
            if now >= service.next_start:
                retry = f" (try {service.failures + 1})" if service.failures else ""
                self.say(f"starting {service.name} again{retry}")
                self._spawn(service)
            return
        code = process.poll()
        if code is None:
            if service.ready:
                return
            if answers(service.ready_url, timeout=0.5):
                service.ready = True
                service.failures = 0
                self.say(f"{service.name} is back")
                return
            if now - service.started_at < self.ready_timeout:
                return
            self.say(f"{service.name} did not answer within {self.ready_timeout:.0f}s; killing it")
            _kill_group(process)  # it is handled as an exit before readiness below
            code = process.returncode
        _kill_group(process)  # its children go with it
        service.process = None
        if service.on_exit is not None:
            service.on_exit(process.pid)
        if service.ready:
            self.say(f"{service.name} exited (code {code})")
            service.next_start = now
        else:
            service.failures += 1
            delay = min(MAX_BACKOFF, 2.0 ** (service.failures - 1))
            self.say(
                f"{service.name} exited (code {code}) before it was ready; "
                f"next try in {delay:.0f}s. Its last output:\n{service.tail()}"
            )
            service.next_start = now + delay
        service.ready = False

    def request_stop(self) -> None:
        self.stopping.set()

    def stop(self) -> None:
        """Ask every process to finish, then kill what is left after the grace period."""
        self.stopping.set()
        running = [s.process for s in self.services if s.process and s.process.poll() is None]
        for service in self.services:
            if service.process is not None:
                _signal_group(service.process, service.stop_signal)
        deadline = time.monotonic() + self.grace_seconds
        for process in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        for service in self.services:
            if service.process is not None:
                _kill_group(service.process)
                service.process = None

    def pids(self) -> dict[str, int]:
        """Process id of each running service (the group leader), for operators and tests."""
        return {s.name: s.process.pid for s in self.services if s.process is not None}


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    _signal_group(process, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
