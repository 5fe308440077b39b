"""The console's products section: a form for new and edited products (errors next to their
fields, a picture upload) and the product list with edit and archive."""

from __future__ import annotations

import reflex as rx

from app.services.console.products import CategoryChoice, ConsoleProduct
from app.states.console import ConsoleProductsState as S
from app.states.console.products import UPLOAD_ID

IMAGE_TYPES = {
    "image/jpeg": [".jpg", ".jpeg"],
    "image/png": [".png"],
    "image/webp": [".webp"],
    "image/gif": [".gif"],
}


def _error(key: str) -> rx.Component:
    return rx.cond(
        S.product_errors.contains(key),
        rx.text(
            S.product_errors[key],
            id=f"product-{key}-error",
            color=rx.color("red", 11),
            size="2",
            role="alert",
            data_testid=f"product-error-{key}",
        ),
    )


def _labelled(label: str, key: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"product-{key}", font_weight="500"),
        control,
        _error(key),
        spacing="1",
        width="100%",
        align="start",
    )


def _input(label: str, key: str, **props: object) -> rx.Component:
    return _labelled(
        label,
        key,
        rx.input(
            id=f"product-{key}",
            default_value=S.draft[key],
            on_blur=lambda value: S.set_field(key, value),
            aria_invalid=rx.cond(S.product_errors.contains(key), "true", "false"),
            aria_describedby=f"product-{key}-error",
            width="100%",
            **props,
        ),
    )


def _category(choice: rx.Var[CategoryChoice]) -> rx.Component:
    return rx.el.option(choice.name, value=choice.slug)


def product_form() -> rx.Component:
    select_style = {"width": "100%", "padding": "var(--space-2)"}
    return rx.card(
        rx.vstack(
            rx.heading(rx.cond(S.editing > 0, "Edit product", "New product"), size="4", as_="h3"),
            rx.fragment(
                _input("Title", "title", max_length=120),
                _labelled(
                    "Description",
                    "description",
                    rx.text_area(
                        id="product-description",
                        default_value=S.draft["description"],
                        on_blur=lambda value: S.set_field("description", value),
                        width="100%",
                        rows="3",
                    ),
                ),
                rx.grid(
                    _input("Price", "price", input_mode="decimal", placeholder="24.00"),
                    _input("Stock", "stock", input_mode="numeric"),
                    _labelled(
                        "Currency",
                        "currency",
                        rx.el.select(
                            *[rx.el.option(c, value=c) for c in ("USD", "EUR", "GBP")],
                            id="product-currency",
                            value=S.draft["currency"],
                            on_change=lambda value: S.set_field("currency", value),
                            style=select_style,
                        ),
                    ),
                    _labelled(
                        "Category",
                        "category",
                        rx.el.select(
                            rx.foreach(S.categories, _category),
                            id="product-category",
                            value=S.draft["category"],
                            on_change=lambda value: S.set_field("category", value),
                            style=select_style,
                        ),
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                key=S.form_key.to_string(),
            ),
            rx.vstack(
                rx.text("Picture (JPEG, PNG, WebP or GIF)", font_weight="500", size="2"),
                rx.upload(
                    rx.vstack(
                        rx.icon("image-up", aria_hidden="true"),
                        rx.text("Drop a picture here, or click to choose one", size="2"),
                        align="center",
                        spacing="1",
                    ),
                    id=UPLOAD_ID,
                    accept=IMAGE_TYPES,
                    max_files=1,
                    border=f"1px dashed {rx.color('gray', 8)}",
                    padding="var(--space-4)",
                    border_radius="var(--radius-3)",
                    width="100%",
                    aria_label="Product picture",
                ),
                rx.foreach(
                    rx.selected_files(UPLOAD_ID),
                    lambda name: rx.text("Chosen: ", name, size="2", data_testid="chosen-file"),
                ),
                _error("image"),
                spacing="1",
                width="100%",
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
