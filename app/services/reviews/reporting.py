"""Reporting a review to the moderators, and what moderators do with reported reviews: keep
it (reports close), remove it (with its photos and votes), or stop its author writing reviews
for a while."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from app.adapters import images
from app.adapters.db.models import Product
from app.adapters.db.models_analytics import ReviewMute, ReviewReport
from app.adapters.db.models_people import User
from app.adapters.db.models_social import Review
from app.domain.clock import as_utc
from app.domain.people import MODERATING_ROLES
from app.domain.throttle import Rate
from app.services.allowances import spend
from app.services.console.access import require
from app.services.context import Context
from app.services.helpful_marks import someone_elses
from app.services.rate_limits import stamp
from app.services.reviews.writing import ReviewRefused, drop_review, photo_folder, too_fast

REPORTS_PER_HOUR = 20
# An address reports five people's worth an hour: enough for a household, not for a script
# with many accounts reporting every review of a rival's product.
REPORTS_PER_ADDRESS = Rate("review.report.address", limit=5 * REPORTS_PER_HOUR, seconds=3600)
MAX_REASON = 300


@dataclass(frozen=True)
class ReportedReview:
    review_id: int
    product: str
    author_id: int
    author: str
    text: str  # title and body
    reports: int
    reasons: str
    first_reported: datetime


def report_review(
    ctx: Context, actor_id: int, review_id: int, reason: str = "", address: str | None = None
) -> bool:
    """Flag a review for the moderators; True the first time this person reports it.
    ReviewRefused (nothing kept) when the person or their address reports too fast."""
    with ctx.uow() as uow:
        someone_elses(
            uow.session,
            Review,
            review_id,
            actor_id,
            refuse=ReviewRefused,
            noun="review",
            own="report",
        )
        stamp(
            uow.session,
            actor_id,
            "review.report",
            limit=REPORTS_PER_HOUR,
            window=timedelta(hours=1),
            now=ctx.now(),
            refuse=ReviewRefused,
        )
        try:
            with uow.session.begin_nested():
                uow.session.add(
                    ReviewReport(
                        review_id=review_id,
                        reporter_id=actor_id,
                        reason=reason.strip()[:MAX_REASON],
                        created_at=ctx.now(),
                    )
                )
        except IntegrityError:
            return False
        spend(ctx, too_fast, (REPORTS_PER_ADDRESS, address))
        return True


def reported_reviews(session: Session, limit: int) -> list[ReportedReview]:
    """Reviews with open reports, most reported first (the caller checked the role)."""
    count = func.count(col(ReviewReport.id))
    rows = (
        session.connection()
        .execute(
            sa_select(
                col(Review.id),
                col(Product.title),
                col(Review.author_id),
                col(User.display_name),
                col(Review.title),
                col(Review.body),
                count,
                func.min(col(ReviewReport.created_at)),
            )
            .select_from(ReviewReport)
            .join(Review, col(Review.id) == col(ReviewReport.review_id))
            .join(Product, col(Product.id) == col(Review.product_id))
            .join(User, col(User.id) == col(Review.author_id))
            .where(col(ReviewReport.resolved_at).is_(None))
            .group_by(
                col(Review.id),
                col(Product.title),
                col(Review.author_id),
                col(User.display_name),
                col(Review.title),
                col(Review.body),
            )
            .order_by(count.desc(), func.min(ReviewReport.created_at))
            .limit(limit)
        )
        .all()
    )
    reasons: dict[int, list[str]] = {}
    ids = [int(row[0] or 0) for row in rows]
    for review_id, reason in session.exec(
        select(ReviewReport.review_id, ReviewReport.reason).where(
            col(ReviewReport.review_id).in_(ids), col(ReviewReport.resolved_at).is_(None)
        )
    ).all():
        if reason:
            reasons.setdefault(review_id, []).append(reason)
    return [
        ReportedReview(
            review_id=int(review_id or 0),
            product=product,
            author_id=author_id,
            author=author,
            text=f"{title} — {body}"[:500],
            reports=int(n),
            reasons="; ".join(reasons.get(int(review_id or 0), []))[:300],
            first_reported=as_utc(first),
        )
        for review_id, product, author_id, author, title, body, n, first in rows
    ]


def _close_reports(session: Session, review_id: int, now: datetime) -> int:
    closed = session.exec(
        update(ReviewReport)
        .where(col(ReviewReport.review_id) == review_id, col(ReviewReport.resolved_at).is_(None))
        .values(resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(closed.rowcount or 0)


def keep_review(ctx: Context, actor_id: int, review_id: int) -> int:
    """A moderator keeps the review; its open reports close. How many closed."""
    with ctx.uow() as uow:
        require(uow.session, actor_id, MODERATING_ROLES)
        return _close_reports(uow.session, review_id, ctx.now())


def remove_review(ctx: Context, actor_id: int, review_id: int) -> bool:
    """A moderator removes the review (photos and votes too); False if it was already gone."""
    with ctx.uow() as uow:
        require(uow.session, actor_id, MODERATING_ROLES)
        review = uow.session.get(Review, review_id)
        if review is None:
            return False
        _close_reports(uow.session, review_id, ctx.now())
        # Reports point at the review: closed reports go with it.
        uow.session.exec(
            ReviewReport.__table__.delete().where(  # type: ignore[attr-defined]
                ReviewReport.__table__.c.review_id == review_id  # type: ignore[attr-defined]
            )
        )
        names = drop_review(uow, review)
    for name in names:
        images.remove(photo_folder(ctx), name)
    return True


def mute_reviewer(ctx: Context, actor_id: int, user_id: int, hours: int = 24) -> datetime:
    """A moderator stops `user_id` writing or editing reviews for `hours`; when it ends."""
    until = as_utc(ctx.now()) + timedelta(hours=hours)
    with ctx.uow() as uow:
        require(uow.session, actor_id, MODERATING_ROLES)
        found = uow.session.get(ReviewMute, user_id)
        if found is None:
            uow.session.add(ReviewMute(user_id=user_id, until=until))
        else:
            found.until = until
            uow.session.add(found)
    return until
