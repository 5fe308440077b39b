"""The frame every page shares: header with navigation, search and sign-in, and a footer."""

from __future__ import annotations

import reflex as rx
from reflex.components.react_router import ReactRouterLink

from app.components.bell import bell
from app.components.people import POST_SIGN_OUT, avatar
from app.states.rooms import LiveStatus
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


# (label, href, only for a signed-in shopper)
NAV_LINKS = (
    ("Home", "/", False),
    ("Catalog", "/catalog", False),
    ("Live", "/live", False),
    ("Communities", "/communities", False),
    ("Friends", "/friends", True),
    ("Activity", "/activity", True),
    ("Cart", "/cart", True),
    ("Vote", "/vote", False),
)
# Responsive `display` values (phone, ≥30em, ≥48em, ≥62em): the inline nav needs a wide screen,
# narrower ones get the same links behind a menu button.
WIDE_ONLY = ["none", "none", "none", "flex"]
NARROW_ONLY = ["flex", "flex", "flex", "none"]


def _signed_in_only(component: rx.Component, signed_in_only: bool) -> rx.Component:
    return rx.cond(SessionState.signed_in, component) if signed_in_only else component


def _nav_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, size="3", weight="medium", color=rx.color("gray", 12))


def _inline_nav() -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            *[_signed_in_only(_nav_link(label, href), only) for label, href, only in NAV_LINKS],
            spacing="5",
            align="center",
        ),
        aria_label="Main",
        display=WIDE_ONLY,
    )


def _menu_link(label: str, href: str) -> rx.Component:
    # as_child makes the menu item the link itself (a real href, the menu's own colours). A bare
    # router link, as rx.link's own Slot cannot sit inside the item's Slot.
    return rx.menu.item(ReactRouterLink.create(label, to=href), as_child=True)


def _nav_menu() -> rx.Component:
    """The nav links on a narrow screen: a dropdown (keyboard and screen-reader ready)."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("menu", size=20),
                variant="soft",
                color_scheme="gray",
                high_contrast=True,
                size="2",
                aria_label="Navigation menu",
                display=NARROW_ONLY,
            )
        ),
        rx.menu.content(
            *[_signed_in_only(_menu_link(label, href), only) for label, href, only in NAV_LINKS],
            # soft: the highlighted item keeps dark text (solid's white on tomato is under 4.5:1)
            variant="soft",
            align="end",
            min_width="10rem",
        ),
    )


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
                rx.menu.item("Rewards", on_click=rx.redirect("/rewards")),
                rx.cond(
                    SessionState.is_staff,
                    rx.menu.item("Console", on_click=rx.redirect("/console")),
                ),
                rx.menu.separator(),
                rx.menu.item("Sign out", on_click=rx.call_script(POST_SIGN_OUT)),
                variant="soft",
            ),
        ),
        # One control: the button's look on the link itself (a button inside a link is two Tab
        # stops). High contrast: soft tomato text is 4.3:1 on its tint, dark tomato is over 8:1.
        rx.button(
            ReactRouterLink.create(
                rx.icon("user-round", size=16, aria_hidden="true"),
                "Sign in",
                to=rx.cond(
                    SessionState.router.url.path.contains("/sign-in"),
                    "/sign-in",
                    "/sign-in?next=" + SessionState.router.url.path,
                ),
            ),
            as_child=True,
            variant="soft",
            high_contrast=True,
            size="2",
        ),
    )


def header() -> rx.Component:
    """Wide: logo and nav, search, account. Narrow: logo, account and menu button, with the
    search on its own full-width row on a phone (`order` moves it after the buttons)."""
    return rx.el.header(
        rx.flex(
            rx.hstack(_logo(), _inline_nav(), spacing="5", align="center"),
            rx.box(
                search_form(),
                display="flex",
                justify_content="center",
                flex_grow="1",
                flex_basis=["100%", "100%", "0"],
                min_width="0",
                order=["3", "3", "2"],
            ),
            rx.hstack(
                bell(),
                sign_in_slot(),
                _nav_menu(),
                spacing="3",
                align="center",
                order=["2", "2", "3"],
            ),
            wrap="wrap",
            align="center",
            justify="between",
            spacing="3",
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
        # A plain anchor: the router's link would resolve "#main" against the page's path
        # when prerendered, and a page with a parameter is prerendered at a stand-in path.
        rx.el.elements.inline.A.create("Skip to content", href="#main", class_name="skip-link"),
        header(),
        reconnecting_banner(),
        rx.el.main(
            *children,
            id="main",
            max_width="80rem",
            margin_x="auto",
            padding_x=["var(--space-3)", "var(--space-4)", "var(--space-6)"],
            padding_y="var(--space-5)",
            # A screen tall at least: the footer starts below the fold, so a page whose data
            # arrives after the first paint never pushes it (a layout shift) while it is seen.
            min_height="100vh",
        ),
        footer(),
        background=rx.color("gray", 2),
        min_height="100vh",
    )
