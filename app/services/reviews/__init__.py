"""Reviews: one per shopper per product, with photos, helpful votes and an honest order."""

from __future__ import annotations

from app.services.reviews.reading import (
    ReviewsPage,
    ReviewStats,
    product_reviews,
    rating_badges,
    review_photo_path,
    review_stats,
)
from app.services.reviews.views import PhotoView, ReviewView, StarRow, SummaryView
from app.services.reviews.writing import (
    ReviewRefused,
    add_review_photos,
    delete_review,
    remove_review_photo,
    vote_helpful,
    withdraw_helpful,
    write_review,
)

__all__ = [
    "PhotoView",
    "ReviewRefused",
    "ReviewStats",
    "ReviewView",
    "ReviewsPage",
    "StarRow",
    "SummaryView",
    "add_review_photos",
    "delete_review",
    "product_reviews",
    "rating_badges",
    "remove_review_photo",
    "review_photo_path",
    "review_stats",
    "vote_helpful",
    "withdraw_helpful",
    "write_review",
]
