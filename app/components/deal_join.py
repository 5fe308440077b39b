"""The join panel of a deal page: how to pay, join, the bank's check, being in, leaving."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from app.components.confirm import confirm_dialog
from app.components.deal_payment import payment_element
from app.components.sandbox_cards import sandbox_card_chooser
from app.states.deals import DealState


def _quantity() -> rx.Component:
    deal = DealState.deal
    return rx.cond(
        deal.max_quantity > 1,  # type: ignore[union-attr]
        rx.hstack(
            rx.el.label("Quantity", html_for="deal-quantity", font_weight="500"),
            rx.el.select(
                rx.foreach(
                    rx.Var.range(1, deal.max_quantity + 1),  # type: ignore[union-attr]
                    lambda n: rx.el.option(n.to_string(), value=n.to_string()),
                ),
                id="deal-quantity",
                value=DealState.quantity,
                on_change=DealState.set_quantity,
            ),
            spacing="2",
            align="center",
        ),
    )


def _join_button(label: rx.Var[str] | str, on_click: rx.event.EventType, test_id: str,
                 variant: str = "solid") -> rx.Component:  # fmt: skip
    return rx.button(
        label,
        on_click=on_click,
        loading=DealState.busy,
        disabled=DealState.busy,
        size="3",
        variant=variant,  # type: ignore[arg-type]
        width="100%",
        data_testid=test_id,
    )


def error_callout(message: rx.Var[str], test_id: str) -> rx.Component:
    """What went wrong with paying or joining, when something did."""
    return rx.cond(
        message != "",
        rx.callout(
            message,
            icon="circle-alert",
            color_scheme="red",
            role="alert",
            width="100%",
            data_testid=test_id,
        ),
    )


def test_bank_buttons(
    approve: str, refuse: str, answer: Callable[[bool], Any], **approve_props: Any
) -> tuple[rx.Component, rx.Component]:
    """With test cards the shopper plays their bank's 3-D Secure check: `answer(True)` passes
    it, `answer(False)` fails it."""
    return (
        rx.button(
            approve, on_click=answer(True), size="2", data_testid="bank-approve", **approve_props
        ),
        rx.button(refuse, on_click=answer(False), size="2", variant="soft", color_scheme="gray"),
    )


def _join_form() -> rx.Component:
    card = DealState.deal.card  # type: ignore[union-attr]
    return rx.vstack(
        _quantity(),
        rx.cond(
            DealState.test_cards,
            sandbox_card_chooser(DealState.card_choice, DealState.set_card_choice),
            payment_element(),
        ),
        error_callout(DealState.error, "join-error"),
        _join_button(
            "Join for " + card.join_price,
            rx.cond(DealState.test_cards, DealState.join, DealState.pay_with_card("join", 0)),
            "join-deal",
        ),
        rx.text(
            "You pay at most ",
            rx.text.strong(card.join_price),
            ", less if more people join. ",
            rx.cond(
                DealState.deal.saves_card,  # type: ignore[union-attr]
                "This deal runs longer than a card hold lasts, so we save your card now and "
                "charge it only if the deal unlocks by the deadline.",
                "We place a hold on your card now and charge it only if the deal unlocks by the "
                "deadline; otherwise the hold is released.",
            ),
            size="2",
            color=rx.color("gray", 11),
            data_testid="pay-at-most",
        ),
        spacing="3",
        width="100%",
    )


def _bank_check() -> rx.Component:
    """3-D Secure: with the local test server the shopper plays their bank."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("shield-check")),
        rx.vstack(
            rx.callout.text(
                "Your bank wants you to confirm the hold before you're in the deal.",
                weight="medium",
            ),
            rx.cond(
                DealState.test_cards,
                rx.hstack(
                    rx.badge("Test bank", color_scheme="amber"),
                    *test_bank_buttons("Approve", "Refuse", DealState.bank_answer),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.button("Confirm with my bank", on_click=DealState.bank_check_done, size="2"),
            ),
            spacing="2",
        ),
        color_scheme="amber",
        role="status",
        width="100%",
        data_testid="bank-check",
    )


def _leave_button() -> rx.Component:
    return confirm_dialog(
        rx.button("Leave the deal", variant="soft", color_scheme="gray", data_testid="leave"),
        "Leave this deal?",
        "The hold on your card is released and your place goes to someone else.",
        rx.button("Stay in", variant="soft", color_scheme="gray"),
        rx.button("Leave", on_click=DealState.leave),
        margin_top="var(--space-4)",
    )


def _in_the_deal() -> rx.Component:
    seat = DealState.seat
    return rx.vstack(
        rx.callout.root(
            rx.callout.icon(rx.icon("circle-check")),
            rx.callout.text(
                rx.text.strong("You're in. "),
                "You pay at most ",
                rx.text.strong(seat.locked_price),
                " each, less if more people join.",
            ),
            color_scheme="grass",
            width="100%",
            data_testid="in-the-deal",
        ),
        _leave_button(),
        spacing="3",
        width="100%",
        align="start",
    )


def outcome_notice() -> rx.Component:
    """What happened at close, worded for the shopper who was in it."""
    card = DealState.deal.card  # type: ignore[union-attr]
    seat = DealState.seat
    was_in = seat.active | seat.joined_when_closed
    return rx.match(
        card.status,
        (
            "failed",
            rx.callout(
                rx.cond(
                    was_in,
                    "This deal did not unlock. The hold on your card was released: you were not "
                    "charged.",
                    "This deal did not unlock, so nobody was charged.",
                ),
                icon="circle-x",
                color_scheme="gray",
                role="status",
                width="100%",
                data_testid="deal-outcome",
            ),
        ),
        (
            "succeeded",
            rx.callout(
                rx.cond(
                    was_in,
                    "The deal went ahead. You paid the final price of "
                    + DealState.deal.final_price  # type: ignore[union-attr]
                    + " each (or less, if you joined at a lower price).",
                    "This deal went ahead at " + DealState.deal.final_price + " each.",  # type: ignore[union-attr]
                ),
                icon="party-popper",
                color_scheme="grass",
                role="status",
                width="100%",
                data_testid="deal-outcome",
            ),
        ),
        (
            "closing",
            rx.callout(
                "The deadline has passed. We're settling the deal now…",
                icon="hourglass",
                role="status",
                width="100%",
                data_testid="deal-outcome",
            ),
        ),
        rx.fragment(),
    )


def join_panel() -> rx.Component:
    card = DealState.deal.card  # type: ignore[union-attr]
    seat = DealState.seat
    return rx.vstack(
        outcome_notice(),
        rx.cond(
            seat.status == "needs_action",
            _bank_check(),
            rx.cond(
                seat.active,
                rx.cond(card.joinable | (card.status == "unlocked"), _in_the_deal()),
                rx.fragment(
                    rx.cond(
                        (seat.status != "none") & (seat.message != "") & (DealState.error == ""),
                        rx.text(
                            seat.message,
                            size="2",
                            color=rx.color("gray", 11),
                            data_testid="seat-message",
                        ),
                    ),
                    rx.cond(
                        card.joinable,
                        rx.cond(
                            DealState.payments_on,
                            _join_form(),
                            rx.callout(
                                "Payments are not set up on this shop yet, so deals can't be "
                                "joined.",
                                icon="info",
                                width="100%",
                            ),
                        ),
                    ),
                ),
            ),
        ),
        spacing="3",
        width="100%",
    )
