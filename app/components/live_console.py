"""The host console: go live, pin a product, launch a flash deal, end the session."""

from __future__ import annotations

import reflex as rx

from app.components.confirm import confirm_dialog
from app.services.live import LiveProductView, LiveSessionView
from app.states.live_console import LiveConsoleState


def _field_error(name: str) -> rx.Component:
    message = LiveConsoleState.deal_errors.get(name, "")
    return rx.cond(
        message != "",
        rx.text(message, id=f"deal-{name}-error", size="1", color=rx.color("red", 11)),
    )


def _number(label: str, name: str, default: int, low: int, high: int) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"deal-{name}", font_size="var(--font-size-2)"),
        rx.input(
            id=f"deal-{name}",
            name=name,
            type="number",
            min=low,
            max=high,
            default_value=str(default),
            aria_describedby=f"deal-{name}-error",
            width="100%",
        ),
        _field_error(name),
        spacing="1",
        width="100%",
    )


def _pin_row(product: rx.Var[LiveProductView], pinned: rx.Var[int]) -> rx.Component:
    is_pinned = product.id == pinned
    return rx.hstack(
        rx.image(src=product.image, alt="", width="40px", height="40px", object_fit="cover"),
        rx.text(product.title, size="2", flex_grow="1"),
        rx.button(
            rx.cond(is_pinned, "Unpin", "Pin"),
            size="1",
            variant=rx.cond(is_pinned, "solid", "soft"),
            on_click=LiveConsoleState.pin(rx.cond(is_pinned, 0, product.id)),
            aria_label=rx.cond(is_pinned, "Unpin ", "Pin ") + product.title,
        ),
        align="center",
        width="100%",
        spacing="3",
    )


def _deal_form(view: rx.Var[LiveSessionView]) -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Flash deal", size="3", as_="h3"),
            rx.vstack(
                rx.el.label("Product", html_for="deal-product", font_size="var(--font-size-2)"),
                rx.el.select(
                    rx.foreach(
                        view.products,
                        lambda p: rx.el.option(p.title + " · " + p.price, value=p.id.to_string()),
                    ),
                    id="deal-product",
                    name="product",
                    class_name="live-select",
                    default_value=rx.cond(
                        view.pinned_product_id != 0, view.pinned_product_id.to_string(), ""
                    ),
                ),
                _field_error("product"),
                spacing="1",
                width="100%",
            ),
            rx.grid(
                _number("Minutes", "minutes", 5, 1, 60),
                _number("Shoppers to unlock", "min_to_unlock", 2, 2, 50),
                _number("Discount %", "discount_percent", 20, 5, 80),
                columns="3",
                spacing="2",
                width="100%",
            ),
            rx.button(
                rx.icon("timer", size=16), "Launch flash deal", type="submit", color_scheme="amber"
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=LiveConsoleState.launch_deal,
        width="100%",
    )


def host_console(view: rx.Var[LiveSessionView]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Host console", size="4", as_="h2"),
                rx.match(
                    view.status,
                    (
                        "scheduled",
                        rx.button(
                            rx.icon("radio", size=16),
                            "Go live",
                            color_scheme="red",
                            on_click=LiveConsoleState.go_live,
                        ),
                    ),
                    (
                        "live",
                        confirm_dialog(
                            rx.button(
                                rx.icon("square", size=16),
                                "End session",
                                color_scheme="gray",
                                variant="soft",
                            ),
                            "End this live session?",
                            "Viewers see the replay afterwards. A session cannot go live again.",
                            rx.button("Keep streaming", variant="soft"),
                            rx.button(
                                "End session",
                                color_scheme="red",
                                on_click=LiveConsoleState.end,
                            ),
                            margin_top="var(--space-4)",
                        ),
                    ),
                    rx.text("Ended", size="2", color=rx.color("gray", 11)),
                ),
                justify="between",
                align="center",
                width="100%",
            ),
            rx.cond(
                view.status == "live",
                rx.vstack(
                    rx.heading("Pin a product", size="3", as_="h3"),
                    rx.foreach(view.products, lambda p: _pin_row(p, view.pinned_product_id)),
                    rx.separator(size="4"),
                    _deal_form(view),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    view.status == "scheduled",
                    rx.text(
                        "Go live to pin products and launch flash deals.",
                        size="2",
                        color=rx.color("gray", 11),
                    ),
                ),
            ),
            spacing="4",
            width="100%",
        ),
        width="100%",
        data_testid="host-console",
    )
