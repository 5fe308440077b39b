"""The checkout panel of a cart: who pays, the test-card chooser, shares and their status."""

from __future__ import annotations

import reflex as rx

from app.components.card_element import card_element
from app.components.cart_forms import split_mode_fieldset
from app.components.people import user_avatar
from app.components.sandbox_cards import sandbox_card_chooser
from app.routes import orders_url
from app.services.carts import CartMemberView, CartView
from app.services.checkout import CheckoutView, ShareView
from app.states.cart_checkout import CartCardState, CartCheckoutState
from app.states.carts import CartState


def _view() -> rx.Var[CartView]:
    return CartState.view.to(CartView)


def _order() -> rx.Var[CheckoutView]:
    return CartState.checkout.to(CheckoutView)


def _is_owner() -> rx.Var[bool]:
    return _view().owner_id == CartState.me_id


def _not_configured() -> rx.Component:
    return rx.callout(
        "Payments are not configured",
        icon="credit-card",
        color_scheme="gray",
        role="status",
        data_testid="payments-not-configured",
    )


def real_keys() -> rx.Var[bool]:
    return CartState.publishable_key != ""  # type: ignore[return-value]


def _cards(amount_minor: rx.Var[str]) -> rx.Component:
    """How the payer gives their card: Stripe's Payment Element with real keys, the test-card
    chooser with the local test server, nothing when no payments are configured."""
    return rx.cond(
        CartState.payments_ready,
        rx.cond(
            real_keys(),
            card_element(
                CartState.publishable_key,
                amount_minor,
                _view().currency.lower(),
                "automatic",
            ),
            _chooser(),
        ),
    )


def _chooser() -> rx.Component:
    return sandbox_card_chooser(
        CartState.card, CartCheckoutState.set_card, name="cart-card", disabled=CartState.paying
    )


def _status_badge(share: rx.Var[ShareView]) -> rx.Component:
    return rx.badge(
        share.status_label,
        color_scheme=rx.match(
            share.status,
            ("paid", "grass"),
            ("needs_action", "amber"),
            ("pending", "gray"),
            "red",
        ),
        variant="soft",
    )


