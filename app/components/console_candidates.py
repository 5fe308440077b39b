"""The console's Candidates section (hosts and admins): put a product to the shoppers' vote
(picture, description, target price, vote threshold, closing date) and follow the counts."""

from __future__ import annotations

import reflex as rx

from app.components.candidates import candidate_status
from app.components.console_products import IMAGE_TYPES
from app.services.candidates import CandidateView
from app.services.console.products import CategoryChoice
from app.states.console import ConsoleCandidatesState as S
from app.states.console.candidates import UPLOAD_ID

MUTED = rx.color("gray", 11)
SELECT_STYLE = {"width": "100%", "padding": "var(--space-2)"}


def _error(key: str) -> rx.Component:
    return rx.cond(
        S.candidate_errors.contains(key),
        rx.text(
            S.candidate_errors[key],
            id=f"candidate-{key}-error",
            color=rx.color("red", 11),
            size="2",
            role="alert",
            data_testid=f"candidate-error-{key}",
        ),
    )


def _field(label: str, key: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"candidate-{key}", font_weight="500"),
        control,
        _error(key),
        spacing="1",
        width="100%",
        align="start",
    )


def _input(label: str, key: str, **props: object) -> rx.Component:
    return _field(
        label,
        key,
        rx.input(
            id=f"candidate-{key}",
            default_value=S.draft[key],
            on_change=lambda value: S.set_field(key, value),
            aria_invalid=rx.cond(S.candidate_errors.contains(key), "true", "false"),
            aria_describedby=f"candidate-{key}-error",
            width="100%",
            **props,
        ),
    )


def _category(choice: rx.Var[CategoryChoice]) -> rx.Component:
    return rx.el.option(choice.name, value=choice.slug)


def candidate_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Put a product to the vote", size="4", as_="h3"),
            rx.fragment(
                _input("Product name", "title", max_length=120),
                _field(
                    "Description",
                    "description",
                    rx.text_area(
                        id="candidate-description",
                        default_value=S.draft["description"],
                        on_change=lambda value: S.set_field("description", value),
                        width="100%",
                        rows="3",
                        max_length=2000,
                    ),
                ),
                rx.grid(
                    _input(
                        "Target price", "target_price", input_mode="decimal", placeholder="45.00"
                    ),
                    _input("Votes needed", "threshold", input_mode="numeric"),
                    _input("Voting closes", "closes_at", type="datetime-local"),
                    _field(
                        "Category",
                        "category",
                        rx.el.select(
                            rx.foreach(S.categories, _category),
                            id="candidate-category",
                            value=S.draft["category"],
                            on_change=lambda value: S.set_field("category", value),
                            style=SELECT_STYLE,
                        ),
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                key=S.form_key.to_string(),
            ),
            rx.vstack(
                rx.text("Picture (JPEG, PNG, WebP or GIF)", font_weight="500", size="2"),
                rx.upload(
                    rx.vstack(
                        rx.icon("image-up", aria_hidden="true"),
                        rx.text("Drop a picture here, or click to choose one", size="2"),
                        align="center",
                        spacing="1",
                    ),
                    id=UPLOAD_ID,
                    accept=IMAGE_TYPES,
                    max_files=1,
                    border=f"1px dashed {rx.color('gray', 8)}",
                    padding="var(--space-4)",
                    border_radius="var(--radius-3)",
                    width="100%",
                    aria_label="Candidate picture",
                ),
                rx.foreach(
                    rx.selected_files(UPLOAD_ID),
                    lambda name: rx.text("Chosen: ", name, size="2"),
                ),
                _error("image"),
                spacing="1",
                width="100%",
            ),
            rx.text(
                "When the votes reach the number needed, it becomes a group deal at the target "
                "price and voters get 24 hours to join first. Below it at the closing date, it "
                "closes as “not this time”.",
                size="2",
                color=MUTED,
            ),
            rx.button(
                "Post candidate",
                on_click=S.post(rx.upload_files(upload_id=UPLOAD_ID)),
                data_testid="post-candidate",
            ),
            spacing="3",
            width="100%",
            align="start",
        ),
        width="100%",
    )


def _row(c: rx.Var[CandidateView]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(c.title),
        rx.table.cell(c.price),
        rx.table.cell(
            S.votes.get(c.id.to_string(), 0).to(int).to_string() + " / " + c.threshold.to_string()
        ),
        rx.table.cell(candidate_status(c.status)),
        rx.table.cell(c.closes),
        rx.table.cell(rx.cond(c.deal_link != "", rx.link("Deal", href=c.deal_link), "")),
    )


def candidates_section() -> rx.Component:
    return rx.vstack(
        candidate_form(),
        rx.scroll_area(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(h)
                            for h in ("Candidate", "Target", "Votes", "Status", "Closes", "")
                        ]
                    )
                ),
                rx.table.body(rx.foreach(S.rows, _row)),
                width="100%",
            ),
            type="auto",
            scrollbars="horizontal",
        ),
        spacing="4",
        width="100%",
    )
