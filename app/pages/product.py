"""Product page: gallery, price, stock and description."""

from __future__ import annotations

import reflex as rx

from app import routes
from app.components.cart_add import add_to_cart
from app.components.chat import chat_panel
from app.components.deal_layouts import deal_tile
from app.components.layout import page_shell
from app.components.notice import notice
from app.components.picks import friends_line
from app.components.product_card import stock_badge
from app.components.questions import questions_section
from app.components.reviews import reviews_section
from app.components.shell_picture import shell_picture
from app.components.skeletons import block, until_loaded
from app.components.trips import experience_panel
from app.domain.catalog import ProductDetail, ProductImageView
from app.states.chat import ChatState
from app.states.deals import DealCardsState
from app.states.keyed_page import shows_address
from app.states.picks import PicksState
from app.states.product import ProductState
from app.states.questions import QuestionsState
from app.states.reviews import ReviewsState
from app.states.trips import ExperienceState


def _thumbnail(image: rx.Var[ProductImageView], index: rx.Var[int]) -> rx.Component:
    return rx.button(
        rx.image(src=image.url, alt="", width="64px", height="64px", object_fit="cover"),
        variant=rx.cond(ProductState.selected_image == index, "surface", "ghost"),
        on_click=ProductState.select_image(index),
        aria_label="Show " + image.alt,
        padding="0",
        height="auto",
        overflow="hidden",
    )


def _gallery() -> rx.Component:
    product = ProductState.product
    return rx.vstack(
        rx.image(
            src=ProductState.main_image,
            alt=product.title,
            width="100%",
            aspect_ratio="1",
            object_fit="cover",
            border_radius="var(--radius-4)",
            data_testid="product-main-image",
        ),
        rx.hstack(rx.foreach(product.images, _thumbnail), spacing="2", wrap="wrap"),
        spacing="3",
        width="100%",
    )


def _shown_id() -> rx.Var[int]:
    """The id of the product at the address once read, else 0."""
    product = ProductState.product.to(ProductDetail)
    return rx.cond(shows_address(ProductState) & ProductState.product.bool(), product.id, 0)


def _for_this_product(read_for: rx.Var[int], section: rx.Component) -> rx.Component:
    """A section read by its own load: shown once it was read for the product at the address,
    not while it still holds the tab's previous product."""
    return rx.cond(read_for == _shown_id(), section)


def _details() -> rx.Component:
    product = ProductState.product
    return rx.vstack(
        rx.link(
            product.category_name,
            href=routes.CATALOG + "?category=" + product.category,
            size="2",
        ),
        rx.heading(product.title, size="8", as_="h1"),
        rx.hstack(
            rx.text(product.price, size="7", weight="bold", data_testid="product-price"),
            stock_badge(product.stock, product.stock_label),
            align="center",
            spacing="3",
        ),
        rx.cond(shows_address(PicksState), friends_line()),
        _for_this_product(ExperienceState.experience.product_id, experience_panel()),
        add_to_cart(product.id, product.stock),
        rx.text(product.description, size="3", color=rx.color("gray", 12), line_height="1.6"),
        rx.hstack(
            rx.foreach(product.tags, lambda tag: rx.badge("#" + tag, variant="outline")),
            spacing="2",
            wrap="wrap",
        ),
        # A live group deal on this product, if there is one.
        rx.foreach(
            DealCardsState.cards,
            lambda card: rx.cond(
                card.product_id == _shown_id(),
                deal_tile(card, DealCardsState.layout),
            ),
        ),
        spacing="4",
        align="start",
        width="100%",
    )


def _loading() -> rx.Component:
    """Before the product's data: its picture from the shell where the gallery will show it (the
    page's largest paint), and the shape of the details beside or under it."""
    return rx.grid(
        rx.box(
            shell_picture(width="100%", height="100%", object_fit="cover"),
            width="100%",
            aspect_ratio="1",
            border_radius="var(--radius-4)",
            overflow="hidden",
            background=rx.color("gray", 4),
        ),
        rx.vstack(
            block("1rem", width="30%"),
            block("2.5rem", width="80%"),
            block("2rem", width="40%"),
            block("2.5rem"),
            spacing="4",
            width="100%",
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="6",
        width="100%",
    )


def product_page() -> rx.Component:
    return page_shell(
        rx.cond(
            shows_address(ProductState) & ProductState.not_found,
            notice(
                "We couldn't find that product",
                "It may have been removed, or the link is mistyped.",
                icon="package-x",
            ),
            until_loaded(
                shows_address(ProductState) & ProductState.product.bool(),
                rx.vstack(
                    rx.grid(
                        _gallery(),
                        rx.vstack(_details(), chat_panel(ChatState, "Product chat"), spacing="6"),
                        columns=rx.breakpoints(initial="1", md="2"),
                        spacing="6",
                        width="100%",
                    ),
                    # Nothing in their place before: what arrives below moves nothing in view.
                    _for_this_product(ReviewsState.product_id, reviews_section()),
                    _for_this_product(QuestionsState.product_id, questions_section()),
                    spacing="6",
                    width="100%",
                ),
                _loading(),
            ),
        )
    )
