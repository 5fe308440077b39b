"""The shared cart's deals panel: friends' lines toward a group-buy deal's price."""

from __future__ import annotations

import reflex as rx

from app.components.sandbox_cards import sandbox_card_chooser
from app.services.deals import CartDeal
from app.services.deals.cart_panel import CartDealMember
from app.states.cart_deals import CartDealsState


def _member(member: rx.Var[CartDealMember], deal: rx.Var[CartDeal]) -> rx.Component:
    mine_to_hold = (member.user_id == CartDealsState.me) & ~member.held
    return rx.hstack(
        rx.vstack(
            rx.text(member.name, " · ", member.quantity.to_string(), " in the cart", size="2"),
            rx.badge(
                member.label,
                color_scheme=rx.cond(member.held, "grass", "gray"),
                variant="soft",
                data_testid="cart-deal-member-status",
            ),
            spacing="1",
        ),
        rx.cond(
            mine_to_hold,
            rx.button(
                "Hold my line for the deal",
                on_click=CartDealsState.hold(deal.deal_id),
                loading=CartDealsState.busy,
                size="2",
                data_testid="hold-for-deal",
            ),
        ),
        justify="between",
        align="center",
        wrap="wrap",
        width="100%",
        spacing="2",
    )


def _deal(deal: rx.Var[CartDeal]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(deal.title, weight="bold"),
            rx.text(deal.price_now, " each now", size="2"),
            justify="between",
            width="100%",
            wrap="wrap",
        ),
        rx.text(
            rx.text.strong(deal.from_this_cart.to_string(), data_testid="cart-deal-count"),
            " from this cart count toward the deal · ",
            deal.joined.to_string(),
            " of ",
            deal.min_to_unlock.to_string(),
            " needed in all",
            size="2",
        ),
        rx.cond(
            deal.next_tier_text != "",
            rx.text(deal.next_tier_text, size="2", color=rx.color("grass", 11)),
        ),
        rx.foreach(deal.members, lambda m: _member(m, deal)),
        spacing="2",
        width="100%",
        padding_y="var(--space-2)",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="cart-deal",
    )


def cart_deals_panel() -> rx.Component:
    """Shown on a shared cart that holds products with an open deal."""
    return rx.cond(
        CartDealsState.cart_deals.length() > 0,
        rx.card(
            rx.vstack(
                rx.heading("Unlock a deal together", size="4", as_="h2"),
                rx.text(
                    "These products have a group deal. Each friend's line counts toward its "
                    "price once they place a card hold; it then leaves the cart and is charged "
                    "by the deal (only if it unlocks).",
                    size="2",
                    color=rx.color("gray", 11),
                ),
                rx.foreach(CartDealsState.cart_deals, _deal),
                rx.cond(
                    CartDealsState.test_cards,
                    sandbox_card_chooser(
                        CartDealsState.card_choice,
                        CartDealsState.set_card_choice,
                        name="cart-deal-card",
                    ),
                ),
                rx.cond(
                    CartDealsState.error != "",
                    rx.callout(
                        CartDealsState.error, icon="circle-alert", color_scheme="red", role="alert"
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            flex_shrink="0",
            data_testid="cart-deals-panel",
        ),
    )
