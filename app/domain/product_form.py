"""The console's product form: text fields in, a checked draft or a message per field out."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.plain_text import has_hidden_characters

MAX_TITLE = 120
MAX_DESCRIPTION = 4000
MAX_STOCK = 1_000_000
MAX_PRICE = 1_000_000_00  # minor units
CURRENCIES = ("USD", "EUR", "GBP")
_PRICE = re.compile(r"^\s*(-)?\s*[$€£]?\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$", re.ASCII)
_STOCK = re.compile(r"^\s*(-)?\s*(\d{1,9})\s*$", re.ASCII)


@dataclass(frozen=True)
class ProductDraft:
    title: str
    description: str
    price_amount: int
    currency: str
    stock: int
    category: str  # a category slug; the service checks that it exists


def _price(raw: str) -> tuple[int | None, str]:
    match = _PRICE.match(raw or "")
    if match is None:
        return None, "Enter a price like 24.00."
    negative, whole, cents = match.groups()
    amount = int(whole) * 100 + int((cents or "0").ljust(2, "0"))
    if negative or amount <= 0:
        return None, "The price must be more than zero."
    if amount > MAX_PRICE:
        return None, "That price is too high."
    return amount, ""


def _stock(raw: str) -> tuple[int | None, str]:
    match = _STOCK.match(raw or "")
    if match is None:
        return None, "Enter the stock as a whole number."
    negative, digits = match.groups()
    if negative and int(digits) > 0:
        return None, "Stock can't be negative."
    if int(digits) > MAX_STOCK:
        return None, "That stock is too high."
    return int(digits), ""


def parse_product_form(form: Mapping[str, str]) -> tuple[ProductDraft | None, dict[str, str]]:
    """Read the form; every problem at once, keyed by the field it belongs next to."""
    errors: dict[str, str] = {}
    title = " ".join(unicodedata.normalize("NFKC", form.get("title") or "").split())
    if not title:
        errors["title"] = "Give the product a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Titles can be at most {MAX_TITLE} characters."
    elif has_hidden_characters(title):
        errors["title"] = "Titles can't contain control or invisible characters."
    description = (form.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Descriptions can be at most {MAX_DESCRIPTION} characters."
    elif has_hidden_characters(description, allow="\n\t\r"):
        errors["description"] = "Descriptions can't contain control or invisible characters."
    price, price_error = _price(form.get("price") or "")
    if price_error:
        errors["price"] = price_error
    stock, stock_error = _stock(form.get("stock") or "")
    if stock_error:
        errors["stock"] = stock_error
    currency = (form.get("currency") or "USD").strip().upper()
    if currency not in CURRENCIES:
        errors["currency"] = "Choose " + ", ".join(CURRENCIES) + "."
    category = (form.get("category") or "").strip()
    if not category:
        errors["category"] = "Choose a category."
    if errors or price is None or stock is None:
        return None, errors
    return ProductDraft(title, description, price, currency, stock, category), {}


def slug_for(title: str) -> str:
    """A URL slug from a title: lower-case ASCII words joined by dashes."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    return "-".join(words)[:70].strip("-") or "product"
