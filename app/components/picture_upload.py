"""Picture uploads: the console's picture field (one image, the file chosen, the field's error)
and the photo drop zones of posts and reviews, with the chosen files as badges.

A zone is a plain file input stretched, transparent, over its prompt: a click opens the file
chooser and a file dropped on it is chosen, as browsers do for any file input. It puts the
files where `rx.upload_files(upload_id=…)` and `rx.selected_files` look for them, as
`rx.upload` does, without react-dropzone (13 KB compressed in the product page's first load,
issue 19)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.components.core.upload import Upload, upload_file

IMAGE_TYPES = {
    "image/jpeg": [".jpg", ".jpeg"],
    "image/png": [".png"],
    "image/webp": [".webp"],
    "image/gif": [".gif"],
}


def _accept(types: dict[str, list[str]]) -> str:
    """The input's accept attribute: every type and extension."""
    return ",".join([*types, *(ext for exts in types.values() for ext in exts)])


def _choose(upload_id: str) -> rx.Var:
    """The input's change handler: its files become the upload's chosen files. The input is
    emptied at once, so choosing the same file again (after a refusal) is a change too."""
    keep = upload_file(upload_id)
    return rx.Var(
        f"(e) => {{ const files = Array.from(e.target.files); e.target.value = ''; "
        f"({keep})(files); }}",
        _var_data=keep._get_all_var_data(),
    )


def drop_zone(
    upload_id: str,
    prompt: rx.Component,
    file_label: str,
    *,
    multiple: bool = True,
    accept: dict[str, list[str]] | None = None,
    **props: Any,
) -> rx.Component:
    """`prompt` in a box `upload_id` whose file input, named `file_label` for screen readers,
    covers it. `props` style the box."""
    Upload.is_used = True  # what makes Reflex serve /_upload, as rx.upload would
    return rx.box(
        prompt,
        rx.el.input(
            type="file",
            multiple=multiple,
            accept=_accept(accept) if accept else None,
            aria_label=file_label,
            custom_attrs={"onChange": _choose(upload_id)},
            position="absolute",
            inset="0",
            width="100%",
            height="100%",
            opacity="0",
            cursor="pointer",
        ),
        id=upload_id,
        position="relative",
        # The focused input is invisible: show its focus on the zone.
        _focus_within={"outline": f"2px solid {rx.color('accent', 8)}", "outline_offset": "2px"},
        **props,
    )


def picture_field(
    upload_id: str, aria_label: str, error: rx.Component, chosen_testid: str | None = None
) -> rx.Component:
    """The drop zone `upload_id`; each chosen file's name may carry `chosen_testid`."""
    chosen_props = {"data_testid": chosen_testid} if chosen_testid else {}
    return rx.vstack(
        rx.text("Picture (JPEG, PNG, WebP or GIF)", font_weight="500", size="2"),
        drop_zone(
            upload_id,
            rx.vstack(
                rx.icon("image-up", aria_hidden="true"),
                rx.text("Drop a picture here, or click to choose one", size="2"),
                align="center",
                spacing="1",
            ),
            aria_label,
            multiple=False,
            accept=IMAGE_TYPES,
            border=f"1px dashed {rx.color('gray', 8)}",
            padding="var(--space-4)",
            border_radius="var(--radius-3)",
            width="100%",
        ),
        rx.foreach(
            rx.selected_files(upload_id),
            lambda name: rx.text("Chosen: ", name, size="2", **chosen_props),
        ),
        error,
        spacing="1",
        width="100%",
    )


def photos_drop_zone(
    upload_id: str,
    prompt: rx.Component,
    file_label: str,
    padding: str,
    accept: dict[str, list[str]] | None = None,
) -> rx.Component:
    """A dashed zone showing `prompt` where photos are dropped or chosen; its file input is
    named `file_label`. How many may be sent is the service's rule, which says so."""
    return drop_zone(
        upload_id,
        prompt,
        file_label,
        accept=accept,
        border=f"1px dashed {rx.color('gray', 7)}",
        padding=padding,
        border_radius="var(--radius-3)",
        width="100%",
    )


def chosen_badges(upload_id: str, **badge_props: Any) -> rx.Component:
    """The names of the files chosen in `upload_id`, as a row of badges."""
    return rx.hstack(
        rx.foreach(rx.selected_files(upload_id), lambda name: rx.badge(name, **badge_props)),
        wrap="wrap",
        spacing="1",
    )
