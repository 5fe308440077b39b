"""Codes that let people in (friend invites, shared-cart invites) cannot be guessed by trying.

A code is 12 characters from 31 (about 2^59), hopeless to guess when the guesses are few: each
look-up that finds no usable code spends one attempt of the person (when signed in) and one of
the address it came from, on the limiter every backend process shares, and once either is spent
every look-up is refused until the window moves on. Someone using the codes they were given
never spends anything; a script on one websocket, or a guest, gets a dozen wrong tries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from app.domain.throttle import Rate, seconds_text
from app.services.context import Context

PER_PERSON = Rate("code.person", limit=12, seconds=600)
PER_ADDRESS = Rate("code.address", limit=40, seconds=600)


@contextmanager
def code_look_up(
    ctx: Context,
    user_id: int | None,
    address: str | None,
    refuse: Callable[[str], Exception],
    wrong: type[Exception],
) -> Iterator[None]:
    """Around one look-up of a code: refused at once (`refuse(message)`) while the person or
    the address has no attempt left; a look-up that raises `wrong` spends one of each."""
    keyed = [
        (rate, str(key)) for rate, key in ((PER_PERSON, user_id), (PER_ADDRESS, address)) if key
    ]
    for rate, key in keyed:
        wait = ctx.limiter.blocked(rate, key)
        if wait is not None:
            raise refuse(
                f"Too many wrong codes in a short time. Please try again in {seconds_text(wait)}."
            )
    try:
        yield
    except wrong:
        for rate, key in keyed:
            ctx.limiter.attempt(rate, key)
        raise
