"""Whose data a page with a parameter holds.

A tab keeps its state between page loads, and Reflex sends all of it when a page opens: a tab
opening another product would first draw the product of its last visit (or that visit's "not
found"), price and all, until the page's load had read the one at the address. A keyed page's
load records the address its data was read for (`_mark_shown`), and the page draws that data
only while the browser is at that address (`shows_address`); its frame until then.
"""

from __future__ import annotations

from typing import cast

import reflex as rx


class KeyedPage(rx.State, mixin=True):
    shown_path: str = ""  # the address (path) the page's data was read for

    def _mark_shown(self) -> None:
        """Called by the page's load once its data is the address's (found or not)."""
        self.shown_path = self.router.url.path


def shows_address(page: type[KeyedPage]) -> rx.Var[bool]:
    """In the browser: the page's data was read for the address it is at (never before a load:
    the prerendered frame's address is "" too). Compared there, not in a computed var: one
    reading the router would load its state for every event of every page
    (tests/unit/test_state_loading.py)."""
    read = page.shown_path != ""
    return cast(rx.Var[bool], read & (page.shown_path == page.router.url.path))
