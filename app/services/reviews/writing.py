"""Writing reviews: post or edit one's own, delete it, add or remove photos, vote helpful.

No reward is ever tied to a review or its rating, and nothing here orders or hides reviews by
their stars (see the README's honesty rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from app.adapters import images
from app.adapters.db.models import Product
from app.adapters.db.models_analytics import ReviewMute
from app.adapters.db.models_social import Review, ReviewPhoto, ReviewVote
from app.domain import reviews as rules
from app.domain.clock import as_utc
from app.domain.events import DomainEvent, EventKind
from app.domain.rewards import PointsReason
from app.domain.throttle import Rate
from app.services import helpful_marks
from app.services.activity import tell_friends
from app.services.allowances import spend
from app.services.context import Context
from app.services.rate_limits import stamp
from app.services.unit_of_work import UnitOfWork

PHOTO_FOLDER = "review-photos"
# A person writes REVIEW_WRITES_PER_HOUR (10, the database window, shared by edits and photos);
# an address, five people's worth: a family reviewing what they bought together fits.
WRITES_PER_ADDRESS = Rate("review.address", limit=50, seconds=3600)


class ReviewRefused(ValueError):
    """A review action we refuse; `field` names the form field the message belongs to ("" for
    the whole form)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


_HELPFUL = helpful_marks.Helpful(
    "review", Review, ReviewVote, PointsReason.REVIEW_HELPFUL, ReviewRefused
)


def photo_folder(ctx: Context) -> Path:
    return ctx.data_dir() / PHOTO_FOLDER


def _changed(product_id: int) -> DomainEvent:
    return DomainEvent("reviews", str(product_id), 0, EventKind.REVIEWS_CHANGED)


def too_fast(message: str) -> ReviewRefused:
    return ReviewRefused(message)


def _spend_review_write(uow: UnitOfWork, ctx: Context, actor_id: int) -> None:
    """Writing, editing and adding photos share one hourly allowance per shopper (and one
    per address, spent by `write_review` last in its transaction)."""
    stamp(
        uow.session,
        actor_id,
        "review",
        limit=rules.REVIEW_WRITES_PER_HOUR,
        window=timedelta(hours=1),
        now=ctx.now(),
        refuse=ReviewRefused,
    )


def _refuse_if_muted(session: Session, actor_id: int, now: datetime) -> None:
    until = session.exec(select(ReviewMute.until).where(ReviewMute.user_id == actor_id)).first()
    if until is not None and as_utc(until) > as_utc(now):
        raise ReviewRefused(
            f"A moderator paused your reviews until {as_utc(until):%d %b %H:%M} UTC."
        )


def _own_review(session: Session, actor_id: int, review_id: int) -> Review:
    review = session.get(Review, review_id)
    # Someone else's review and no review at all look the same: no probing by id.
    if review is None or review.author_id != actor_id:
        raise ReviewRefused("That review is not yours to change.")
    return review


def write_review(
    ctx: Context,
    actor_id: int,
    product_id: int,
    stars: object,
    title: str,
    body: str,
    address: str | None = None,
) -> int:
    """Post the actor's review of a product, or edit it if they wrote one. Returns its id.
    ReviewRefused (nothing kept) when the person or their address writes too fast."""
    try:
        clean_stars = rules.clean_stars(stars)
        clean_title = rules.clean_text(
            title, field="title", label="The title", limit=rules.MAX_TITLE, lines=1
        )
        clean_body = rules.clean_text(body, field="body", label="The review", limit=rules.MAX_BODY)
    except rules.TextRefused as error:
        raise ReviewRefused(error.message, error.field) from None
    with ctx.uow() as uow:
        if uow.session.get(Product, product_id) is None:
            raise ReviewRefused("We couldn't find that product.")
        _refuse_if_muted(uow.session, actor_id, ctx.now())
        _spend_review_write(uow, ctx, actor_id)
        review = uow.session.exec(
            select(Review).where(Review.product_id == product_id, Review.author_id == actor_id)
        ).first()
        now = ctx.now()
        if review is None:
            review = Review(
                product_id=product_id,
                author_id=actor_id,
                stars=clean_stars,
                title=clean_title,
                body=clean_body,
                created_at=now,
                updated_at=now,
            )
            try:
                with uow.session.begin_nested():
                    uow.session.add(review)
            except IntegrityError:  # a second tab posted at the same moment
                raise ReviewRefused(
                    "You have already reviewed this product: edit that review."
                ) from None
        else:
            review.stars, review.title, review.body = clean_stars, clean_title, clean_body
            review.updated_at = now
            uow.session.add(review)
        uow.session.flush()
        uow.record(_changed(product_id))
        tell_friends(uow, actor_id, "share.reviews")
        spend(ctx, too_fast, (WRITES_PER_ADDRESS, address))
        return review.id or 0


