"""A deal's "bring a friend" link: the shopper's own `?ref=` link; a friend who joins through
it earns them points (once per friend per deal)."""

from __future__ import annotations

import reflex as rx

from app.components.copy_link import copy_link_field
from app.states.deals import DealState


def friend_link_panel() -> rx.Component:
    link = DealState.router.url.origin + DealState.ref_path  # type: ignore[operator]
    return rx.cond(
        DealState.ref_path != "",
        copy_link_field(
            "friend-link",
            "Bring a friend",
            link,
            hint=rx.text(
                "Share your link: when a friend joins through it you earn points.",
                size="2",
                color=rx.color("gray", 11),
            ),
            copy_label="Copy your link to this deal",
            icon_props={"aria_hidden": "true"},
            data_testid="friend-link",
        ),
    )


def early_access_callout() -> rx.Component:
    """A voted-for deal's first 24 hours: voters (and VIPs) first, everyone else from when."""
    return rx.cond(
        DealState.early_note != "",
        rx.callout(
            DealState.early_note,
            icon="clock",
            color_scheme="blue",
            size="1",
            width="100%",
            data_testid="early-access",
        ),
    )
