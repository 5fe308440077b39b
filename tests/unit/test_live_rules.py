"""Live shopping rules: scheduling, lifecycle, who may run a session, flash deals, reactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.group_buy import price_for, validate_terms
from app.domain.live import (
    FlashDealRequest,
    LifecycleError,
    LiveAction,
    SessionDraft,
    SessionStatus,
    StreamKind,
    can_run,
    flash_deal_terms,
    next_status,
    stream_kind,
    stream_url_error,
    validate_draft,
    validate_flash_deal,
)
from app.domain.people import may_host

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def draft(**changes: object) -> SessionDraft:
    values: dict[str, object] = {
        "title": "Cosy kitchen picks",
        "cover_image": "/products/mug-0.webp",
        "starts_at": NOW + timedelta(hours=2),
        "stream_url": "https://video.example.com/show.m3u8",
        "product_ids": (1, 2),
    }
    values.update(changes)
    return SessionDraft(**values)  # type: ignore[arg-type]


def test_a_complete_draft_has_no_errors() -> None:
    assert validate_draft(draft(), NOW, covers={"/products/mug-0.webp"}) == {}


def test_every_bad_field_is_reported_at_once() -> None:
    errors = validate_draft(
        draft(
            title="   ", starts_at=NOW - timedelta(hours=1), stream_url="ftp://x/y", product_ids=()
        ),
        NOW,
    )
    assert errors == {
        "title": "Give the session a title.",
        "starts_at": "The start time is in the past.",
        "stream_url": "Use a link that starts with https:// or http://.",
        "products": "Pick at least one product to show.",
    }


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "//evil.example/x.mp4"],
)
def test_only_web_links_can_be_streams(url: str) -> None:
    assert stream_url_error(url) is not None


@pytest.mark.parametrize(
    "url", ["", "https://cdn.example.com/live.m3u8", "http://host:8080/a.mp4", "/live/demo.mp4"]
)
def test_web_links_and_site_paths_are_fine(url: str) -> None:
    assert stream_url_error(url) is None


def test_a_start_a_moment_ago_is_accepted_but_not_an_hour_ago() -> None:
    assert "starts_at" not in validate_draft(draft(starts_at=NOW - timedelta(seconds=30)), NOW)
    assert "starts_at" in validate_draft(draft(starts_at=NOW - timedelta(hours=1)), NOW)
    naive = datetime(2026, 11, 24, 12, 0)  # noqa: DTZ001 - the rule under test
    assert validate_draft(draft(starts_at=naive), NOW)["starts_at"] == (
        "The start time needs a time zone."
    )
    assert "starts_at" in validate_draft(draft(starts_at=None), NOW)


def test_unknown_cover_and_missing_products_are_refused() -> None:
    errors = validate_draft(
        draft(cover_image="/elsewhere.png", product_ids=(1, 99)),
        NOW,
        covers={"/products/mug-0.webp"},
        known_products={1, 2},
    )
    assert set(errors) == {"cover_image", "products"}


def test_titles_are_trimmed_and_limited() -> None:
    assert validate_draft(draft(title="  a   title "), NOW) == {}
    assert "title" in validate_draft(draft(title="x" * 81), NOW)


def test_a_session_goes_scheduled_live_ended_and_never_back() -> None:
    assert next_status(SessionStatus.SCHEDULED, LiveAction.GO_LIVE) is SessionStatus.LIVE
    assert next_status(SessionStatus.LIVE, LiveAction.END) is SessionStatus.ENDED
    with pytest.raises(LifecycleError, match="already live"):
        next_status(SessionStatus.LIVE, LiveAction.GO_LIVE)
    with pytest.raises(LifecycleError, match="has ended"):
        next_status(SessionStatus.ENDED, LiveAction.GO_LIVE)
    with pytest.raises(LifecycleError, match="already ended"):
        next_status("ended", LiveAction.END)


def test_a_scheduled_session_can_be_called_off() -> None:
    assert next_status("scheduled", LiveAction.END) is SessionStatus.ENDED


def test_the_host_moderators_and_admins_run_a_session_and_nobody_else() -> None:
    assert can_run(7, "host", host_id=7)
    assert can_run(8, "moderator", host_id=7)
    assert can_run(9, "admin", host_id=7)
    assert not can_run(10, "shopper", host_id=7)
    assert not can_run(11, "host", host_id=7)  # another host is a viewer here
    assert may_host("host") and may_host("admin")
    assert not may_host("shopper") and not may_host("moderator")


def test_stream_kinds() -> None:
    assert stream_kind("") is StreamKind.NONE
    assert stream_kind("https://x.example/a/live.m3u8?token=1") is StreamKind.HLS
    assert stream_kind("/live/demo-stream.mp4") is StreamKind.FILE
    assert stream_kind("https://www.youtube.com/watch?v=abc") is StreamKind.PAGE


def test_flash_deal_values_are_checked() -> None:
    good = FlashDealRequest(product_id=1, minutes=5, min_to_unlock=3, discount_percent=20)
    assert validate_flash_deal(good, {1, 2}) == {}
    bad = FlashDealRequest(product_id=5, minutes=0, min_to_unlock=1, discount_percent=95)
    assert set(validate_flash_deal(bad, {1, 2})) == {
        "product",
        "minutes",
        "min_to_unlock",
        "discount_percent",
    }


def test_flash_deal_terms_are_valid_group_buy_terms_with_the_full_discount_at_unlock() -> None:
    request = FlashDealRequest(product_id=1, minutes=5, min_to_unlock=3, discount_percent=20)
    terms = flash_deal_terms(2500, "USD", request, NOW)
    assert validate_terms(terms, NOW) == {}
    assert terms.deadline == NOW + timedelta(minutes=5)
    assert price_for(terms, 1) == 2250  # half the discount for the first shoppers
    assert price_for(terms, 3) == 2000  # the full 20 % once three joined
    assert terms.min_to_unlock == 3
