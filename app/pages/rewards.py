"""/rewards: points for helping others, the VIP level with exact progress, badges, history."""

from __future__ import annotations

import reflex as rx

from app.components.layout import page_shell
from app.components.rewards import badge_list, history, level_card
from app.components.skeletons import spinner
from app.states.rewards import RewardsState


def rewards_page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading("Your rewards", size="7", as_="h1"),
            rx.text(
                "Points come from helping others: a review or answer someone found helpful, a "
                "team you started that filled, a friend who joined a deal through your link. "
                "Never for buying, and never for a good rating.",
                size="3",
                color=rx.color("gray", 11),
            ),
            rx.cond(
                RewardsState.loaded,
                rx.vstack(
                    level_card(RewardsState.view),
                    rx.grid(
                        badge_list(RewardsState.view),
                        history(RewardsState.view),
                        columns=rx.breakpoints(initial="1", md="2"),
                        spacing="4",
                        width="100%",
                    ),
                    spacing="4",
                    width="100%",
                ),
                spinner("var(--space-8)"),
            ),
            spacing="4",
            width="100%",
        )
    )
