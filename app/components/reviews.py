"""The reviews section of a product page: summary, filters, the shopper's own form, the list."""

from __future__ import annotations

import reflex as rx

from app.components.form_fields import keyed_error
from app.components.picture_upload import chosen_badges, photos_drop_zone
from app.components.rewards import name_badges
from app.domain.reviews import MAX_BODY, MAX_PHOTOS, MAX_TITLE
from app.services.reviews import PhotoView, ReviewView, StarRow
from app.states.reviews import UPLOAD_ID, ReviewsState

SORTS = [("helpful", "Most helpful"), ("newest", "Newest"), ("lowest", "Lowest rating")]
STAR_FILTERS = [("all", "All stars")] + [(str(n), f"{n} stars") for n in range(5, 0, -1)]


def stars_text(stars: rx.Var[int]) -> rx.Component:
    """Filled and empty stars, read out as "4 out of 5 stars"."""
    return rx.text(
        rx.match(
            stars,
            (1, "★☆☆☆☆"),
            (2, "★★☆☆☆"),
            (3, "★★★☆☆"),
            (4, "★★★★☆"),
            "★★★★★",
        ),
        color=rx.color("amber", 11),
        role="img",
        aria_label=stars.to_string() + " out of 5 stars",
        size="3",
    )


def _distribution_row(row: rx.Var[StarRow]) -> rx.Component:
    return rx.hstack(
        rx.text(row.stars.to_string() + " ★", size="2", width="2.5rem", flex_shrink="0"),
        rx.progress(
            value=row.percent,
            max=100,
            color_scheme="amber",
            aria_label=row.stars.to_string() + " stars: " + row.percent.to_string() + " percent",
            flex_grow="1",
        ),
        rx.text(row.count.to_string(), size="2", width="2rem", text_align="right"),
        align="center",
        width="100%",
    )


def summary() -> rx.Component:
    s = ReviewsState.summary
    return rx.cond(
        s.count > 0,
        rx.flex(
            rx.vstack(
                rx.text(s.average, size="8", weight="bold", data_testid="review-average"),
                rx.text(
                    s.count.to_string() + rx.cond(s.count == 1, " review", " reviews"),
                    size="2",
                    color=rx.color("gray", 11),
                    data_testid="review-count",
                ),
                spacing="0",
                align="center",
                min_width="6rem",
            ),
            rx.vstack(rx.foreach(s.rows, _distribution_row), spacing="1", width="100%"),
            spacing="4",
            align="center",
            width="100%",
            data_testid="review-summary",
        ),
        rx.text("No reviews yet.", color=rx.color("gray", 11), data_testid="review-summary"),
    )


def _error(key: str) -> rx.Component:
    return keyed_error(ReviewsState.field_errors, "review", key)


