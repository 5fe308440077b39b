"""A deal's public ledger (/deals/<id>/ledger): the count, and every line it is made of."""

from __future__ import annotations

import reflex as rx

from app.components.deal_card import status_badge, unlock_progress
from app.components.layout import page_shell
from app.components.notice import notice
from app.components.skeletons import spinner
from app.routes import deal_url
from app.services.deals import LedgerEntry
from app.states.deals import DealLedgerState
from app.states.keyed_page import shows_address


def _entry(entry: rx.Var[LedgerEntry]) -> rx.Component:
    joined = entry.kind == "joined"
    return rx.table.row(
        rx.table.cell(
            rx.el.time(entry.at_text, date_time=entry.at),
            white_space="nowrap",
            color=rx.color("gray", 11),
        ),
        rx.table.cell(
            rx.hstack(
                rx.icon(
                    rx.cond(joined, "user-check", "tag"),
                    size=16,
                    color=rx.cond(joined, rx.color("grass", 11), rx.color("accent", 11)),
                    aria_hidden="true",
                ),
                rx.text(entry.text),
                spacing="2",
                align="center",
            )
        ),
        data_testid=rx.cond(joined, "ledger-joined", "ledger-price"),
    )


def deal_ledger_page() -> rx.Component:
    card = DealLedgerState.card  # type: ignore[union-attr]
    return page_shell(
        rx.cond(
            shows_address(DealLedgerState) & DealLedgerState.not_found,
            notice("We couldn't find that deal", "The link may be mistyped.", icon="ticket-x"),
            rx.cond(
                shows_address(DealLedgerState) & DealLedgerState.card.bool(),
                rx.vstack(
                    rx.link("← Back to the deal", href=deal_url(card.id.to_string()), size="2"),
                    rx.hstack(
                        rx.heading("Deal ledger: " + card.title, size="7", as_="h1"),
                        status_badge(card.status, card.status_label),
                        spacing="3",
                        align="center",
                        wrap="wrap",
                    ),
                    rx.text(
                        "Every shopper the count includes, from the moment their hold was "
                        "confirmed, and every price change. Holds still waiting for a bank or a "
                        "team are not in the count. Your friends are shown by name; everyone "
                        "else as “A shopper”.",
                        color=rx.color("gray", 11),
                        size="3",
                    ),
                    rx.card(unlock_progress(card), width="100%"),
                    rx.text(
                        rx.text.strong(
                            DealLedgerState.joined.to_string(), data_testid="ledger-count"
                        ),
                        " joined lines below · count shown ",
                        rx.text.strong(card.participants.to_string()),
                        size="2",
                    ),
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell("When (UTC)"),
                                rx.table.column_header_cell("What happened"),
                            )
                        ),
                        rx.table.body(rx.foreach(DealLedgerState.entries, _entry)),
                        variant="surface",
                        width="100%",
                        aria_label="Deal ledger",
                    ),
                    spacing="4",
                    width="100%",
                    max_width="48rem",
                    margin_x="auto",
                ),
                spinner(),
            ),
        )
    )
