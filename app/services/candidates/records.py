"""Shared internals of the be-the-buyer use cases: the event every change records."""

from __future__ import annotations

from app.domain.events import DomainEvent, EventKind

CHANNEL = "candidates"
ROOM = "all"  # one room: the vote page shows every open candidate


def changed(candidate_id: int, actor_id: int | None = None) -> DomainEvent:
    """News for the vote page's room: re-read the counts and statuses."""
    return DomainEvent(
        CHANNEL,
        ROOM,
        0,
        EventKind.CANDIDATES_CHANGED,
        {"candidate_id": candidate_id},
        actor_id=actor_id,
    )
