"""What review pages show, read from the database in one session."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.adapters.db.models_people import User
from app.adapters.db.models_social import Review, ReviewPhoto, ReviewVote
from app.domain.clock import as_utc
from app.domain.people import avatar_colour, initials
from app.domain.reviews import Rankable, RatingSummary, ReviewSort, order_reviews, summarise
from app.services.buyers import buyers_of
from app.services.circle import friend_ids

PHOTO_URL = "/review-photos/"


@dataclass(frozen=True)
class PhotoView:
    id: int
    url: str


@dataclass(frozen=True)
class ReviewView:
    id: int
    author_id: int
    author_name: str
    author_initials: str
    author_colour: str
    stars: int
    title: str
    body: str
    helpful: int
    date: str  # YYYY-MM-DD
    edited: bool
    verified: bool
    from_friend: bool
    mine: bool
    voted: bool
    photos: list[PhotoView] = field(default_factory=list)


@dataclass(frozen=True)
class StarRow:
    stars: int
    count: int
    percent: int


@dataclass(frozen=True)
class SummaryView:
    count: int
    average: str
    rows: list[StarRow]


def summary_view(summary: RatingSummary) -> SummaryView:
    rows = [
        StarRow(5 - i, n, pct)
        for i, (n, pct) in enumerate(zip(summary.distribution, summary.percentages, strict=True))
    ]
    return SummaryView(summary.count, summary.average, rows)


def product_summary(session: Session, product_id: int) -> SummaryView:
    stars = session.exec(select(Review.stars).where(Review.product_id == product_id)).all()
    return summary_view(summarise([int(s) for s in stars]))


def helpful_counts(session: Session, product_id: int) -> dict[str, int]:
    """Each review's helpful votes by review id (as text: the page's dict keys)."""
    rows = session.exec(
        select(Review.id, Review.helpful).where(Review.product_id == product_id)
    ).all()
    return {str(i): int(h) for i, h in rows}


def read_reviews(
    session: Session,
    product_id: int,
    viewer_id: int | None,
    *,
    sort: ReviewSort,
    stars: int = 0,
    friends_only: bool = False,
) -> list[ReviewView]:
    """The product's reviews for this viewer: friends' first, then in the chosen order."""
    query = select(Review, User).join(User, col(User.id) == Review.author_id)
    query = query.where(Review.product_id == product_id)
    if stars:
        query = query.where(Review.stars == stars)
    rows = session.exec(query).all()
    friends = friend_ids(session, viewer_id)
    if friends_only:
        rows = [(r, u) for r, u in rows if r.author_id in friends]
    if not rows:
        return []
    ids = [r.id or 0 for r, _ in rows]
    verified = buyers_of(session, product_id, {r.author_id for r, _ in rows})
    voted: set[int] = set()
    if viewer_id:
        voted = set(
            session.exec(
                select(ReviewVote.review_id).where(
                    ReviewVote.user_id == viewer_id, col(ReviewVote.review_id).in_(ids)
                )
            ).all()
        )
    photos: dict[int, list[PhotoView]] = {}
    for photo in session.exec(
        select(ReviewPhoto).where(col(ReviewPhoto.review_id).in_(ids)).order_by(col(ReviewPhoto.id))
    ).all():
        photos.setdefault(photo.review_id, []).append(
            PhotoView(photo.id or 0, PHOTO_URL + photo.file_name)
        )
    by_id = {r.id: (r, u) for r, u in rows}
    ranked = order_reviews(
        (
            Rankable(r.id or 0, r.stars, r.helpful, as_utc(r.created_at), r.author_id in friends)
            for r, _ in rows
        ),
        sort,
    )
    views = []
    for item in ranked:
        review, user = by_id[item.id]
        created, updated = as_utc(review.created_at), as_utc(review.updated_at)
        views.append(
            ReviewView(
                id=item.id,
                author_id=review.author_id,
                author_name=user.display_name,
                author_initials=initials(user.display_name),
                author_colour=avatar_colour(review.author_id),
                stars=review.stars,
                title=review.title,
                body=review.body,
                helpful=review.helpful,
                date=created.date().isoformat(),
                edited=(updated - created).total_seconds() > 1,
                verified=review.author_id in verified,
                from_friend=item.from_friend,
                mine=review.author_id == viewer_id,
                voted=item.id in voted,
                photos=photos.get(item.id, []),
            )
        )
    return views
