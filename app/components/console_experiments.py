"""The console's Experiments section: each flag's mode and split, and its arms' exposures,
conversions, the confidence of the difference and a sample-ratio-mismatch warning."""

from __future__ import annotations

import reflex as rx

from app.components.tables import surface_table
from app.services.experiments import ArmView, ExperimentView
from app.states.console import ConsoleExperimentsState

S = ConsoleExperimentsState
MUTED = rx.color("gray", 11)


def _error(key: rx.Var[str], name: str) -> rx.Component:
    message = S.errors.get(key + "." + name, "")
    return rx.cond(
        message != "", rx.text(message, color=rx.color("red", 11), size="1", role="alert")
    )


def _number(
    item: rx.Var[ExperimentView], name: str, label: str, value: rx.Var[int]
) -> rx.Component:
    field_id = item.key + "-" + name
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_size="var(--font-size-2)"),
        rx.input(
            id=field_id,
            name=name,
            default_value=value.to_string(),
            type="number",
            min=0,
            max=100,
            width="7em",
        ),
        _error(item.key, name),
        spacing="1",
    )


def _arm_row(arm: rx.Var[ArmView]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(arm.variant)),
        rx.table.cell(arm.share.to_string() + " %"),
        rx.table.cell(arm.exposures.to_string()),
        rx.table.cell(arm.conversions.to_string()),
        rx.table.cell(arm.rate),
        data_testid="experiment-arm",
    )


def _experiment(item: rx.Var[ExperimentView]) -> rx.Component:
    headers = ["Arm", "Share", "Exposures", "Conversions", "Rate"]
    return rx.card(
        rx.vstack(
            rx.heading(item.label, size="4", as_="h3"),
            rx.text(item.description, size="2", color=MUTED),
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="key", value=item.key),
                    rx.vstack(
                        rx.el.label(
                            "Mode", html_for=item.key + "-mode", font_size="var(--font-size-2)"
                        ),
                        rx.el.select(
                            rx.el.option("Off (everyone sees the control)", value="off"),
                            rx.el.option("On (everyone sees the treatment)", value="on"),
                            rx.el.option("Split by percentage", value="split"),
                            id=item.key + "-mode",
                            name="mode",
                            default_value=item.mode,
                            style={"padding": "var(--space-1)"},
                        ),
                        _error(item.key, "mode"),
                        spacing="1",
                    ),
                    _number(item, "traffic", "Visitors in it (%)", item.traffic),
                    _number(item, "percent", "Treatment share (%)", item.percent),
                    rx.button("Save", type="submit", aria_label="Save " + item.label),
                    spacing="3",
                    align="end",
                    wrap="wrap",
                ),
                on_submit=S.save,
                reset_on_submit=False,
                key=item.key + item.mode + item.traffic.to_string() + item.percent.to_string(),
                width="100%",
            ),
            surface_table(headers, rx.foreach(item.arms, _arm_row)),
            rx.text(
                "Conversion: ",
                rx.code(item.conversion_kind),
                rx.cond(
                    item.confidence != "", " · confidence of a difference " + item.confidence, ""
                ),
                size="2",
            ),
            rx.text(item.verdict, size="2", data_testid="experiment-verdict"),
            rx.cond(
                item.ratio_warning != "",
                rx.callout(
                    item.ratio_warning,
                    icon="triangle-alert",
                    color_scheme="red",
                    role="alert",
                    data_testid="experiment-srm",
                ),
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        width="100%",
        data_testid="experiment",
    )


def experiments_section() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Flags are read through OpenFeature. A shopper keeps their arm across visits and "
            "sign-in; exposures and conversions come from the event log.",
            size="2",
            color=MUTED,
        ),
        rx.foreach(S.items, _experiment),
        spacing="4",
        width="100%",
    )
