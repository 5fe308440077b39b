"""Pieces of a message shared by the chat and the community posts: its text (plain runs and
safe links, never HTML), the small ghost icon buttons beside it, and the "more actions" menu
with report and the moderators' delete and mute."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx

from app.domain import chat as rules
from app.domain.chat import Segment
from app.services.chat import ChatMessageView

LINK_REL = "noopener noreferrer nofollow ugc"
MUTES = [(minutes, rules.seconds_text(minutes * 60)) for minutes in rules.MUTE_MINUTES_CHOICES]


def message_part(part: rx.Var[Segment]) -> rx.Component:
    """A run of a message: plain text, or a link that passed the safe-link rule."""
    return rx.cond(
        part.href != "",
        rx.link(part.text, href=part.href, is_external=True, rel=LINK_REL, data_testid="chat-link"),
        rx.text.span(part.text),
    )


def message_text(m: rx.Var[ChatMessageView], size: str, testid: str) -> rx.Component:
    """The message's text, its line breaks kept and long words wrapped anywhere."""
    return rx.text(
        rx.foreach(m.parts, message_part),
        size=size,
        white_space="pre-wrap",
        overflow_wrap="anywhere",
        data_testid=testid,
    )


def author_avatar(m: rx.Var[ChatMessageView], size: str, **props: Any) -> rx.Component:
    return rx.avatar(
        src=m.author_avatar,
        fallback=m.author_initials,
        color_scheme=m.author_colour,
        size=size,
        radius="full",
        alt=m.author_name,
        **props,
    )


def message_row(
    m: rx.Var[ChatMessageView],
    body: Sequence[rx.Component],
    actions: rx.Component,
    testid: str,
    *lead: rx.Component,
    **props: Any,
) -> rx.Component:
    """A message: what `lead`s it (an avatar), its `body` taking the width left, and its
    `actions` at the end; keyed by the message's id so a live list keeps each in place."""
    return rx.hstack(
        *lead,
        rx.box(*body, flex="1", min_width="0"),
        actions,
        key=m.id,
        align="start",
        width="100%",
        data_testid=testid,
        **props,
    )


def ghost_icon_button(icon: str, aria_label: Any, **props: Any) -> rx.Component:
    """A quiet grey icon button (reply, more actions, cancel); `aria_label` names it."""
    return rx.icon_button(
        rx.icon(icon, size=14),
        variant="ghost",
        size="1",
        color_scheme="gray",
        aria_label=aria_label,
        **props,
    )


def actions_menu(
    label: Any,
    *,
    mine: rx.Var[bool],
    can_moderate: rx.Var[bool],
    report: Any,
    delete: Any,
    mute: Callable[[int], Any],
    pin: Sequence[rx.Component] = (),
) -> rx.Component:
    """The ellipsis menu named `label`: Report (not on your own message), then for moderators
    the `pin` items, Delete for everyone and (not on their own) a mute per duration."""
    return rx.menu.root(
        rx.menu.trigger(ghost_icon_button("ellipsis", label)),
        rx.menu.content(
            rx.cond(mine, rx.fragment(), rx.menu.item("Report", on_click=report)),
            rx.cond(
                can_moderate,
                rx.fragment(
                    rx.menu.separator(),
                    *pin,
                    rx.menu.item("Delete for everyone", color="red", on_click=delete),
                    rx.cond(
                        mine,
                        rx.fragment(),
                        rx.fragment(
                            *[
                                rx.menu.item(f"Mute for {text}", on_click=mute(minutes))
                                for minutes, text in MUTES
                            ]
                        ),
                    ),
                ),
            ),
            size="1",
        ),
    )
