"""Several backend processes behind one port: what `make run-cluster` starts.

The frontend is built once; each worker is the same Reflex ASGI app under uvicorn serving the
built pages and its own websocket clients; Redis carries Reflex's state (redis state manager) and
our bus, so a change made through one worker reaches clients of every other. The balancer in
front spreads connections over the workers.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from app.config import PROJECT_ROOT, ConfigError
from app.launcher.processes import ProcessGroup, free_port, wait_for_http


def require_redis(env: Mapping[str, str]) -> None:
    if not env.get("REDIS_URL"):
        raise ConfigError("REDIS_URL", "a Redis URL when running more than one backend process")


def build_frontend(env: Mapping[str, str]) -> None:
    """Compile the pages once for every worker (they only serve the result)."""
    reflex = os.path.join(os.path.dirname(sys.executable), "reflex")
    subprocess.run(
        [reflex, "export", "--frontend-only", "--no-zip", "--env", "prod"],
        env=dict(env),
        cwd=PROJECT_ROOT,
        check=True,
    )


def worker_command(host: str, port: int) -> list[str]:
    # Granian, one worker process each: what `reflex run --env prod` uses for its backend.
    return [
        sys.executable, "-m", "granian", "--interface", "asgi", "--factory",
        "--host", host, "--port", str(port), "--workers", "1", "--log-level", "warning",
        "app.app:app",
    ]  # fmt: skip


def worker_environment(env: Mapping[str, str], port: int, pages: bool = True) -> dict[str, str]:
    """A worker serves the built pages too, unless it only has to answer websockets (benches)."""
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


def start_balancer(group: ProcessGroup, host: str, port: int, worker_ports: list[int]) -> None:
    backends = [arg for p in worker_ports for arg in ("--backend", f"{host}:{p}")]
    command = [sys.executable, "-m", "app.launcher.balancer", "--host", host, "--port", str(port)]
    child = group.start([*command, *backends], cwd=PROJECT_ROOT)
    wait_for_http(f"http://{host}:{port}/ping", timeout=30, process=child)


def run_cluster(
    group: ProcessGroup, env: dict[str, str], port: int, workers: int, host: str
) -> int:
    """Build once, start the workers and the balancer, then wait until one of them stops."""
    require_redis(env)
    print(f"Building the frontend once for {workers} backend processes…")
    build_frontend(env)
    worker_ports = start_workers(group, env, workers, host)
    start_balancer(group, host, port, worker_ports)
    print(
        f"Bandwagon is running at http://localhost:{port} on {workers} backend processes "
        f"(127.0.0.1 ports {', '.join(map(str, worker_ports))}) sharing {env['REDIS_URL']}"
    )
    return group.wait_any()
