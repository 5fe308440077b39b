"""/orders: the shopper's cart orders and group-buy deal orders."""

from __future__ import annotations

import reflex as rx

from app.components.layout import page_shell
from app.components.skeletons import spinner
from app.routes import order_url
from app.services.checkout import OrderLineView, OrderView, ShareView
from app.states.orders import OrdersState


def _status(order: rx.Var[OrderView]) -> rx.Component:
    return rx.badge(
        order.status_label,
        color_scheme=rx.match(order.status, ("complete", "grass"), ("pending", "blue"), "gray"),
        variant="soft",
    )


def _line(line: rx.Var[OrderLineView]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line.title),
        rx.table.cell(line.quantity),
        rx.table.cell(line.unit_price, class_name="hide-on-phone"),
        rx.table.cell(line.line_total),
        rx.table.cell(rx.cond(line.mine, "You", line.added_by), class_name="hide-on-phone"),
    )


def _share(share: rx.Var[ShareView]) -> rx.Component:
    return rx.badge(share.name, " ", share.amount, " · ", share.status_label, variant="outline")


def _order(order: rx.Var[OrderView]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.heading(order.number, " · ", order.title, size="4", as_="h2"),
                    rx.text("Placed ", order.placed, size="1", color=rx.color("gray", 11)),
                    spacing="1",
                ),
                rx.hstack(
                    _status(order),
                    rx.text(order.total, weight="bold", size="4"),
                    align="center",
                    spacing="3",
                ),
                justify="between",
                align="start",
                spacing="3",
                wrap="wrap",
                width="100%",
            ),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Item"),
                        rx.table.column_header_cell("Qty"),
                        rx.table.column_header_cell("Price", class_name="hide-on-phone"),
                        rx.table.column_header_cell("Total"),
                        rx.table.column_header_cell("Added by", class_name="hide-on-phone"),
                    )
                ),
                rx.table.body(rx.foreach(order.lines, _line)),
                size="1",
                width="100%",
            ),
            rx.cond(
                order.your_share != "",
                rx.text(
                    "Your share: ",
                    rx.text.strong(order.your_share),
                    " (",
                    order.your_share_status,
                    ")",
                    size="2",
                ),
            ),
            rx.cond(
                order.shares.length() > 1,
                rx.hstack(rx.foreach(order.shares, _share), spacing="2", wrap="wrap"),
            ),
            rx.cond(
                order.reason != "", rx.text(order.reason, size="2", color=rx.color("gray", 11))
            ),
            rx.link(
                "Order details, payments and refunds",
                href=order_url(order.key),
                size="2",
                data_testid="order-link",
            ),
            spacing="3",
            align="stretch",
        ),
        width="100%",
        data_testid="order",
    )


def orders_page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading("Your orders", size="7", as_="h1"),
            rx.cond(
                OrdersState.orders.length() > 0,
                rx.vstack(rx.foreach(OrdersState.orders, _order), spacing="4", width="100%"),
                rx.cond(
                    OrdersState.loaded,
                    rx.text(
                        "No orders yet. Check out a cart or join a group deal.",
                        color=rx.color("gray", 11),
                        data_testid="no-orders",
                    ),
                    spinner(),
                ),
            ),
            spacing="4",
            width="100%",
            max_width="56rem",
            margin_x="auto",
        )
    )
