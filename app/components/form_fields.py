"""Form fields with their error right under them: a label, the control, and the message that
the control names in aria-describedby (the field's id + "-error"), so a screen reader reads it.

Two shapes of form use them: one whose state holds one error string a field (`field`,
`field_error`), and one whose state keeps a dict of errors keyed by field name, the field ids
being `<prefix>-<key>` (`keyed_field`, `keyed_error`, `keyed_input`).
"""

from __future__ import annotations

from collections.abc import Callable
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


def keyed_invalid(errors: rx.Var[dict[str, str]], key: str) -> rx.Var[str]:
    return rx.cond(errors.contains(key), "true", "false")


def keyed_field(
    label: str, prefix: str, key: str, errors: rx.Var[dict[str, str]], control: rx.Component
) -> rx.Component:
    """`control` (with id `<prefix>-<key>`) under its label, its error under it."""
    return rx.vstack(
        rx.el.label(label, html_for=f"{prefix}-{key}", font_weight="500"),
        control,
        keyed_error(errors, prefix, key),
        spacing="1",
        width="100%",
        align="start",
    )


SELECT_STYLE = {"width": "100%", "padding": "var(--space-2)"}


def keyed_select(
    label: str,
    prefix: str,
    key: str,
    errors: rx.Var[dict[str, str]],
    value: Any,
    on_change: Callable[[Any], Any],
    *options: rx.Component,
) -> rx.Component:
    """A native select for field `key` of a draft, full width, its error under it."""
    return keyed_field(
        label,
        prefix,
        key,
        errors,
        rx.el.select(
            *options, id=f"{prefix}-{key}", value=value, on_change=on_change, style=SELECT_STYLE
        ),
    )


def keyed_input(
    label: str,
    prefix: str,
    key: str,
    errors: rx.Var[dict[str, str]],
    value: Any,
    commit: tuple[str, Callable[[Any], Any]],
    **props: Any,
) -> rx.Component:
    """A text input for field `key` of a draft; `commit` is the event that stores what was typed
    and its handler, e.g. ("on_blur", lambda v: S.set_field(key, v))."""
    event, handler = commit
    return keyed_field(
        label,
        prefix,
        key,
        errors,
        rx.input(
            id=f"{prefix}-{key}",
            default_value=value,
            aria_invalid=keyed_invalid(errors, key),
            aria_describedby=f"{prefix}-{key}-error",
            width="100%",
            **{event: handler},
            **props,
        ),
    )
