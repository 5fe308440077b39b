"""The console's product form rules (pure)."""

from __future__ import annotations

import pytest

from app.domain.people import looks_like_email, parse_role
from app.domain.product_form import parse_product_form, slug_for

GOOD = {"title": "Mug", "price": "$12.5", "stock": "3", "currency": "usd", "category": "mugs"}


def test_a_good_form_gives_a_draft_in_minor_units() -> None:
    draft, errors = parse_product_form(GOOD)
    assert errors == {}
    assert draft is not None
    assert (draft.price_amount, draft.currency, draft.stock) == (1250, "USD", 3)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("price", "0", "more than zero"),
        ("price", "-1.00", "more than zero"),
        ("price", "12.345", "like 24.00"),
        ("stock", "-2", "negative"),
        ("stock", "2.5", "whole number"),
        ("title", " \t ", "title"),
        ("title", "x" * 121, "at most 120"),
        ("currency", "BTC", "Choose"),
        ("category", "", "category"),
    ],
)
def test_each_bad_field_gets_its_own_message(field: str, value: str, message: str) -> None:
    draft, errors = parse_product_form({**GOOD, field: value})
    assert draft is None
    assert message in errors[field]
    assert list(errors) == [field]


def test_slugs_roles_and_emails() -> None:
    assert slug_for("  Crème Brûlée Dish, 2-Pack! ") == "creme-brulee-dish-2-pack"
    assert slug_for("!!!") == "product"
    assert parse_role(" Admin ") == "admin"
    assert parse_role("owner") is None
    assert looks_like_email("a@b.co") and not looks_like_email("a@b")
