"""Forms and lists on /cart: your shared carts, start a shared cart, open a cart code."""

from __future__ import annotations

import reflex as rx

from app.components.form_fields import field, field_error, invalid
from app.routes import cart_url
from app.services.carts import CartSummary
from app.states.cart_start import CartStartState
from app.states.carts import CartState


def split_mode_fieldset(legend: str, **radio_props: object) -> rx.Component:
    """The two ways a shared cart can be paid for, as one labelled radio group."""
    choices = [
        ("owner_pays", "I pay for everything"),
        ("each_pays_own", "Everyone pays for their own items"),
    ]
    return rx.el.fieldset(
        rx.el.legend(rx.text(legend, size="2", weight="medium")),
        rx.radio_group.root(
            rx.flex(
                *[
                    rx.el.label(
                        rx.hstack(
                            rx.radio_group.item(value=value),
                            rx.text(text, size="2"),
                            spacing="2",
                            align="center",
                        )
                    )
                    for value, text in choices
                ],
                direction="column",
                spacing="2",
            ),
            aria_label=legend.rstrip("?"),
            **radio_props,
        ),
        style={"border": "none", "padding": "0", "margin": "0"},
    )


def start_cart_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            field(
                "Cart name",
                "cart-name",
                CartState.name_error,
                rx.input(
                    id="cart-name",
                    name="name",
                    placeholder="e.g. Beach weekend",
                    max_length=60,
                    required=True,
                    width="100%",
                    aria_invalid=invalid(CartState.name_error),
                    aria_describedby="cart-name-error",
                ),
            ),
            field(
                "Deadline (optional)",
                "cart-deadline",
                CartState.deadline_error,
                rx.input(
                    id="cart-deadline",
                    name="deadline",
                    type="datetime-local",
                    width="100%",
                    aria_invalid=invalid(CartState.deadline_error),
                    aria_describedby="cart-deadline-error",
                ),
                hint="The cart locks itself at this time (your local time).",
            ),
            field(
                "Budget per person (optional, $)",
                "cart-budget",
                CartState.budget_error,
                rx.input(
                    id="cart-budget",
                    name="budget",
                    placeholder="e.g. 40",
                    input_mode="decimal",
                    max_length=12,
                    width="100%",
                    aria_invalid=invalid(CartState.budget_error),
                    aria_describedby="cart-budget-error",
                ),
            ),
            split_mode_fieldset(
                "Who pays at checkout?", name="split_mode", default_value="owner_pays"
            ),
            rx.button(rx.icon("users", size=16), "Start shared cart", type="submit", size="3"),
            spacing="3",
            align="stretch",
        ),
        on_submit=CartStartState.create_cart,
        reset_on_submit=False,
        width="100%",
    )


def code_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label(
                "Have a cart code?",
                html_for="cart-code",
                font_weight="500",
                font_size="var(--font-size-2)",
            ),
            rx.hstack(
                rx.input(
                    id="cart-code",
                    name="code",
                    placeholder="e.g. K7QM3XPA",
                    max_length=20,
                    aria_invalid=invalid(CartState.code_error),
                    aria_describedby="cart-code-error",
                    flex_grow="1",
                ),
                rx.button("Open", type="submit", variant="soft"),
                spacing="2",
                width="100%",
            ),
            field_error(CartState.code_error, "cart-code"),
            spacing="1",
            width="100%",
        ),
        on_submit=CartStartState.open_code,
        reset_on_submit=False,
        width="100%",
    )


def _summary(cart: rx.Var[CartSummary]) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.icon("users", size=18, color=rx.color("accent", 10)),
                rx.vstack(
                    rx.text(cart.name, weight="medium"),
                    rx.text(
                        cart.member_count,
                        rx.cond(cart.member_count == 1, " member · ", " members · "),
                        cart.item_count,
                        rx.cond(cart.item_count == 1, " item · ", " items · "),
                        cart.total,
                        rx.cond(cart.role == "owner", " · yours", " · by " + cart.owner),
                        size="1",
                        color=rx.color("gray", 11),
                    ),
                    spacing="0",
                    flex_grow="1",
                ),
                rx.cond(cart.locked, rx.badge("Locked", color_scheme="red", variant="soft")),
                align="center",
                spacing="3",
            ),
            width="100%",
        ),
        href=cart_url(cart.id.to_string()),
        underline="none",
        color="inherit",
        aria_label="Open shared cart " + cart.name,
        data_testid="shared-cart-link",
        width="100%",
    )


def shared_cart_list() -> rx.Component:
    return rx.cond(
        CartState.shared_carts.length() > 0,
        rx.vstack(rx.foreach(CartState.shared_carts, _summary), spacing="2", width="100%"),
        rx.text(
            "No shared carts yet. Start one below or join with a code.",
            size="2",
            color=rx.color("gray", 11),
        ),
    )
