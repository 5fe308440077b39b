"""What the trip use cases refuse with."""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.trips import BookingRefusal


class BookingError(Exception):
    """A booking request we refuse; nothing was changed. `message` is fit to show the shopper,
    `field_errors` maps a form field to its message (opening a booking)."""

    def __init__(
        self, message: str, code: str, field_errors: Mapping[str, str] | None = None
    ) -> None:
        self.message = message
        self.code = code
        self.field_errors = dict(field_errors or {})
        super().__init__(message)

    @classmethod
    def refused(cls, refusal: BookingRefusal) -> BookingError:
        return cls(refusal.message, refusal.value)
