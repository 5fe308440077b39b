"""Turn the host's deal form into DealTerms, with a message per field for anything wrong.

The form sends text; the browser's datetime-local fields carry no time zone, so the page sends
the browser's offset from UTC (minutes, as `Date.getTimezoneOffset()` reports it) beside them.
Field keys match `validate_terms`, so one dictionary of errors serves the whole form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from app.domain.clock import local_to_utc
from app.domain.group_buy import DealTerms, PriceTier, validate_terms
from app.domain.numbers import is_digits

TIER_ROWS = 4
_PRICE = re.compile(r"^\s*[$€£]?\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$", re.ASCII)


@dataclass
class ParsedDeal:
    product_id: int
    terms: DealTerms | None
    errors: dict[str, str] = field(default_factory=dict)


def parse_price(raw: str) -> int | None:
    """'24', '24.5', '24.50' or '$24.50' -> 2450 (minor units, never through a float)."""
    match = _PRICE.match(raw or "")
    if match is None:
        return None
    whole, cents = match.groups()
    return int(whole) * 100 + int((cents or "0").ljust(2, "0"))


def _whole(raw: str | None) -> int | None:
    text = (raw or "").strip()
    return int(text) if is_digits(text, 7) else None


def parse_deal_form(
    form: Mapping[str, str], currency: str, offset_minutes: int, now: datetime
) -> ParsedDeal:
    """Read the form; `currency` is the chosen product's, `now` timezone-aware."""
    errors: dict[str, str] = {}
    product_id = _whole(form.get("product_id")) or 0
    if not product_id:
        errors["product_id"] = "Choose a product."

    tiers: list[PriceTier] = []
    for row in range(1, TIER_ROWS + 1):
        shoppers_raw = (form.get(f"tier_{row}_shoppers") or "").strip()
        price_raw = (form.get(f"tier_{row}_price") or "").strip()
        if not shoppers_raw and not price_raw:
            continue
        shoppers, price = _whole(shoppers_raw), parse_price(price_raw)
        if shoppers is None or shoppers < 1:
            errors.setdefault("tiers", f"Tier {row}: enter how many shoppers (a whole number).")
        elif price is None:
            errors.setdefault("tiers", f"Tier {row}: enter a price like 24.00.")
        else:
            tiers.append(PriceTier(shoppers, price))

    minimum = _whole(form.get("min_to_unlock"))
    if minimum is None:
        errors["min_to_unlock"] = "Enter how many shoppers unlock the deal."
    cap_raw = (form.get("max_participants") or "").strip()
    cap = _whole(cap_raw) if cap_raw else None
    if cap_raw and cap is None:
        errors["max_participants"] = "Enter a whole number, or leave it empty for no maximum."
    per_shopper = _whole(form.get("max_quantity_per_shopper") or "1")
    if per_shopper is None:
        errors["max_quantity_per_shopper"] = "Enter a whole number of items."

    deadline = local_to_utc(form.get("deadline"), offset_minutes=offset_minutes)
    if deadline is None:
        errors["deadline"] = "Choose a deadline."
    starts_raw = form.get("starts_at")
    starts = (
        local_to_utc(starts_raw, offset_minutes=offset_minutes)
        if (starts_raw or "").strip()
        else now
    )
    if starts is None:
        errors["starts_at"] = "Choose a valid start, or leave it empty to start now."

    team_size_raw = (form.get("team_size") or "").strip()
    team_price_raw = (form.get("team_price") or "").strip()
    team_size = _whole(team_size_raw) if team_size_raw else None
    team_price = parse_price(team_price_raw) if team_price_raw else None
    if team_size_raw and team_size is None:
        errors["team_size"] = "Enter a whole number of shoppers."
    if team_price_raw and team_price is None:
        errors["team_price"] = "Enter a price like 20.00."

    if minimum is None or deadline is None or starts is None or per_shopper is None:
        return ParsedDeal(product_id, None, errors)
    terms = DealTerms(
        tiers=tuple(tiers),
        currency=currency,
        min_to_unlock=minimum,
        max_participants=cap,
        starts_at=starts,
        deadline=deadline,
        team_size=team_size,
        team_price=team_price,
        max_quantity_per_shopper=per_shopper,
    )
    for key, message in validate_terms(terms, now).items():
        errors.setdefault(key, message)
    return ParsedDeal(product_id, terms if not errors else None, errors)
