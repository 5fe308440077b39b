"""The header search box."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from app import routes


class HeaderSearchState(rx.State):
    @rx.event
    def submit(self, form: dict[str, str]) -> EventSpec:
        """Send the shopper to the catalog; the catalog page checks the words."""
        query = (form.get("q") or "").strip()
        return rx.redirect(routes.catalog_url(q=query))
