"""The frame every page shares: header with navigation, search and sign-in, and a footer."""

from __future__ import annotations

import reflex as rx

from app.components.people import POST_SIGN_OUT, avatar
from app.states.live import LiveStatus
from app.states.search import HeaderSearchState
from app.states.session import SessionState

BRAND = "Bandwagon"


def _logo() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("shopping-bag", size=24, color=rx.color("accent", 11)),
            rx.text(BRAND, weight="bold", size="5", color=rx.color("gray", 12)),
            spacing="2",
            align="center",
        ),
        href="/",
        aria_label=f"{BRAND} home",
        underline="none",
    )


def _nav_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, size="3", weight="medium", color=rx.color("gray", 12))


def search_form(input_id: str = "site-search") -> rx.Component:
    """A labelled search box that sends the shopper to the catalog with their words."""
    return rx.form(
        rx.hstack(
            rx.el.label("Search products", html_for=input_id, class_name="sr-only"),
            rx.input(
                id=input_id,
                name="q",
                placeholder="Search mugs, lamps, tents…",
                type="search",
                max_length=200,
                width="100%",
                size="2",
            ),
            rx.button(rx.icon("search", size=16), "Search", type="submit", size="2"),
            spacing="2",
            width="100%",
        ),
        on_submit=HeaderSearchState.submit,
        role="search",
        width="100%",
        max_width="28rem",
    )


def sign_in_slot() -> rx.Component:
    """The signed-in shopper's menu, or a sign-in button that comes back to this page."""
    return rx.cond(
        SessionState.signed_in,
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    avatar(
                        SessionState.user_name,
                        SessionState.user_initials,
                        SessionState.user_avatar,
                        size="1",
                    ),
                    rx.text(SessionState.user_name, class_name="hide-on-phone"),
                    variant="ghost",
                    aria_label="Account menu for " + SessionState.user_name,
                    data_testid="account-menu",
                )
            ),
            rx.menu.content(
                rx.menu.item("Profile", on_click=rx.redirect("/profile")),
                rx.menu.item("Friends", on_click=rx.redirect("/friends")),
                rx.menu.item("Orders", on_click=rx.redirect("/orders")),
                rx.menu.separator(),
                rx.menu.item("Sign out", on_click=rx.call_script(POST_SIGN_OUT)),
            ),
        ),
        rx.link(
            rx.button(rx.icon("user-round", size=16), "Sign in", variant="soft", size="2"),
            href=rx.cond(
                SessionState.router.url.path.contains("/sign-in"),
                "/sign-in",
                "/sign-in?next=" + SessionState.router.url.path,
            ),
            aria_label="Sign in",
        ),
    )


def header() -> rx.Component:
    return rx.el.header(
        rx.flex(
            rx.hstack(
                _logo(),
                _nav_link("Home", "/"),
                _nav_link("Catalog", "/catalog"),
                _nav_link("Live", "/live"),
                rx.cond(SessionState.signed_in, _nav_link("Friends", "/friends")),
                rx.cond(SessionState.signed_in, _nav_link("Cart", "/cart")),
                spacing="5",
                align="center",
                wrap="wrap",
            ),
            rx.box(search_form(), flex_grow="1", display="flex", justify_content="center"),
            sign_in_slot(),
            wrap="wrap",
            align="center",
            justify="between",
            gap="3",
            max_width="80rem",
            margin_x="auto",
            padding_x=["var(--space-3)", "var(--space-4)", "var(--space-6)"],
            padding_y="var(--space-3)",
        ),
        position="sticky",
        top="0",
        z_index="10",
        background=rx.color("gray", 1),
        border_bottom=f"1px solid {rx.color('gray', 5)}",
    )


def footer() -> rx.Component:
    return rx.el.footer(
        rx.text(
            f"{BRAND} — shop together, pay less. Demo data and images are made by the project.",
            size="2",
            color=rx.color("gray", 11),
        ),
        max_width="80rem",
        margin_x="auto",
        padding="var(--space-6)",
    )


def reconnecting_banner() -> rx.Component:
    """Shown while live updates cannot flow (the bus is down); edits still save."""
    return rx.cond(
        LiveStatus.live_ok,
        rx.fragment(),
        rx.callout(
            "Reconnecting to live updates… your changes are saved and will show up shortly.",
            icon="wifi-off",
            color_scheme="amber",
            role="status",
            max_width="80rem",
            margin_x="auto",
            margin_top="var(--space-3)",
        ),
    )


def page_shell(*children: rx.Component) -> rx.Component:
    """Header, a centred main column and the footer."""
    return rx.box(
        rx.el.a("Skip to content", href="#main", class_name="skip-link"),
        header(),
        reconnecting_banner(),
        rx.el.main(
            *children,
            id="main",
            max_width="80rem",
            margin_x="auto",
            padding_x=["var(--space-3)", "var(--space-4)", "var(--space-6)"],
            padding_y="var(--space-5)",
            min_height="70vh",
        ),
        footer(),
        background=rx.color("gray", 2),
        min_height="100vh",
    )
