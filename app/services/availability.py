"""When the database cannot be reached: one rule for "is this an outage?" and one message.

A request that meets a stopped or restarting PostgreSQL fails inside its transaction, so nothing
of it is written (the transaction never commits); the shopper is told that in plain words and
that trying again will work, instead of a generic "an error occurred".
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

UNAVAILABLE_TITLE = "The shop could not reach its database."
UNAVAILABLE_TEXT = "Nothing was changed or charged. Please try again in a few seconds."


def store_unavailable(error: BaseException) -> bool:
    """True when `error` (or what caused it) is a lost or refused database connection."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OperationalError | InterfaceError):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
