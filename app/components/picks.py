"""Friends' picks: the home page's "Popular among your friends" row and the product page line."""

from __future__ import annotations

import reflex as rx

from app.components.product_card import product_card
from app.services.picks import PickCard
from app.states.picks import PicksState


def _pick(pick: rx.Var[PickCard]) -> rx.Component:
    return rx.vstack(
        product_card(pick.card, PicksState.ratings),
        rx.cond(
            pick.line != "",
            rx.hstack(
                rx.icon("users", size=14, aria_hidden="true"),
                rx.text(pick.line, size="1", data_testid="pick-line"),
                spacing="1",
                align="center",
                color=rx.color("blue", 11),
            ),
        ),
        spacing="1",
        width="100%",
    )


def friends_picks_section() -> rx.Component:
    return rx.cond(
        PicksState.picks.length() > 0,
        rx.el.section(
            rx.heading(
                rx.cond(PicksState.from_friends, "Popular among your friends", "Popular right now"),
                size="6",
                as_="h2",
                id="picks-heading",
                margin_bottom="var(--space-3)",
            ),
            rx.grid(
                rx.foreach(PicksState.picks, _pick),
                columns=rx.breakpoints(initial="2", sm="3", md="4"),
                spacing=rx.breakpoints(initial="3", md="4"),
                width="100%",
            ),
            aria_labelledby="picks-heading",
            margin_bottom="var(--space-6)",
            data_testid="friends-picks",
        ),
    )


def friends_line() -> rx.Component:
    return rx.cond(
        PicksState.product_line != "",
        rx.callout(
            PicksState.product_line,
            icon="users",
            color_scheme="blue",
            size="1",
            data_testid="friends-bought",
        ),
    )
