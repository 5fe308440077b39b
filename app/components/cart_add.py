""" "Add to cart" on the product page: to your own cart or to one of your shared carts."""

from __future__ import annotations

import reflex as rx

from app.components.buttons import link_button
from app.components.form_fields import field_error, invalid
from app.routes import SIGN_IN
from app.services.carts import CartTarget
from app.states.cart_add import AddToCartState
from app.states.session import SessionState


def _target(product_id: rx.Var[int], target: rx.Var[CartTarget]) -> rx.Component:
    return rx.menu.item(
        target.name,
        on_click=AddToCartState.add(product_id, target.id),
        aria_label="Add to shared cart " + target.name,
    )


def add_to_cart(product_id: rx.Var[int], stock: rx.Var[int]) -> rx.Component:
    """Quantity, "Add to my cart" and a menu of the shopper's open shared carts."""
    signed_in = rx.hstack(
        rx.el.label("Quantity", html_for="add-quantity", class_name="sr-only"),
        # Uncontrolled (its state follows it), so Reflex wraps no react-debounce-input around
        # it; a new product's page starts it over at 1, as load_targets does the state.
        rx.input(
            id="add-quantity",
            type="number",
            min=1,
            max=stock,
            default_value="1",
            key=product_id.to_string(),
            on_change=AddToCartState.set_quantity,
            width="5rem",
            size="3",
            aria_describedby="add-quantity-error",
            aria_invalid=invalid(AddToCartState.quantity_error),
        ),
        rx.button(
            rx.icon("shopping-cart", size=16),
            "Add to my cart",
            size="3",
            disabled=stock <= 0,
            on_click=AddToCartState.add(product_id, 0),
        ),
        rx.cond(
            AddToCartState.targets.length() > 0,
            rx.menu.root(
                rx.menu.trigger(
                    rx.button(
                        rx.icon("users", size=16),
                        "Add to a shared cart",
                        rx.icon("chevron-down", size=14),
                        size="3",
                        variant="soft",
                        disabled=stock <= 0,
                    )
                ),
                rx.menu.content(
                    rx.foreach(AddToCartState.targets, lambda t: _target(product_id, t))
                ),
            ),
        ),
        spacing="2",
        wrap="wrap",
        align="center",
        on_mount=AddToCartState.load_targets,
        data_testid="add-to-cart",
    )
    with_error = rx.vstack(
        signed_in,
        field_error(AddToCartState.quantity_error, "add-quantity"),
        spacing="1",
    )
    return rx.cond(
        SessionState.signed_in,
        with_error,
        link_button(
            rx.icon("shopping-cart", size=16),
            "Sign in to add to cart",
            href=SIGN_IN + "?next=" + SessionState.router.url.path,
            size="3",
            variant="soft",
        ),
    )
