"""The API's pure rules: the leaky bucket (as one drain moment), key tokens and scopes."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.api_keys import (
    KeyRefused,
    Scope,
    clean_name,
    looks_like_token,
    new_token,
    parse_scopes,
    token_digest,
)
from app.domain.leaky_bucket import Bucket, drip

BUCKET = Bucket(capacity=3, period=3.0)  # leaks one a second


def _pour(times: list[float]) -> list[bool]:
    tat, out = None, []
    for moment in times:
        result = drip(tat, moment, BUCKET)
        out.append(result.allowed)
        if result.allowed:
            tat = result.tat
    return out


def test_a_full_bucket_refuses_until_one_drop_has_leaked() -> None:
    assert _pour([0, 0, 0, 0]) == [True, True, True, False]
    assert _pour([0, 0, 0, 0.5, 1.0]) == [True, True, True, False, True]


def test_remaining_retry_after_and_reset_say_what_the_headers_report() -> None:
    first = drip(None, 100.0, BUCKET)
    assert (first.remaining, first.reset_after) == (2, 1.0)
    second = drip(first.tat, 100.0, BUCKET)
    third = drip(second.tat, 100.0, BUCKET)
    assert third.remaining == 0 and third.reset_after == 3.0
    refused = drip(third.tat, 100.25, BUCKET)
    assert not refused.allowed and refused.retry_after == pytest.approx(0.75)
    assert refused.tat == third.tat  # a refusal costs nothing


@given(st.lists(st.floats(min_value=0, max_value=20, allow_nan=False), max_size=60))
def test_never_more_than_capacity_plus_what_leaked(moments: list[float]) -> None:
    times = sorted(moments)
    allowed = [t for t, ok in zip(times, _pour(times), strict=True) if ok]
    for start in allowed:
        within = [t for t in allowed if start <= t < start + 3.0]
        assert len(within) <= 3 + 3  # the capacity, plus at most one drop leaked per second


def test_tokens_have_a_visible_prefix_and_are_stored_as_their_sha256() -> None:
    made = new_token()
    assert made.token.startswith(made.prefix + "_") and looks_like_token(made.token)
    assert made.digest == hashlib.sha256(made.token.encode()).hexdigest()
    assert token_digest(made.token) == made.digest and new_token().token != made.token
    assert not looks_like_token("bw_short") and not looks_like_token(made.token + "x")


def test_scopes_are_checked_and_write_scopes_are_for_staff() -> None:
    assert parse_scopes(["read_orders"], staff=False) == {Scope.READ_ORDERS}
    assert Scope.WRITE_PRODUCTS in parse_scopes(["write_products"], staff=True)
    for asked, staff in ((["write_products"], False), (["nope"], True), ([], True)):
        with pytest.raises(KeyRefused) as refused:
            parse_scopes(asked, staff=staff)
        assert refused.value.field == "scopes"
    assert clean_name("  My   ERP ") == "My ERP"
    with pytest.raises(KeyRefused):
        clean_name("   ")
