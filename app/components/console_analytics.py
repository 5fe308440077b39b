"""The console's analytics tab: visitors now, activity against the period before, an activity
chart (Reflex's recharts), the deal funnel and deal fill, and the chart's data as CSV."""

from __future__ import annotations

import reflex as rx

from app.services.analytics.dashboard import SERIES, DealFill, FunnelStep, Kpi
from app.states.console.analytics import ConsoleAnalyticsState as A

MUTED = rx.color("gray", 11)
COLOURS = ("#d13415", "#3e63dd", "#30a46c")


def _stat(
    label: rx.Var[str] | str, value: rx.Component, note: rx.Component, testid: str = "kpi"
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color=MUTED),
            value,
            note,
            spacing="1",
        ),
        width="100%",
        data_testid=testid,
    )


def _kpi(kpi: rx.Var[Kpi]) -> rx.Component:
    return _stat(
        kpi.label,
        rx.heading(kpi.value, size="7", as_="p", data_testid="kpi-value"),
        rx.text(kpi.change, " vs the period before (", kpi.before, ")", size="1", color=MUTED),
    )


def _funnel_step(step: rx.Var[FunnelStep]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(step.label, size="2"),
            rx.text(step.count, " · ", step.share, "%", size="2", color=MUTED),
            justify="between",
            width="100%",
        ),
        rx.progress(value=step.share, max=100, aria_label=step.label),
        spacing="1",
        width="100%",
    )


def _fill(deal: rx.Var[DealFill]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text("Deal ", deal.deal_id, size="2"),
            rx.text(deal.joined, " of ", deal.needed, " to unlock", size="2", color=MUTED),
            justify="between",
            width="100%",
        ),
        rx.progress(value=deal.percent, max=100, aria_label="Deal fill"),
        spacing="1",
        width="100%",
    )


def _chart() -> rx.Component:
    return rx.recharts.responsive_container(
        rx.recharts.area_chart(
            *[
                rx.recharts.area(
                    data_key=key, name=label, stroke=colour, fill=colour, fill_opacity=0.15
                )
                for (key, label, _), colour in zip(SERIES, COLOURS, strict=True)
            ],
            rx.recharts.x_axis(data_key="at"),
            rx.recharts.y_axis(allow_decimals=False, width=32),
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            data=A.series,
        ),
        width="100%",
        height=280,
    )


def analytics_section() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.el.label("Period", html_for="analytics-range", font_weight="500"),
            rx.el.select(
                rx.el.option("Last 24 hours", value="1"),
                rx.el.option("Last 7 days", value="7"),
                rx.el.option("Last 30 days", value="30"),
                rx.el.option("Last 90 days", value="90"),
                id="analytics-range",
                value=A.days.to_string(),
                on_change=A.set_days,
                style={"padding": "var(--space-1)"},
            ),
            rx.button(
                rx.icon("download", size=16, aria_hidden="true"),
                "Export CSV",
                variant="soft",
                size="2",
                on_click=A.download_csv,
            ),
            rx.cond(
                A.watching,
                rx.badge(
                    "Updating live", color_scheme="grass", variant="soft", data_testid="watching"
                ),
                rx.badge("Paused", color_scheme="gray", variant="soft", data_testid="paused"),
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        rx.grid(
            _stat(
                "Visitors now",
                rx.heading(A.visitors_now, size="7", as_="p", data_testid="visitors-now"),
                rx.text("signed in, active in the last minutes", size="1", color=MUTED),
                testid="visitors",
            ),
            rx.foreach(A.kpis, _kpi),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
            data_testid="kpis",
        ),
        rx.card(rx.heading("Activity", size="3", as_="h3"), _chart(), width="100%"),
        rx.grid(
            rx.card(
                rx.heading("Deal funnel", size="3", as_="h3", margin_bottom="var(--space-2)"),
                rx.vstack(rx.foreach(A.funnel, _funnel_step), spacing="3"),
                width="100%",
            ),
            rx.card(
                rx.heading(
                    "Open deals filling", size="3", as_="h3", margin_bottom="var(--space-2)"
                ),
                rx.vstack(rx.foreach(A.fill, _fill), spacing="3"),
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        rx.text("Updated ", rx.moment(A.updated_at, format="HH:mm:ss"), size="1", color=MUTED),
        spacing="4",
        width="100%",
    )
