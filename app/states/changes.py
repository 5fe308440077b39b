"""Setting only what changed."""

from __future__ import annotations

from typing import Any

import reflex as rx


def set_changed(state: rx.State, **values: Any) -> None:
    """Set the vars whose value differs. Reflex sends every var a handler sets to the browser,
    changed or not, and the browser then draws again whatever shows it (on every page load:
    the header's bell and live badge, the catalog's ratings)."""
    for name, value in values.items():
        if getattr(state, name) != value:
            setattr(state, name, value)
