"""Standard Webhooks rules: signatures a standard receiver accepts, the retry schedule with
jitter, and which URLs may receive events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook

from app.domain.webhooks import (
    RETRY_SCHEDULE,
    WebhookUrlError,
    check_url,
    new_secret,
    next_delay,
    signature,
    signature_header,
)


def test_our_signature_is_the_one_the_standard_library_computes() -> None:
    secret = new_secret()
    at = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    body = '{"type":"deal.joined"}'
    expected = Webhook(secret).sign("evt_1", at, body)
    assert signature(secret, "evt_1", int(at.timestamp()), body) == expected


def test_during_a_rotation_the_header_carries_one_signature_per_secret() -> None:
    old, new = new_secret(), new_secret()
    header = signature_header([new, old], "evt_2", 1_700_000_000, "{}")
    assert header.split(" ") == [
        signature(new, "evt_2", 1_700_000_000, "{}"),
        signature(old, "evt_2", 1_700_000_000, "{}"),
    ]


def test_the_schedule_is_immediately_then_5s_5m_30m_2h_5h_10h_14h_20h_24h() -> None:
    hours = 3600
    expected = (
        0,
        5,
        300,
        1800,
        2 * hours,
        5 * hours,
        10 * hours,
        14 * hours,
        20 * hours,
        24 * hours,
    )
    assert expected == RETRY_SCHEDULE
    assert next_delay(len(RETRY_SCHEDULE)) is None  # spent: given up


def test_jitter_moves_a_retry_by_at_most_ten_percent_and_never_delays_the_first_try() -> None:
    assert next_delay(0, rand=lambda: 0.99) == 0
    assert next_delay(2, rand=lambda: 0.0) == pytest.approx(270)
    assert next_delay(2, rand=lambda: 1.0) == pytest.approx(330)


SHOP = ["http://localhost:3000", "https://shop.example.com"]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://erp.example.com/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "erp.example.com/hook",
        "http://localhost:3000/anything",
        "http://127.0.0.1:3000/",
        "https://shop.example.com/stripe/webhook",
        "https://SHOP.example.com./x",
        "http://",
        "",
    ],
)
def test_refused_urls(url: str) -> None:
    with pytest.raises(WebhookUrlError):
        check_url(url, SHOP)


@pytest.mark.parametrize(
    "url",
    ["https://erp.example.com/hooks", "http://localhost:9999/h", "https://shop.example.com:8443/"],
)
def test_accepted_urls(url: str) -> None:
    assert check_url(f"  {url} ", SHOP) == url
