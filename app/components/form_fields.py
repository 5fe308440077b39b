"""Form fields with their error right under them: a label, the control, and the message that
the control names in aria-describedby (the field's id + "-error"), so a screen reader reads it.

Two shapes of form use them: one whose state holds one error string a field (`field`,
`field_error`), and one whose state keeps a dict of errors keyed by field name, the field ids
being `<prefix>-<key>` (`keyed_error`, and `DraftForm` for a form that edits a draft dict).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx

ERROR_COLOR = rx.color("red", 11)


def invalid(error: rx.Var[str]) -> rx.Var[str]:
    """aria-invalid for a control whose error is `error` ("" when there is none)."""
    return rx.cond(error != "", "true", "false")


def field_error(message: rx.Var[str], field_id: str) -> rx.Component:
    """The error under a form field (its id + "-error", for aria-describedby)."""
    return rx.cond(
        message != "",
        rx.text(message, id=field_id + "-error", color=ERROR_COLOR, size="2", role="alert"),
    )


def field(
    label: str, field_id: str, error: rx.Var[str], control: rx.Component, hint: str = ""
) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_weight="500", font_size="var(--font-size-2)"),
        control,
        rx.cond(hint != "", rx.text(hint, size="1", color=rx.color("gray", 11))),
        field_error(error, field_id),
        spacing="1",
        width="100%",
    )


def keyed_error(errors: rx.Var[dict[str, str]], prefix: str, key: str) -> rx.Component:
    """The error for field `key` of a form whose errors are a dict keyed by field name."""
    return rx.cond(
        errors.contains(key),
        rx.text(
            errors[key],
            id=f"{prefix}-{key}-error",
            color=ERROR_COLOR,
            size="2",
            role="alert",
            data_testid=f"{prefix}-error-{key}",
        ),
    )


SELECT_STYLE = {"width": "100%", "padding": "var(--space-2)"}


@dataclass(frozen=True)
class DraftForm:
    """A form whose fields are the keys of a draft dict in its state, with errors keyed the
    same way; field ids are `<prefix>-<key>`. `store(key, value)` is the state's event that
    keeps what was typed, sent on `commit` ("on_change", or "on_blur" to wait for the field to
    be left); a select stores on change."""

    prefix: str
    errors: rx.Var[dict[str, str]]
    draft: rx.Var[dict[str, str]]
    store: Callable[[str, Any], Any]
    commit: str = "on_change"

    def error(self, key: str) -> rx.Component:
        return keyed_error(self.errors, self.prefix, key)

    def field(self, label: str, key: str, control: rx.Component) -> rx.Component:
        """`control` (with id `<prefix>-<key>`) under its label, its error under it."""
        return rx.vstack(
            rx.el.label(label, html_for=f"{self.prefix}-{key}", font_weight="500"),
            control,
            self.error(key),
            spacing="1",
            width="100%",
            align="start",
        )

    def _control(self, make: Callable[..., rx.Component], key: str, **props: Any) -> rx.Component:
        """A text control (`make` is rx.input or rx.text_area) showing the draft's `key`."""
        return make(
            id=f"{self.prefix}-{key}",
            default_value=self.draft[key],
            width="100%",
            **{self.commit: lambda value: self.store(key, value)},
            **props,
        )

    def input(self, label: str, key: str, **props: Any) -> rx.Component:
        invalid = rx.cond(self.errors.contains(key), "true", "false")
        describedby = f"{self.prefix}-{key}-error"
        return self.field(
            label,
            key,
            self._control(
                rx.input, key, aria_invalid=invalid, aria_describedby=describedby, **props
            ),
        )

    def text_area(self, label: str, key: str, **props: Any) -> rx.Component:
        return self.field(label, key, self._control(rx.text_area, key, **props))

    def select(self, label: str, key: str, *options: rx.Component) -> rx.Component:
        return self.field(
            label,
            key,
            rx.el.select(
                *options,
                id=f"{self.prefix}-{key}",
                value=self.draft[key],
                on_change=lambda value: self.store(key, value),
                style=SELECT_STYLE,
            ),
        )
