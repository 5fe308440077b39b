"""Embedded stand-ins started by `make run` when no real service is configured.

The demo OpenID provider lets people sign in as made-up shoppers through the very same OAuth
code path as a real provider. It binds 127.0.0.1 only and never starts in production.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from app.config import PROJECT_ROOT
from app.launcher.processes import ProcessGroup, free_port

DEMO_OIDC_DIR = PROJECT_ROOT / "tools" / "demo-oidc"
PROVIDER_VARIABLES = ("GOOGLE_CLIENT_ID", "GITHUB_CLIENT_ID", "OIDC_PROVIDERS")


def wants_demo_sign_in(env: Mapping[str, str], production: bool) -> bool:
    """Only when nothing real is configured, and never in production."""
    return not production and not any(env.get(name) for name in PROVIDER_VARIABLES)


def _wait_for_line(log: Path, prefix: str, timeout: float, child_alive: Callable[[], bool]) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith(prefix):
                return line[len(prefix) :].strip()
        if not child_alive():
            break
        time.sleep(0.1)
    raise RuntimeError(f"demo provider did not start; see {log}")


def start_demo_oidc(group: ProcessGroup, api_url: str, data_dir: Path) -> dict[str, str]:
    """Start the demo provider; return the variables that register it with the app."""
    port = free_port()
    client_id = "bandwagon-demo"
    client_secret = secrets.token_urlsafe(32)
    redirect_uri = api_url.rstrip("/") + "/auth/callback/demo"
    clients = [
        {
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uris": sorted({redirect_uri, redirect_uri.replace("localhost", "127.0.0.1")}),
        }
    ]
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / "demo-oidc.log"
    log.write_text("")
    child = group.start(
        ["node", str(DEMO_OIDC_DIR / "server.js")],
        env={
            "PATH": os.environ.get("PATH", ""),
            "PORT": str(port),
            "CLIENTS": json.dumps(clients),
            "DEMO_OIDC_KEY_FILE": str(data_dir / "demo-oidc-key.json"),
        },
        cwd=DEMO_OIDC_DIR,
        log=log,
    )
    issuer = _wait_for_line(log, "ready ", 20, lambda: child.poll() is None)
    return {
        "OIDC_PROVIDERS": "demo",
        "OIDC_DEMO_ISSUER": issuer,
        "OIDC_DEMO_CLIENT_ID": client_id,
        "OIDC_DEMO_CLIENT_SECRET": client_secret,
        "OIDC_DEMO_LABEL": "Demo sign-in",
    }
