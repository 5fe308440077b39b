"""The console's analytics tab: a period (preset or custom dates, checked next to the fields)
and a comparison, the key figures, and one card per chart (Reflex's recharts) with its data as
CSV."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.components.tables import scrolling_table
from app.services.analytics.dashboard import CHARTS, Kpi
from app.states.console.analytics import ConsoleAnalyticsState as A

MUTED = rx.color("gray", 11)
COLOURS = ("#d13415", "#3e63dd", "#30a46c", "#8e4ec6", "#ad7f58")
CHART_HEIGHT = 240


def _stat(
    label: rx.Var[str] | str, value: rx.Component, note: rx.Component, testid: str = "kpi"
) -> rx.Component:
    return rx.card(
        rx.vstack(rx.text(label, size="2", color=MUTED), value, note, spacing="1"),
        width="100%",
        data_testid=testid,
    )


def _kpi(kpi: rx.Var[Kpi]) -> rx.Component:
    return _stat(
        kpi.label,
        rx.heading(kpi.value, size="6", as_="p", data_testid="kpi-value"),
        rx.text(kpi.change, " (", kpi.before, ")", size="1", color=MUTED),
    )


def _card(key: str, chart: rx.Component, subtitle: Any = "") -> rx.Component:
    title, _ = CHARTS[key]
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading(title, size="3", as_="h3"),
                    rx.text(subtitle, size="1", color=MUTED),
                    spacing="0",
                ),
                rx.icon_button(
                    rx.icon("download", size=16, aria_hidden="true"),
                    variant="soft",
                    size="2",
                    aria_label=f"Download “{title}” as CSV",
                    title="CSV",
                    on_click=A.download(key),
                    data_testid=f"csv-{key}",
                ),
                justify="between",
                align="start",
                width="100%",
            ),
            chart,
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid=f"chart-{key}",
    )


def _frame(chart: Any, *parts: rx.Component, data: Any, x: str) -> rx.Component:
    return rx.recharts.responsive_container(
        chart(
            *parts,
            rx.recharts.x_axis(data_key=x),
            rx.recharts.y_axis(allow_decimals=False, width=40),
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            data=data,
        ),
        width="100%",
        height=CHART_HEIGHT,
    )


def _lines(key: str, names: Any = None) -> list[rx.Component]:
    """One line per column; with `names` (a list Var), only as many lines as it has names."""
    _, columns = CHARTS[key]
    lines = [
        rx.recharts.line(
            data_key=column,
            name=names[index] if names is not None else label,
            stroke=COLOURS[index % len(COLOURS)],
            dot=False,
            type_="monotone",
            # Live updates redraw in place instead of replaying the entry animation.
            is_animation_active=False,
        )
        for index, (column, label) in enumerate(columns[1:])
    ]
    if names is None:
        return lines
    return [rx.cond(names.length() > index, line) for index, line in enumerate(lines)]


def _bars(key: str) -> list[rx.Component]:
    _, columns = CHARTS[key]
    return [
        rx.recharts.bar(
            data_key=column,
            name=label,
            fill=COLOURS[index % len(COLOURS)],
            is_animation_active=False,
        )
        for index, (column, label) in enumerate(columns[1:])
    ]


def _line_chart(key: str, names: Any = None) -> rx.Component:
    x = CHARTS[key][1][0][0]
    return _frame(rx.recharts.line_chart, *_lines(key, names), data=A.charts[key], x=x)


def _bar_chart(key: str) -> rx.Component:
    x = CHARTS[key][1][0][0]
    return _frame(rx.recharts.bar_chart, *_bars(key), data=A.charts[key], x=x)


def _sales_chart() -> rx.Component:
    return _frame(
        rx.recharts.area_chart,
        rx.recharts.area(
            data_key="sales",
            name="Sales ($)",
            stroke=COLOURS[0],
            fill=COLOURS[0],
            fill_opacity=0.2,
            is_animation_active=False,
        ),
        rx.recharts.area(
            data_key="before",
            name="Compared period ($)",
            stroke=COLOURS[1],
            fill=COLOURS[1],
            fill_opacity=0.08,
            is_animation_active=False,
        ),
        data=A.charts["sales"],
        x="at",
    )


def _cohorts() -> rx.Component:
    _, columns = CHARTS["cohorts"]
    return scrolling_table(
        [label for _, label in columns],
        rx.foreach(
            A.charts["cohorts"],
            lambda row: rx.table.row(
                *[rx.table.cell(row[column].to_string()) for column, _ in columns]
            ),
        ),
        size="1",
    )


def _or_nothing(key: str, chart: rx.Component, empty: str) -> rx.Component:
    """The chart, or a short note when the period has no data for it."""
    return rx.cond(
        A.charts[key].length() > 0,
        chart,
        rx.center(rx.text(empty, size="2", color=MUTED), height="80px"),
    )


def _date(name: str, label: str, value: Any, error: Any) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"analytics-{name}", font_weight="500", font_size="14px"),
        rx.input(
            type="date",
            name=name,
            id=f"analytics-{name}",
            default_value=value,
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"analytics-{name}-error",
        ),
        rx.text(
            error,
            id=f"analytics-{name}-error",
            color=rx.color("red", 11),
            size="1",
            data_testid=f"range-error-{name}",
        ),
        spacing="1",
    )


def _controls() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.el.label("Period", html_for="analytics-range", font_weight="500", font_size="14px"),
            rx.el.select(
                rx.el.option("Last 24 hours", value="1"),
                rx.el.option("Last 7 days", value="7"),
                rx.el.option("Last 30 days", value="30"),
                rx.el.option("Last 90 days", value="90"),
                rx.el.option("Custom dates", value="0"),
                id="analytics-range",
                value=A.days.to_string(),
                on_change=A.set_days,
                style={"padding": "var(--space-1)"},
            ),
            spacing="1",
        ),
        rx.vstack(
            rx.el.label(
                "Compare with", html_for="analytics-compare", font_weight="500", font_size="14px"
            ),
            rx.el.select(
                rx.el.option("The period before", value="previous"),
                rx.el.option("A week earlier", value="week"),
                rx.el.option("A year earlier", value="year"),
                rx.el.option("Nothing", value="none"),
                id="analytics-compare",
                value=A.comparison,
                on_change=A.set_comparison,
                style={"padding": "var(--space-1)"},
            ),
            spacing="1",
        ),
        rx.form(
            rx.flex(
                _date("from", "From", A.range_from, A.from_error),
                _date("to", "To", A.range_to, A.to_error),
                rx.button("Show these dates", type="submit", variant="soft", margin_top="22px"),
                spacing="3",
                wrap="wrap",
                align="start",
            ),
            on_submit=A.apply_range,
        ),
        rx.cond(
            A.watching,
            rx.badge("Updating live", color_scheme="grass", variant="soft", data_testid="watching"),
            rx.badge("Paused", color_scheme="gray", variant="soft", data_testid="paused"),
        ),
        spacing="4",
        wrap="wrap",
        align="start",
        width="100%",
    )


def analytics_section() -> rx.Component:
    two = rx.breakpoints(initial="1", md="2")
    return rx.vstack(
        _controls(),
        rx.text(
            A.range_label,
            rx.cond(A.compare_label != "", rx.text.span(" · compared with ", A.compare_label)),
            size="2",
            color=MUTED,
            data_testid="range-label",
        ),
        rx.grid(
            _stat(
                "Visitors now",
                rx.heading(A.visitors_now, size="6", as_="p", data_testid="visitors-now"),
                rx.text("active in the last 5 minutes", size="1", color=MUTED),
                testid="visitors",
            ),
            rx.foreach(A.kpis, _kpi),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
            data_testid="kpis",
        ),
        rx.grid(
            _card("trend", _line_chart("trend")),
            _card("sales", _sales_chart()),
            _card("funnel", _bar_chart("funnel"), "visit → product → cart → checkout → paid"),
            _card(
                "social",
                _bar_chart("social"),
                "cart shared → friend joined → group filled → captured",
            ),
            _card("deals", _bar_chart("deals"), "deal viewed → joined → unlocked"),
            _card(
                "fill",
                _line_chart("fill", A.fill_names),
                "seats taken by the deals joined most in the period",
            ),
            _card(
                "live",
                _or_nothing("live", _line_chart("live"), "No live session in this period."),
                A.live_title,
            ),
            _card(
                "products",
                _or_nothing("products", _bar_chart("products"), "No shared carts in this period."),
                "quantity added to shared carts",
            ),
            columns=two,
            spacing="3",
            width="100%",
        ),
        _card(
            "cohorts",
            _or_nothing("cohorts", _cohorts(), "No orders yet."),
            "share of each month's new shoppers who ordered again",
        ),
        rx.text("Updated ", rx.moment(A.updated_at, format="HH:mm:ss"), size="1", color=MUTED),
        spacing="4",
        width="100%",
    )
