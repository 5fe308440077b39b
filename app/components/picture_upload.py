"""The console's picture field: one image (JPEG, PNG, WebP or GIF) dropped or chosen, the file
chosen, and the field's error under it."""

from __future__ import annotations

import reflex as rx

IMAGE_TYPES = {
    "image/jpeg": [".jpg", ".jpeg"],
    "image/png": [".png"],
    "image/webp": [".webp"],
    "image/gif": [".gif"],
}


def picture_field(
    upload_id: str, aria_label: str, error: rx.Component, chosen_testid: str | None = None
) -> rx.Component:
    """The drop zone `upload_id`; each chosen file's name may carry `chosen_testid`."""
    chosen_props = {"data_testid": chosen_testid} if chosen_testid else {}
    return rx.vstack(
        rx.text("Picture (JPEG, PNG, WebP or GIF)", font_weight="500", size="2"),
        rx.upload(
            rx.vstack(
                rx.icon("image-up", aria_hidden="true"),
                rx.text("Drop a picture here, or click to choose one", size="2"),
                align="center",
                spacing="1",
            ),
            id=upload_id,
            accept=IMAGE_TYPES,
            max_files=1,
            border=f"1px dashed {rx.color('gray', 8)}",
            padding="var(--space-4)",
            border_radius="var(--radius-3)",
            width="100%",
            aria_label=aria_label,
        ),
        rx.foreach(
            rx.selected_files(upload_id),
            lambda name: rx.text("Chosen: ", name, size="2", **chosen_props),
        ),
        error,
        spacing="1",
        width="100%",
    )
