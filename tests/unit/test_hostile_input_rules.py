"""The bad-input suite, pure part: every rule that reads text or numbers people send gets the
hostile corpus (tests/hostile_inputs.py). Each answer is the rule's own refusal with a message,
or a harmless value: never a stray ValueError, OverflowError or TypeError from inside."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from app.api.guards import plain_path
from app.domain import (
    api_keys,
    carts,
    catalog,
    chat,
    communities,
    live,
    people,
    plain_text,
    reviews,
    webhooks,
)
from app.domain import numbers as num
from app.domain.checkout import parse_amount
from app.domain.clock import local_to_utc
from app.domain.product_form import parse_product_form
from app.services.deals.form import parse_deal_form
from tests.hostile_inputs import NUMBERS, TEXTS, harmless_text

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _review(value: str) -> str:
    return reviews.clean_text(value, field="body", label="The review", limit=4000)


def _amount(value: str) -> int | None:
    return parse_amount(value)


# name -> (rule, the refusal it raises); a rule returns cleaned text or raises the refusal
TEXT_RULES: dict[str, tuple[Callable[[Any], Any], type[Exception]]] = {
    "display_name": (people.clean_display_name, people.DisplayNameError),
    "cart_name": (carts.clean_cart_name, carts.CartError),
    "cart_note": (carts.clean_note, carts.CartError),
    "chat_message": (chat.clean_message, chat.ChatRefused),
    "chat_filter_word": (chat.clean_filter_word, chat.ChatRefused),
    "community_post": (communities.clean_post, chat.ChatRefused),
    "community_reply": (communities.clean_reply, chat.ChatRefused),
    "review_text": (_review, reviews.TextRefused),
    "api_key_name": (api_keys.clean_name, api_keys.KeyRefused),
    "search": (catalog.normalise_query, catalog.SearchQueryError),
    "reason": (lambda v: plain_text.one_line(v, 300), ValueError),
    "webhook_url": (
        lambda v: webhooks.check_url(v, ["http://localhost:3000"]),
        webhooks.WebhookUrlError,
    ),
}


MAY_BE_EMPTY = {
    "cart_note",
    "search",
    "reason",
}  # an empty note clears it; an empty search lists all


def _messages(refusal: Exception) -> str:
    return str(getattr(refusal, "message", "") or refusal)


def _assert_friendly(refusal: Exception) -> None:
    message = _messages(refusal)
    assert message.strip(), f"{type(refusal).__name__} without a message"
    for leak in ("invalid literal", "Traceback", "object has no attribute", "NoneType"):
        assert leak not in message


@pytest.mark.parametrize("value", list(TEXTS.values()), ids=list(TEXTS))
@pytest.mark.parametrize("rule", list(TEXT_RULES), ids=list(TEXT_RULES))
def test_text_rules_refuse_with_a_message_or_keep_harmless_text(rule: str, value: str) -> None:
    clean, refusal = TEXT_RULES[rule]
    try:
        kept = clean(value)
    except refusal as refused:
        _assert_friendly(refused)
        return
    assert isinstance(kept, str)
    assert kept.strip() or rule in MAY_BE_EMPTY
    assert harmless_text(kept)
    assert len(kept) <= 5000


@pytest.mark.parametrize("value", list(TEXTS.values()), ids=list(TEXTS))
def test_room_keys_and_codes_from_outside_are_refused_or_well_formed(value: str) -> None:
    try:
        key = chat.parse_room_key(f"product:{value}")
    except chat.ChatRefused as refused:
        _assert_friendly(refused)
    else:
        assert key.ident.isascii() and key.ident.isalnum()
    code = people.normalise_invite_code(value)
    assert code is None or (code.isascii() and code.isalnum())
    if live.stream_url_error(value) is None:
        assert harmless_text(value, newlines=False)


@pytest.mark.parametrize("value", list(NUMBERS.values()), ids=list(NUMBERS))
def test_the_one_number_rule_reads_only_ascii_digits_within_an_id(value: object) -> None:
    for parsed in (num.parse_whole(value), num.parse_id(value), num.parse_int(value)):
        assert parsed is None or (isinstance(parsed, int) and abs(parsed) <= num.MAX_ID)
    assert isinstance(num.int_or_zero(value), int)
    assert 0 <= num.id_or_zero(value) <= num.MAX_ID
    if isinstance(value, str) and not value.strip().lstrip("-").isascii():
        assert num.parse_int(value) is None


@pytest.mark.parametrize("value", list(NUMBERS.values()), ids=list(NUMBERS))
def test_stars_and_amounts_refuse_what_is_not_a_plain_number(value: object) -> None:
    try:
        stars = reviews.clean_stars(value)
    except reviews.TextRefused as refused:
        _assert_friendly(refused)
    else:
        assert 1 <= stars <= 5 and str(value).strip().isascii()
    try:
        amount = _amount(value if isinstance(value, str) else str(value))
    except ValueError as refused:
        _assert_friendly(refused)
    else:
        assert amount is None or 0 < amount <= 100_000_000


GOOD_PRODUCT = {"title": "Mug", "price": "12.50", "stock": "3", "currency": "USD", "category": "m"}


def _text_values() -> list[Any]:
    return [*TEXTS.values(), *(v for v in NUMBERS.values() if isinstance(v, str))]


def _text_ids() -> list[str]:
    return [*TEXTS, *(f"n_{k}" for k, v in NUMBERS.items() if isinstance(v, str))]


@pytest.mark.parametrize("value", _text_values(), ids=_text_ids())
@pytest.mark.parametrize("field", ["title", "description", "price", "stock", "currency"])
def test_product_form_fields_get_a_message_or_a_harmless_draft(field: str, value: str) -> None:
    draft, errors = parse_product_form({**GOOD_PRODUCT, field: value})
    if draft is None:
        assert errors and all(m.strip() for m in errors.values())
        return
    assert harmless_text(draft.title, newlines=False) and harmless_text(draft.description)
    assert 0 < draft.price_amount <= 100_000_000 and 0 <= draft.stock <= 1_000_000
    if field in ("price", "stock"):
        assert value.isascii()


GOOD_DEAL = {
    "product_id": "1",
    "tier_1_shoppers": "1",
    "tier_1_price": "30.00",
    "tier_2_shoppers": "3",
    "tier_2_price": "24.00",
    "min_to_unlock": "2",
    "max_participants": "",
    "max_quantity_per_shopper": "1",
    "deadline": "2026-06-05T12:00",
    "starts_at": "",
    "team_size": "",
    "team_price": "",
}


@pytest.mark.parametrize("value", _text_values(), ids=_text_ids())
@pytest.mark.parametrize("field", [k for k in GOOD_DEAL if k != "tier_2_shoppers"])
def test_deal_form_fields_get_a_message_or_sound_terms(field: str, value: str) -> None:
    parsed = parse_deal_form({**GOOD_DEAL, field: value}, "USD", 0, NOW)
    if parsed.terms is None:
        assert parsed.errors and all(m.strip() for m in parsed.errors.values())
        return
    assert 0 < parsed.product_id <= num.MAX_ID
    assert all(0 < t.unit_price <= 100_000_000 for t in parsed.terms.tiers)
    if field not in ("deadline", "starts_at") and value.strip():
        assert value.isascii()


@pytest.mark.parametrize("value", _text_values(), ids=_text_ids())
@pytest.mark.parametrize("field", ["name", "description"])
def test_community_form_fields_get_a_message_or_plain_text(field: str, value: str) -> None:
    good = {"name": "Home baristas", "description": "Coffee at home."}
    draft, errors = communities.parse_community_form({**good, field: value})
    if draft is None:
        assert errors and all(m.strip() for m in errors.values())
        return
    assert harmless_text(draft.name, newlines=False) and harmless_text(draft.description)
    assert draft.slug and draft.slug.isascii()


@pytest.mark.parametrize("value", _text_values(), ids=_text_ids())
@pytest.mark.parametrize("field", ["title", "description", "stream_url"])
def test_live_session_form_fields_get_a_message_or_harmless_text(field: str, value: str) -> None:
    good = {"title": "Morning coffee", "description": "", "stream_url": ""}
    fields = {**good, field: value}
    draft = live.SessionDraft(
        title=fields["title"],
        cover_image="",
        starts_at=NOW,
        stream_url=fields["stream_url"],
        product_ids=(1,),
        description=fields["description"],
    )
    errors = live.validate_draft(draft, NOW)
    if errors:
        assert all(m.strip() for m in errors.values())
        return
    assert harmless_text(live.clean_text(draft.title), newlines=False)
    assert harmless_text(live.clean_text(draft.description))
    assert harmless_text(draft.stream_url.strip(), newlines=False)


def test_path_segments_that_cannot_name_anything_reach_the_page_server_as_a_placeholder() -> None:
    assert plain_path("/deals/" + "9" * 2000) == "/deals/_"
    assert plain_path("/product/a\x00b/reviews") == "/product/_/reviews"
    assert plain_path("/product/harbor-mug") == "/product/harbor-mug"
    assert plain_path("/community/" + "é" * 100) == "/community/" + "é" * 100  # 200 bytes


EDGE_MOMENTS = [
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "9999-12-31T23:59+14:00",
    "2026-02-30T10:00",
]
ZONES = [
    "",
    "America/New_York",
    "Asia/Tokyo",
    "../../etc/passwd",
    "\x00",
    "Mars/Olympus",
    "x" * 500,
]


@pytest.mark.parametrize(
    "value", [*_text_values(), *EDGE_MOMENTS], ids=[*_text_ids(), *EDGE_MOMENTS]
)
def test_browser_dates_are_a_utc_moment_or_nothing(value: str) -> None:
    for offset in (-960, 0, 960):
        moment = local_to_utc(value, offset_minutes=offset)
        assert moment is None or moment.tzinfo is not None
    for zone in ZONES:
        moment = local_to_utc(value, tz_name=zone)
        assert moment is None or moment.tzinfo is not None
