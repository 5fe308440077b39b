"""Questions to past buyers: whom to ask, and when to ask more.

A question goes to the asker's friends who bought the product first, then to other past buyers;
at most `BATCH` people per round, never someone already asked about it, never the asker, and
nobody more than `WEEKLY_CAP` times in seven days (people stop answering when pestered).
A question still unanswered `REROUTE_AFTER` after its last round gets another round.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

BATCH = 5
WEEKLY_CAP = 3
CAP_WINDOW = timedelta(days=7)
FIRST_ROUTE_DELAY = timedelta(seconds=0)  # the deadlines loop picks it up within seconds
REROUTE_AFTER = timedelta(days=1)
MAX_QUESTION = 500
MAX_ANSWER = 1000
QUESTIONS_PER_HOUR = 10
ANSWERS_PER_HOUR = 30


def pick_recipients(
    *,
    asker_id: int,
    friend_buyers: Iterable[int],
    other_buyers: Iterable[int],
    already_asked: Iterable[int],
    asked_this_week: Mapping[int, int],
    batch: int = BATCH,
    weekly_cap: int = WEEKLY_CAP,
) -> list[int]:
    """Who to ask in this round, in order: friends who bought it, then other buyers (each group
    in the order given, e.g. most recent buyers first)."""
    skip = set(already_asked) | {asker_id}
    chosen: list[int] = []
    for user_id in [*friend_buyers, *other_buyers]:
        if len(chosen) >= batch:
            break
        if user_id in skip or asked_this_week.get(user_id, 0) >= weekly_cap:
            continue
        skip.add(user_id)
        chosen.append(user_id)
    return chosen


def next_round_at(routed_at: datetime, answers: int) -> datetime | None:
    """When the next round is due: a day after this one while nobody has answered."""
    return None if answers else routed_at + REROUTE_AFTER
