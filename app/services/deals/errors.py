"""What the deal use cases refuse with: one exception per kind of answer a page shows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from app.domain.group_buy import JoinRefusal

if TYPE_CHECKING:
    from app.services.deals.views import MySeat


class DealValidationError(ValueError):
    """Deal terms a seller must fix; `field_errors` maps a form field to its message."""

    def __init__(self, field_errors: Mapping[str, str]) -> None:
        self.field_errors = dict(field_errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.field_errors.items()))


class NotAllowed(PermissionError):
    """The user's role does not allow this (e.g. opening a deal without the host role)."""


class JoinError(Exception):
    """A join, team, leave or bank-check request we refuse. `message` is fit to show the
    shopper; `code` is a JoinRefusal value, a PaymentErrorCode value or one of our own codes.
    `seat` is the shopper's seat as the refusal left it, when the service had it at hand
    (None: the request changed nothing the page shows)."""

    def __init__(self, message: str, code: str, seat: MySeat | None = None) -> None:
        self.message = message
        self.code = code
        self.seat = seat
        super().__init__(message)

    @classmethod
    def refused(cls, refusal: JoinRefusal, seat: MySeat | None = None) -> JoinError:
        return cls(refusal.message, refusal.value, seat)


class Refused(Exception):
    """Raised inside a transaction to roll it back; turned into a JoinError outside."""

    def __init__(self, refusal: JoinRefusal | None = None) -> None:
        self.refusal = refusal
