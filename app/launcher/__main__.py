"""`python -m app.launcher`: what `make run` ends with.

Checks the settings, migrates and seeds the database, starts the embedded helper servers the
settings call for, then runs Reflex in production mode on one port bound to 127.0.0.1.
Several backend processes behind nginx: `make prod` (app/launcher/production.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from types import FrameType

from app.config import PROJECT_ROOT, ConfigError, load_settings
from app.launcher.demo_services import start_demo_oidc, wants_demo_sign_in
from app.launcher.local_payments import start_local_stripe, wants_local_stripe
from app.launcher.processes import ProcessGroup


def reflex_command(port: int, host: str, mode: str) -> list[str]:
    reflex = os.path.join(os.path.dirname(sys.executable), "reflex")
    if mode == "dev":
        return [reflex, "run", "--env", "dev", "--frontend-port", str(port)]
    return [
        reflex, "run", "--env", "prod", "--single-port",
        "--frontend-port", str(port), "--backend-port", str(port), "--backend-host", host,
    ]  # fmt: skip


def app_environment(port: int, mode: str) -> dict[str, str]:
    """Environment for the Reflex process: in prod one port serves pages and the websocket."""
    env = dict(os.environ)
    env["FRONTEND_PORT"] = str(port)
    if mode == "prod":
        env["BACKEND_PORT"] = str(port)
        env.setdefault("API_URL", f"http://localhost:{port}")
    env.setdefault("SITE_URL", f"http://localhost:{port}")
    env.setdefault("REFLEX_USE_SYSTEM_BUN", "1")
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.launcher")
    parser.add_argument("--port", type=int, default=None, help="default: FRONTEND_PORT or 3000")
    parser.add_argument("--mode", choices=["prod", "dev"], default="prod")
    args = parser.parse_args(argv)
    # `make run` and `make dev` are the local demo: say so, since an unset APP_ENV is prod.
    os.environ.setdefault("APP_ENV", "dev")
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    port = args.port or settings.frontend_port

    from app.cli import setup

    setup()
    group = ProcessGroup()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        # Only unwind here: stopping children from inside a signal handler would re-enter
        # Popen.wait() and deadlock; the `finally` below stops them.
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    env = app_environment(port, args.mode)
    with contextlib.ExitStack() as stack, group:  # stops every child on any exit
        if wants_local_stripe(os.environ, settings.is_production):
            api_url = env.get("API_URL", settings.api_url)
            payments, variables = start_local_stripe(settings.data_dir, api_url)
            stack.callback(payments.stop)
            env.update(variables)
            print(f"Local Stripe test server on {payments.url} (test mode: no real money)")
        if wants_demo_sign_in(os.environ, settings.is_production):
            api_url = env.get("API_URL", settings.api_url)
            env.update(start_demo_oidc(group, api_url, settings.data_dir))
            print("Demo sign-in provider on 127.0.0.1 (made-up shoppers: alice, bob, carol)")
        print(f"Bandwagon is starting at http://localhost:{port} (first start builds the frontend)")
        command = reflex_command(port, settings.bind_host, args.mode)
        return group.start(command, env=env, cwd=PROJECT_ROOT).wait()


if __name__ == "__main__":
    sys.exit(main())
