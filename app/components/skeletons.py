"""Placeholders that hold a page's shape until its live data arrives, so nothing jumps.

A page's data comes over the websocket after the first paint. Whatever the data fills is drawn
as one region: `until_loaded(ready, content, placeholder)` shows the placeholder (grey blocks at
the size of what will come) and then swaps the whole region at once. Nothing that stays on the
page sits below a region that grows, so nothing already seen moves (the footer starts below
the fold: `page_shell`'s main is at least a screen tall).
"""

from __future__ import annotations

import reflex as rx


def block(height: str, width: str = "100%", radius: str = "var(--radius-3)") -> rx.Component:
    """A grey block of a fixed size, for a line of text, a picture or a button."""
    return rx.box(
        height=height,
        width=width,
        border_radius=radius,
        background=rx.color("gray", 4),
        flex_shrink="0",
    )


def card_placeholder(picture_ratio: str, lines: int) -> rx.Component:
    """A card's shape: its picture at the real aspect ratio and `lines` lines under it."""
    return rx.card(
        rx.inset(
            rx.box(width="100%", aspect_ratio=picture_ratio, background=rx.color("gray", 4)),
            side="top",
            pb="current",
        ),
        rx.vstack(
            *[block("1.25rem", width="90%" if i % 2 else "60%") for i in range(lines)],
            spacing="2",
            width="100%",
        ),
        height="100%",
    )


def placeholder_grid(
    count: int, picture_ratio: str, lines: int, columns: rx.Var | dict | str
) -> rx.Component:  # type: ignore[type-arg]
    return rx.grid(
        *[card_placeholder(picture_ratio, lines) for _ in range(count)],
        columns=columns,
        spacing=rx.breakpoints(initial="3", md="4"),
        width="100%",
    )


def until_loaded(
    ready: rx.Var[bool], content: rx.Component, placeholder: rx.Component
) -> rx.Component:
    """`content` once `ready`, the placeholder before (announced as busy to screen readers)."""
    return rx.cond(
        ready,
        content,
        rx.box(
            placeholder,
            aria_busy="true",
            aria_label="Loading",
            role="status",
            width="100%",
            data_testid="loading-placeholder",
        ),
    )
