"""A group booking's page (`/trips/<code>`, also the link friends get): the group, who has paid,
the countdowns, progress to the minimum, the share link, "Pay my share" and the organiser's
"Cover"."""

from __future__ import annotations

import reflex as rx

from app import routes
from app.components.copy_link import copy_link_field
from app.components.deal_card import countdown, status_badge
from app.components.deal_join import error_callout, test_bank_buttons
from app.components.layout import page_shell
from app.components.notice import notice
from app.components.sandbox_cards import sandbox_card_chooser
from app.components.skeletons import spinner
from app.services.trips import BookingMember
from app.states.keyed_page import shows_address
from app.states.trips import BookingState

MEMBER_COLOURS = (
    ("waiting", "amber"),
    ("cover", "orange"),
    ("confirming", "amber"),
    ("paid", "grass"),
    ("charged", "grass"),
)


def _summary() -> rx.Component:
    b = BookingState.booking
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.image(
                    src=b.image,  # type: ignore[union-attr]
                    alt="",
                    width="72px",
                    height="72px",
                    object_fit="cover",
                    border_radius="var(--radius-3)",
                ),
                rx.vstack(
                    rx.link(
                        rx.heading(b.title, size="6", as_="h1"),  # type: ignore[union-attr]
                        href=routes.product_url(b.product_url_key),  # type: ignore[union-attr]
                    ),
                    rx.text(b.date_label, size="2", weight="medium"),  # type: ignore[union-attr]
                    rx.text(
                        "Organised by ",
                        b.organiser_name,  # type: ignore[union-attr]
                        size="2",
                        color=rx.color("gray", 11),
                    ),
                    spacing="1",
                    min_width="0",
                ),
                spacing="3",
                align="start",
            ),
            rx.hstack(
                status_badge(b.status, b.status_label),  # type: ignore[union-attr]
                rx.text(
                    b.price_now,  # type: ignore[union-attr]
                    rx.cond(b.open, " per person now", " per person"),  # type: ignore[union-attr]
                    size="2",
                    weight="bold",
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(b.headline, size="3", data_testid="booking-headline"),  # type: ignore[union-attr]
            rx.text(
                rx.text.strong(b.paid.to_string(), data_testid="booking-paid"),  # type: ignore[union-attr]
                " paid of ",
                b.min_size.to_string(),  # type: ignore[union-attr]
                " needed · ",
                b.in_group.to_string(),  # type: ignore[union-attr]
                " in the group (at most ",
                b.max_size.to_string(),  # type: ignore[union-attr]
                ")",
                size="2",
            ),
            rx.progress(
                value=b.progress,  # type: ignore[union-attr]
                max=100,
                aria_label="Paid shares toward the minimum: "
                + b.paid.to_string()  # type: ignore[union-attr]
                + " of "
                + b.min_size.to_string(),  # type: ignore[union-attr]
                color_scheme=rx.cond(b.progress < 100, "tomato", "grass"),  # type: ignore[union-attr]
                width="100%",
            ),
            rx.cond(
                b.next_tier_text != "",  # type: ignore[union-attr]
                rx.text(b.next_tier_text, size="2", color=rx.color("grass", 11)),  # type: ignore[union-attr]
            ),
            rx.text(b.prices, size="1", color=rx.color("gray", 11)),  # type: ignore[union-attr]
            rx.cond(
                b.open,  # type: ignore[union-attr]
                rx.hstack(
                    rx.icon("timer", size=16, aria_hidden="true"),
                    rx.text("Decided in", size="2"),
                    countdown(b.deadline, test_id="booking-countdown"),  # type: ignore[union-attr]
                    rx.text("(" + b.deadline_label + ")", size="1", color=rx.color("gray", 11)),  # type: ignore[union-attr]
                    spacing="1",
                    align="center",
                    wrap="wrap",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _share() -> rx.Component:
    link = BookingState.router.url.origin + BookingState.share_path  # type: ignore[operator]
    return rx.cond(
        BookingState.booking.open,  # type: ignore[union-attr]
        copy_link_field(
            "trip-link",
            "Share this group's link",
            link,
            copy_label="Copy the group's link",
        ),
    )


def _member(m: rx.Var[BookingMember]) -> rx.Component:
    me = m.user_id == BookingState.me
    open_now = BookingState.booking.open  # type: ignore[union-attr]
    pay_mine = me & m.waiting & open_now & ((m.phase == "member") | BookingState.is_organiser)
    cover = ~me & m.waiting & open_now & BookingState.is_organiser
    return rx.vstack(
        rx.hstack(
            rx.avatar(fallback=m.initials, size="2", radius="full", color_scheme=m.colour),
            rx.vstack(
                rx.hstack(
                    rx.text(m.name, weight="medium", size="2"),
                    rx.cond(m.is_organiser, rx.badge("Organiser", variant="outline", size="1")),
                    rx.cond(me, rx.badge("You", variant="outline", size="1")),
                    spacing="1",
                    align="center",
                    wrap="wrap",
                ),
                rx.hstack(
                    rx.badge(
                        m.label,
                        color_scheme=rx.match(m.status, *MEMBER_COLOURS, "gray"),
                        variant="soft",
                        data_testid="member-status",
                    ),
                    rx.cond(m.amount != "", rx.text(m.amount, size="1")),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                spacing="1",
                min_width="0",
            ),
            spacing="2",
            align="center",
            width="100%",
        ),
        rx.cond(
            m.waiting,
            rx.hstack(
                rx.text(
                    rx.cond(m.phase == "member", "Time left to pay:", "Organiser can cover for:"),
                    size="1",
                ),
                countdown(m.due_at, size="1", test_id="share-countdown"),
                spacing="1",
                align="center",
                wrap="wrap",
            ),
        ),
        rx.cond(
            pay_mine,
            rx.button(
                "Pay my share",
                on_click=BookingState.pay(m.user_id),
                loading=BookingState.busy,
                width="100%",
                data_testid="pay-my-share",
            ),
        ),
        rx.cond(
            me & (m.status == "confirming") & BookingState.test_cards,
            rx.hstack(
                *test_bank_buttons(
                    "Confirm with my bank (test)",
                    "Fail the check (test)",
                    BookingState.bank_check,
                    loading=BookingState.busy,
                ),
                spacing="2",
                wrap="wrap",
            ),
        ),
        rx.cond(
            cover,
            rx.button(
                "Cover " + m.name + "'s share",
                on_click=BookingState.pay(m.user_id),
                loading=BookingState.busy,
                variant="soft",
                width="100%",
                data_testid="cover-share",
            ),
        ),
        spacing="2",
        width="100%",
        padding_y="var(--space-2)",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="booking-member",
    )


def _actions() -> rx.Component:
    open_now = BookingState.booking.open  # type: ignore[union-attr]
    return rx.vstack(
        rx.cond(
            BookingState.can_join,
            rx.button(
                rx.icon("user-plus", size=16),
                "Join this group",
                on_click=BookingState.join,
                loading=BookingState.busy,
                size="3",
                width="100%",
                data_testid="join-group",
            ),
        ),
        rx.cond(
            open_now & BookingState.is_member & BookingState.test_cards,
            sandbox_card_chooser(BookingState.card_choice, BookingState.set_card_choice),
        ),
        error_callout(BookingState.error, "booking-error"),
        rx.text(
            "Each member pays their own share within 72 hours of joining; then the organiser "
            "may cover it for 24 hours, or the seat is given back. Shares are card holds: "
            "charged only if the group goes ahead.",
            size="1",
            color=rx.color("gray", 11),
        ),
        spacing="3",
        width="100%",
    )


def _members() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("The group", size="5", as_="h2"),
            rx.vstack(
                rx.foreach(BookingState.booking.members, _member),  # type: ignore[union-attr]
                spacing="0",
                width="100%",
            ),
            _actions(),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def booking_page() -> rx.Component:
    return page_shell(
        rx.cond(
            shows_address(BookingState) & BookingState.not_found,
            notice(
                "We couldn't find that group",
                "Check the link you were sent, or ask the organiser for a new one.",
                icon="users",
            ),
            rx.cond(
                shows_address(BookingState) & BookingState.booking.bool(),
                rx.grid(
                    rx.vstack(_summary(), _share(), spacing="4", width="100%"),
                    _members(),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="5",
                    width="100%",
                ),
                spinner(),
            ),
        )
    )
