"""Early access to a deal: who may join before everyone else, and from when.

One rule for every kind of early access. A deal that grew out of a be-the-buyer vote opens to its
voters at once and to everyone else a day later; VIP members share that window, and may also
join a scheduled deal a day before it opens to the public. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

VOTER_HEAD_START = timedelta(hours=24)  # a voted-for deal opens to the public a day later
VIP_HEAD_START = timedelta(hours=24)  # VIPs may join a scheduled deal this long before it opens


@dataclass(frozen=True)
class EarlyWindow:
    """Early-access shoppers may join from `early_from`; everyone else from `public_from`."""

    early_from: datetime
    public_from: datetime


def window_for(starts_at: datetime, public_from: datetime | None) -> EarlyWindow:
    """A deal's window: a voted-for deal stores when it opens to the public (it starts for its
    early shoppers at `starts_at`); any other deal opens to the public at `starts_at` and to
    VIPs a head start before."""
    if public_from is not None and public_from > starts_at:
        return EarlyWindow(early_from=starts_at, public_from=public_from)
    return EarlyWindow(early_from=starts_at - VIP_HEAD_START, public_from=starts_at)


def opens_for(window: EarlyWindow, has_early_access: bool) -> datetime:
    """When this shopper may join."""
    return window.early_from if has_early_access else window.public_from


def when_text(moment: datetime) -> str:
    return moment.strftime("%b %d at %H:%M UTC").replace(" 0", " ")


def early_access_refusal(
    window: EarlyWindow, now: datetime, *, has_early_access: bool, voted_deal: bool
) -> str | None:
    """None if the shopper may join now as far as early access goes, else what to tell them.

    Only a voted-for deal (open, but to its voters and VIPs first) answers with its own message;
    a deal that has not started answers with the deal rules' "not started"."""
    if now >= opens_for(window, has_early_access):
        return None
    if not voted_deal or now < window.early_from:
        return None  # not started for anyone yet: the deal rules say so
    return (
        "Shoppers who voted for this product (and VIP members) get the first 24 hours. "
        f"It opens to everyone on {when_text(window.public_from)}."
    )