def _my_share_actions(share: rx.Var[ShareView]) -> rx.Component:
    return rx.match(
        share.status,
        (
            "pending",
            rx.vstack(
                _cards(share.amount_minor.to_string()),
                rx.button(
                    rx.icon("credit-card", size=16),
                    "Pay my share (" + share.amount + ")",
                    on_click=rx.cond(
                        real_keys(),
                        CartCardState.pay_by_card("share"),
                        CartCheckoutState.pay_my_share,
                    ),
                    loading=CartState.paying,
                    size="3",
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
        ),
        (
            "needs_action",
            rx.vstack(
                rx.callout(
                    "Your bank wants you to confirm this payment.",
                    icon="shield-check",
                    color_scheme="amber",
                ),
                rx.cond(
                    real_keys(),
                    # Stripe.js showed the bank's page; this reads the answer back from Stripe.
                    rx.button(
                        "I've answered my bank",
                        on_click=CartCardState.bank_check_done(None),
                        loading=CartState.paying,
                    ),
                    rx.vstack(
                        rx.text("Test bank (no real bank is asked):", size="2", weight="medium"),
                        rx.hstack(
                            rx.button(
                                "Confirm payment",
                                on_click=CartCheckoutState.confirm_bank(True),
                                loading=CartState.paying,
                            ),
                            rx.button(
                                "Fail the check",
                                variant="soft",
                                color_scheme="red",
                                on_click=CartCheckoutState.confirm_bank(False),
                            ),
                            spacing="2",
                            wrap="wrap",
                        ),
                        spacing="2",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
        ),
        rx.fragment(),
    )


def _share_row(share: rx.Var[ShareView]) -> rx.Component:
    mine = share.user_id == CartState.me_id
    return rx.vstack(
        rx.hstack(
            user_avatar(share, "1"),
            rx.text(rx.cond(mine, "You", share.name), size="2", weight="medium", flex_grow="1"),
            rx.text(share.amount, size="2", weight="bold"),
            _status_badge(share),
            align="center",
            spacing="2",
            width="100%",
        ),
        rx.cond(mine, _my_share_actions(share)),
        spacing="2",
        width="100%",
        data_testid="share-row",
    )


def _pending() -> rx.Component:
    order = _order()
    return rx.vstack(
        rx.callout(
            rx.text(
                "Checkout in progress — ",
                order.mode_label,
                ". ",
                order.paid_count,
                " of ",
                order.share_count,
                " paid; ",
                "unpaid shares time out at ",
                order.expires_label,
                ".",
            ),
            icon="hourglass",
            color_scheme="blue",
            role="status",
        ),
        rx.vstack(rx.foreach(order.shares, _share_row), spacing="3", width="100%"),
        rx.cond(
            ~CartState.payments_ready,
            _not_configured(),
        ),
        rx.cond(
            _is_owner(),
            rx.button(
                "Cancel checkout",
                variant="soft",
                color_scheme="gray",
                on_click=CartCheckoutState.cancel_checkout,
            ),
        ),
        spacing="3",
        width="100%",
    )


def _split_choice() -> rx.Component:
    view = _view()
    return split_mode_fieldset(
        "Who pays?",
        value=view.split_mode,
        on_change=CartState.set_split_mode,
        disabled=view.locked,
    )


def _ready() -> rx.Component:
    """No checkout running: how it will go, and the button that starts it."""
    view = _view()
    owner_name = view.members[0].to(CartMemberView).name
    owner_pays = rx.cond(
        _is_owner(),
        rx.vstack(
            _cards(view.total_minor.to_string()),
            rx.button(
                rx.icon("credit-card", size=16),
                "Pay " + view.total,
                on_click=rx.cond(
                    real_keys(), CartCardState.pay_by_card("all"), CartCheckoutState.pay_all
                ),
                loading=CartState.paying,
                disabled=~CartState.payments_ready,
                size="3",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        rx.text(
            owner_name, " pays for everything at checkout.", size="2", color=rx.color("gray", 11)
        ),
    )
    each_pays = rx.cond(
        _is_owner(),
        rx.vstack(
            rx.text(
                "Everyone pays for the items they added. Start checkout when the cart "
                "is ready; the items are reserved while people pay.",
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.button(
                rx.icon("users", size=16),
                "Start checkout",
                on_click=CartCheckoutState.start_checkout,
                disabled=~CartState.payments_ready,
                size="3",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        rx.text(
            "When ",
            owner_name,
            " starts checkout, you pay for the items you added.",
            size="2",
            color=rx.color("gray", 11),
        ),
    )
    return rx.vstack(
        rx.cond((view.kind == "shared") & _is_owner(), _split_choice()),
        rx.cond(view.split_mode == "each_pays_own", each_pays, owner_pays),
        rx.cond(~CartState.payments_ready, _not_configured()),
        spacing="3",
        width="100%",
    )


def _last_order() -> rx.Component:
    order = _order()
    return rx.cond(
        order.status == "complete",
        rx.callout(
            rx.text(
                "Order #",
                order.order_id,
                " is paid. ",
                rx.link("See your orders", href=orders_url()),
            ),
            icon="circle-check",
            color_scheme="grass",
            data_testid="order-complete",
        ),
        rx.text(
            "Last checkout: ",
            order.status_label,
            " — ",
            order.reason,
            size="1",
            color=rx.color("gray", 11),
        ),
    )


def checkout_panel() -> rx.Component:
    view = _view()
    order = _order()
    return rx.card(
        rx.vstack(
            rx.heading("Checkout", size="4", as_="h2"),
            rx.cond(
                order.status == "pending",
                _pending(),
                rx.vstack(
                    rx.cond(CartState.checkout, _last_order()),
                    rx.cond(
                        view.lines.length() > 0,
                        _ready(),
                        rx.text("Add items to check out.", size="2", color=rx.color("gray", 11)),
                    ),
                    spacing="3",
                    width="100%",
                ),
            ),
            spacing="3",
            align="stretch",
        ),
        width="100%",
        data_testid="checkout-panel",
    )
