"""API keys: a form to make one (a name and its scopes, errors next to the field), the new
token shown once with a copy button, and the list of keys with last use and revoke."""

from __future__ import annotations

import reflex as rx

from app.components.form_fields import keyed_error
from app.services.api_access.keys import KeyView, ScopeChoice
from app.states.api_keys import ApiKeysState as S

MUTED = rx.color("gray", 11)


def _error(key: str) -> rx.Component:
    return keyed_error(S.errors, "api-key", key)


def _scope(choice: rx.Var[ScopeChoice]) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(
                checked=S.chosen.contains(choice.value),
                on_change=lambda on: S.toggle_scope(choice.value, on),
            ),
            rx.text(choice.label, size="2"),
            rx.code(choice.value, size="1", variant="ghost"),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        data_testid="api-scope-" + choice.value,
    )


def _form() -> rx.Component:
    return rx.vstack(
        rx.el.label("Name", html_for="api-key-name", font_weight="500"),
        rx.input(
            id="api-key-name",
            value=S.name,
            on_change=S.set_name,
            placeholder="What will use it? (ERP, spreadsheet…)",
            max_length=60,
            aria_invalid=rx.cond(S.errors.contains("name"), "true", "false"),
            aria_describedby="api-key-name-error",
            width="100%",
        ),
        _error("name"),
        rx.el.fieldset(
            rx.el.legend("What it may do", font_weight="500"),
            rx.vstack(rx.foreach(S.choices, _scope), spacing="2", align="start"),
            aria_describedby="api-key-scopes-error",
            border="none",
            padding="0",
            margin="0",
        ),
        _error("scopes"),
        rx.button("Make a key", on_click=S.create, data_testid="api-key-create"),
        spacing="2",
        align="start",
        width="100%",
    )


def _new_token() -> rx.Component:
    return rx.cond(
        S.new_token != "",
        rx.callout.root(
            rx.vstack(
                rx.text(
                    "Copy this key now: it is shown only once. We keep only a fingerprint of it.",
                    weight="medium",
                ),
                rx.code(S.new_token, size="2", word_break="break-all", data_testid="api-key-token"),
                rx.hstack(
                    rx.button(
                        "Copy key",
                        size="1",
                        on_click=[rx.set_clipboard(S.new_token), rx.toast.success("Key copied")],
                    ),
                    rx.button("Done", size="1", variant="soft", on_click=S.dismiss_token),
                    spacing="2",
                ),
                spacing="2",
                align="start",
            ),
            color_scheme="amber",
            role="status",
            width="100%",
        ),
    )


def _key(key: rx.Var[KeyView]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(key.name, weight="bold"),
                rx.code(key.prefix + "_…", size="1"),
                rx.cond(key.revoked, rx.badge("Revoked", color_scheme="gray")),
                rx.cond(S.everyone, rx.text("· " + key.owner, size="2", color=MUTED)),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.hstack(
                rx.foreach(key.scopes, lambda s: rx.badge(s, variant="soft", size="1")),
                spacing="1",
                wrap="wrap",
            ),
            rx.text(
                "Made " + key.created + " · ",
                rx.cond(key.last_used != "", "last used " + key.last_used, "never used"),
                size="1",
                color=MUTED,
            ),
            rx.cond(
                ~key.revoked,
                rx.button(
                    "Revoke",
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    on_click=S.revoke(key.id),
                    aria_label="Revoke the key " + key.name,
                ),
            ),
            spacing="2",
            align="start",
        ),
        width="100%",
        data_testid="api-key",
    )


def api_keys_panel(intro: str) -> rx.Component:
    """The whole panel; `intro` says what keys are for on this page."""
    return rx.card(
        rx.vstack(
            rx.heading("API keys", size="4", as_="h2"),
            rx.text(
                intro,
                " Send it as ",
                rx.code("Authorization: Bearer <key>"),
                " to ",
                rx.link("/api/v1", href="/api/v1/docs", is_external=True),
                ".",
                size="2",
                color=MUTED,
            ),
            _new_token(),
            _form(),
            rx.cond(
                S.keys.length() > 0,
                rx.vstack(rx.foreach(S.keys, _key), spacing="2", width="100%"),
                rx.text("No keys yet.", size="2", color=MUTED),
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        width="100%",
        data_testid="api-keys",
    )
