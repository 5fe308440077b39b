"""Picture uploads: the console's picture field (one image, the file chosen, the field's error)
and the photo drop zones of posts and reviews, their hidden file input named for screen
readers, with the chosen files as badges."""

from __future__ import annotations

from typing import Any

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


def named_file_input(component: rx.Component, label: str) -> rx.Component:
    """Give the drop zone's hidden file input an accessible name (Reflex renders it bare)."""
    for child in component.children:
        if type(child).__name__ == "Input":
            child.custom_attrs["aria-label"] = label
        named_file_input(child, label)
    return component


def photos_drop_zone(
    upload_id: str, prompt: rx.Component, file_label: str, padding: str, **props: Any
) -> rx.Component:
    """A dashed zone showing `prompt` where photos are dropped or chosen; its file input is
    named `file_label`. `props` go to rx.upload (max_files, accept)."""
    return named_file_input(
        rx.upload(
            prompt,
            id=upload_id,
            border=f"1px dashed {rx.color('gray', 7)}",
            padding=padding,
            border_radius="var(--radius-3)",
            width="100%",
            **props,
        ),
        file_label,
    )


def chosen_badges(upload_id: str, **badge_props: Any) -> rx.Component:
    """The names of the files chosen in `upload_id`, as a row of badges."""
    return rx.hstack(
        rx.foreach(rx.selected_files(upload_id), lambda name: rx.badge(name, **badge_props)),
        wrap="wrap",
        spacing="1",
    )
