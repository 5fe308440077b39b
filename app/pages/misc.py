"""Small pages: not found and the sign-in placeholder."""

from __future__ import annotations

import reflex as rx

from app.components.layout import page_shell
from app.components.notice import notice


def not_found_page() -> rx.Component:
    return page_shell(
        notice(
            "This page doesn't exist",
            "The link may be old or mistyped. Everything in the shop is one click away.",
            icon="map-pin-off",
        )
    )


def floor_page() -> rx.Component:
    """A blank page: the floor `make bench-pages` measures the real pages against (same build,
    same head, no shell, no data)."""
    return rx.el.main(rx.heading("Bandwagon", as_="h1"), padding="var(--space-4)")
