"""Backend worker processes: the same Reflex ASGI app under Granian, one process per port.

`make prod` (app/launcher/production.py) runs them behind nginx; benchmarks and cross-process
tests start them directly. Redis carries Reflex's state (redis state manager) and our bus, so a
change made through one worker reaches the clients of every other.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from app.config import PROJECT_ROOT
from app.launcher.processes import ProcessGroup, free_port, wait_for_http


def worker_command(host: str, port: int, log_config: Path | None = None) -> list[str]:
    # Granian, one worker process each: what `reflex run --env prod` uses for its backend.
    logs = ["--log-config", str(log_config)] if log_config else []
    return [
        sys.executable, "-m", "granian", "--interface", "asgi", "--factory",
        "--host", host, "--port", str(port), "--workers", "1", "--log-level", "warning", *logs,
        "app.app:app",
    ]  # fmt: skip


def worker_environment(env: Mapping[str, str], port: int, pages: bool = True) -> dict[str, str]:
    """A worker serves the built pages too, unless it only has to answer websockets (benches,
    or nginx in front serving the pages)."""
    return {
        **env,
        "BACKEND_PORT": str(port),
        "REFLEX_ENV_MODE": "prod",
        # Internal Reflex switches carry two leading underscores.
        "__REFLEX_SKIP_COMPILE": "true",
        "__REFLEX_MOUNT_FRONTEND_COMPILED_APP": "true" if pages else "false",
    }


def start_workers(
    group: ProcessGroup,
    env: Mapping[str, str],
    count: int,
    host: str = "127.0.0.1",
    log_dir: Path | None = None,
    ports: list[int] | None = None,
    pages: bool = True,
) -> list[int]:
    """Start `count` workers on free ports and wait until each answers; their ports."""
    ports = ports or [free_port(host) for _ in range(count)]
    children = []
    for index, port in enumerate(ports):
        log = log_dir / f"worker-{index + 1}.log" if log_dir else None
        child = group.start(
            worker_command(host, port),
            env=worker_environment(env, port, pages),
            cwd=PROJECT_ROOT,
            log=log,
        )
        children.append((port, child))
    for port, child in children:
        wait_for_http(f"http://{host}:{port}/ping", timeout=120, process=child)
    return ports
