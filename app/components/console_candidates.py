"""The console's Candidates section (hosts and admins): put a product to the shoppers' vote
(picture, description, target price, vote threshold, closing date) and follow the counts."""

from __future__ import annotations

import reflex as rx

from app.components.candidates import candidate_status
from app.components.console_products import category_option
from app.components.form_fields import DraftForm
from app.components.picture_upload import picture_field
from app.components.tables import scrolling_table
from app.services.candidates import CandidateView
from app.states.console import ConsoleCandidatesState as S
from app.states.console.candidates import UPLOAD_ID

MUTED = rx.color("gray", 11)


F = DraftForm("candidate", S.candidate_errors, S.draft, S.set_field)


def candidate_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Put a product to the vote", size="4", as_="h3"),
            rx.fragment(
                F.input("Product name", "title", max_length=120),
                F.text_area("Description", "description", rows="3", max_length=2000),
                rx.grid(
                    F.input(
                        "Target price", "target_price", input_mode="decimal", placeholder="45.00"
                    ),
                    F.input("Votes needed", "threshold", input_mode="numeric"),
                    F.input("Voting closes", "closes_at", type="datetime-local"),
                    F.select("Category", "category", rx.foreach(S.categories, category_option)),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                key=S.form_key.to_string(),
            ),
            picture_field(
                UPLOAD_ID,
                "Candidate picture",
                F.error("image"),
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
        scrolling_table(
            ["Candidate", "Target", "Votes", "Status", "Closes", ""],
            rx.foreach(S.rows, _row),
        ),
        spacing="4",
        width="100%",
    )
