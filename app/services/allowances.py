"""Allowances for the writes people make, on the limiter every backend process shares.

Per address: many accounts from one place (a script with a stack of sign-ups) cannot together
flood a room, a product's reviews or a deal's seats, whichever process each request reaches.
People share an address behind a home router, an office or a phone carrier's gateway, so an
address's allowance is several times one person's. Per person where the database keeps no
window of its own for the write (app/services/rate_limits.py keeps the ones that live in the
write's transaction).

Call `spend` late in the write's transaction, after its other checks and before anything
outside the database (a stored file, a card hold): a refusal rolls the write back and leaves
nothing, and a write refused for another reason (closed, already done, the person's own window)
spends nothing of the address's allowance, so one busy account cannot use up its neighbours'.
"""

from __future__ import annotations

from collections.abc import Callable

from app.domain.throttle import Rate
from app.services.context import Context

Keyed = tuple[Rate, int | str | None]  # (rate, key): a person's id or an address; None skips it


def spend(ctx: Context, refuse: Callable[[str], Exception], *allowances: Keyed) -> None:
    """Spend one attempt of every allowance whose key is known, or raise `refuse(message)`
    (the message says how long to wait) and spend none when any of them is used up."""
    keyed = [(rate, str(key)) for rate, key in allowances if key is not None and key != ""]
    for rate, key in keyed:
        wait = ctx.limiter.blocked(rate, key)
        if wait is not None:
            raise refuse(rate.refusal(wait))
    for rate, key in keyed:
        wait = ctx.limiter.attempt(rate, key)
        if wait is not None:  # another process took the last attempt a moment ago
            raise refuse(rate.refusal(wait))
