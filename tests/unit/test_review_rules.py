"""Review rules: the honest order, the summary's arithmetic, plain-text cleaning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.reviews import (
    Rankable,
    ReviewSort,
    TextRefused,
    clean_stars,
    clean_text,
    order_reviews,
    summarise,
)

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def r(id_: int, stars: int, helpful: int = 0, days: int = 0, friend: bool = False) -> Rankable:
    return Rankable(id_, stars, helpful, T0 + timedelta(days=days), friend)


def ids(items: list[Rankable]) -> list[int]:
    return [i.id for i in items]


def test_friends_come_first_whatever_the_sort() -> None:
    items = [r(1, 5, helpful=9), r(2, 1, friend=True), r(3, 3, days=2)]
    assert ids(order_reviews(items, ReviewSort.HELPFUL)) == [2, 1, 3]
    assert ids(order_reviews(items, ReviewSort.NEWEST)) == [2, 3, 1]
    assert ids(order_reviews(items, ReviewSort.LOWEST)) == [2, 3, 1]


def test_ties_never_fall_back_to_the_rating() -> None:
    # Same helpful count: the newer one first, even though it is the 1-star review.
    items = [r(1, 5, helpful=2, days=0), r(2, 1, helpful=2, days=1)]
    assert ids(order_reviews(items, ReviewSort.HELPFUL)) == [2, 1]


def test_summary_rounds_half_up_and_counts_each_star() -> None:
    s = summarise([5, 4, 4, 4])
    assert (s.count, s.average, s.distribution) == (4, "4.3", [1, 3, 0, 0, 0])
    assert s.percentages == [25, 75, 0, 0, 0]
    assert summarise([]).average == ""


def test_plain_text_is_cleaned_and_limited() -> None:
    assert clean_text(" a\u202eb\u200b\n\n\n\nc ", field="body", label="x", limit=10) == "ab\n\nc"
    with pytest.raises(TextRefused) as refused:
        clean_text("\u200b", field="body", label="The review", limit=10)
    assert refused.value.field == "body"
    with pytest.raises(TextRefused):
        clean_text("a" * 11, field="body", label="x", limit=10)
    assert clean_stars("4") == 4
    for bad in ("0", "6", "", "x"):
        with pytest.raises(TextRefused):
            clean_stars(bad)
    assert ReviewSort.parse("nonsense") is ReviewSort.HELPFUL
