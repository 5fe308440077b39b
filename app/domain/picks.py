"""Friends' picks: which products are popular among a shopper's friends.

A friend's paid order counts most, a deal join next, a shared-cart line least (an intention,
not a purchase). Each friend counts once per product and kind, so one friend buying ten mugs
does not outweigh three friends buying one each. Ties: more distinct friends first, then the
most recent activity, then the product id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

WEIGHTS = {"bought": 3, "joined": 2, "carted": 1}


@dataclass(frozen=True)
class Signal:
    """One friend did something with one product."""

    product_id: int
    friend_id: int
    kind: str  # a key of WEIGHTS
    at: datetime


@dataclass(frozen=True)
class Pick:
    product_id: int
    score: int
    friend_ids: list[int]  # most recent first
    kinds: list[str]


def rank_picks(signals: Iterable[Signal], limit: int = 8) -> list[Pick]:
    """Products ranked by the weighted, de-duplicated signals of friends."""
    seen: set[tuple[int, int, str]] = set()
    score: dict[int, int] = {}
    latest: dict[int, datetime] = {}
    friends: dict[int, dict[int, datetime]] = {}
    kinds: dict[int, set[str]] = {}
    for s in signals:
        if s.kind not in WEIGHTS or (s.product_id, s.friend_id, s.kind) in seen:
            continue
        seen.add((s.product_id, s.friend_id, s.kind))
        score[s.product_id] = score.get(s.product_id, 0) + WEIGHTS[s.kind]
        if s.product_id not in latest or s.at > latest[s.product_id]:
            latest[s.product_id] = s.at
        by_friend = friends.setdefault(s.product_id, {})
        if s.friend_id not in by_friend or s.at > by_friend[s.friend_id]:
            by_friend[s.friend_id] = s.at
        kinds.setdefault(s.product_id, set()).add(s.kind)
    order = sorted(
        score,
        key=lambda p: (-score[p], -len(friends[p]), -latest[p].timestamp(), p),
    )
    return [
        Pick(
            product_id=p,
            score=score[p],
            friend_ids=sorted(friends[p], key=lambda f: friends[p][f], reverse=True),
            kinds=sorted(kinds[p], key=lambda k: -WEIGHTS[k]),
        )
        for p in order[:limit]
    ]


def friends_line(names: list[str], verb: str) -> str:
    """ "Bob bought this", "Bob and Carol bought this", "Bob and 2 friends bought this"."""
    if not names:
        return ""
    if len(names) == 1:
        return f"{names[0]} {verb} this"
    if len(names) == 2:
        return f"{names[0]} and {names[1]} {verb} this"
    return f"{names[0]} and {len(names) - 1} friends {verb} this"
