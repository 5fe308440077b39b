"""What a shopper sees when an event handler fails on the backend."""

from __future__ import annotations

import logging

import reflex as rx
from reflex.app import default_backend_exception_handler
from reflex.event import EventSpec

from app.services.availability import UNAVAILABLE_TEXT, UNAVAILABLE_TITLE, store_unavailable

log = logging.getLogger(__name__)


def on_backend_error(exception: Exception) -> EventSpec:
    """A database outage gets its own words (nothing saved, try again); the rest Reflex's."""
    if store_unavailable(exception):
        log.warning("database unavailable: %s", type(exception).__name__)
        return rx.toast.error(
            UNAVAILABLE_TITLE, description=UNAVAILABLE_TEXT, id="backend_error", duration=8000
        )
    return default_backend_exception_handler(exception)
