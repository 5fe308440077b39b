"""A community's posts: the composer with photos, posts with their photos and replies, and
the menu with report and the hosts' pin, delete and mute. Text is only ever rendered as text or
as a safe link (`message_parts`), never as HTML."""

from __future__ import annotations

import reflex as rx

from app.components.message_parts import (
    actions_menu,
    author_avatar,
    message_row,
    message_text,
)
from app.components.picture_upload import IMAGE_TYPES, chosen_badges, photos_drop_zone
from app.domain import chat as chat_rules
from app.domain import communities as rules
from app.services.chat.views import ChatMessageView
from app.services.communities import PostView
from app.states.community import POST_INPUT, REPLY_INPUT, UPLOAD_ID, CommunityState
from app.states.community_moderation import CommunityModerationState

S = CommunityState
M = CommunityModerationState
MUTED = rx.color("gray", 11)


def _time(iso: rx.Var[str]) -> rx.Component:
    return rx.el.time(
        rx.moment(iso, from_now=True, interval=60000),
        date_time=iso,
        title=iso,
        style={"color": "var(--gray-11)", "fontSize": "var(--font-size-1)"},
    )


def composer() -> rx.Component:
    zone = photos_drop_zone(
        UPLOAD_ID,
        rx.hstack(
            rx.icon("image-plus", size=18, aria_hidden="true"),
            rx.text(f"Add up to {rules.MAX_PHOTOS} photos (drop or click)", size="2"),
            align="center",
            spacing="2",
        ),
        "Choose photos for your post",
        "var(--space-2)",
        accept=IMAGE_TYPES,
    )
    return rx.cond(
        S.is_member,
        rx.card(
            rx.vstack(
                rx.el.label("Write a post", html_for=POST_INPUT, class_name="sr-only"),
                rx.text_area(
                    id=POST_INPUT,
                    placeholder="Share something with the community…",
                    on_change=S.set_draft,
                    max_length=rules.POST_MAX_LENGTH,
                    rows="3",
                    width="100%",
                    aria_label="Write a post",
                ),
                zone,
                chosen_badges(UPLOAD_ID, size="1"),
                rx.cond(
                    S.post_error != "",
                    rx.text(
                        S.post_error,
                        color=rx.color("red", 11),
                        size="2",
                        role="alert",
                        data_testid="community-post-error",
                    ),
                ),
                rx.button(
                    rx.icon("send", size=16),
                    "Post",
                    on_click=S.send_post(rx.upload_files(upload_id=UPLOAD_ID)),
                    align_self="end",
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        rx.callout(
            rx.cond(S.my_id == 0, "Sign in and join to post here.", "Join to post and reply."),
            icon="info",
            width="100%",
        ),
    )


def _menu(m: rx.Var[ChatMessageView], post: rx.Var[PostView] | None) -> rx.Component:
    pin = []
    if post is not None:
        pin = [
            rx.cond(
                post.pinned,
                rx.menu.item("Unpin", on_click=M.pin(m.id, False)),
                rx.menu.item("Pin to the top", on_click=M.pin(m.id, True)),
            )
        ]
    return rx.cond(
        S.my_id != 0,
        actions_menu(
            "More actions for the post by " + m.author_name,
            mine=m.author_id == S.my_id,
            can_moderate=S.can_moderate,
            report=M.report(m.id),
            delete=M.delete(m.id),
            mute=lambda minutes: M.mute(m.author_id, minutes),
            pin=pin,
        ),
    )


def _byline(m: rx.Var[ChatMessageView], size: str) -> rx.Component:
    return rx.hstack(
        author_avatar(m, size),
        rx.text(m.author_name, weight="bold", size="2", data_testid="community-author"),
        _time(m.sent_at),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _reply(m: rx.Var[ChatMessageView]) -> rx.Component:
    return message_row(
        m,
        [_byline(m, "1"), message_text(m, "2", "community-reply-text")],
        _menu(m, None),
        "community-reply",
    )


def _reply_form(post: rx.Var[PostView]) -> rx.Component:
    input_id = REPLY_INPUT + post.message.id.to_string()
    return rx.cond(
        S.is_member,
        rx.form(
            rx.hstack(
                rx.el.input(type="hidden", name="post_id", value=post.message.id.to_string()),
                rx.input(
                    id=input_id,
                    name="reply",
                    placeholder="Reply…",
                    max_length=chat_rules.MAX_MESSAGE_LENGTH,
                    aria_label="Reply to " + post.message.author_name,
                    flex="1",
                    size="2",
                ),
                rx.button("Reply", size="2", variant="soft", type="submit"),
                width="100%",
                spacing="2",
            ),
            on_submit=S.send_reply,
            reset_on_submit=True,
            width="100%",
        ),
    )


def _post(post: rx.Var[PostView]) -> rx.Component:
    m = post.message
    return rx.card(
        rx.vstack(
            rx.flex(
                _byline(m, "2"),
                rx.hstack(
                    rx.cond(
                        post.founding, rx.badge("Founding member", color_scheme="amber", size="1")
                    ),
                    rx.cond(
                        post.pinned,
                        rx.badge(
                            rx.icon("pin", size=12),
                            "Pinned",
                            color_scheme="tomato",
                            size="1",
                            data_testid="community-pinned",
                        ),
                    ),
                    _menu(m, post),
                    spacing="2",
                    align="center",
                    margin_left="auto",
                ),
                wrap="wrap",
                gap="2",
                align="center",
                width="100%",
            ),
            message_text(m, "3", "community-post-text"),
            rx.cond(
                post.photos.length() > 0,
                rx.grid(
                    rx.foreach(
                        post.photos,
                        lambda url: rx.image(
                            src=url,
                            alt="Photo by " + m.author_name,
                            width="100%",
                            aspect_ratio="4 / 3",
                            object_fit="cover",
                            border_radius="var(--radius-2)",
                            loading="lazy",
                        ),
                    ),
                    columns=rx.breakpoints(initial="2", sm="3"),
                    spacing="2",
                    width="100%",
                ),
            ),
            rx.cond(
                post.reply_count > 0,
                rx.vstack(
                    rx.text(
                        post.reply_count.to_string()
                        + rx.cond(post.reply_count == 1, " reply", " replies"),
                        size="1",
                        color=MUTED,
                    ),
                    rx.foreach(post.replies, _reply),
                    spacing="2",
                    width="100%",
                    padding_left="var(--space-3)",
                    border_left=f"2px solid {rx.color('gray', 5)}",
                ),
            ),
            _reply_form(post),
            spacing="3",
            width="100%",
        ),
        key=m.id,
        width="100%",
        data_testid="community-post",
        custom_attrs={"data-post-id": m.id},
    )


def feed() -> rx.Component:
    return rx.vstack(
        rx.heading("Posts", size="5", as_="h2"),
        composer(),
        rx.cond(
            S.posts.length() > 0,
            rx.vstack(rx.foreach(S.posts, _post), spacing="3", width="100%"),
            rx.text("No posts yet. Say hello!", color=MUTED, size="2"),
        ),
        spacing="3",
        width="100%",
    )
