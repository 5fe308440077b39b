"""The console's products section: a form for new and edited products (errors next to their
fields, a picture upload) and the product list with edit and archive."""

from __future__ import annotations

import reflex as rx

from app.components.form_fields import DraftForm
from app.components.picture_upload import picture_field
from app.services.console.products import CategoryChoice, ConsoleProduct
from app.states.console import ConsoleProductsState as S
from app.states.console.products import UPLOAD_ID

F = DraftForm("product", S.product_errors, S.draft, S.set_field, commit="on_blur")


def category_option(choice: rx.Var[CategoryChoice]) -> rx.Component:
    return rx.el.option(choice.name, value=choice.slug)


def product_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(rx.cond(S.editing > 0, "Edit product", "New product"), size="4", as_="h3"),
            rx.fragment(
                F.input("Title", "title", max_length=120),
                F.text_area("Description", "description", rows="3"),
                rx.grid(
                    F.input("Price", "price", input_mode="decimal", placeholder="24.00"),
                    F.input("Stock", "stock", input_mode="numeric"),
                    F.select(
                        "Currency",
                        "currency",
                        *[rx.el.option(c, value=c) for c in ("USD", "EUR", "GBP")],
                    ),
                    F.select("Category", "category", rx.foreach(S.categories, category_option)),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                key=S.form_key.to_string(),
            ),
            picture_field(
                UPLOAD_ID,
                "Product picture",
                F.error("image"),
                "chosen-file",
            ),
            rx.hstack(
                rx.button(
                    rx.cond(S.editing > 0, "Save changes", "Create product"),
                    on_click=S.save(rx.upload_files(upload_id=UPLOAD_ID)),
                    data_testid="save-product",
                ),
                rx.cond(
                    S.editing > 0,
                    rx.button("New product instead", variant="soft", on_click=S.new_product),
                ),
                spacing="3",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
            align="start",
        ),
        width="100%",
    )


def _row(product: rx.Var[ConsoleProduct]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.image(
                    src=product.image,
                    alt="",
                    width="40px",
                    height="40px",
                    object_fit="cover",
                    border_radius="var(--radius-2)",
                ),
                rx.vstack(
                    rx.text(product.title, weight="medium"),
                    rx.cond(product.archived, rx.badge("Archived", color_scheme="gray")),
                    spacing="1",
                ),
                align="center",
                spacing="2",
            )
        ),
        rx.table.cell(product.price),
        rx.table.cell(product.stock),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "Edit",
                    size="1",
                    variant="soft",
                    on_click=S.edit(product.id),
                    aria_label="Edit " + product.title,
                ),
                rx.button(
                    rx.cond(product.archived, "Restore", "Archive"),
                    size="1",
                    variant="outline",
                    color_scheme=rx.cond(product.archived, "grass", "gray"),
                    on_click=S.archive(product.id, ~product.archived),
                    aria_label=rx.cond(product.archived, "Restore ", "Archive ") + product.title,
                ),
                spacing="2",
                wrap="wrap",
            )
        ),
        data_testid="console-product",
    )


def products_section() -> rx.Component:
    return rx.vstack(
        product_form(),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Product"),
                        rx.table.column_header_cell("Price"),
                        rx.table.column_header_cell("Stock"),
                        rx.table.column_header_cell("Actions"),
                    )
                ),
                rx.table.body(rx.foreach(S.items, _row)),
                width="100%",
                variant="surface",
            ),
            overflow_x="auto",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
