"""Notifications: what shoppers were told, newest first; questions are answered right here."""

from __future__ import annotations

import reflex as rx

from app.components.layout import page_shell
from app.domain.questions import MAX_ANSWER
from app.routes import settings_url
from app.services.notifications import NotificationKind, NotificationView
from app.states.notifications import NotificationsState


def _answer_form(item: rx.Var[NotificationView]) -> rx.Component:
    key = item.id.to_string()
    return rx.form(
        rx.el.input(type="hidden", name="question_id", value=item.question_id.to_string()),
        rx.el.input(type="hidden", name="notification_id", value=key),
        rx.hstack(
            rx.input(
                name="answer",
                placeholder="Your answer",
                max_length=MAX_ANSWER,
                aria_label="Your answer to: " + item.body,
                flex_grow="1",
            ),
            rx.button("Send answer", type="submit", size="2"),
            spacing="2",
            width="100%",
        ),
        rx.cond(
            NotificationsState.answer_errors.contains(key),
            rx.text(
                NotificationsState.answer_errors[key],
                color=rx.color("red", 11),
                size="2",
                role="alert",
            ),
        ),
        on_submit=NotificationsState.answer,
        reset_on_submit=True,
        width="100%",
    )


def _item(item: rx.Var[NotificationView]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.cond(
                    item.unread,
                    rx.badge("New", color_scheme="red", variant="soft"),
                ),
                rx.text(item.title, weight="bold", data_testid="notification-title"),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(item.body != "", rx.text("“" + item.body + "”", white_space="pre-wrap")),
            rx.text(
                item.created_at.to(str)[:16].replace("T", " ") + " UTC",
                size="1",
                color=rx.color("gray", 11),
            ),  # fmt: skip
            rx.cond(
                (item.kind == NotificationKind.QUESTION_TO_ANSWER.value) & item.unread,
                _answer_form(item),
            ),
            rx.hstack(
                rx.cond(
                    item.link != "",
                    rx.link(
                        rx.cond(
                            item.kind == NotificationKind.VOTED_DEAL.value,
                            "Open the deal",
                            "Open the product",
                        ),
                        href=item.link,
                        size="2",
                    ),
                ),
                rx.cond(
                    item.unread,
                    rx.button(
                        "Mark read",
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        on_click=NotificationsState.mark_read(item.id),
                        aria_label="Mark read: " + item.title,
                    ),
                ),
                spacing="3",
                align="center",
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        width="100%",
        data_testid="notification",
    )


def notifications_page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.hstack(
                rx.heading("Notifications", size="7", as_="h1"),
                rx.hstack(
                    rx.link("Settings", href=settings_url(), size="2"),
                    rx.button(
                        "Mark all read",
                        variant="soft",
                        on_click=NotificationsState.mark_all_read,
                    ),
                    spacing="3",
                    align="center",
                ),
                justify="between",
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.cond(
                NotificationsState.items.length() > 0,
                rx.vstack(rx.foreach(NotificationsState.items, _item), spacing="3", width="100%"),
                rx.cond(
                    NotificationsState.loaded,
                    rx.text("Nothing yet. Questions for you and answers to yours show up here."),
                ),
            ),
            spacing="4",
            width="100%",
            max_width="48rem",
        )
    )
