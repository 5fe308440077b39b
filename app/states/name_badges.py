"""Badges next to names (chat, reviews, answers), cached per process for a minute.

A chat window is pushed on every message; its authors' badges change rarely, so each process
reads them for authors it has not seen lately (one batched query) instead of on every push.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from app.services import rewards
from app.services.context import app_context

TTL_SECONDS = 60.0
MAX_CACHED = 20_000
_cache: dict[int, tuple[float, list[str]]] = {}


def badges_for(user_ids: Iterable[int]) -> dict[str, list[str]]:
    """{user id: badge labels} for the people who have any (keys as strings, for Vars)."""
    ids = {int(u) for u in user_ids if u}
    now = time.monotonic()
    stale = [u for u in ids if u not in _cache or now - _cache[u][0] > TTL_SECONDS]
    if stale:
        if len(_cache) > MAX_CACHED:
            _cache.clear()
        found = rewards.badges_of_users(app_context(), stale)
        for user_id in stale:
            _cache[user_id] = (now, found.get(user_id, []))
    return {str(u): _cache[u][1] for u in ids if u in _cache and _cache[u][1]}
