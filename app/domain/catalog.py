"""Catalog rules: what a search may ask for, and the shapes pages show."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_QUERY_LENGTH = 80
LOW_STOCK = 5
PAGE_SIZE = 24
# Tiles the catalog draws at a time, three rows on a laptop: a phone drew (and a shopper
# scrolled past) all of a search's up to 96 before the first row's pictures painted.
TILES_AT_ONCE = 12


class SearchQueryError(ValueError):
    """A search query we refuse, with a message fit for the shopper."""


def normalise_query(raw: str | None) -> str:
    """Trim and check a search query; raise SearchQueryError with a friendly reason."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            f"Searches can be at most {MAX_QUERY_LENGTH} characters; try fewer words."
        )
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise SearchQueryError("That search has characters we can't look for; try plain words.")
    return text


def query_terms(query: str) -> list[str]:
    """The words of a normalised query; every word must match somewhere."""
    return [word for word in query.lower().split(" ") if word][:8]


def stock_label(stock: int) -> str:
    """What a shopper reads about availability."""
    if stock <= 0:
        return "Sold out"
    if stock <= LOW_STOCK:
        return f"Only {stock} left"
    return f"In stock ({stock})"


@dataclass(frozen=True)
class CategoryView:
    slug: str
    name: str
    description: str
    image: str
    product_count: int = 0


@dataclass(frozen=True)
class ProductCard:
    id: int
    slug: str
    title: str
    price: str
    category: str
    category_name: str
    image: str
    stock: int
    stock_label: str
    srcset: str = ""  # the picture's smaller variant too, when it has one


@dataclass(frozen=True)
class ProductImageView:
    url: str
    alt: str


@dataclass(frozen=True)
class ProductDetail:
    id: int
    slug: str
    title: str
    description: str
    price: str
    price_minor: int
    currency: str
    stock: int
    stock_label: str
    category: str
    category_name: str
    tags: list[str]
    images: list[ProductImageView]
