"""Chat rules as pure functions: message cleaning, throttle, filter, moderation, links."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.chat import (
    MAX_MESSAGE_LENGTH,
    ChatRefused,
    Refusal,
    Segment,
    blocked_word,
    can_moderate,
    chat_channel,
    clean_filter_word,
    clean_message,
    clean_mute_minutes,
    clean_slow_mode,
    excerpt,
    parse_room_key,
    rate_limited,
    safe_link,
    segments,
)
from app.domain.throttle import format_stamps, parse_stamps, seconds_text, throttle


# ------------------------------------------------------------------------------------ room keys
@pytest.mark.parametrize("key", ["product:12", "live:7", "watch:7:3", "live:abc-DEF_1"])
def test_room_keys_of_known_kinds_parse(key: str) -> None:
    assert parse_room_key(key).key == key
    assert chat_channel(key) == f"chat:{key}"


@pytest.mark.parametrize(
    "key", ["", "product", "product:", "cart:1", "product:1 2", "x:1", "product:<b>"]
)
def test_unknown_or_malformed_room_keys_are_refused(key: str) -> None:
    with pytest.raises(ChatRefused) as refused:
        parse_room_key(key)
    assert refused.value.code == Refusal.INVALID


# -------------------------------------------------------------------------------------- messages
def test_message_is_trimmed_and_kept_as_typed() -> None:
    assert clean_message("  hello <b>there</b>  ") == "hello <b>there</b>"


def test_empty_or_blank_message_is_refused_with_a_reason() -> None:
    for raw in ["", "   ", "\n\n", "\u200b\u200b", "\u202e", None]:
        with pytest.raises(ChatRefused) as refused:
            clean_message(raw)
        assert refused.value.code == Refusal.EMPTY
        assert "Write something" in refused.value.message


def test_message_of_500_characters_passes_and_501_is_refused() -> None:
    assert len(clean_message("a" * MAX_MESSAGE_LENGTH)) == MAX_MESSAGE_LENGTH
    with pytest.raises(ChatRefused) as refused:
        clean_message("a" * (MAX_MESSAGE_LENGTH + 1))
    assert refused.value.code == Refusal.TOO_LONG
    assert "501" in refused.value.message


def test_huge_paste_is_refused_before_any_work() -> None:
    with pytest.raises(ChatRefused) as refused:
        clean_message("x" * 1_000_000)
    assert refused.value.code == Refusal.TOO_LONG


def test_bidi_overrides_zero_width_and_control_characters_are_dropped() -> None:
    text = clean_message("abc\u202egnp.exe\u200b\u2066x\x00\x07y\u2069")
    assert text == "abcgnp.exexy"


def test_line_breaks_survive_but_blank_runs_shrink() -> None:
    assert clean_message("one\r\n\r\n\r\n\r\ntwo\n three") == "one\n\ntwo\n three"


def test_too_many_lines_are_refused() -> None:
    with pytest.raises(ChatRefused):
        clean_message("\n".join("x" * 13))


@given(st.text(max_size=700))
@settings(max_examples=300)
def test_any_text_is_either_refused_or_cleaned_within_limits(raw: str) -> None:
    try:
        text = clean_message(raw)
    except ChatRefused as refused:
        code = refused.code
        text = ""
    else:
        code = None
    if code is not None:
        assert code in (Refusal.EMPTY, Refusal.TOO_LONG)
        return
    assert 0 < len(text) <= MAX_MESSAGE_LENGTH
    assert text == text.strip()
    assert not any(ch in text for ch in "\u202e\u202d\u200b\u2066\x00\x1b")
    assert clean_message(text) == text  # cleaning is idempotent


def test_excerpt_is_one_line_and_short() -> None:
    assert excerpt("hello\nworld") == "hello world"
    long = excerpt("word " * 50)
    assert len(long) <= 80 and long.endswith("…")


# -------------------------------------------------------------------------------------- throttle
def test_five_messages_pass_and_the_sixth_within_ten_seconds_waits() -> None:
    stamps: tuple[float, ...] = ()
    for i in range(5):
        decision = throttle(stamps, 100.0 + i, 5, 10.0)
        assert decision.allowed
        stamps = decision.stamps
    sixth = throttle(stamps, 105.0, 5, 10.0)
    assert not sixth.allowed
    assert sixth.retry_after == pytest.approx(5.0)
    assert throttle(stamps, 110.0, 5, 10.0).allowed


@given(
    gaps=st.lists(st.floats(min_value=0.0, max_value=6.0), min_size=1, max_size=60),
    limit=st.integers(min_value=1, max_value=6),
    period=st.floats(min_value=0.5, max_value=30.0),
)
@settings(max_examples=300)
def test_no_window_of_the_period_ever_holds_more_than_the_limit(
    gaps: list[float], limit: int, period: float
) -> None:
    stamps: tuple[float, ...] = ()
    now = 1_000.0
    allowed: list[float] = []
    for gap in gaps:
        now += gap
        decision = throttle(stamps, now, limit, period)
        if decision.allowed:
            allowed.append(now)
            stamps = decision.stamps
        else:
            assert decision.retry_after > 0
            # Waiting exactly as told is enough.
            assert throttle(stamps, now + decision.retry_after + 1e-6, limit, period).allowed
        assert len(stamps) <= limit
    for start in allowed:
        inside = [t for t in allowed if start <= t < start + period]
        assert len(inside) <= limit


def test_stamps_round_trip_through_storage() -> None:
    stamps = (1.5, 2.25, 1_700_000_000.125)
    assert parse_stamps(format_stamps(stamps)) == stamps
    assert parse_stamps("") == ()
    assert parse_stamps("x,1.0") == (1.0,)


def test_rate_limit_message_says_how_long_to_wait() -> None:
    refusal = rate_limited(3.2)
    assert refusal.code == Refusal.RATE_LIMITED
    assert "4 seconds" in refusal.message and "5 messages" in refusal.message
    assert seconds_text(1) == "1 second" and seconds_text(61) == "2 minutes"


def test_slow_mode_and_mute_lengths_are_bounded() -> None:
    assert clean_slow_mode(0) == 0 and clean_slow_mode(30) == 30
    with pytest.raises(ChatRefused):
        clean_slow_mode(-1)
    with pytest.raises(ChatRefused):
        clean_slow_mode(10_000)
    assert clean_mute_minutes(10) == 10
    with pytest.raises(ChatRefused):
        clean_mute_minutes(0)


# -------------------------------------------------------------------------------- keyword filter
def test_filtered_words_match_whole_words_in_any_case_or_width() -> None:
    words = {clean_filter_word("Scam"), clean_filter_word("free money")}
    assert blocked_word("this is a SCAM!", words) == "scam"
    assert blocked_word("ｓｃａｍ alert", words) == "scam"  # fullwidth letters
    assert blocked_word("s\u200bcam", words) == "scam"  # zero-width space inside
    assert blocked_word("get FREE   money now", words) == "free money"
    assert blocked_word("scampi for dinner", words) is None
    assert blocked_word("anything", set()) is None


def test_filter_words_need_two_to_sixty_characters() -> None:
    with pytest.raises(ChatRefused):
        clean_filter_word(" a ")
    with pytest.raises(ChatRefused):
        clean_filter_word("x" * 61)


# ----------------------------------------------------------------------------------- moderation
def test_moderators_admins_and_the_room_owner_moderate() -> None:
    assert can_moderate("moderator", 1, None)
    assert can_moderate("admin", 1, None)
    assert can_moderate("shopper", 7, owner_id=7)
    assert can_moderate("host", 7, owner_id=7)
    assert not can_moderate("host", 7, owner_id=8)
    assert not can_moderate("shopper", 7, None)


# ---------------------------------------------------------------------------------------- links
def test_http_and_https_urls_become_links_and_the_rest_stays_text() -> None:
    parts = segments("see https://example.com/a?b=1, and (http://x.example/y).")
    assert parts == [
        Segment("see "),
        Segment("https://example.com/a?b=1", "https://example.com/a?b=1"),
        Segment(", and ("),
        Segment("http://x.example/y", "http://x.example/y"),
        Segment(")."),
    ]


def test_balanced_parentheses_stay_in_the_link() -> None:
    parts = segments("https://en.wikipedia.org/wiki/Tent_(camping)")
    assert parts == [Segment(parts[0].text, "https://en.wikipedia.org/wiki/Tent_(camping)")]


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "https://shop.example@evil.example/",
        "http://javascript:alert(1)",
        "https://ｅｘａｍｐｌｅ.com",
        "https://",
        "http://<script>",
        "https://x.example/\u202egnp",
        "ftp://files.example/x",
        "//evil.example/x",
    ],
)
def test_unsafe_or_odd_addresses_are_never_links(text: str) -> None:
    assert [p.href for p in segments(text) if p.href] == []
    assert safe_link(text) is None


def test_scheme_is_lower_cased_in_the_link() -> None:
    assert segments("HTTPS://Example.com/Path")[0].href == "https://Example.com/Path"


@given(st.text(max_size=300))
@settings(max_examples=300)
def test_segments_give_back_the_text_and_only_safe_links(text: str) -> None:
    parts = segments(text)
    assert "".join(p.text for p in parts) == text
    for part in parts:
        if part.href:
            assert part.href.lower().startswith(("http://", "https://"))
            assert part.href.lower() == part.text.lower()
            assert all(33 <= ord(ch) < 127 for ch in part.href)
