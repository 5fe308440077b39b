"""The header search box."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec


class HeaderSearchState(rx.State):
    @rx.event
    def submit(self, form: dict[str, str]) -> EventSpec:
        """Send the shopper to the catalog; the catalog page checks the words."""
        query = (form.get("q") or "").strip()
        return rx.redirect("/catalog?" + urlencode({"q": query}) if query else "/catalog")
