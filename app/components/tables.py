"""Small tables: a header row of column titles over the rows, scrolling sideways on a narrow
screen rather than widening the page, either in a plain box (the console's surface tables) or
in a scroll area with a horizontal scrollbar."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx


def _header(headers: Sequence[str | rx.Component]) -> rx.Component:
    """Plain titles become header cells; a component (a right-aligned cell) is kept as is."""
    cells = [rx.table.column_header_cell(h) if isinstance(h, str) else h for h in headers]
    return rx.table.header(rx.table.row(*cells))


def surface_table(headers: Sequence[str | rx.Component], body: rx.Component) -> rx.Component:
    """`body` (the rows, usually an rx.foreach) under a row of `headers`."""
    return rx.box(
        rx.table.root(
            _header(headers),
            rx.table.body(body),
            width="100%",
            variant="surface",
            size="1",
        ),
        overflow_x="auto",
        width="100%",
    )


def scrolling_table(
    headers: Sequence[str | rx.Component], body: rx.Component, **table_props: Any
) -> rx.Component:
    """`body` under a row of `headers`, in a scroll area that scrolls sideways."""
    return rx.scroll_area(
        rx.table.root(_header(headers), rx.table.body(body), width="100%", **table_props),
        type="auto",
        scrollbars="horizontal",
    )
