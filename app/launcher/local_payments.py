"""The local Stripe-compatible test server `make run` starts when no Stripe keys are set.

Never in production. It listens on 127.0.0.1 on a free port and keeps its data in
DATA_DIR/localstripe (so holds placed before a restart can still be captured after it). The app
gets its URL, a test key and a webhook secret generated for this run, and the server is told to
sign its webhook deliveries with that secret and send them to the app's /stripe/webhook.
"""

from __future__ import annotations

import secrets
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from app.adapters.payments.local_server import LocalStripe, start_subprocess
from app.adapters.payments.stripe_gateway import LOCAL_SECRET_KEY

LOCAL_PUBLISHABLE_KEY = "pk_test_localstripe"
WEBHOOK_NAME = "bandwagon"


def wants_local_stripe(env: Mapping[str, str], production: bool) -> bool:
    """Only when no Stripe key is configured, and never in production."""
    return not production and not env.get("STRIPE_SECRET_KEY")


def webhook_url(api_url: str) -> str:
    """Where the test server posts events: the backend as seen from this machine."""
    parts = urllib.parse.urlsplit(api_url.rstrip("/"))
    host = "127.0.0.1" if parts.hostname == "localhost" else parts.hostname
    netloc = f"{host}:{parts.port}" if parts.port else str(host)
    return urllib.parse.urlunsplit((parts.scheme, netloc, "/stripe/webhook", "", ""))


def register_webhook(server_url: str, url: str, secret: str, name: str = WEBHOOK_NAME) -> None:
    """localstripe's own endpoint for "send signed events here" (Stripe uses its dashboard)."""
    form = urllib.parse.urlencode({"url": url, "secret": secret}).encode()
    with urllib.request.urlopen(f"{server_url}/_config/webhooks/{name}", data=form, timeout=5):
        pass


def start_local_stripe(data_dir: Path, api_url: str) -> tuple[LocalStripe, dict[str, str]]:
    """Start the test server; return it (stop it when done) and the variables for the app."""
    server = start_subprocess(port=0, data_dir=data_dir / "localstripe", fresh=False)
    try:
        secret = "whsec_" + secrets.token_hex(24)
        register_webhook(server.url, webhook_url(api_url), secret)
    except BaseException:
        server.stop()
        raise
    return server, {
        "STRIPE_SECRET_KEY": LOCAL_SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": LOCAL_PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": secret,
        "STRIPE_API_BASE": server.url,
    }
