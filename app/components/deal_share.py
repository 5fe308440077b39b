"""A deal's "bring a friend" link: the shopper's own `?ref=` link; a friend who joins through
it earns them points (once per friend per deal)."""

from __future__ import annotations

import reflex as rx

from app.states.deals import DealState


def friend_link_panel() -> rx.Component:
    link = DealState.router.url.origin + DealState.ref_path  # type: ignore[operator]
    return rx.cond(
        DealState.ref_path != "",
        rx.vstack(
            rx.el.label("Bring a friend", html_for="friend-link", font_weight="500"),
            rx.text(
                "Share your link: when a friend joins through it you earn points.",
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.hstack(
                rx.input(id="friend-link", value=link, read_only=True, width="100%"),
                rx.button(
                    rx.icon("copy", size=16, aria_hidden="true"),
                    "Copy",
                    on_click=[rx.set_clipboard(link), rx.toast.success("Link copied")],
                    variant="soft",
                    aria_label="Copy your link to this deal",
                ),
                width="100%",
            ),
            spacing="1",
            width="100%",
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
