"""Friends' activity: what friends chose to share, newest first."""

from __future__ import annotations

import reflex as rx

from app.components.layout import page_shell
from app.routes import friends_url, settings_url
from app.services.activity import ActivityItem
from app.states.activity import ActivityState

ICONS = {
    "watching": "radio",
    "review": "star",
    "purchase": "shopping-bag",
    "deal_join": "users",
    "answer": "message-circle",
}


def _item(item: rx.Var[ActivityItem]) -> rx.Component:
    return rx.hstack(
        rx.match(
            item.kind,
            *[(kind, rx.icon(icon, size=16, aria_hidden="true")) for kind, icon in ICONS.items()],
            rx.icon("activity", size=16, aria_hidden="true"),
        ),
        rx.vstack(
            rx.text(
                rx.text.strong(item.friend_name),
                " ",
                rx.link(item.text, href=item.link),
                data_testid="activity-text",
            ),
            rx.text(item.when, size="1", color=rx.color("gray", 11)),
            spacing="0",
            align="start",
        ),
        spacing="3",
        align="start",
        width="100%",
        padding_y="var(--space-2)",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="activity",
    )


def activity_page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading("Friends' activity", size="7", as_="h1"),
            rx.text(
                "Only what each friend chose to share (reviews unless they turn on more). ",
                rx.link("Your own settings", href=settings_url()),
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.cond(
                ActivityState.items.length() > 0,
                rx.vstack(rx.foreach(ActivityState.items, _item), spacing="0", width="100%"),
                rx.cond(
                    ActivityState.loaded,
                    rx.text(
                        "Nothing shared by your friends yet. ",
                        rx.link("Invite friends", href=friends_url()),
                    ),
                ),
            ),
            spacing="4",
            width="100%",
            max_width="48rem",
        )
    )
