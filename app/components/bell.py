"""The bell in the header: a link to the notifications page with the live unread count."""

from __future__ import annotations

import reflex as rx
from reflex.components.react_router import ReactRouterLink

from app.routes import notifications_url
from app.states.notifications import BellState


def bell() -> rx.Component:
    count = BellState.unread
    return rx.cond(
        BellState.signed_in,
        rx.button(
            ReactRouterLink.create(
                rx.icon("bell", size=18, aria_hidden="true"),
                rx.cond(
                    count > 0,
                    rx.badge(
                        rx.cond(count > 99, "99+", count.to_string()),
                        color_scheme="red",
                        variant="solid",
                        radius="full",
                        data_testid="bell-count",
                    ),
                ),
                to=notifications_url(),
                aria_label=rx.cond(
                    count > 0,
                    "Notifications, " + count.to_string() + " unread",
                    "Notifications",
                ),
            ),
            as_child=True,
            variant="ghost",
            color_scheme="gray",
            high_contrast=True,
            size="2",
            data_testid="bell",
        ),
    )
