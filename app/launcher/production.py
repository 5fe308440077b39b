"""`make prod`: the production stack on this machine, as it would run on a server.

    python -m app.launcher.production [--workers N] [--port 3000]

nginx on BIND_HOST:FRONTEND_PORT serves the built pages from disk and passes the live part
(websocket, sign-in, webhooks, health) to N Granian backend workers on 127.0.0.1, which share
Redis (Reflex's state and our bus) and PostgreSQL. The supervisor restarts whatever dies.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from types import FrameType

from app.api.logs import logging_config
from app.config import PROJECT_ROOT, ConfigError, load_settings
from app.launcher.cluster import worker_command, worker_environment
from app.launcher.nginx import nginx_binary, nginx_command, routes_from_build, write_config
from app.launcher.processes import free_port
from app.launcher.supervisor import Service, StartupFailed, Supervisor

# The production build gets its own Reflex work folder, so it never overwrites the pages that a
# `make run` (or the browser tests) is serving from .web at the same moment.
WEB_DIR = PROJECT_ROOT / ".web-prod"

FRESH_MACHINE = """\
PostgreSQL and Redis on a fresh Debian or Ubuntu machine:
    sudo apt-get install -y postgresql redis-server      # both start as services
    sudo -u postgres createuser --pwprompt bandwagon
    sudo -u postgres createdb --owner bandwagon bandwagon
    export DATABASE_URL=postgresql://bandwagon:PASSWORD@127.0.0.1:5432/bandwagon
    export REDIS_URL=redis://127.0.0.1:6379/0
    export SESSION_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
