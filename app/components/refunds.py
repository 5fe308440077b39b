"""The refund requests table: on /admin/refunds and in the console's Orders & refunds
section (the same state, the same service calls)."""

from __future__ import annotations

import reflex as rx

from app.routes import order_url
from app.services.console.orders import ConsoleOrder
from app.services.orders import RefundRow
from app.states.admin_refunds import AdminRefundsState
from app.states.console.orders import ConsoleOrdersState


def _refund_row(row: rx.Var[RefundRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.link(row.order_key, href=order_url(row.order_key)),
                rx.text(row.requester, size="2"),
                rx.text(row.asked_at, size="1", color=rx.color("gray", 11)),
                spacing="1",
            )
        ),
        rx.table.cell(row.amount),
        rx.table.cell(row.reason, class_name="hide-on-phone"),
        rx.table.cell(
            rx.vstack(
                rx.text(row.status_label, size="2"),
                rx.cond(row.failure != "", rx.text(row.failure, size="1", color="red")),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.cond(
                row.decidable,
                rx.flex(
                    rx.button(
                        "Approve",
                        size="1",
                        on_click=AdminRefundsState.approve(row.id),
                        aria_label="Approve refund " + row.id.to_string(),
                    ),
                    rx.button(
                        "Decline",
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        on_click=AdminRefundsState.reject(row.id),
                        aria_label="Decline refund " + row.id.to_string(),
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
            )
        ),
        data_testid="refund-row",
    )


def refund_table() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Order, who"),
                rx.table.column_header_cell("Amount"),
                rx.table.column_header_cell("Why", class_name="hide-on-phone"),
                rx.table.column_header_cell("State"),
                rx.table.column_header_cell("Decide"),
            )
        ),
        rx.table.body(rx.foreach(AdminRefundsState.rows, _refund_row)),
        variant="surface",
        width="100%",
    )


def _order_row(order: rx.Var[ConsoleOrder]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.link(order.key, href=order_url(order.key)),
                rx.text(order.placed_at, size="1", color=rx.color("gray", 11)),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.text(order.owner, " · ", order.cart_name, size="2"), class_name="hide-on-phone"
        ),
        rx.table.cell(order.total),
        rx.table.cell(order.status),
        data_testid="console-order",
    )


def orders_section() -> rx.Component:
    """The console's Orders & refunds section: the refund requests to decide."""
    return rx.vstack(
        rx.heading("Recent orders", size="4", as_="h2"),
        rx.cond(
            ConsoleOrdersState.orders.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Order"),
                        rx.table.column_header_cell("Who", class_name="hide-on-phone"),
                        rx.table.column_header_cell("Total"),
                        rx.table.column_header_cell("State"),
                    )
                ),
                rx.table.body(rx.foreach(ConsoleOrdersState.orders, _order_row)),
                variant="surface",
                width="100%",
            ),
            rx.text("No orders yet.", size="2"),
        ),
        rx.heading("Refund requests", size="4", as_="h2"),
        rx.text(
            "Approving sends the money back through the payment provider; every decision is in "
            "the audit log.",
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.cond(
            AdminRefundsState.rows.length() > 0,
            refund_table(),
            rx.text("No refund requests.", size="2", data_testid="no-refunds"),
        ),
        spacing="3",
        width="100%",
    )
