"""/vote: be the buyer. Shoppers vote on what the shop should sell next; a candidate that
reaches its threshold becomes a group-buy deal at its target price, voters first."""

from __future__ import annotations

import reflex as rx

from app.components.candidates import candidate_card
from app.components.layout import page_shell
from app.states.vote import VoteState

GRID = {"columns": rx.breakpoints(initial="1", sm="2", md="3"), "spacing": "4", "width": "100%"}


def vote_page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading("Be the buyer", size="7", as_="h1"),
            rx.text(
                "Vote for what we should sell next. When a product gets enough votes it becomes "
                "a group deal at its target price, and everyone who voted may join it 24 hours "
                "before anyone else.",
                size="3",
                color=rx.color("gray", 11),
            ),
            rx.cond(
                VoteState.loaded & (VoteState.open_items.length() == 0),
                rx.callout(
                    "Nothing to vote on right now. Check back soon.",
                    icon="info",
                    color_scheme="gray",
                    width="100%",
                ),
            ),
            rx.grid(rx.foreach(VoteState.open_items, candidate_card), **GRID),
            rx.cond(
                VoteState.decided.length() > 0,
                rx.vstack(
                    rx.heading("Recently decided", size="5", as_="h2"),
                    rx.grid(rx.foreach(VoteState.decided, candidate_card), **GRID),
                    spacing="3",
                    width="100%",
                ),
            ),
            spacing="5",
            width="100%",
        )
    )
