"""The chat panel: live messages, history, composer with replies, and moderation tools.

`chat_panel(ChatState)` renders whichever room the page's load opened in that slot. Message text
is only ever rendered as text or as an http(s) link (never as HTML), links open in a new tab
with rel="noopener noreferrer nofollow ugc".
"""

from __future__ import annotations

import reflex as rx

from app.components.message_parts import (
    actions_menu,
    author_avatar,
    ghost_icon_button,
    message_part,
    message_row,
    message_text,
)
from app.components.rewards import name_badges
from app.components.stick_to_bottom import sticky_log
from app.components.when import clock_time
from app.domain import chat as rules
from app.services.chat import ChatMessageView, ReportView
from app.states.chat import SLOW_MODE_LABELS, ChatRoomMixin, filter_input_id, input_id


def _author(slot: type[ChatRoomMixin], m: rx.Var[ChatMessageView]) -> rx.Component:
    return rx.hstack(
        rx.text(m.author_name, weight="bold", size="2", data_testid="chat-author"),
        name_badges(slot.name_badges.get(m.author_id.to_string(), [])),
        rx.cond(
            m.buyer,
            rx.badge(
                rx.icon("badge-check", size=12),
                "Buyer",
                color_scheme="grass",
                variant="soft",
                size="1",
                title="Bought this product",
            ),
        ),
        clock_time(
            m.sent_at,
            custom_attrs={"title": m.sent_at},
            style={"color": "var(--gray-10)", "fontSize": "var(--font-size-1)"},
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _quote(m: rx.Var[ChatMessageView]) -> rx.Component:
    return rx.cond(
        m.reply_to_id != 0,
        rx.box(
            rx.hstack(
                rx.icon("reply", size=12, color=rx.color("gray", 11)),
                rx.text(m.reply_author, size="1", weight="medium", color=rx.color("gray", 11)),
                spacing="1",
                align="center",
            ),
            rx.text(m.reply_excerpt, size="1", color=rx.color("gray", 11), trim="both"),
            border_left=f"3px solid {rx.color('accent', 7)}",
            padding_left="var(--space-2)",
            margin_bottom="var(--space-1)",
            data_testid="chat-quote",
        ),
    )


def _actions(slot: type[ChatRoomMixin], m: rx.Var[ChatMessageView]) -> rx.Component:
    return rx.cond(
        slot.can_post,
        rx.hstack(
            ghost_icon_button(
                "reply", "Reply to " + m.author_name, on_click=slot.start_reply(m.id)
            ),
            actions_menu(
                "More actions for the message from " + m.author_name,
                mine=m.author_id == slot.my_id,
                can_moderate=slot.can_moderate,
                report=slot.report(m.id),
                delete=slot.delete_message(m.id),
                mute=lambda minutes: slot.mute(m.author_id, minutes),
            ),
            spacing="1",
            flex_shrink="0",
        ),
    )


def _message(slot: type[ChatRoomMixin], m: rx.Var[ChatMessageView]) -> rx.Component:
    return message_row(
        m,
        [_author(slot, m), _quote(m), message_text(m, "2", "chat-text")],
        _actions(slot, m),
        "chat-message",
        author_avatar(m, "2", flex_shrink="0"),
        spacing="2",
        padding_y="var(--space-1)",
        custom_attrs={"data-message-id": m.id},
    )


def _older(slot: type[ChatRoomMixin], window_oldest: rx.Var) -> rx.Component:
    def row(m: rx.Var[ChatMessageView]) -> rx.Component:
        # Hidden when deleted since, or when the live window has come to include it.
        return rx.cond(
            slot.removed_ids.contains(m.id),
            rx.fragment(),
            rx.cond(m.id < window_oldest, _message(slot, m), rx.fragment()),
        )

    return rx.foreach(slot.older, row)


def _load_older(slot: type[ChatRoomMixin], window_oldest: rx.Var) -> rx.Component:
    oldest_shown = rx.cond(slot.older.length() > 0, slot.older[0].id, window_oldest)
    more = rx.cond(slot.older.length() > 0, slot.older_has_more, slot.has_older)
    return rx.cond(
        more,
        rx.center(
            rx.button(
                rx.icon("history", size=14),
                "Load older messages",
                variant="soft",
                color_scheme="gray",
                size="1",
                on_click=slot.load_older(oldest_shown, window_oldest),
            ),
            width="100%",
            padding_y="var(--space-1)",
        ),
    )


def _reply_preview(slot: type[ChatRoomMixin]) -> rx.Component:
    return rx.cond(
        slot.reply_to_id != 0,
        rx.hstack(
            rx.box(
                rx.text("Replying to ", rx.text.strong(slot.reply_author), size="1"),
                rx.text(slot.reply_excerpt, size="1", color=rx.color("gray", 11), trim="both"),
                border_left=f"3px solid {rx.color('accent', 8)}",
                padding_left="var(--space-2)",
                flex="1",
                min_width="0",
            ),
            ghost_icon_button("x", "Cancel reply", on_click=slot.cancel_reply),
            width="100%",
            align="center",
            data_testid="chat-reply-preview",
        ),
    )


def _composer(slot: type[ChatRoomMixin]) -> rx.Component:
    field_id = input_id(slot)
    return rx.cond(
        slot.can_post,
        rx.form(
            rx.vstack(
                _reply_preview(slot),
                rx.hstack(
                    rx.el.label("Write a message", html_for=field_id, class_name="sr-only"),
                    rx.input(
                        id=field_id,
                        name="message",
                        placeholder="Say something nice…",
                        max_length=rules.MAX_MESSAGE_LENGTH,
                        auto_complete="off",
                        width="100%",
                        size="2",
                        aria_invalid=rx.cond(slot.error != "", "true", "false"),
                        aria_describedby=field_id + "-error",
                    ),
                    rx.button(rx.icon("send", size=14), "Send", type="submit", size="2"),
                    spacing="2",
                    width="100%",
                ),
                rx.cond(
                    slot.error != "",
                    rx.text(
                        slot.error,
                        id=field_id + "-error",
                        color=rx.color("red", 11),
                        size="1",
                        role="alert",
                        data_testid="chat-error",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=slot.send,
            reset_on_submit=False,
            width="100%",
        ),
        rx.hstack(
            rx.text("Sign in to join the conversation.", size="2", color=rx.color("gray", 11)),
            rx.button("Sign in to chat", size="2", variant="soft", on_click=slot.sign_in),
            align="center",
            justify="between",
            wrap="wrap",
            width="100%",
        ),
    )


def _report_row(slot: type[ChatRoomMixin], report: rx.Var[ReportView]) -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.text(
                rx.text.strong(report.message.author_name),
                " · ",
                report.reports.to_string(),
                " report(s)",
                size="1",
            ),
            rx.text(rx.foreach(report.message.parts, message_part), size="1", trim="both"),
            flex="1",
            min_width="0",
        ),
        rx.button(
            "Delete",
            size="1",
            color_scheme="red",
            variant="soft",
            on_click=slot.delete_message(report.message.id),
            aria_label="Delete the reported message from " + report.message.author_name,
        ),
        rx.button(
            "Keep",
            size="1",
            variant="soft",
            color_scheme="gray",
            on_click=slot.dismiss_reports(report.message.id),
            aria_label="Keep the reported message from " + report.message.author_name,
        ),
        width="100%",
        align="center",
    )


def _moderation(slot: type[ChatRoomMixin]) -> rx.Component:
    word_id = filter_input_id(slot)
    return rx.el.details(
        rx.el.summary(
            rx.text("Moderation tools", size="2", weight="medium", as_="span"),
            cursor="pointer",
        ),
        rx.vstack(
            rx.hstack(
                rx.text("Slow mode", size="2", aria_hidden="true"),
                rx.select.root(
                    rx.select.trigger(aria_label="Slow mode"),
                    rx.select.content(
                        *[
                            rx.select.item(label, value=str(seconds))
                            for seconds, label in SLOW_MODE_LABELS.items()
                        ]
                    ),
                    value=slot.slow_mode_seconds.to_string(),
                    on_change=slot.set_slow_mode,
                    size="1",
                ),
                align="center",
                spacing="2",
            ),
            rx.form(
                rx.hstack(
                    rx.el.label("Filter a word", html_for=word_id, class_name="sr-only"),
                    rx.input(
                        id=word_id,
                        name="word",
                        placeholder="Word to refuse",
                        max_length=rules.MAX_FILTER_WORD_LENGTH,
                        size="1",
                        width="100%",
                    ),
                    rx.button(
                        "Filter word",
                        type="submit",
                        size="1",
                        variant="soft",
                        aria_label="Filter word",
                    ),
                    width="100%",
                ),
                on_submit=slot.add_filter_word,
                reset_on_submit=False,
                width="100%",
            ),
            rx.cond(
                slot.filter_words.length() > 0,
                rx.hstack(
                    rx.foreach(
                        slot.filter_words,
                        lambda word: rx.badge(
                            word,
                            rx.icon_button(
                                rx.icon("x", size=10),
                                size="1",
                                variant="ghost",
                                aria_label="Stop filtering " + word,
                                on_click=slot.remove_filter_word(word),
                            ),
                            variant="outline",
                        ),
                    ),
                    wrap="wrap",
                    spacing="1",
                ),
                rx.text("No filtered words.", size="1", color=rx.color("gray", 10)),
            ),
            rx.cond(
                slot.muted_people.length() > 0,
                rx.flex(
                    rx.text("Muted now:", size="1"),
                    rx.foreach(
                        slot.muted_people,
                        lambda person: rx.button(
                            person.name,
                            rx.icon("volume-2", size=12),
                            size="1",
                            variant="soft",
                            color_scheme="gray",
                            aria_label="Unmute " + person.name,
                            title="Unmute",
                            on_click=slot.unmute(person.user_id),
                        ),
                    ),
                    wrap="wrap",
                    spacing="1",
                    align="center",
                ),
            ),
            rx.cond(
                slot.reports.length() > 0,
                rx.vstack(
                    rx.text("Reported messages", size="2", weight="medium"),
                    rx.foreach(slot.reports, lambda r: _report_row(slot, r)),
                    width="100%",
                    spacing="1",
                ),
                rx.text("No open reports.", size="1", color=rx.color("gray", 10)),
            ),
            rx.cond(
                slot.moderation_error != "",
                rx.text(slot.moderation_error, color=rx.color("red", 11), size="1", role="alert"),
            ),
            spacing="2",
            padding_top="var(--space-2)",
            width="100%",
        ),
        width="100%",
        data_testid="chat-moderation",
    )


def chat_panel(
    slot: type[ChatRoomMixin], title: str = "Live chat", height: str = "24rem"
) -> rx.Component:
    """The chat room the page's load opened in `slot`."""
    window_oldest = rx.cond(slot.messages.length() > 0, slot.messages[0].id, 0)
    return rx.cond(
        slot.can_read,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(title, size="4", as_="h2"),
                    rx.badge(
                        rx.icon("eye", size=12),
                        slot.viewer_count.to_string(),
                        " here",
                        variant="soft",
                        color_scheme="gray",
                        data_testid="chat-viewers",
                    ),
                    rx.cond(
                        slot.slow_mode_seconds > 0,
                        rx.badge(
                            rx.icon("timer", size=12),
                            "Slow mode: ",
                            slot.slow_mode_seconds.to_string(),
                            " s",
                            color_scheme="amber",
                            variant="soft",
                            data_testid="chat-slow-mode",
                        ),
                    ),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
                sticky_log(
                    _load_older(slot, window_oldest),
                    _older(slot, window_oldest),
                    rx.cond(
                        slot.messages.length() > 0,
                        rx.foreach(slot.messages, lambda m: _message(slot, m)),
                        rx.center(
                            rx.text(
                                "No messages yet. Start the conversation!",
                                size="2",
                                color=rx.color("gray", 10),
                            ),
                            height="100%",
                        ),
                    ),
                    height=height,
                    width="100%",
                    role="log",
                    aria_label=title,
                    tab_index=0,
                    padding_right="var(--space-2)",
                    data_testid="chat-log",
                ),
                _composer(slot),
                rx.cond(slot.can_moderate, _moderation(slot)),
                spacing="3",
                width="100%",
            ),
            width="100%",
            on_unmount=slot.close(slot.room_key, slot.load_id),
            data_testid="chat-panel",
        ),
    )
