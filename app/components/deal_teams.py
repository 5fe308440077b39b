"""Teams on a deal page: who is in each, how long it has left, start one, join one, share it."""

from __future__ import annotations

import reflex as rx

from app.components.copy_link import copy_link_field
from app.components.deal_card import countdown
from app.services.deals.views import MemberView, TeamView
from app.states.deals import DealState


def _member(member: rx.Var[MemberView]) -> rx.Component:
    return rx.hstack(
        rx.avatar(fallback=member.initials, size="1", radius="full", color_scheme=member.colour),
        rx.text(member.name, size="2"),
        spacing="1",
        align="center",
    )


def _team(team: rx.Var[TeamView]) -> rx.Component:
    deal = DealState.deal
    seat = DealState.seat
    can_join = (
        (team.status == "forming")
        & ~seat.active
        & deal.card.joinable  # type: ignore[union-attr]
        & DealState.payments_on
    )
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(team.leader_name + "'s team", weight="bold", size="3"),
                rx.badge(
                    team.status_label,
                    color_scheme=rx.match(
                        team.status, ("filled", "grass"), ("forming", "blue"), "gray"
                    ),
                    variant="soft",
                ),
                justify="between",
                width="100%",
                wrap="wrap",
            ),
            rx.text(
                team.member_count.to_string() + " of " + team.size.to_string() + " in",
                rx.cond(
                    team.status == "forming",
                    " · " + team.spots_left.to_string() + " to go",
                    "",
                ),
                size="2",
                data_testid="team-count",
            ),
            rx.hstack(rx.foreach(team.members, _member), spacing="3", wrap="wrap"),
            rx.cond(
                team.status == "forming",
                rx.hstack(
                    rx.icon("timer", size=14, aria_hidden="true"),
                    rx.text("Time left to fill:", size="2"),
                    countdown(team.expires_at, test_id="team-countdown"),
                    spacing="1",
                    align="center",
                    wrap="wrap",
                ),
            ),
            rx.cond(
                seat.active & (seat.team_id == team.id),
                rx.text(
                    rx.cond(
                        team.status == "filled",
                        "Your team is complete: you pay "
                        + deal.team_price  # type: ignore[union-attr]
                        + " each, or less if a tier goes lower.",
                        "This is your team. Share the link so friends join before time runs out.",
                    ),
                    size="2",
                    weight="medium",
                    color=rx.color("grass", 11),
                    data_testid="my-team",
                ),
            ),
            rx.cond(
                can_join,
                rx.button(
                    "Join " + team.leader_name + "'s team for " + deal.team_price,  # type: ignore[union-attr]
                    on_click=rx.cond(
                        DealState.test_cards,
                        DealState.join_team(team.id),
                        DealState.pay_with_card("join_team", team.id),
                    ),
                    loading=DealState.busy,
                    variant=rx.cond(DealState.invited_team == team.id, "solid", "soft"),
                    width="100%",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        border=rx.cond(
            DealState.invited_team == team.id, f"2px solid {rx.color('accent', 8)}", "none"
        ),
        data_testid="team",
    )


def _share() -> rx.Component:
    link = DealState.router.url.origin + DealState.share_path  # type: ignore[operator]
    return rx.cond(
        DealState.share_path != "",
        copy_link_field("team-link", "Share your team's link", link),
    )


def teams_panel() -> rx.Component:
    deal = DealState.deal
    seat = DealState.seat
    return rx.cond(
        deal.has_teams,  # type: ignore[union-attr]
        rx.vstack(
            rx.heading("Buy as a team", size="5", as_="h2"),
            rx.text(
                "Start a team of ",
                deal.team_size.to_string(),  # type: ignore[union-attr]
                " and share the link. If your team fills within 24 hours, everyone in it pays ",
                rx.text.strong(deal.team_price),  # type: ignore[union-attr]
                " each. If it doesn't, every hold in the team is released and nobody in it is "
                "charged.",
                size="2",
                color=rx.color("gray", 11),
            ),
            _share(),
            rx.foreach(deal.teams, _team),  # type: ignore[union-attr]
            rx.cond(
                ~seat.active & deal.card.joinable & DealState.payments_on,  # type: ignore[union-attr]
                rx.button(
                    rx.icon("users", size=16),
                    "Start a team",
                    on_click=rx.cond(
                        DealState.test_cards,
                        DealState.start_team,
                        DealState.pay_with_card("team", 0),
                    ),
                    loading=DealState.busy,
                    variant="outline",
                    width="100%",
                    data_testid="start-team",
                ),
            ),
            spacing="3",
            width="100%",
        ),
    )
