"""What the live-shopping services refuse, in words fit to show."""

from __future__ import annotations

from collections.abc import Mapping

NOT_FOUND = "We couldn't find that live session."
NOT_ALLOWED = "Only the host or a moderator can do that."


class LiveError(Exception):
    """A live-shopping action we refuse; `message` is fit to show, `code` is for programs."""

    def __init__(self, message: str, code: str) -> None:
        self.message = message
        self.code = code
        super().__init__(message)


class LiveValidationError(ValueError):
    """Form values to fix; `field_errors` maps a form field to its message."""

    def __init__(self, field_errors: Mapping[str, str]) -> None:
        self.field_errors = dict(field_errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.field_errors.items()))
