"""Group trips on a product page: the experience's dates with the seats left, and the form that
organises a group for one of them."""

from __future__ import annotations

import reflex as rx

from app.components.form_fields import keyed_error
from app.services.trips import DateView
from app.states.trips import ExperienceState


def _error(key: str) -> rx.Component:
    return keyed_error(ExperienceState.form_errors, "trip", key)


def _date_row(date: rx.Var[DateView]) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(date.label, weight="medium", size="2"),
            rx.text(date.prices, size="1", color=rx.color("gray", 11)),
            spacing="0",
            min_width="0",
        ),
        rx.badge(
            date.seats_text,
            color_scheme=rx.cond(date.seats_left > 0, "grass", "gray"),
            variant="soft",
            data_testid="date-seats",
        ),
        justify="between",
        align="center",
        width="100%",
        wrap="wrap",
        spacing="2",
        padding_y="var(--space-2)",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="experience-date",
    )


def _number(name: str, label: str, value: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"trip-{name}", font_weight="500", font_size="14px"),
        rx.input(
            id=f"trip-{name}",
            name=name,
            type="number",
            min="1",
            max="50",
            default_value=value,
            aria_describedby=f"trip-{name}-error",
            width="100%",
        ),
        _error(name),
        spacing="1",
        width="100%",
    )


def _organise_form() -> rx.Component:
    dates = ExperienceState.experience.dates
    return rx.form(
        rx.vstack(
            rx.heading("Organise a group", size="4", as_="h3"),
            rx.text(
                "Pick a date and your group's size. Friends join from the link you share and "
                "each pays their share with a card hold; if enough people have paid by the "
                "deadline everyone is charged the group's price, otherwise nobody is.",
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.vstack(
                rx.el.label("Date", html_for="trip-date_id", font_weight="500", font_size="14px"),
                rx.el.select(
                    rx.foreach(
                        dates,
                        lambda d: rx.cond(
                            d.bookable,
                            rx.el.option(d.label + " · " + d.seats_text, value=d.id.to_string()),
                        ),
                    ),
                    id="trip-date_id",
                    name="date_id",
                    aria_describedby="trip-date_id-error",
                    class_name="rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface",
                    style={"width": "100%"},
                ),
                _error("date_id"),
                spacing="1",
                width="100%",
            ),
            rx.grid(
                _number("min_size", "At least (people)", "2"),
                _number("max_size", "At most (people)", "6"),
                columns="2",
                spacing="3",
                width="100%",
            ),
            rx.vstack(
                rx.el.label(
                    "Group decided within",
                    html_for="trip-decide_in",
                    font_weight="500",
                    font_size="14px",
                ),  # fmt: skip
                rx.el.select(
                    rx.el.option("1 day", value="24"),
                    rx.el.option("2 days", value="48"),
                    rx.el.option("3 days", value="72"),
                    id="trip-decide_in",
                    name="decide_in",
                    default_value="48",
                    aria_describedby="trip-decide_in-error",
                    class_name="rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface",
                    style={"width": "100%"},
                ),
                _error("decide_in"),
                _error("deadline"),
                spacing="1",
                width="100%",
            ),
            rx.button(
                rx.icon("users", size=16),
                "Organise a group",
                type="submit",
                size="3",
                width="100%",
                loading=ExperienceState.busy,
                data_testid="organise-group",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=ExperienceState.organise,
        reset_on_submit=False,
        width="100%",
    )


def experience_panel() -> rx.Component:
    """The dates of an experience with seats left, and "Organise a group" (experiences only)."""
    experience = ExperienceState.experience
    return rx.cond(
        experience.is_experience,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("calendar-days", size=18, aria_hidden="true"),
                    rx.heading("Dates and seats", size="5", as_="h2"),
                    align="center",
                    spacing="2",
                ),
                rx.cond(
                    experience.dates.length() > 0,
                    rx.vstack(rx.foreach(experience.dates, _date_row), spacing="0", width="100%"),
                    rx.text("No upcoming dates yet.", size="2", color=rx.color("gray", 11)),
                ),
                rx.cond(experience.dates.length() > 0, _organise_form()),
                spacing="3",
                width="100%",
            ),
            width="100%",
            flex_shrink="0",  # a card squeezed by its column clips its own form
            data_testid="experience-panel",
        ),
    )
