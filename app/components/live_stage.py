"""The stage of a live session: the video (or its poster), the live badge, the viewer count and
the hearts that float up over it."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.components.shell_picture import shell_picture
from app.components.skeletons import spinner
from app.services.live import LiveSessionView


def status_badge(status: rx.Var[str]) -> rx.Component:
    return rx.match(
        status,
        ("live", rx.badge(rx.icon("radio", size=14), "LIVE", color_scheme="red", variant="solid")),
        (
            "ended",
            rx.badge(rx.icon("history", size=14), "Replay", color_scheme="gray", variant="solid"),
        ),
        rx.badge(
            rx.icon("calendar-clock", size=14), "Upcoming", color_scheme="amber", variant="solid"
        ),
    )


def _poster(view: rx.Var[LiveSessionView]) -> rx.Component:
    return rx.box(
        rx.image(
            src=view.cover_image,
            alt="Cover of " + view.title,
            width="100%",
            height="100%",
            object_fit="cover",
            position="absolute",
            inset="0",
        ),
        rx.center(
            rx.text(
                rx.match(
                    view.status,
                    ("live", "The host is live without video: follow along in the chat."),
                    ("ended", "This session has ended."),
                    "The stream starts when the host goes live.",
                ),
                size="3",
                weight="medium",
                color="white",
                text_align="center",
                padding="var(--space-3)",
                background="rgba(0,0,0,0.55)",
                border_radius="var(--radius-3)",
            ),
            position="absolute",
            inset="0",
            padding="var(--space-4)",
        ),
        position="absolute",
        inset="0",
        data_testid="live-poster",
    )


def _player(view: rx.Var[LiveSessionView]) -> rx.Component:
    return rx.box(
        rx.video(
            src=view.stream_url,
            playing=view.status == "live",
            muted=True,
            loop=view.stream_kind == "file",
            controls=True,
            width="100%",
            height="100%",
            light=False,
        ),
        position="absolute",
        inset="0",
        data_testid="live-player",
    )


def _hearts(hearts: rx.Var[list]) -> rx.Component:
    return rx.box(
        rx.foreach(
            hearts,
            lambda heart: rx.el.span(
                "♥",
                key=heart["id"],
                class_name="live-heart",
                style={"left": heart["x"].to_string() + "%", "--drift": heart["drift"]},
            ),
        ),
        class_name="live-hearts",
        aria_hidden="true",
    )


def _frame(*children: rx.Component, **props: Any) -> rx.Component:
    return rx.box(
        *children,
        **props,
        position="relative",
        width="100%",
        aspect_ratio="16 / 9",
        background="black",
        border_radius="var(--radius-4)",
        overflow="hidden",
    )


def loading_stage() -> rx.Component:
    """The stage before the session's data: its cover at once when the shell named it (the
    page's largest paint need not wait for the websocket, issue 19), and a spinner."""
    return _frame(
        shell_picture(
            width="100%", height="100%", object_fit="cover", position="absolute", inset="0"
        ),
        spinner("0", color="white", position="absolute", inset="0"),
        data_testid="live-loading",
    )


def stage(
    view: rx.Var[LiveSessionView], viewer_count: rx.Var[int], hearts: rx.Var[list]
) -> rx.Component:
    """16:9 video area; the poster shows when there is no stream (or before it starts)."""
    show_video = (view.stream_url != "") & (view.status != "scheduled")
    return _frame(
        rx.cond(show_video, _player(view), _poster(view)),
        _hearts(hearts),
        rx.hstack(
            status_badge(view.status),
            rx.cond(
                view.status == "live",
                rx.badge(
                    rx.icon("eye", size=14),
                    rx.text(viewer_count.to_string(), data_testid="viewer-count"),
                    rx.text("watching", class_name="sr-only"),
                    color_scheme="gray",
                    variant="solid",
                    high_contrast=True,
                ),
            ),
            position="absolute",
            top="var(--space-3)",
            left="var(--space-3)",
            spacing="2",
            z_index="2",
        ),
    )
