"""The supervisor with small real processes: start-up failures stop everything with the
process's own words; later deaths are restarted, and a process that keeps failing to start is
tried again less and less often instead of in a tight loop."""

from __future__ import annotations

import io
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from app.launcher.processes import free_port
from app.launcher.supervisor import Service, StartupFailed, Supervisor

# Serves HTTP the first time; refuses to start once the marker file exists.
SERVE_ONCE = """
import http.server, os, sys
marker, port = sys.argv[1], int(sys.argv[2])
if os.path.exists(marker):
    print("refusing to start again", flush=True)
    sys.exit(3)
open(marker, "w").close()
http.server.HTTPServer(("127.0.0.1", port), http.server.BaseHTTPRequestHandler).serve_forever()
"""


def test_a_process_that_exits_during_start_up_stops_it_with_its_words() -> None:
    out = io.StringIO()
    supervisor = Supervisor(out=out)
    broken = Service(
        "worker-1",
        [sys.executable, "-c", "print('Configuration error: SOME_VARIABLE: expected x'); exit(2)"],
        ready_url=f"http://127.0.0.1:{free_port()}/healthz",
    )
    try:
        with pytest.raises(StartupFailed) as failure:
            supervisor.start([broken])
    finally:
        supervisor.stop()
    assert "worker-1 could not start (exit code 2)" in str(failure.value)
    assert "Configuration error: SOME_VARIABLE" in str(failure.value)
    assert broken.starts == 1


def test_a_dead_process_is_restarted_and_one_that_cannot_start_backs_off(tmp_path: Path) -> None:
    out = io.StringIO()
    supervisor = Supervisor(out=out, grace_seconds=2)
    port = free_port()
    service = Service(
        "worker-1",
        [sys.executable, "-c", SERVE_ONCE, str(tmp_path / "started"), str(port)],
        ready_url=f"http://127.0.0.1:{port}/",
    )
    deadline = time.monotonic() + 20

    def said(text: str) -> bool:
        assert time.monotonic() < deadline, out.getvalue()
        return text in out.getvalue()

    try:
        supervisor.start([service])
        assert service.process is not None
        os.kill(service.process.pid, signal.SIGKILL)
        supervisor.watch(poll_seconds=0.05, until=lambda: said("next try in 2s"))
    finally:
        supervisor.stop()
    log = out.getvalue()
    assert "worker-1 exited (code -9)" in log
    assert "before it was ready; next try in 1s" in log
    assert "refusing to start again" in log
    assert service.starts == 3  # the first, then two tries one second apart
