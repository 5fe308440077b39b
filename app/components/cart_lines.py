"""The lines of a cart: who added what, quantities, notes, and the controls their owner gets."""

from __future__ import annotations

import reflex as rx

from app.components.buttons import link_button
from app.routes import catalog_url, product_url
from app.services.carts import CartLineView, CartView
from app.states.carts import CartState


def _view() -> rx.Var[CartView]:
    return CartState.view.to(CartView)


def _editable() -> rx.Var[bool]:
    return ~_view().locked


def _is_mine(line: rx.Var[CartLineView]) -> rx.Var[bool]:
    return line.added_by_id == CartState.me_id


def _quantity(line: rx.Var[CartLineView]) -> rx.Component:
    controls = rx.hstack(
        rx.icon_button(
            rx.icon("minus", size=14),
            variant="soft",
            size="1",
            disabled=line.quantity <= 1,
            on_click=CartState.change_quantity(line.id, -1),
            aria_label="One less " + line.title,
        ),
        rx.text(
            line.quantity,
            size="3",
            weight="bold",
            min_width="2ch",
            text_align="center",
            data_testid="line-quantity",
        ),
        rx.icon_button(
            rx.icon("plus", size=14),
            variant="soft",
            size="1",
            disabled=line.quantity >= line.stock,
            on_click=CartState.change_quantity(line.id, 1),
            aria_label="One more " + line.title,
        ),
        align="center",
        spacing="2",
    )
    return rx.cond(
        _is_mine(line) & _editable(),
        controls,
        rx.text("× ", line.quantity, size="3", weight="bold", data_testid="line-quantity"),
    )


def _note_form(line: rx.Var[CartLineView]) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.el.input(type="hidden", name="line_id", value=line.id),
            rx.input(
                name="note",
                default_value=line.note,
                placeholder="Add a note (colour, size…)",
                max_length=200,
                size="1",
                aria_label="Note for " + line.title,
                flex_grow="1",
                # A note saved elsewhere remounts the field with the new text.
                key=line.id.to_string() + ":" + line.note,
            ),
            rx.button(
                "Save note",
                type="submit",
                size="1",
                variant="soft",
                aria_label="Save note for " + line.title,
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=CartState.save_note,
        reset_on_submit=False,
        width="100%",
    )


def cart_line(line: rx.Var[CartLineView]) -> rx.Component:
    can_remove = _editable() & (_is_mine(line) | (_view().owner_id == CartState.me_id))
    return rx.card(
        rx.flex(
            rx.image(
                src=line.image,
                alt="",
                width="72px",
                height="72px",
                object_fit="cover",
                border_radius="var(--radius-3)",
                flex_shrink="0",
            ),
            rx.vstack(
                rx.link(line.title, href=product_url(line.product_slug), weight="medium", size="3"),
                rx.text(
                    line.unit_price + " each · added by ",
                    rx.text.strong(rx.cond(_is_mine(line), "you", line.added_by)),
                    size="2",
                    color=rx.color("gray", 11),
                ),
                rx.cond(
                    line.note != "",
                    rx.text(
                        "“",
                        line.note,
                        "”",
                        size="2",
                        style={"font_style": "italic"},
                        data_testid="line-note",
                    ),
                ),
                spacing="1",
                flex_grow="1",
                min_width="0",
            ),
            rx.vstack(
                _quantity(line),
                rx.text(line.line_total, size="3", weight="bold"),
                rx.cond(
                    can_remove,
                    rx.button(
                        rx.icon("trash-2", size=14),
                        "Remove",
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        on_click=CartState.remove_line(line.id),
                        aria_label="Remove " + line.title,
                    ),
                ),
                align="end",
                spacing="2",
                flex_shrink="0",
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        rx.cond(
            _is_mine(line) & _editable(),
            rx.box(_note_form(line), padding_top="var(--space-2)", width="100%"),
        ),
        width="100%",
        role="listitem",
        data_testid="cart-line",
        custom_attrs={"data-line-title": line.title},
    )


def cart_lines() -> rx.Component:
    view = _view()
    return rx.cond(
        view.lines.length() > 0,
        rx.vstack(
            rx.foreach(view.lines, cart_line),
            spacing="3",
            width="100%",
            role="list",
            aria_label="Items in this cart",
        ),
        rx.card(
            rx.vstack(
                rx.icon("shopping-cart", size=32, color=rx.color("accent", 10)),
                rx.text("Nothing here yet.", weight="medium"),
                rx.text(
                    "Open a product and choose “Add to cart”.",
                    size="2",
                    color=rx.color("gray", 11),
                ),
                link_button("Browse the catalog", href=catalog_url(), variant="soft"),
                align="center",
                spacing="2",
                padding="var(--space-5)",
            ),
            width="100%",
            data_testid="empty-cart",
        ),
    )
