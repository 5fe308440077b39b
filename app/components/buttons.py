"""A link that looks like a button: one control, one Tab stop, announced as a link.

A button inside a link (`rx.link(rx.button(...))`) is two nested interactive elements, which
screen readers announce twice and HTML forbids; this draws the link itself as the button.
"""

from __future__ import annotations

from typing import Any

import reflex as rx


def link_button(*children: Any, href: Any, **button_props: Any) -> rx.Component:
    """`children` (text, icons) as a link to `href`, styled by rx.button's `button_props`."""
    return rx.button(
        rx.link(*children, href=href, underline="none"),
        as_child=True,
        **button_props,
    )
