"""Review rules: plain-text fields, stars, the honest order of reviews and the rating summary.

Honesty (the FTC's 2024 rule on reviews): the shop never hides or pushes down a review for its
rating. The only orders offered are the shopper's own choice (most helpful, newest, lowest
rating), and the one thing the shop adds, friends' reviews first, ignores the stars.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.numbers import parse_whole

MAX_TITLE = 120
MAX_BODY = 2000
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_SIDE = 1600  # pixels; larger photos are scaled down when re-encoded
# Rate limits per person, counted in the database so they hold across processes.
REVIEW_WRITES_PER_HOUR = 10
VOTES_PER_MINUTE = 30

_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x00AD]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)


class TextRefused(ValueError):
    """User text we refuse; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def clean_text(raw: str | None, *, field: str, label: str, limit: int, lines: int = 30) -> str:
    """Plain text as stored: NFC, no control / bidi-override / zero-width characters, trimmed,
    at most two blank lines in a row. Raises TextRefused (empty, too long) with a message."""
    raw = raw or ""
    if len(raw) > 4 * limit:
        raise TextRefused(field, f"{label} can be at most {limit} characters.")
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.translate(_INVISIBLE)
    kept = [
        " " if ch == "\t" else ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")
    ]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(s.rstrip() for s in "".join(kept).split("\n")))
    text = text.strip()
    if not text:
        raise TextRefused(field, f"{label} cannot be empty.")
    if len(text) > limit:
        raise TextRefused(
            field, f"{label} can be at most {limit} characters (this has {len(text)})."
        )
    if text.count("\n") >= lines:
        raise TextRefused(field, f"{label} can have at most {lines} lines.")
    return text


def clean_stars(raw: object) -> int:
    stars = parse_whole(raw, 1, 5)
    if stars is None:
        raise TextRefused("stars", "Choose from 1 to 5 stars.")
    return stars


class ReviewSort(StrEnum):
    HELPFUL = "helpful"
    NEWEST = "newest"
    LOWEST = "lowest"

    @classmethod
    def parse(cls, raw: str | None) -> ReviewSort:
        try:
            return cls(raw or cls.HELPFUL)
        except ValueError:
            return cls.HELPFUL


@dataclass(frozen=True)
class Rankable:
    """What ordering needs to know of a review."""

    id: int
    stars: int
    helpful: int
    created_at: datetime
    from_friend: bool


def order_reviews(reviews: Iterable[Rankable], sort: ReviewSort) -> list[Rankable]:
    """Friends' reviews first, then the shopper's chosen order. Ties fall back to newest first
    (then id), never to the rating, so no sort quietly favours good reviews."""

    def key(r: Rankable) -> tuple[object, ...]:
        newest = (-r.created_at.timestamp(), -r.id)
        if sort is ReviewSort.HELPFUL:
            return (not r.from_friend, -r.helpful, *newest)
        if sort is ReviewSort.LOWEST:
            return (not r.from_friend, r.stars, *newest)
        return (not r.from_friend, *newest)

    return sorted(reviews, key=key)


@dataclass(frozen=True)
class RatingSummary:
    """Average (one decimal, as text) and how many reviews gave each star, 5 down to 1."""

    count: int
    average: str
    distribution: list[int]  # index 0: five stars ... index 4: one star

    @property
    def percentages(self) -> list[int]:
        return [round(100 * n / self.count) if self.count else 0 for n in self.distribution]


def summarise(stars: Sequence[int]) -> RatingSummary:
    counts = [0, 0, 0, 0, 0]
    for s in stars:
        counts[5 - s] += 1
    if not stars:
        return RatingSummary(0, "", counts)
    # Half up, in integers: 4.25 shows as 4.3 (a float round would give 4.2).
    tenths = (sum(stars) * 20 + len(stars)) // (2 * len(stars))
    return RatingSummary(len(stars), f"{tenths // 10}.{tenths % 10}", counts)
