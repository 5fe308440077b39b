"""The host's form for a new group-buy deal; every error sits right under its field."""

from __future__ import annotations

import reflex as rx

from app.services.deals.form import TIER_ROWS
from app.services.deals.views import ProductChoice
from app.states.deals import DealFormState

# Example tiers from the issue: 1 shopper 30.00, 3 shoppers 24.00, 5 shoppers 19.50.
TIER_EXAMPLES = [("1", "30.00"), ("3", "24.00"), ("5", "19.50"), ("", "")]


def field_error(key: str, state: type[DealFormState] = DealFormState) -> rx.Component:
    return rx.cond(
        state.errors.contains(key),
        rx.text(
            state.errors[key],
            id=f"{key}-error",
            color=rx.color("red", 11),
            size="2",
            role="alert",
            data_testid=f"error-{key}",
        ),
    )


def _invalid(key: str, state: type[DealFormState]) -> dict[str, object]:
    return {
        "aria_invalid": rx.cond(state.errors.contains(key), "true", "false"),
        "aria_describedby": f"{key}-error",
    }


def _field(
    state: type[DealFormState],
    label: str,
    name: str,
    error_key: str,
    hint: str = "",
    **props: object,
) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"deal-{name}", font_weight="500"),
        rx.input(id=f"deal-{name}", name=name, width="100%", **_invalid(error_key, state), **props),
        rx.cond(hint != "", rx.text(hint, size="1", color=rx.color("gray", 11))),
        field_error(error_key, state),
        spacing="1",
        width="100%",
        align="start",
    )


def _product_option(product: rx.Var[ProductChoice]) -> rx.Component:
    return rx.el.option(product.title + " (" + product.price + ")", value=product.id.to_string())


def _tiers(state: type[DealFormState]) -> rx.Component:
    rows = []
    for row in range(1, TIER_ROWS + 1):
        shoppers, price = TIER_EXAMPLES[row - 1]
        rows.append(
            rx.hstack(
                rx.text(f"Tier {row}", size="2", width="3.5rem", flex_shrink="0"),
                rx.el.label(
                    f"Tier {row}: from how many shoppers",
                    html_for=f"tier-{row}-shoppers",
                    class_name="sr-only",
                ),
                rx.input(
                    id=f"tier-{row}-shoppers",
                    name=f"tier_{row}_shoppers",
                    default_value=shoppers,
                    placeholder="shoppers",
                    input_mode="numeric",
                    width="100%",
                    **_invalid("tiers", state),
                ),
                rx.el.label(
                    f"Tier {row}: price each", html_for=f"tier-{row}-price", class_name="sr-only"
                ),
                rx.input(
                    id=f"tier-{row}-price",
                    name=f"tier_{row}_price",
                    default_value=price,
                    placeholder="price each",
                    input_mode="decimal",
                    width="100%",
                    **_invalid("tiers", state),
                ),
                spacing="2",
                align="center",
                width="100%",
            )
        )
    return rx.el.fieldset(
        rx.el.legend("Price tiers", font_weight="500"),
        rx.text(
            "From how many shoppers each price applies. Start at 1; each tier needs more "
            "shoppers and a lower price. Leave extra rows empty.",
            size="1",
            color=rx.color("gray", 11),
            margin_bottom="var(--space-2)",
        ),
        rx.vstack(*rows, spacing="2", width="100%"),
        field_error("tiers", state),
        border="none",
        padding="0",
        margin="0",
        width="100%",
    )


def deal_form(state: type[DealFormState] = DealFormState) -> rx.Component:
    """The form; `state` is the shop's (DealFormState) or a subclass that submits elsewhere
    (the console's)."""
    return rx.form(
        rx.vstack(
            rx.vstack(
                rx.el.label("Product", html_for="deal-product", font_weight="500"),
                rx.el.select(
                    rx.el.option("Choose a product…", value=""),
                    rx.foreach(state.host.products, _product_option),
                    id="deal-product",
                    name="product_id",
                    **_invalid("product_id", state),
                    style={"width": "100%", "padding": "var(--space-2)"},
                ),
                field_error("product_id", state),
                field_error("currency", state),
                spacing="1",
                width="100%",
            ),
            _tiers(state),
            rx.grid(
                _field(
                    state,
                    "Shoppers needed to unlock",
                    "min_to_unlock",
                    "min_to_unlock",
                    default_value="3",
                    input_mode="numeric",
                ),
                _field(
                    state,
                    "Maximum shoppers (stock)",
                    "max_participants",
                    "max_participants",
                    hint="Leave empty for no maximum.",
                    default_value="20",
                    input_mode="numeric",
                ),
                _field(
                    state,
                    "Starts",
                    "starts_at",
                    "starts_at",
                    hint="Leave empty to start now.",
                    type="datetime-local",
                ),
                _field(
                    state,
                    "Deadline",
                    "deadline",
                    "deadline",
                    hint="In your own time zone.",
                    type="datetime-local",
                ),
                _field(
                    state,
                    "Team size",
                    "team_size",
                    "team_size",
                    hint="Optional: friends who fill a team within 24 h pay the team price.",
                    input_mode="numeric",
                ),
                _field(state, "Team price each", "team_price", "team_price", input_mode="decimal"),
                _field(
                    state,
                    "Items per shopper",
                    "max_quantity_per_shopper",
                    "max_quantity_per_shopper",
                    default_value="1",
                    input_mode="numeric",
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),  # fmt: skip
            rx.button("Open the deal", type="submit", size="3", data_testid="open-deal"),
            spacing="5",
            width="100%",
            align="start",
        ),
        on_submit=state.submit,
        width="100%",
    )