def _review_form() -> rx.Component:
    mine = ReviewsState.mine
    return rx.form(
        rx.vstack(
            rx.el.fieldset(
                rx.el.legend("Your rating", font_weight="500"),
                rx.radio_group(
                    ["5", "4", "3", "2", "1"],
                    name="stars",
                    default_value=rx.cond(mine, mine.stars.to_string(), ""),
                    direction="row",
                    spacing="4",
                    aria_label="Your rating, in stars",
                ),
                _error("stars"),
            ),
            rx.el.label("Title", html_for="review-title", font_weight="500"),
            rx.input(
                id="review-title",
                name="title",
                max_length=MAX_TITLE,
                default_value=rx.cond(mine, mine.title, ""),
                width="100%",
                aria_describedby="review-title-error",
            ),
            _error("title"),
            rx.el.label("Your review", html_for="review-body", font_weight="500"),
            rx.text_area(
                id="review-body",
                name="body",
                max_length=MAX_BODY,
                rows="4",
                default_value=rx.cond(mine, mine.body, ""),
                width="100%",
                aria_describedby="review-body-error",
            ),
            _error("body"),
            _error("form"),
            rx.text(
                "Say what you liked and what you didn't: every review is shown, whatever its "
                "rating, and nobody is paid or rewarded for one.",
                size="1",
                color=rx.color("gray", 11),
            ),
            rx.hstack(
                rx.button(rx.cond(mine, "Save changes", "Post review"), type="submit"),
                rx.cond(
                    mine,
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=ReviewsState.edit(False),
                    ),
                ),
                spacing="2",
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        on_submit=ReviewsState.save,
        reset_on_submit=False,
        width="100%",
        # New defaults after an edit: a fresh form when the shopper's review changes.
        key=rx.cond(mine, mine.id.to_string() + mine.title, "new"),
    )


def _photo_upload() -> rx.Component:
    zone = photos_drop_zone(
        UPLOAD_ID,
        rx.vstack(
            rx.icon("image-plus", size=20, aria_hidden="true"),
            rx.text(
                f"Add up to {MAX_PHOTOS} photos (JPEG, PNG or WebP, 5 MB each): drop them "
                "here or click to choose.",
                size="2",
            ),
            align="center",
            spacing="1",
        ),
        "Choose review photos",
        "var(--space-3)",
    )
    return rx.vstack(
        zone,
        chosen_badges(UPLOAD_ID),
        rx.button(
            rx.icon("upload", size=16),
            "Upload photos",
            variant="soft",
            on_click=ReviewsState.upload_photos(rx.upload_files(upload_id=UPLOAD_ID)),
        ),
        rx.cond(
            ReviewsState.photo_error != "",
            rx.text(
                ReviewsState.photo_error,
                color=rx.color("red", 11),
                size="2",
                role="alert",
                data_testid="review-error-photos",
            ),
        ),
        spacing="2",
        width="100%",
        align="start",
    )


def _my_review_panel() -> rx.Component:
    """Signed in: the form (new review, or editing), else the shopper's review's actions."""
    return rx.cond(
        ReviewsState.signed_in,
        rx.cond(
            ReviewsState.mine & ~ReviewsState.editing,
            rx.vstack(
                rx.hstack(
                    rx.text("You reviewed this product.", weight="medium"),
                    rx.button(
                        "Edit your review",
                        variant="soft",
                        size="1",
                        on_click=ReviewsState.edit(True),
                    ),
                    rx.button(
                        "Delete your review",
                        variant="soft",
                        color_scheme="red",
                        size="1",
                        on_click=ReviewsState.delete,
                    ),
                    wrap="wrap",
                    align="center",
                    spacing="2",
                ),
                _photo_upload(),
                width="100%",
                spacing="2",
            ),
            _review_form(),
        ),
        rx.text("Sign in to review this product.", color=rx.color("gray", 11)),
    )


def _photo(photo: rx.Var[PhotoView], own: rx.Var[bool]) -> rx.Component:
    return rx.box(
        rx.link(
            rx.image(
                src=photo.url,
                alt="Photo from the review",
                width="88px",
                height="88px",
                object_fit="cover",
                border_radius="var(--radius-2)",
                data_testid="review-photo",
            ),
            href=photo.url,
            is_external=True,
            aria_label="Open the review photo",
        ),
        rx.cond(
            own,
            rx.icon_button(
                rx.icon("x", size=12),
                size="1",
                variant="solid",
                color_scheme="gray",
                aria_label="Remove this photo",
                on_click=ReviewsState.remove_photo(photo.id),
                position="absolute",
                top="2px",
                right="2px",
            ),
        ),
        position="relative",
    )


def _review(review: rx.Var[ReviewView]) -> rx.Component:
    votes = ReviewsState.helpful[review.id.to_string()]
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.avatar(
                    fallback=review.author_initials,
                    size="2",
                    radius="full",
                    color_scheme=review.author_colour,
                    alt=review.author_name,
                ),
                rx.text(review.author_name, weight="medium", data_testid="review-author"),
                name_badges(ReviewsState.name_badges.get(review.author_id.to_string(), [])),
                rx.cond(review.from_friend, rx.badge("Friend", color_scheme="blue")),
                rx.cond(
                    review.verified,
                    rx.badge(
                        rx.icon("badge-check", size=12),
                        "Verified buyer",
                        color_scheme="grass",
                        data_testid="verified-buyer",
                    ),
                ),
                wrap="wrap",
                align="center",
                spacing="2",
            ),
            rx.hstack(
                stars_text(review.stars),
                rx.text(review.title, weight="bold", data_testid="review-title"),
                wrap="wrap",
                align="center",
                spacing="2",
            ),
            rx.text(
                review.date + rx.cond(review.edited, " · edited", ""),
                size="1",
                color=rx.color("gray", 11),
            ),
            rx.text(review.body, white_space="pre-wrap", data_testid="review-body"),
            rx.cond(
                review.photos.length() > 0,
                rx.hstack(
                    rx.foreach(review.photos, lambda p: _photo(p, review.mine)),
                    spacing="2",
                    wrap="wrap",
                ),
            ),
            rx.hstack(
                rx.button(
                    rx.icon("thumbs-up", size=14),
                    rx.cond(review.voted, "You found this helpful (undo)", "Helpful"),
                    variant="soft",
                    size="1",
                    disabled=review.mine,
                    on_click=rx.cond(
                        review.voted,
                        ReviewsState.unvote(review.id),
                        ReviewsState.vote(review.id),
                    ),
                    aria_label="Mark the review by " + review.author_name + " helpful",
                ),
                rx.text(
                    votes.to_string()
                    + rx.cond(votes == 1, " person", " people")
                    + " found this helpful",
                    size="1",
                    color=rx.color("gray", 11),
                    data_testid="review-helpful",
                ),
                rx.cond(
                    ~review.mine,
                    rx.button(
                        rx.icon("flag", size=14, aria_hidden="true"),
                        "Report",
                        variant="ghost",
                        color_scheme="gray",
                        size="1",
                        on_click=ReviewsState.report(review.id),
                        aria_label="Report the review by " + review.author_name,
                        data_testid="report-review",
                    ),
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        data_testid="review",
        width="100%",
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.select.root(
            rx.select.trigger(aria_label="Sort reviews"),
            rx.select.content(*[rx.select.item(label, value=v) for v, label in SORTS]),
            value=ReviewsState.sort,
            on_change=ReviewsState.set_sort,
        ),
        rx.select.root(
            rx.select.trigger(aria_label="Filter reviews by stars"),
            rx.select.content(*[rx.select.item(label, value=v) for v, label in STAR_FILTERS]),
            value=ReviewsState.stars,
            on_change=ReviewsState.set_stars,
        ),
        rx.cond(
            ReviewsState.signed_in,
            rx.el.label(
                rx.hstack(
                    rx.switch(
                        checked=ReviewsState.friends_only,
                        on_change=ReviewsState.set_friends_only,
                    ),
                    rx.text("From friends", size="2"),
                    align="center",
                    spacing="2",
                ),
            ),
        ),
        spacing="3",
        wrap="wrap",
        align="center",
    )


def reviews_section() -> rx.Component:
    return rx.el.section(
        rx.vstack(
            rx.heading("Reviews", size="6", as_="h2", id="reviews-heading"),
            summary(),
            _my_review_panel(),
            _filters(),
            rx.cond(
                ReviewsState.reviews.length() > 0,
                rx.vstack(rx.foreach(ReviewsState.reviews, _review), spacing="3", width="100%"),
                rx.cond(
                    ReviewsState.summary.count > 0,
                    rx.text("No reviews match these filters.", color=rx.color("gray", 11)),
                ),
            ),
            spacing="4",
            width="100%",
            align="start",
        ),
        aria_labelledby="reviews-heading",
        width="100%",
    )
