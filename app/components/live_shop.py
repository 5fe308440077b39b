"""What viewers shop from under the stream: the pinned product and the flash deals."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from app import routes
from app.components.buttons import link_button
from app.components.countdown import countdown_to
from app.services.live import LiveDealView, LiveProductView

Handler = Callable[[rx.Var[int]], rx.event.EventSpec]


def pinned_card(
    product: rx.Var[LiveProductView],
    *,
    on_buy: Handler,
    on_add: Handler,
    party_add: Handler | None = None,
    in_party: rx.Var[bool] | bool = False,
) -> rx.Component:
    """The product the host pinned, with buy and add-to-cart buttons."""
    return rx.card(
        rx.hstack(
            rx.image(
                src=product.image,
                alt=product.title,
                width="96px",
                height="96px",
                object_fit="cover",
                border_radius="var(--radius-3)",
                flex_shrink="0",
            ),
            rx.vstack(
                rx.hstack(
                    rx.badge(rx.icon("pin", size=12), "Pinned by the host", color_scheme="tomato"),
                    spacing="2",
                ),
                rx.link(
                    rx.text(product.title, size="4", weight="bold", data_testid="pinned-title"),
                    href=routes.product_url(product.slug),
                    color="inherit",
                ),
                rx.text(product.price, size="4", weight="medium"),
                rx.hstack(
                    rx.button(
                        rx.icon("zap", size=16),
                        "Buy now",
                        on_click=on_buy(product.id),
                        aria_label="Buy " + product.title + " now",
                    ),
                    rx.button(
                        rx.icon("shopping-cart", size=16),
                        "Add to cart",
                        variant="soft",
                        on_click=on_add(product.id),
                        aria_label="Add " + product.title + " to cart",
                    ),
                    *(
                        [
                            rx.cond(
                                in_party,
                                rx.button(
                                    rx.icon("users", size=16),
                                    "Add to our cart",
                                    variant="outline",
                                    on_click=party_add(product.id),
                                    aria_label="Add " + product.title + " to the shared cart",
                                ),
                            )
                        ]
                        if party_add is not None
                        else []
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                spacing="2",
                align="start",
                width="100%",
            ),
            spacing="4",
            align="start",
            width="100%",
        ),
        width="100%",
        data_testid="pinned-product",
    )


def _deal_page(deal: rx.Var[LiveDealView]) -> rx.Var[str]:
    return routes.deal_url(deal.id.to_string())


def countdown(deadline: rx.Var[str]) -> rx.Component:
    """Minutes and seconds left ("4:59"), "0:00" once passed (before the closing news arrives)."""
    return countdown_to(
        until=deadline,
        clock=True,
        data_testid="deal-countdown",
    )


def deal_card(
    deal: rx.Var[LiveDealView],
    *,
    joined: rx.Var[bool],
    on_join: Handler,
    can_pay_here: rx.Var[bool],
    busy: rx.Var[bool],
) -> rx.Component:
    """A flash deal: price now, progress to unlock, countdown and a join button."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(rx.icon("timer", size=12), "Flash deal", color_scheme="amber"),
                rx.cond(
                    deal.joinable,
                    rx.hstack(
                        rx.text("Ends in", size="2", color=rx.color("gray", 11)),
                        rx.text(countdown(deal.deadline), size="2", weight="bold"),
                        spacing="1",
                        align="center",
                    ),
                    rx.badge(
                        rx.match(
                            deal.status,
                            ("succeeded", "Deal done: holds captured"),
                            ("failed", "Not enough shoppers"),
                            ("cancelled", "Cancelled"),
                            "Closing",
                        ),
                        color_scheme="gray",
                    ),
                ),
                justify="between",
                width="100%",
                align="center",
            ),
            rx.link(
                rx.text(deal.product_title, weight="bold", size="3"),
                href=_deal_page(deal),
                color="inherit",
                data_testid="flash-deal-link",
            ),
            rx.hstack(
                rx.text(deal.current_price, size="5", weight="bold", data_testid="deal-price"),
                rx.text(
                    deal.regular_price,
                    size="2",
                    color=rx.color("gray", 10),
                    text_decoration="line-through",
                ),
                rx.cond(
                    ~deal.unlocked,
                    rx.text("→ " + deal.full_price, size="2", color=rx.color("grass", 11)),
                ),
                spacing="2",
                align="baseline",
            ),
            rx.progress(
                value=deal.progress,
                max=100,
                color_scheme=rx.cond(deal.unlocked, "grass", "amber"),
                aria_label="Shoppers towards unlocking the deal",
            ),
            rx.text(
                rx.cond(
                    deal.unlocked,
                    deal.participants.to_string() + " joined: unlocked!",
                    deal.participants.to_string()
                    + " of "
                    + deal.min_to_unlock.to_string()
                    + " shoppers joined",
                ),
                size="2",
                data_testid="deal-progress",
            ),
            rx.cond(
                joined,
                rx.callout("You're in this deal.", icon="circle-check", color_scheme="grass"),
                rx.cond(
                    deal.joinable,
                    rx.cond(
                        can_pay_here,
                        rx.button(
                            rx.icon("users", size=16),
                            "Join deal",
                            on_click=on_join(deal.id),
                            loading=busy,
                            aria_label="Join the flash deal on " + deal.product_title,
                            width="100%",
                        ),
                        link_button("Join on the deal page", href=_deal_page(deal), width="100%"),
                    ),
                ),
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        width="100%",
        data_testid="flash-deal",
    )


def product_strip(products: rx.Var[list[LiveProductView]]) -> rx.Component:
    """All products of the session, small, linking to their pages."""
    return rx.hstack(
        rx.foreach(
            products,
            lambda p: rx.link(
                rx.vstack(
                    rx.image(
                        src=p.image,
                        alt="",
                        width="72px",
                        height="72px",
                        object_fit="cover",
                        border_radius="var(--radius-3)",
                        # Below the stage: not fetched before the page's largest paint.
                        loading="lazy",
                    ),
                    rx.text(p.price, size="1", weight="medium"),
                    spacing="1",
                    align="center",
                ),
                href=routes.product_url(p.slug),
                aria_label=p.title,
                underline="none",
                color="inherit",
            ),
        ),
        spacing="3",
        overflow_x="auto",
        width="100%",
        padding_bottom="var(--space-1)",
    )
