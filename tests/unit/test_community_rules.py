"""Community rules: names and addresses, post and reply limits (the chat's cleaning), the
founding members and the order of the feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain import chat
from app.domain import communities as rules
from app.domain.chat import ChatRefused, Refusal

T0 = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Home baristas", "home-baristas"),
        ("Trail & camp!", "trail-camp"),
        ("  Café   Crème ", "cafe-creme"),
        ("ＦＵＬＬ width", "full-width"),
    ],
)
def test_a_name_becomes_a_plain_ascii_address(name: str, slug: str) -> None:
    assert rules.slug_for(name) == slug


def test_the_form_keeps_plain_text_and_names_each_bad_field() -> None:
    draft, errors = rules.parse_community_form(
        {"name": " Home\u202e  baristas\u200b ", "description": "Espresso\n\nat home"}
    )
    assert errors == {}
    assert draft == rules.CommunityDraft("Home baristas", "home-baristas", "Espresso at home")
    _, errors = rules.parse_community_form({"name": "ab", "description": "x" * 401})
    assert errors == {
        "name": "Give the community a name of at least 3 characters.",
        "description": "Descriptions can be at most 400 characters.",
    }
    _, errors = rules.parse_community_form({"name": "x" * 61})
    assert errors == {"name": "Names can be at most 60 characters."}
    _, errors = rules.parse_community_form({"name": "!!!"})
    assert errors == {"name": "The name needs at least one letter or digit."}


def test_posts_are_longer_than_chat_messages_and_replies_are_chat_sized() -> None:
    assert rules.clean_post("a" * 2000) == "a" * 2000
    with pytest.raises(ChatRefused) as refused:
        rules.clean_post("a" * 2001)
    assert refused.value.code == Refusal.TOO_LONG and "2000" in refused.value.message
    assert rules.clean_reply("hi\u200b there") == "hi there"
    with pytest.raises(ChatRefused) as refused:
        rules.clean_reply("b" * (chat.MAX_MESSAGE_LENGTH + 1))
    assert refused.value.code == Refusal.TOO_LONG
    with pytest.raises(ChatRefused) as refused:
        rules.clean_post("line\n" * (rules.POST_MAX_LINES + 1))
    assert "at most 40 lines" in refused.value.message
    with pytest.raises(ChatRefused):
        rules.clean_post("   \u200b ")


def test_links_in_posts_follow_the_chat_rule() -> None:
    text = rules.clean_post("see https://example.com/a and javascript:alert(1)")
    assert [(s.text, s.href) for s in chat.segments(text) if s.href] == [
        ("https://example.com/a", "https://example.com/a")
    ]


def test_the_founders_are_the_first_members_still_in() -> None:
    joined = [(7, T0 + timedelta(minutes=5)), (3, T0), (9, T0), (4, T0 + timedelta(hours=1))]
    assert rules.founding(joined, 3) == [3, 9, 7]
    assert rules.founding([], 10) == []


def test_pinned_posts_come_first_latest_pin_on_top_then_newest() -> None:
    posts = [
        (1, None),
        (2, T0 + timedelta(minutes=1)),
        (3, None),
        (4, T0 + timedelta(minutes=5)),
        (5, None),
    ]
    assert rules.feed_order(posts) == [4, 2, 5, 3, 1]
    assert rules.feed_order([]) == []


def test_a_post_holds_at_most_four_photos() -> None:
    assert rules.photo_count_refusal(4) is None
    refusal = rules.photo_count_refusal(5)
    assert refusal is not None and refusal.field == "photos"
