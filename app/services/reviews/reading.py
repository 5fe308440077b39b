"""What review pages read: one call per page load, filter change or live update."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select

from app.adapters.db.models_social import Review
from app.domain.reviews import RatingSummary, ReviewSort
from app.services.buyers import buyers_of
from app.services.context import Context
from app.services.deals.views import product_id_for
from app.services.reviews.views import (
    ReviewView,
    SummaryView,
    helpful_counts,
    product_summary,
    read_reviews,
)
from app.services.reviews.writing import photo_folder

_PHOTO_NAME = re.compile(r"^[A-Za-z0-9_-]{20,40}\.jpg$")


@dataclass(frozen=True)
class ReviewsPage:
    """A product's reviews for one viewer, with the filters that produced them."""

    product_id: int
    summary: SummaryView
    reviews: list[ReviewView]
    mine: ReviewView | None
    viewer_bought: bool
    helpful: dict[str, int]


@dataclass(frozen=True)
class ReviewStats:
    """What every viewer of a product's reviews sees change live."""

    summary: SummaryView
    helpful: dict[str, int]


def product_reviews(
    ctx: Context,
    viewer_id: int | None,
    product_key: str,
    sort: str = "helpful",
    stars: int = 0,
    friends_only: bool = False,
) -> ReviewsPage:
    """The reviews block of a product page for this viewer (None: a guest); `product_key` is
    the product's slug or id (an unknown one gives product_id 0 and no reviews)."""
    with ctx.session() as session:
        product_id = product_id_for(session, product_key[:100]) or 0
        chosen = ReviewSort.parse(sort)
        stars = stars if 1 <= stars <= 5 else 0
        shown = read_reviews(
            session, product_id, viewer_id, sort=chosen, stars=stars, friends_only=friends_only
        )
        mine = next((r for r in shown if r.mine), None)
        if mine is None and viewer_id:
            own = read_reviews(session, product_id, viewer_id, sort=chosen)
            mine = next((r for r in own if r.mine), None)
        bought = bool(viewer_id) and bool(buyers_of(session, product_id, [viewer_id or 0]))
        return ReviewsPage(
            product_id=product_id,
            summary=product_summary(session, product_id),
            reviews=shown,
            mine=mine,
            viewer_bought=bought,
            helpful=helpful_counts(session, product_id),
        )


def review_stats(ctx: Context, product_id: int) -> ReviewStats:
    """The live part of a product's reviews: the summary and every review's helpful count."""
    with ctx.session() as session:
        return ReviewStats(
            product_summary(session, product_id), helpful_counts(session, product_id)
        )


def rating_badges(ctx: Context, product_ids: list[int]) -> dict[str, str]:
    """For product cards: "4.3 ★ (12)" by product id (as text), for products with reviews."""
    if not product_ids:
        return {}
    with ctx.session() as session:
        rows = session.exec(
            select(Review.product_id, func.count(), func.sum(Review.stars))
            .where(col(Review.product_id).in_(product_ids))
            .group_by(col(Review.product_id))
        ).all()
    badges = {}
    for product_id, count, total in rows:
        tenths = (int(total) * 20 + int(count)) // (2 * int(count))
        summary = RatingSummary(int(count), f"{tenths // 10}.{tenths % 10}", [])
        badges[str(product_id)] = f"{summary.average} ★ ({summary.count})"
    return badges


def review_photo_path(ctx: Context, file_name: str) -> Path | None:
    """The stored file of a review photo, or None for any name we did not make."""
    if not _PHOTO_NAME.match(file_name):
        return None
    path = photo_folder(ctx) / file_name
    return path if path.is_file() else None
