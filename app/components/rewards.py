"""Rewards pieces: a badge chip shown next to a name, the level card, the badge list."""

from __future__ import annotations

import reflex as rx

from app.components.tables import scrolling_table
from app.routes import REWARDS as REWARDS_URL
from app.services.rewards import BadgeProgress, LedgerLine, RewardsView
from app.states.rewards import RewardsState

MUTED = rx.color("gray", 11)


def name_badges(labels: rx.Var[list[str]]) -> rx.Component:
    """Small badges after a person's name (chat, reviews, answers)."""
    return rx.foreach(
        labels,
        lambda label: rx.badge(
            rx.icon("award", size=12, aria_hidden="true"),
            label,
            size="1",
            variant="soft",
            color_scheme="amber",
            data_testid="name-badge",
        ),
    )


def level_card(view: rx.Var[RewardsView]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(view.level, size="6", as_="h2", data_testid="rewards-level"),
                rx.cond(view.vip, rx.badge("VIP: early access to new deals", color_scheme="grass")),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
            rx.text(
                rx.text.strong(view.balance.to_string(), data_testid="rewards-balance"),
                " points in all · ",
                view.rolling.to_string(),
                " in the last 12 months",
                size="3",
            ),
            rx.cond(
                view.next_level != "",
                rx.vstack(
                    rx.text(
                        "Toward ",
                        view.next_level,
                        ": ",
                        rx.text.strong(view.level_progress, data_testid="level-progress"),
                        size="2",
                    ),
                    rx.progress(
                        value=view.percent,
                        max=100,
                        aria_label="Progress toward " + view.next_level,
                        width="100%",
                    ),
                    spacing="1",
                    width="100%",
                ),
                rx.text("You reached the top level.", size="2"),
            ),
            rx.text(
                "Points count toward a level for 12 months. A level's target is set when you "
                "start it.",
                size="1",
                color=MUTED,
            ),
            spacing="2",
            width="100%",
            align="start",
        ),
        width="100%",
    )


def _badge_row(badge: rx.Var[BadgeProgress]) -> rx.Component:
    return rx.hstack(
        rx.icon(
            rx.cond(badge.earned, "award", "circle-dashed"),
            size=18,
            color=rx.cond(badge.earned, rx.color("amber", 10), MUTED),
            aria_hidden="true",
        ),
        rx.text(badge.label, weight="medium"),
        rx.text(badge.progress, size="2", color=MUTED, data_testid="badge-progress"),
        rx.cond(badge.earned, rx.badge("Earned", color_scheme="amber", variant="soft")),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def badge_list(view: rx.Var[RewardsView]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Badges", size="4", as_="h2"),
            rx.foreach(view.badges, _badge_row),
            spacing="2",
            align="start",
            width="100%",
        ),
        width="100%",
    )


def _history_row(line: rx.Var[LedgerLine]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line.when),
        rx.table.cell(line.label),
        rx.table.cell(
            rx.cond(line.points > 0, "+" + line.points.to_string(), line.points.to_string()),
            text_align="right",
        ),
    )


def history(view: rx.Var[RewardsView]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Points history", size="4", as_="h2"),
            rx.cond(
                view.history.length() == 0,
                rx.text(
                    "No points yet. Helpful reviews and answers, teams that fill and friends "
                    "who join a deal through your link all earn points.",
                    size="2",
                    color=MUTED,
                ),
                scrolling_table(
                    ["When", "For", rx.table.column_header_cell("Points", text_align="right")],
                    rx.foreach(view.history, _history_row),
                ),
            ),
            spacing="2",
            width="100%",
            align="start",
        ),
        width="100%",
    )


def rewards_summary() -> rx.Component:
    """The profile's rewards line: level, points and the next target, with a link."""
    view = RewardsState.view
    return rx.card(
        rx.hstack(
            rx.icon("award", size=20, color=rx.color("amber", 10), aria_hidden="true"),
            rx.text(
                rx.text.strong(view.level),
                " · ",
                view.balance.to_string(),
                " points",
                rx.cond(view.level_progress != "", " · " + view.level_progress, ""),
                size="2",
                data_testid="rewards-summary",
            ),
            rx.link("See rewards", href=REWARDS_URL, size="2", weight="medium"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        width="100%",
    )
