"""A link to share, shown in a read-only field under its label with a Copy button that puts it
on the clipboard and says so (a team's, a booking group's, a friend's referral link)."""

from __future__ import annotations

from typing import Any

import reflex as rx


def copy_link_field(
    field_id: str,
    label: str,
    link: Any,
    *,
    hint: rx.Component | None = None,
    copy_label: str | None = None,
    icon_props: dict[str, Any] | None = None,
    **stack_props: Any,
) -> rx.Component:
    """`link` in the read-only input `field_id`; `hint` goes between the label and the field,
    `copy_label` names the Copy button for screen readers."""
    button_props = {"aria_label": copy_label} if copy_label else {}
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_weight="500"),
        *([hint] if hint is not None else []),
        rx.hstack(
            rx.input(id=field_id, value=link, read_only=True, width="100%"),
            rx.button(
                rx.icon("copy", size=16, **(icon_props or {})),
                "Copy",
                on_click=[rx.set_clipboard(link), rx.toast.success("Link copied")],
                variant="soft",
                **button_props,
            ),
            width="100%",
        ),
        spacing="1",
        width="100%",
        **stack_props,
    )
