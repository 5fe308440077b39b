"""A product page's reviews: the summary, the list with its sort and filters, the shopper's own
review form and photos, and helpful votes.

The summary and the helpful counts are live: the page's socket sits in the room
"reviews:<product id>" and `render_reviews` pushes them to everyone there after each change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import reflex as rx

from app.domain.events import DomainEvent
from app.domain.numbers import id_or_zero, parse_id, parse_whole
from app.domain.reviews import MAX_PHOTO_BYTES, MAX_PHOTOS
from app.realtime.rooms import Push, Viewer, delta, rooms
from app.services import reviews
from app.services.context import app_context
from app.services.reviews import ReviewView, SummaryView
from app.services.reviews.reporting import report_review
from app.states.name_badges import badges_for
from app.states.rooms import enter_room, leave_rooms
from app.states.session import SessionState

UPLOAD_ID = "review-photos"
EMPTY_SUMMARY = SummaryView(0, "", [])


class ReviewsState(SessionState):
    product_id: int = 0
    summary: SummaryView = EMPTY_SUMMARY  # pushed live
    helpful: dict[str, int] = {}  # pushed live: review id -> votes
    reviews: list[ReviewView] = []
    mine: ReviewView | None = None
    viewer_bought: bool = False
    sort: str = "helpful"
    stars: str = "all"
    friends_only: bool = False
    editing: bool = False
    field_errors: dict[str, str] = {}
    photo_error: str = ""
    name_badges: dict[str, list[str]] = {}  # reviewer id -> badge labels

    async def _load(self) -> None:
        user = await self._user_now()
        page = await asyncio.to_thread(
            reviews.product_reviews,
            app_context(),
            user.id if user else None,
            self._route_arg("product_key"),
            self.sort,
            parse_whole(self.stars, 0, 5) or 0,
            self.friends_only and user is not None,
        )
        self.product_id, self.summary, self.reviews = page.product_id, page.summary, page.reviews
        self.mine, self.viewer_bought, self.helpful = page.mine, page.viewer_bought, page.helpful
        self.name_badges = await asyncio.to_thread(badges_for, (r.author_id for r in page.reviews))

    @rx.event
    async def load(self) -> None:
        self.sort, self.stars, self.friends_only = "helpful", "all", False
        self.editing, self.field_errors, self.photo_error = False, {}, ""
        await self._load()
        await leave_rooms(self, "reviews:")
        if self.product_id:
            await enter_room(self, f"reviews:{self.product_id}", Viewer(None, ""))

    @rx.event
    async def set_sort(self, value: str) -> None:
        self.sort = value
        await self._load()

    @rx.event
    async def set_stars(self, value: str) -> None:
        self.stars = value
        await self._load()

    @rx.event
    async def set_friends_only(self, value: bool) -> None:
        self.friends_only = value
        await self._load()

    @rx.event
    def edit(self, editing: bool) -> None:
        self.editing, self.field_errors = editing, {}

    @rx.event
    async def save(self, form: dict[str, Any]) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to write a review.")
        try:
            await asyncio.to_thread(
                reviews.write_review,
                app_context(),
                user.id,
                self.product_id,
                form.get("stars", ""),
                str(form.get("title", "")),
                str(form.get("body", "")),
                self.client_address(),
            )
        except reviews.ReviewRefused as refusal:
            self.field_errors = {refusal.field or "form": refusal.message}
            return None
        had = self.mine is not None
        self.field_errors, self.editing = {}, False
        await self._load()
        return rx.toast.success("Review updated." if had else "Thanks, your review is posted.")

    @rx.event
    async def delete(self) -> Any:
        user = await self._user_now()
        if user is None or self.mine is None:
            return None
        try:
            await asyncio.to_thread(reviews.delete_review, app_context(), user.id, self.mine.id)
        except reviews.ReviewRefused as refusal:
            return rx.toast.error(refusal.message)
        await self._load()
        return rx.toast.info("Your review is deleted.")

    @rx.event
    async def upload_photos(self, files: list[rx.UploadFile]) -> Any:
        user = await self._user_now()
        if user is None or self.mine is None:
            return None
        picked = []
        # One more than allowed is enough for the service to refuse: the rest is not read.
        for upload in files[: MAX_PHOTOS + 1]:
            if (upload.size or 0) > MAX_PHOTO_BYTES:  # refused before reading it all
                limit = MAX_PHOTO_BYTES // 2**20
                self.photo_error = f"{upload.name} is too big: photos can be at most {limit} MB."
                return rx.clear_selected_files(UPLOAD_ID)
            picked.append((upload.name or "photo", await upload.read(MAX_PHOTO_BYTES + 1)))
        try:
            added = await asyncio.to_thread(
                reviews.add_review_photos,
                app_context(),
                user.id,
                self.mine.id,
                picked,
                self.client_address(),
            )
        except reviews.ReviewRefused as refusal:
            self.photo_error = refusal.message
            return rx.clear_selected_files(UPLOAD_ID)
        self.photo_error = ""
        await self._load()
        return [
            rx.clear_selected_files(UPLOAD_ID),
            rx.toast.success(f"{added} photo{'s' if added != 1 else ''} added."),
        ]

    @rx.event
    async def remove_photo(self, photo_id: int) -> Any:
        user = await self._user_now()
        if user is None:
            return None
        try:
            await asyncio.to_thread(
                reviews.remove_review_photo, app_context(), user.id, id_or_zero(photo_id)
            )
        except reviews.ReviewRefused as refusal:
            return rx.toast.error(refusal.message)
        await self._load()
        return None

    @rx.event
    async def vote(self, review_id: int) -> Any:
        return await self._helpful(reviews.vote_helpful, id_or_zero(review_id))

    @rx.event
    async def unvote(self, review_id: int) -> Any:
        return await self._helpful(reviews.withdraw_helpful, id_or_zero(review_id))

    async def _helpful(self, use_case: Callable[..., int], review_id: int) -> Any:
        """Mark a review helpful, or take the mark back (`use_case`), then show the new count."""
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to vote on reviews.")
        try:
            await asyncio.to_thread(
                use_case, app_context(), user.id, review_id, self.client_address()
            )
        except reviews.ReviewRefused as refusal:
            return rx.toast.info(refusal.message)
        await self._load()
        return None

    @rx.event
    async def report(self, review_id: int) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to report a review.")
        try:
            first = await asyncio.to_thread(
                report_review,
                app_context(),
                user.id,
                id_or_zero(review_id),
                "",
                self.client_address(),
            )
        except reviews.ReviewRefused as refusal:
            return rx.toast.info(refusal.message)
        return rx.toast.success(
            "Thanks: a moderator will look at it." if first else "You already reported it."
        )


async def render_reviews(event: DomainEvent) -> Push | None:
    """A review changed: the summary and every helpful count, read once, to every viewer."""
    if parse_id(event.aggregate_id) is None:
        return None
    stats = await asyncio.to_thread(reviews.review_stats, app_context(), int(event.aggregate_id))
    return delta(ReviewsState, summary=stats.summary, helpful=stats.helpful)


rooms.register("reviews", render_reviews)
