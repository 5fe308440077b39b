"""What friends may see of a shopper's activity, and which notifications a shopper wants.

Only reviews are shared by default; every other kind of activity stays private until the
shopper turns it on. A private activity is never shown to anyone, not even as a count.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: bool


SHARING = (
    Setting("share.reviews", "Reviews I write", True),
    Setting("share.purchases", "Products I buy", False),
    Setting("share.deal_joins", "Group deals I join", False),
    Setting("share.cart_lines", "What I put in shared carts", False),
    Setting("share.answers", "Questions I answer", False),
    Setting("share.watching", "Live sessions I'm watching", False),
)
NOTIFY = (
    Setting("notify.question_to_answer", "A question for me to answer", True),
    Setting("notify.answer_to_your_question", "An answer to my question", True),
    Setting("notify.deal_outcome", "A group deal I joined unlocked or did not", True),
    Setting("notify.host_live", "A host I follow went live", True),
    Setting("notify.friend_accepted", "Someone accepted my friend invite", True),
    Setting("notify.shared_cart", "A friend added me to a shared cart", True),
    Setting("notify.webhook_disabled", "A webhook endpoint I registered was switched off", True),
)
DEFAULTS = {s.key: s.default for s in (*SHARING, *NOTIFY)}


def effective(key: str, stored: bool | None) -> bool:
    """The setting in force: the stored choice, else the default (unknown keys: off)."""
    return stored if stored is not None else DEFAULTS.get(key, False)


def watching_now(
    watching: Mapping[int, Iterable[int]], sharers: Collection[int], live_hosts: Mapping[int, int]
) -> list[tuple[int, int]]:
    """The (friend, live session) pairs a feed shows as "watching now".

    `watching`: who has which session's page open right now (any process); `sharers`: the
    viewer's friends who share "watching live" at this moment; `live_hosts`: the sessions live
    now, with their host. Anyone not in `sharers` is left out entirely (no count, no trace), as
    are sessions not live and a host on their own session (hosting is not watching)."""
    return sorted(
        (person, session_id)
        for person, sessions in watching.items()
        if person in sharers
        for session_id in set(sessions)
        if session_id in live_hosts and live_hosts[session_id] != person
    )
