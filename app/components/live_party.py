"""Watch together: the friends in this viewer's watch party and their shared cart."""

from __future__ import annotations

import reflex as rx

from app import routes
from app.services.live import PartyLineView, PartyMemberView, WatchPartyView
from app.states.watch_party import WatchPartyState


def _member(member: rx.Var[PartyMemberView]) -> rx.Component:
    return rx.tooltip(
        rx.avatar(fallback=member.initials, size="2", radius="full", alt=member.name),
        content=member.name,
    )


def _line(line: rx.Var[PartyLineView]) -> rx.Component:
    return rx.hstack(
        rx.text(line.quantity.to_string() + " × " + line.title, size="2", flex_grow="1"),
        rx.text(line.added_by, size="1", color=rx.color("gray", 11)),
        width="100%",
        data_testid="party-cart-line",
    )


def _invite_row(friend: rx.Var[PartyMemberView]) -> rx.Component:
    return rx.hstack(
        rx.avatar(fallback=friend.initials, size="1", radius="full", alt=""),
        rx.text(friend.name, size="2", flex_grow="1"),
        rx.button(
            "Invite",
            size="1",
            variant="soft",
            on_click=WatchPartyState.invite(friend.id),
            aria_label="Invite " + friend.name + " to watch together",
        ),
        align="center",
        width="100%",
    )


def party_panel(side_chat: rx.Component) -> rx.Component:
    party = WatchPartyState.party.to(WatchPartyView)
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("users", size=18),
                rx.heading("Watch together", size="3", as_="h2"),
                spacing="2",
                align="center",
            ),
            rx.cond(
                WatchPartyState.party,
                rx.vstack(
                    rx.hstack(rx.foreach(party.members, _member), spacing="1", wrap="wrap"),
                    rx.text(
                        "Only the friends in your party see this chat and cart.",
                        size="1",
                        color=rx.color("gray", 11),
                    ),
                    side_chat,
                    rx.heading("Our shared cart", size="2", as_="h3"),
                    rx.cond(
                        party.cart_lines.length() > 0,
                        rx.vstack(
                            rx.foreach(party.cart_lines, _line),
                            rx.text("Total " + party.cart_total, size="2", weight="bold"),
                            spacing="1",
                            width="100%",
                        ),
                        rx.text(
                            "Empty so far: use “Add to our cart” on the pinned product.",
                            size="2",
                            color=rx.color("gray", 11),
                        ),
                    ),
                    rx.link(
                        "Open the shared cart",
                        href=routes.cart_url(party.cart_id.to_string()),
                        size="2",
                    ),
                    rx.cond(
                        WatchPartyState.invitable.length() > 0,
                        rx.vstack(
                            rx.heading("Invite friends", size="2", as_="h3"),
                            rx.foreach(WatchPartyState.invitable, _invite_row),
                            spacing="2",
                            width="100%",
                        ),
                    ),
                    spacing="3",
                    width="100%",
                    align="start",
                ),
                rx.vstack(
                    rx.text(
                        "Watch with friends: a private side chat and a cart you fill together.",
                        size="2",
                        color=rx.color("gray", 11),
                    ),
                    rx.button(
                        rx.icon("user-plus", size=16),
                        "Start a watch party",
                        variant="soft",
                        on_click=WatchPartyState.start_party,
                    ),
                    spacing="2",
                    align="start",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="watch-party",
    )