def drop_review(uow: UnitOfWork, review: Review) -> list[str]:
    """Delete a review with its photos' rows and votes, in the caller's transaction; the photo
    files to remove once it commits."""
    review_id = review.id or 0
    names = list(
        uow.session.exec(select(ReviewPhoto.file_name).where(ReviewPhoto.review_id == review_id))
    )
    uow.session.exec(delete(ReviewPhoto).where(col(ReviewPhoto.review_id) == review_id))
    uow.session.exec(delete(ReviewVote).where(col(ReviewVote.review_id) == review_id))
    uow.session.delete(review)
    uow.record(_changed(review.product_id))
    return names


def delete_review(ctx: Context, actor_id: int, review_id: int) -> None:
    """Delete the actor's own review with its photos and votes."""
    with ctx.uow() as uow:
        review = _own_review(uow.session, actor_id, review_id)
        names = drop_review(uow, review)
        tell_friends(uow, actor_id, "share.reviews")
    for name in names:  # after the commit: a failed delete keeps its files
        images.remove(photo_folder(ctx), name)


def add_review_photos(
    ctx: Context,
    actor_id: int,
    review_id: int,
    files: Sequence[tuple[str, bytes]],
    address: str | None = None,
) -> int:
    """Check, re-encode and attach photos (name, bytes) to the actor's review. All or none:
    one refused file refuses the batch with its reason, as do the person's and the address's
    review allowances. Returns how many were added."""
    if not files:
        raise ReviewRefused("Choose a photo first.", "photos")
    encoded = []
    for name, data in files:
        try:
            encoded.append(
                images.reencode(
                    name, data, max_bytes=rules.MAX_PHOTO_BYTES, max_side=rules.MAX_PHOTO_SIDE
                )
            )
        except images.PhotoRefused as error:
            raise ReviewRefused(str(error), "photos") from None
    stored: list[images.StoredPhoto] = []
    try:
        with ctx.uow() as uow:
            review = _own_review(uow.session, actor_id, review_id)
            _spend_review_write(uow, ctx, actor_id)
            have = len(
                uow.session.exec(
                    select(ReviewPhoto.id).where(ReviewPhoto.review_id == review_id)
                ).all()
            )
            if have + len(encoded) > rules.MAX_PHOTOS:
                raise ReviewRefused(
                    f"A review can have at most {rules.MAX_PHOTOS} photos.", "photos"
                )
            spend(ctx, too_fast, (WRITES_PER_ADDRESS, address))  # before any file is stored
            for jpeg, width, height in encoded:
                photo = images.store(photo_folder(ctx), jpeg, width, height)
                stored.append(photo)
                uow.session.add(
                    ReviewPhoto(
                        review_id=review_id,
                        file_name=photo.file_name,
                        width=photo.width,
                        height=photo.height,
                    )
                )
            uow.record(_changed(review.product_id))
    except Exception:
        for photo in stored:  # the rows were rolled back: so go the files
            images.remove(photo_folder(ctx), photo.file_name)
        raise
    return len(stored)


def remove_review_photo(ctx: Context, actor_id: int, photo_id: int) -> None:
    """Take one photo off the actor's own review."""
    with ctx.uow() as uow:
        photo = uow.session.get(ReviewPhoto, photo_id)
        if photo is None:
            raise ReviewRefused("That photo is not yours to remove.")
        review = _own_review(uow.session, actor_id, photo.review_id)
        name = photo.file_name
        uow.session.delete(photo)
        uow.record(_changed(review.product_id))
    images.remove(photo_folder(ctx), name)


def vote_helpful(ctx: Context, actor_id: int, review_id: int, address: str | None = None) -> int:
    """One "helpful" vote per shopper per review, never on one's own. Returns the new count.
    ReviewRefused (nothing kept) when the person or their address marks too fast."""
    with ctx.uow() as uow:
        review = helpful_marks.mark(ctx, uow.session, _HELPFUL, actor_id, review_id, address)
        uow.record(_changed(review.product_id))
        count = uow.session.exec(select(Review.helpful).where(Review.id == review_id)).one()
        return int(count)


def withdraw_helpful(
    ctx: Context, actor_id: int, review_id: int, address: str | None = None
) -> int:
    """Take one's "helpful" mark back; the author's points for it are reversed (a negative
    ledger entry). Returns the new count. ReviewRefused (nothing changed) when the person or
    their address does it too fast."""
    with ctx.uow() as uow:
        review = helpful_marks.unmark(ctx, uow.session, _HELPFUL, actor_id, review_id, address)
        uow.record(_changed(review.product_id))
        count = uow.session.exec(select(Review.helpful).where(Review.id == review_id)).one()
        return int(count)
