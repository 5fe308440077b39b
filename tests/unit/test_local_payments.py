"""When `make run` starts the local Stripe test server, and where it sends webhooks."""

from __future__ import annotations

from app.adapters.payments.configured import payments_mode
from app.config import load_settings
from app.launcher.local_payments import wants_local_stripe, webhook_url


def test_the_local_test_server_starts_only_without_keys_and_never_in_production() -> None:
    assert wants_local_stripe({}, production=False)
    assert not wants_local_stripe({"STRIPE_SECRET_KEY": "sk_test_x"}, production=False)
    assert not wants_local_stripe({}, production=True)


def test_webhooks_go_to_the_backend_on_loopback() -> None:
    assert webhook_url("http://localhost:3000") == "http://127.0.0.1:3000/stripe/webhook"
    assert webhook_url("https://shop.example/") == "https://shop.example/stripe/webhook"


def test_the_browser_is_told_which_way_to_collect_cards() -> None:
    local = payments_mode(
        load_settings({"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_API_BASE": "http://127.0.0.1:9"})
    )
    assert (local.enabled, local.local_test_server) == (True, True)
    real = payments_mode(
        load_settings({"STRIPE_SECRET_KEY": "sk_live_1", "STRIPE_PUBLISHABLE_KEY": "pk_live_1"})
    )
    assert (real.enabled, real.local_test_server, real.publishable_key) == (
        True,
        False,
        "pk_live_1",
    )
    assert not payments_mode(load_settings({})).enabled
