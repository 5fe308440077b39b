"""Be-the-buyer candidate cards: picture, target price, live votes toward the threshold, the
vote / withdraw button, and what became of it ("Now a deal", "Not this time")."""

from __future__ import annotations

import reflex as rx

from app.services.candidates import CandidateView
from app.states.vote import VoteState as S

MUTED = rx.color("gray", 11)
STATUS_COLOURS = (("open", "blue"), ("deal", "grass"), ("not_this_time", "gray"))
STATUS_LABELS = (("open", "Voting"), ("deal", "Now a deal"), ("not_this_time", "Not this time"))


def _key(c: rx.Var[CandidateView]) -> rx.Var[str]:
    return c.id.to_string()


def _votes(c: rx.Var[CandidateView]) -> rx.Var[int]:
    return S.votes.get(_key(c), 0).to(int)


def _status(c: rx.Var[CandidateView]) -> rx.Var[str]:
    return S.statuses.get(_key(c), c.status).to(str)


def candidate_status(status: rx.Var[str]) -> rx.Component:
    return rx.badge(
        rx.match(status, *STATUS_LABELS, "Voting"),
        color_scheme=rx.match(status, *STATUS_COLOURS, "gray"),
        variant="soft",
        size="2",
        data_testid="candidate-status",
    )


def _progress(c: rx.Var[CandidateView]) -> rx.Component:
    return rx.vstack(
        rx.text(
            rx.text.strong(_votes(c).to_string(), data_testid="candidate-votes"),
            " of ",
            c.threshold.to_string(),
            " votes",
            size="2",
            aria_live="polite",
        ),
        rx.progress(
            value=rx.cond(_votes(c) >= c.threshold, 100, _votes(c) * 100 / c.threshold).to(int),
            max=100,
            aria_label="Votes toward the threshold",
            width="100%",
        ),
        spacing="1",
        width="100%",
    )


def _voter_callout(c: rx.Var[CandidateView]) -> rx.Component:
    """A voter hears first: the deal is theirs to join before everyone else."""
    return rx.callout(
        rx.hstack(
            rx.text("It's a deal! You voted for it, so you may join first for 24 hours."),
            rx.link("Join the deal", href=S.deal_links.get(_key(c), "").to(str), weight="bold"),
            spacing="2",
            wrap="wrap",
        ),
        icon="party-popper",
        color_scheme="grass",
        size="1",
        width="100%",
        data_testid="voter-first",
    )


def _actions(c: rx.Var[CandidateView]) -> rx.Component:
    voted = S.my_votes.contains(c.id)
    status = _status(c)
    return rx.cond(
        status == "open",
        rx.cond(
            voted,
            rx.hstack(
                rx.badge("You voted", color_scheme="grass", variant="surface"),
                rx.button(
                    "Withdraw my vote",
                    size="2",
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.withdraw(c.id),
                    aria_label="Withdraw my vote for " + c.title,
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.button(
                rx.icon("thumbs-up", size=16, aria_hidden="true"),
                "Vote",
                size="2",
                on_click=S.vote(c.id),
                aria_label="Vote for " + c.title,
                data_testid="vote-button",
            ),
        ),
        rx.cond(
            status == "deal",
            rx.cond(
                voted,
                _voter_callout(c),
                rx.link(
                    "See the deal",
                    href=S.deal_links.get(_key(c), "").to(str),
                    weight="medium",
                ),
            ),
            rx.text("Not enough votes by the closing date. Not this time.", size="2", color=MUTED),
        ),
    )


def candidate_card(c: rx.Var[CandidateView]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.image(
                src=c.image,
                alt=c.title,
                width="100%",
                height="180px",
                object_fit="cover",
                border_radius="var(--radius-2)",
            ),
            rx.hstack(
                rx.heading(c.title, size="4", as_="h2"),
                candidate_status(_status(c)),
                justify="between",
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.cond(
                c.description != "",
                rx.text(c.description, size="2", color=MUTED, white_space="pre-wrap"),
            ),
            rx.text("Target price ", rx.text.strong(c.price), size="3"),
            _progress(c),
            rx.text("Voting closes ", c.closes, size="1", color=MUTED),
            _actions(c),
            spacing="3",
            align="start",
            width="100%",
        ),
        data_testid="candidate-card",
        custom_attrs={"data-title": c.title},
        width="100%",
    )
