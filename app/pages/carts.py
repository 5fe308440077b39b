"""Cart pages: /cart (your own cart and your shared carts), /cart/[cart_id] (a shared cart,
live for every member) and /cart/join/[code] (joining by link)."""

from __future__ import annotations

import reflex as rx

from app.components.buttons import link_button
from app.components.cart_checkout import checkout_panel
from app.components.cart_deals import cart_deals_panel
from app.components.cart_forms import code_form, shared_cart_list, start_cart_form
from app.components.cart_lines import cart_lines
from app.components.cart_panels import (
    activity_panel,
    cart_heading,
    invite_panel,
    lock_banner,
    members_panel,
    owner_controls,
    panel,
)
from app.components.layout import page_shell
from app.components.notice import notice
from app.components.skeletons import spinner
from app.routes import cart_url
from app.services.carts import CartInvitePreview, CartView
from app.states.cart_join import JoinCartState
from app.states.carts import CartState
from app.states.keyed_page import shows_address


def _two_columns(main: rx.Component, side: rx.Component) -> rx.Component:
    return rx.grid(
        main,
        side,
        columns=rx.breakpoints(initial="1", md="minmax(0, 3fr) minmax(0, 2fr)"),
        spacing="5",
        width="100%",
        align_items="start",
    )


def _personal() -> rx.Component:
    return _two_columns(
        rx.vstack(cart_lines(), checkout_panel(), spacing="4", width="100%"),
        rx.vstack(
            panel("Your shared carts", shared_cart_list(), code_form()),
            panel(
                "Start a shared cart",
                rx.text(
                    "Fill a cart together with friends, live. Set a deadline and a budget if you "
                    "like.",
                    size="2",
                    color=rx.color("gray", 11),
                ),
                start_cart_form(),
            ),
            spacing="4",
            width="100%",
        ),
    )


def _shared() -> rx.Component:
    return _two_columns(
        rx.vstack(cart_lines(), cart_deals_panel(), activity_panel(), spacing="4", width="100%"),
        rx.vstack(
            members_panel(),
            checkout_panel(),
            invite_panel(),
            owner_controls(),
            spacing="4",
            width="100%",
        ),
    )


def _cart() -> rx.Component:
    view = CartState.view.to(CartView)
    return rx.vstack(
        cart_heading(),
        lock_banner(),
        rx.cond(view.kind == "shared", _shared(), _personal()),
        spacing="4",
        width="100%",
        # Mounted once the cart is loaded (and again for another cart), so the unmount handler
        # knows which cart's room to leave.
        key=CartState.cart_id.to_string(),
        on_unmount=CartState.leave_page(CartState.cart_id, CartState.load_id),
    )


def cart_page() -> rx.Component:
    """Both /cart and /cart/[cart_id]: the layout follows the cart's kind."""
    return page_shell(
        rx.box(
            rx.cond(
                shows_address(CartState) & (CartState.access_error != ""),
                notice("You can't open this cart", CartState.access_error, icon="lock"),
                rx.cond(
                    shows_address(CartState) & CartState.view.bool(),
                    _cart(),
                    spinner(),
                ),
            ),
            width="100%",
        )
    )


def join_cart_page() -> rx.Component:
    preview = JoinCartState.preview.to(CartInvitePreview)
    return page_shell(
        rx.cond(
            shows_address(JoinCartState) & (JoinCartState.error != ""),
            notice("This cart link can't be used", JoinCartState.error, icon="link-2-off"),
            rx.cond(
                shows_address(JoinCartState) & JoinCartState.preview.bool(),
                rx.card(
                    rx.vstack(
                        rx.icon("users", size=36, color=rx.color("accent", 10)),
                        rx.heading(
                            preview.owner + " invited you to “" + preview.name + "”",
                            size="6",
                            as_="h1",
                        ),
                        rx.text(
                            "A shared cart that friends fill together, live. ",
                            preview.member_count,
                            " already in.",
                            color=rx.color("gray", 11),
                        ),
                        rx.cond(
                            preview.already_member,
                            link_button(
                                "Open the cart",
                                href=cart_url(preview.cart_id.to_string()),
                                size="3",
                            ),
                            rx.cond(
                                preview.removed,
                                rx.callout(
                                    "The owner removed you from this cart. Ask them to "
                                    "add you again.",
                                    icon="user-x",
                                    color_scheme="red",
                                ),
                                rx.cond(
                                    JoinCartState.signed_in,
                                    rx.button(
                                        "Join the cart", size="3", on_click=JoinCartState.join
                                    ),
                                    rx.button(
                                        "Sign in to join", size="3", on_click=JoinCartState.join
                                    ),
                                ),
                            ),
                        ),
                        spacing="3",
                        align="center",
                        text_align="center",
                        padding="var(--space-4)",
                    ),
                    max_width="32rem",
                    width="100%",
                    margin_x="auto",
                    margin_y="var(--space-6)",
                ),
                spinner(),
            ),
        )
    )
