"""One order's page (/orders/<key>) and the admins' refund queue (/admin/refunds)."""

from __future__ import annotations

import reflex as rx

from app.components.cart_forms import field_error, invalid
from app.components.layout import page_shell
from app.components.notice import notice
from app.components.refunds import refund_table
from app.components.skeletons import spinner
from app.routes import deal_url, orders_url
from app.services.orders import LineView, PaymentView
from app.states.admin_refunds import AdminRefundsState
from app.states.keyed_page import shows_address
from app.states.order_page import OrderPageState

MONEY_COLOURS = (
    ("captured", "grass"),
    ("hold_placed", "blue"),
    ("waiting_for_bank", "amber"),
    ("waiting_to_pay", "gray"),
    ("refund_requested", "amber"),
    ("refund_on_its_way", "blue"),
    ("refunded", "purple"),
    ("partly_refunded", "purple"),
)


def _line(line: rx.Var[LineView]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line.title),
        rx.table.cell(line.quantity),
        rx.table.cell(line.unit_price, class_name="hide-on-phone"),
        rx.table.cell(line.line_total),
        rx.table.cell(line.payer, class_name="hide-on-phone"),
    )


def _refund_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("Ask for a refund", weight="medium", size="2"),
            rx.flex(
                rx.vstack(
                    rx.el.label("Amount (empty: all you paid)", html_for="refund-amount"),
                    rx.input(
                        id="refund-amount",
                        name="amount",
                        placeholder="e.g. 12.50",
                        inputmode="decimal",
                        aria_invalid=invalid(OrderPageState.refund_error),
                        aria_describedby="refund-amount-error",
                        width="100%",
                    ),
                    spacing="1",
                    flex="1 1 10rem",
                ),
                rx.vstack(
                    rx.el.label("Why (optional)", html_for="refund-reason"),
                    rx.input(
                        id="refund-reason",
                        name="reason",
                        max_length=300,
                        width="100%",
                    ),
                    spacing="1",
                    flex="2 1 14rem",
                ),
                spacing="3",
                wrap="wrap",
                width="100%",
                font_size="var(--font-size-2)",
            ),
            field_error(OrderPageState.refund_error, "refund-amount"),
            rx.button(
                "Request refund",
                type="submit",
                loading=OrderPageState.busy,
                data_testid="request-refund",
            ),
            spacing="2",
            width="100%",
        ),
        # Its fields are read when it is sent, not kept in the state as typed (no
        # react-debounce-input on this page); another order's page starts it empty.
        on_submit=OrderPageState.request_refund,
        reset_on_submit=False,
        key=OrderPageState.order.key,
        width="100%",
    )


def _payment(payment: rx.Var[PaymentView]) -> rx.Component:
    mine = payment.user_id == OrderPageState.viewer_id
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.text(rx.cond(mine, "You", payment.name), weight="bold"),
                rx.text(payment.amount, weight="bold"),
                rx.badge(
                    payment.money_label,
                    color_scheme=rx.match(payment.money_state, *MONEY_COLOURS, "gray"),
                    variant="soft",
                    data_testid="money-state",
                ),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
            # The message is written to the payer; others see the state's label only.
            rx.cond(
                mine,
                rx.text(payment.money_message, size="2", data_testid="money-message"),
            ),
            rx.cond(
                payment.refund_label != "",
                rx.text(
                    "Refund of ",
                    payment.refund_amount,
                    ": ",
                    payment.refund_label,
                    size="2",
                    color=rx.color("gray", 11),
                    data_testid="refund-status",
                ),
            ),
            rx.cond(mine & payment.refundable, _refund_form()),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="payment",
        data_payer=payment.name,
    )


def order_detail_page() -> rx.Component:
    order = OrderPageState.order
    return page_shell(
        rx.cond(
            shows_address(OrderPageState) & OrderPageState.not_found,
            notice(
                "We couldn't find that order",
                "It may belong to someone else, or the link is mistyped.",
                icon="receipt",
            ),
            rx.cond(
                shows_address(OrderPageState) & order.bool(),
                rx.vstack(
                    rx.link("← All your orders", href=orders_url(), size="2"),
                    rx.flex(
                        rx.vstack(
                            rx.heading(order.number, " · ", order.title, size="7", as_="h1"),  # type: ignore[union-attr]
                            rx.text(
                                "Placed ",
                                order.placed,  # type: ignore[union-attr]
                                " · ",
                                order.mode_label,  # type: ignore[union-attr]
                                size="2",
                                color=rx.color("gray", 11),
                            ),
                            spacing="1",
                        ),
                        rx.hstack(
                            rx.badge(
                                order.status_label,  # type: ignore[union-attr]
                                size="2",
                                variant="soft",
                                color_scheme=rx.match(
                                    order.status,  # type: ignore[union-attr]
                                    ("complete", "grass"),
                                    ("pending", "blue"),
                                    "gray",
                                ),
                                data_testid="order-status",
                            ),
                            rx.text(order.total, weight="bold", size="5"),  # type: ignore[union-attr]
                            spacing="3",
                            align="center",
                        ),
                        justify="between",
                        wrap="wrap",
                        spacing="3",
                        width="100%",
                    ),
                    rx.cond(
                        order.reason != "",  # type: ignore[union-attr]
                        rx.callout(order.reason, icon="info", size="1"),  # type: ignore[union-attr]
                    ),
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell("Item"),
                                rx.table.column_header_cell("Qty"),
                                rx.table.column_header_cell("Price", class_name="hide-on-phone"),
                                rx.table.column_header_cell("Total"),
                                rx.table.column_header_cell("Paid by", class_name="hide-on-phone"),
                            )
                        ),
                        rx.table.body(rx.foreach(order.lines, _line)),  # type: ignore[union-attr]
                        variant="surface",
                        width="100%",
                    ),
                    rx.heading("Who paid what", size="4", as_="h2"),
                    rx.vstack(
                        rx.foreach(order.payments, _payment),  # type: ignore[union-attr]
                        spacing="3",
                        width="100%",
                    ),
                    rx.cond(
                        order.price_history.length() > 0,  # type: ignore[union-attr]
                        rx.vstack(
                            rx.heading("The deal's price history", size="4", as_="h2"),
                            rx.el.ul(
                                rx.foreach(
                                    order.price_history,  # type: ignore[union-attr]
                                    lambda step: rx.el.li(rx.text(step, size="2")),
                                ),
                                padding_left="var(--space-4)",
                            ),
                            rx.link(
                                "See the deal and its ledger",
                                href=deal_url(order.deal_id.to_string()),  # type: ignore[union-attr]
                                size="2",
                            ),
                            spacing="2",
                            data_testid="price-history",
                        ),
                    ),
                    rx.cond(
                        order.cancellable & (order.owner_id == OrderPageState.viewer_id),  # type: ignore[union-attr]
                        rx.button(
                            "Cancel this order",
                            on_click=OrderPageState.cancel,
                            color_scheme="red",
                            variant="soft",
                            data_testid="cancel-order",
                        ),
                    ),
                    spacing="4",
                    width="100%",
                    max_width="48rem",
                    margin_x="auto",
                ),
                spinner(),
            ),
        )
    )


def admin_refunds_page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading("Refund requests", size="7", as_="h1"),
            rx.cond(
                AdminRefundsState.allowed,
                refund_table(),
                rx.cond(
                    AdminRefundsState.loaded,
                    rx.callout("Only the shop's admins can decide refunds.", icon="lock"),
                    spinner(),
                ),
            ),
            spacing="4",
            width="100%",
            max_width="60rem",
            margin_x="auto",
        )
    )
