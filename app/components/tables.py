"""The console's small tables: a header row of plain titles over the rows, scrolling sideways
inside their own box on a narrow screen rather than widening the page."""

from __future__ import annotations

import reflex as rx


def surface_table(headers: list[str], body: rx.Component) -> rx.Component:
    """`body` (the rows, usually an rx.foreach) under a row of `headers`."""
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(body),
            width="100%",
            variant="surface",
            size="1",
        ),
        overflow_x="auto",
        width="100%",
    )
