"""Ask before doing what can't be undone: the trigger opens a dialog with a title, what will
happen, and two buttons, the one that keeps things as they are first."""

from __future__ import annotations

from typing import Any

import reflex as rx


def confirm_dialog(
    trigger: rx.Component,
    title: Any,
    description: Any,
    keep: rx.Component,
    confirm: rx.Component,
    **buttons_row: Any,
) -> rx.Component:
    """`keep` closes the dialog, `confirm` (whose on_click does the thing) too; `buttons_row`
    styles their row (e.g. margin_top)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(keep),
                rx.alert_dialog.action(confirm),
                spacing="3",
                justify="end",
                **buttons_row,
            ),
        ),
    )
