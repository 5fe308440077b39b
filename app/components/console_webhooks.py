"""The console's Webhooks section: register an endpoint for event types, then per endpoint
its state, counts, secret, and the attempts with status, response time, error and replay."""

from __future__ import annotations

import reflex as rx

from app.components.confirm import confirm_dialog
from app.components.form_fields import field_error, invalid
from app.components.tables import surface_table
from app.services.webhooks import AttemptView, EndpointView
from app.states.console import ConsoleWebhooksState

S = ConsoleWebhooksState
MUTED = rx.color("gray", 11)


def _kind_choice(kind: rx.Var[str]) -> rx.Component:
    return rx.el.label(
        rx.checkbox(
            checked=S.chosen.contains(kind),
            on_change=lambda on: S.toggle_kind(kind, on),
            aria_label="Send " + kind + " events",
        ),
        rx.code(kind, size="1"),
        style={"display": "flex", "gap": "var(--space-2)", "alignItems": "center"},
    )


def _register_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Add an endpoint", size="4", as_="h3"),
                rx.el.label("URL", html_for="webhook-url", font_weight="500"),
                rx.input(
                    id="webhook-url",
                    name="url",
                    placeholder="https://erp.example.com/webhooks/bandwagon",
                    width="100%",
                    aria_invalid=invalid(S.url_error),
                    aria_describedby="webhook-url-error",
                ),
                field_error(S.url_error, "webhook-url"),
                rx.el.label("Description", html_for="webhook-description", font_weight="500"),
                rx.input(
                    id="webhook-description",
                    name="description",
                    placeholder="Which system receives these (optional)",
                    width="100%",
                ),
                rx.text("Event types", font_weight="500", size="2", id="webhook-kinds"),
                rx.scroll_area(
                    rx.grid(
                        rx.foreach(S.kinds, _kind_choice),
                        columns=rx.breakpoints(initial="1", sm="2", md="3"),
                        spacing="2",
                    ),
                    type="auto",
                    scrollbars="vertical",
                    max_height="220px",
                    role="group",
                    aria_labelledby="webhook-kinds",
                ),
                field_error(S.kinds_error, "webhook-kinds"),
                rx.button("Add endpoint", type="submit"),
                spacing="2",
                width="100%",
                align="start",
            ),
            on_submit=S.register,
            reset_on_submit=False,
            key=S.form_key.to_string(),
            width="100%",
        ),
        width="100%",
    )


def _secret_box(endpoint: rx.Var[EndpointView]) -> rx.Component:
    return rx.cond(
        (S.secret_for == endpoint.id) & (S.shown_secret != ""),
        rx.callout(
            rx.vstack(
                rx.text("Signing secret (verify deliveries with it; keep it private):"),
                rx.code(S.shown_secret, data_testid="webhook-secret", word_break="break-all"),
                rx.button("Hide", size="1", variant="soft", on_click=S.hide_secret),
                spacing="1",
                align="start",
            ),
            icon="key-round",
            color_scheme="amber",
            width="100%",
        ),
    )


def _endpoint_card(endpoint: rx.Var[EndpointView]) -> rx.Component:
    label = endpoint.url
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.code(endpoint.url, word_break="break-all"),
                rx.cond(
                    endpoint.active,
                    rx.badge("Active", color_scheme="grass", variant="soft"),
                    rx.badge("Disabled", color_scheme="gray", variant="soft"),
                ),
                rx.cond(endpoint.rotating, rx.badge("Rotating secret", variant="outline")),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.cond(endpoint.description != "", rx.text(endpoint.description, size="2")),
            rx.cond(
                endpoint.disabled_reason != "",
                rx.text(endpoint.disabled_reason, size="2", color=rx.color("red", 11)),
            ),
            rx.text(endpoint.event_types.join(", "), size="1", color=MUTED),
            rx.text(
                endpoint.delivered.to_string() + " delivered · ",
                endpoint.pending.to_string() + " waiting · ",
                endpoint.failed.to_string() + " given up",
                size="2",
                data_testid="webhook-counts",
            ),
            _secret_box(endpoint),
            rx.hstack(
                rx.button(
                    "Attempts",
                    size="1",
                    on_click=S.open_attempts(endpoint.id),
                    aria_label="Show the attempts at " + label,
                ),
                rx.button(
                    rx.cond(endpoint.active, "Disable", "Enable"),
                    size="1",
                    variant="soft",
                    on_click=S.set_active(endpoint.id, ~endpoint.active),
                    aria_label=rx.cond(endpoint.active, "Disable ", "Enable ") + label,
                ),
                rx.button(
                    "Show secret",
                    size="1",
                    variant="soft",
                    on_click=S.reveal(endpoint.id),
                    aria_label="Show the signing secret of " + label,
                ),
                rx.button(
                    "Rotate secret",
                    size="1",
                    variant="soft",
                    on_click=S.rotate(endpoint.id),
                    aria_label="Rotate the signing secret of " + label,
                ),
                confirm_dialog(
                    rx.button(
                        "Delete",
                        size="1",
                        color_scheme="red",
                        variant="soft",
                        aria_label="Delete the endpoint " + label,
                    ),
                    "Delete this endpoint?",
                    "Its waiting deliveries and its attempt history go with it.",
                    rx.button("Keep it", variant="soft"),
                    rx.button("Delete", color_scheme="red", on_click=S.delete(endpoint.id)),
                    margin_top="var(--space-4)",
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        width="100%",
        data_testid="webhook-endpoint",
    )


def _attempt_row(attempt: rx.Var[AttemptView]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.moment(attempt.at, format="D MMM HH:mm:ss")),
        rx.table.cell(rx.code(attempt.webhook_id), " ", rx.text(attempt.kind, size="1")),
        rx.table.cell(
            rx.badge(
                rx.cond(attempt.status_code > 0, attempt.status_code.to_string(), "no answer"),
                color_scheme=rx.cond(attempt.succeeded, "grass", "red"),
                variant="soft",
            )
        ),
        rx.table.cell(attempt.response_ms.to_string() + " ms"),
        rx.table.cell(rx.text(attempt.error, size="1", color=MUTED)),
        rx.table.cell(attempt.message_status),
        rx.table.cell(
            rx.button(
                "Replay",
                size="1",
                variant="soft",
                on_click=S.replay(attempt.message_id),
                aria_label="Replay " + attempt.webhook_id,
            )
        ),
        data_testid="webhook-attempt",
    )


def _attempts() -> rx.Component:
    headers = ["When", "Message", "Status", "Time", "Error", "Message state", ""]
    return rx.cond(
        S.opened > 0,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading("Attempts", size="4", as_="h3"),
                    rx.button("Refresh", size="1", variant="soft", on_click=S.refresh),
                    justify="between",
                    width="100%",
                ),
                rx.cond(
                    S.attempts.length() > 0,
                    surface_table(headers, rx.foreach(S.attempts, _attempt_row)),
                    rx.text("No attempts yet.", color=MUTED),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


def webhooks_section() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Each event goes to the endpoints that chose its type, signed after the Standard "
            "Webhooks specification (webhook-id, webhook-timestamp, webhook-signature), and "
            "is retried for about three days until it is answered with a 2xx.",
            size="2",
            color=MUTED,
        ),
        _register_form(),
        rx.foreach(S.endpoints, _endpoint_card),
        _attempts(),
        spacing="4",
        width="100%",
    )
