"""The host's deal form: text in, DealTerms or a message next to each wrong field out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.group_buy import PriceTier
from app.services.deals.form import parse_deal_form, parse_price

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def form(**changes: str) -> dict[str, str]:
    base = {
        "product_id": "7",
        "tier_1_shoppers": "1",
        "tier_1_price": "30.00",
        "tier_2_shoppers": "3",
        "tier_2_price": "24",
        "tier_3_shoppers": "5",
        "tier_3_price": "19.5",
        "min_to_unlock": "3",
        "max_participants": "20",
        "deadline": "2026-11-25T18:00",
        "max_quantity_per_shopper": "1",
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("raw", "cents"),
    [("24", 2400), ("24.5", 2450), ("24.05", 2405), ("$19.50", 1950), ("0,99", 99)],
)
def test_prices_are_read_into_cents_without_floats(raw: str, cents: int) -> None:
    assert parse_price(raw) == cents


@pytest.mark.parametrize("raw", ["", "abc", "1.234", "-5", "12.3.4"])
def test_prices_that_are_not_prices_are_refused(raw: str) -> None:
    assert parse_price(raw) is None


def test_a_good_form_becomes_terms_in_utc() -> None:
    parsed = parse_deal_form(form(), "USD", offset_minutes=-60, now=NOW)  # a browser in CET
    assert parsed.errors == {}
    assert parsed.terms is not None and parsed.product_id == 7
    assert parsed.terms.tiers == (PriceTier(1, 3000), PriceTier(3, 2400), PriceTier(5, 1950))
    assert parsed.terms.deadline == datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    assert parsed.terms.starts_at == NOW


def test_unordered_tiers_a_past_deadline_and_minimum_above_maximum_are_field_errors() -> None:
    parsed = parse_deal_form(
        form(
            tier_2_price="35.00",
            deadline=(NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            min_to_unlock="30",
        ),
        "USD",
        offset_minutes=0,
        now=NOW,
    )
    assert parsed.terms is None
    assert parsed.errors == {
        "tiers": "Each tier must be cheaper than the one before.",
        "deadline": "The deadline must be in the future.",
        "min_to_unlock": "The minimum to unlock cannot be above the maximum.",
    }


def test_unreadable_fields_say_what_to_enter() -> None:
    parsed = parse_deal_form(
        form(tier_2_price="lots", min_to_unlock="", deadline="", team_price="x", product_id=""),
        "USD",
        offset_minutes=0,
        now=NOW,
    )
    assert parsed.errors["tiers"] == "Tier 2: enter a price like 24.00."
    assert parsed.errors["min_to_unlock"] == "Enter how many shoppers unlock the deal."
    assert parsed.errors["deadline"] == "Choose a deadline."
    assert parsed.errors["team_price"] == "Enter a price like 20.00."
    assert parsed.errors["product_id"] == "Choose a product."


def test_a_team_offer_needs_both_size_and_price() -> None:
    parsed = parse_deal_form(form(team_size="2"), "USD", offset_minutes=0, now=NOW)
    assert parsed.errors == {"team_price": "Set a team price to offer teams."}
    ok = parse_deal_form(form(team_size="2", team_price="22"), "USD", offset_minutes=0, now=NOW)
    assert ok.terms is not None and (ok.terms.team_size, ok.terms.team_price) == (2, 2200)