then run `make prod` again."""


def production_errors(env: Mapping[str, str]) -> list[ConfigError]:
    """What production needs beyond the embedded defaults, one error per missing variable."""
    errors = []
    database = env.get("DATABASE_URL", "")
    if not database.startswith(("postgresql", "postgres:")):
        errors.append(
            ConfigError(
                "DATABASE_URL",
                "a PostgreSQL URL, postgresql://user:pass@host:5432/dbname (several workers "
                "share one database)",
                database or None,
            )
        )
    if not env.get("REDIS_URL"):
        errors.append(
            ConfigError("REDIS_URL", "redis://host:6379/0 (the workers share state and events)")
        )
    if not env.get("SESSION_SECRET"):
        errors.append(
            ConfigError("SESSION_SECRET", "at least 32 random characters (signs the cookies)")
        )
    return errors


def build_site(env: Mapping[str, str], run_dir: Path) -> tuple[Path, list[str]]:
    """Build the pages for the site's address; a private copy for nginx and the page routes."""
    reflex = os.path.join(os.path.dirname(sys.executable), "reflex")
    command = [reflex, "export", "--frontend-only", "--no-zip", "--env", "prod"]
    WEB_DIR.mkdir(exist_ok=True)
    # Held from the build until the copy is taken: two stacks starting at once build in turn.
    with open(PROJECT_ROOT / ".web-prod.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(command, env=dict(env), cwd=PROJECT_ROOT, check=True)
        site, draft = run_dir / "site", run_dir / "site.new"
        shutil.rmtree(draft, ignore_errors=True)
        shutil.copytree(WEB_DIR / "build" / "client", draft)
        routes = routes_from_build(WEB_DIR)
    shutil.rmtree(site, ignore_errors=True)
    draft.rename(site)
    return site, routes


def stack_environment(port: int) -> dict[str, str]:
    """The environment every process of the stack shares: one public address, prod mode."""
    env = dict(os.environ)
    env["FRONTEND_PORT"] = str(port)
    env.setdefault("APP_ENV", "prod")
    env.setdefault("TRUSTED_PROXY_HOPS", "1")  # nginx, on this machine, forwards the address
    site_url = env.get("SITE_URL") or f"http://localhost:{port}"
    env["SITE_URL"] = site_url
    # The browser reaches the backend through nginx, at the site's own address.
    env["API_URL"] = env.get("API_URL") or site_url
    env["REFLEX_WEB_WORKDIR"] = str(WEB_DIR)
    env.setdefault("REFLEX_USE_SYSTEM_BUN", "1")
    tools = PROJECT_ROOT / ".tools" / "node_modules" / ".bin"  # bun, as `make` installs it
    env["PATH"] = f"{tools}{os.pathsep}{env.get('PATH', '')}"
    return env


def forget_dead_processes(folder: Path, group: int) -> None:
    """A dead worker's live gauges (its open websockets) must no longer be summed: those of
    processes gone, and of the process group just killed (its Granian child may take a moment
    to die once its main process is gone)."""
    from prometheus_client import multiprocess

    for path in folder.glob("gauge_live*.db"):
        pid = int(path.stem.rsplit("_", 1)[1])
        if _process_group(pid) in (None, group):
            multiprocess.mark_process_dead(pid, str(folder))


def _process_group(pid: int) -> int | None:
    """The process group of a running process; None when it is gone or a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    state, _parent, group = fields[:3]
    return None if state == "Z" else int(group)


def distinct_free_ports(count: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def worker_services(env: dict[str, str], ports: list[int], run_dir: Path) -> list[Service]:
    """One backend worker per port, with its metrics and log settings."""
    # Every worker writes its metrics here; any one of them serves the sum (/metrics).
    metrics_dir = run_dir / "metrics"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir()
    # The built pages, whose shell answers shared links (app/api/share_routes.py).
    env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "PAGES_DIR": str(run_dir / "site")}
    log_config = run_dir / "logging.json"  # JSON lines with request ids (app/api/logs.py)
    log_config.write_text(json.dumps(logging_config(), indent=2))
    return [
        Service(
            f"worker-{index}",
            worker_command("127.0.0.1", port, log_config),
            ready_url=f"http://127.0.0.1:{port}/healthz",
            env=worker_environment(env, port, pages=False),
            cwd=PROJECT_ROOT,
            on_exit=lambda group: forget_dead_processes(metrics_dir, group),
        )
        for index, port in enumerate(ports, start=1)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.launcher.production")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS") or 2))
    parser.add_argument("--port", type=int, default=None, help="default: FRONTEND_PORT or 3000")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    try:
        port = args.port or load_settings().frontend_port
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    env = stack_environment(port)
    errors = production_errors(env)
    try:
        settings = load_settings(env)
    except ConfigError as bad:
        if bad.variable not in {e.variable for e in errors}:
            errors.append(bad)
    if errors:
        for problem in errors:
            print(f"Configuration error: {problem}", file=sys.stderr)
        print(FRESH_MACHINE, file=sys.stderr)
        return 2
    nginx = nginx_binary()
    if nginx is None:
        print("nginx is not installed: `sudo apt-get install -y nginx`", file=sys.stderr)
        return 2

    supervisor = Supervisor()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        supervisor.request_stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)

    from app.cli import setup

    os.environ.update(env)  # setup() reads the settings of this process
    setup()
    run_dir = settings.data_dir / "prod"
    run_dir.mkdir(parents=True, exist_ok=True)
    ports = distinct_free_ports(args.workers)
    workers = worker_services(env, ports, run_dir)
    listen = f"{settings.bind_host}:{port}"
    try:
        supervisor.start(workers)
        print(f"Building the pages for {settings.site_url}…", flush=True)
        site, routes = build_site(env, run_dir)
        config = write_config(
            run_dir,
            listen=listen,
            root=site,
            backends=[f"127.0.0.1:{p}" for p in ports],
            routes=routes,
        )
        proxy = Service(
            "nginx",
            nginx_command(nginx, config),
            ready_url=f"http://{listen}/healthz",
            stop_signal=signal.SIGQUIT,  # nginx's graceful stop
        )
        supervisor.start([proxy])
        print(
            f"Bandwagon is running at {settings.site_url}: nginx on {listen}, "
            f"{args.workers} backend workers on 127.0.0.1 ports {', '.join(map(str, ports))}. "
            "Ctrl-C stops it.",
            flush=True,
        )
        supervisor.watch()
    except StartupFailed as error:
        if supervisor.stopping.is_set():
            return 0
        print(f"Start-up failed: {error}", file=sys.stderr, flush=True)
        return 1
    except subprocess.CalledProcessError as error:
        if supervisor.stopping.is_set():  # Ctrl-C reaches the build too
            return 0
        print(f"Start-up failed: building the pages failed ({error})", file=sys.stderr)
        return 1
    finally:
        print("Stopping…", flush=True)
        supervisor.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
