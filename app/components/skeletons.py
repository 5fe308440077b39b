"""Placeholders that hold a page's shape until its live data arrives, so nothing jumps.

A page's data comes over the websocket after the first paint. Whatever the data fills is drawn
as one region: `until_loaded(ready, content, placeholder)` shows the placeholder (grey blocks at
the size of what will come) and then swaps the whole region at once. Nothing that stays on the
page sits below a region that grows, so nothing already seen moves (the footer starts below
the fold: `page_shell`'s main is at least a screen tall).
"""

from __future__ import annotations

import reflex as rx


def _plain(*children: rx.Component, class_name: str, **style: str) -> rx.Component:
    """A bare element styled by assets/styles.css (and an inline size): a page draws and then
    drops its placeholders on every load, and a Radix component with emotion styles per block
    made that several times the work (issue 19: the blocking time of a phone's load)."""
    return rx.el.div(*children, class_name=class_name, custom_attrs={"style": style})


def block(height: str, width: str = "100%") -> rx.Component:
    """A grey block of a fixed size, for a line of text, a picture or a button."""
    return _plain(class_name="skeleton-block", height=height, width=width)


def picture(ratio: str) -> rx.Component:
    """A grey picture at its real aspect ratio, as wide as its column."""
    return _plain(
        class_name="skeleton-block", width="100%", aspectRatio=ratio, borderRadius="var(--radius-4)"
    )


def card_placeholder(picture_ratio: str, lines: int) -> rx.Component:
    """A card's shape: its picture at the real aspect ratio and `lines` lines under it."""
    return _plain(
        _plain(class_name="skeleton-picture", aspectRatio=picture_ratio),
        *[block("1.25rem", width="90%" if i % 2 else "60%") for i in range(lines)],
        class_name="skeleton-card",
    )


def placeholder_grid(count: int, picture_ratio: str, lines: int, columns: str) -> rx.Component:
    """`count` cards in the columns of the grid they stand for: "2 3 4" is two columns on a
    phone, three from 768 px, four from 1024 px (Radix's sm and md, as the real grids use)."""
    phone, tablet, desktop = columns.split()
    return _plain(
        *[card_placeholder(picture_ratio, lines) for _ in range(count)],
        class_name="skeleton-grid",
        **{"--columns": phone, "--columns-sm": tablet, "--columns-md": desktop},
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


def spinner(padding: str = "var(--space-9)", color: str = "", **layout: str) -> rx.Component:
    """A centred spinner for a page whose size is not known before its data (announced as
    busy to screen readers, like the placeholders)."""
    return rx.center(
        rx.spinner(size="3", **({"color": color} if color else {})),
        padding=padding,
        aria_busy="true",
        aria_label="Loading",
        role="status",
        **layout,
    )
