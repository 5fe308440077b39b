"""The moderation queue's sources: one per kind of thing shoppers can report.

To add a kind (community posts, say), write a class with the five members of
`ModerationSource` and call `register_source(YourSource())` where your package is imported
(its services' `__init__`); the console lists, keeps, removes and mutes it with no other
change. `key` is whatever string lets the source find the item again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlmodel import Session

from app.services.context import Context


@dataclass(frozen=True)
class Reported:
    """One reported item in the queue, whatever its kind."""

    kind: str  # "message", "review", ...
    kind_label: str  # "Chat message"
    key: str  # the source's handle on the item
    place: str  # where it was posted (a room, a product)
    author_id: int
    author: str
    text: str
    reports: int
    reasons: str
    first_reported: str  # ISO 8601, UTC


class ModerationSource(Protocol):
    kind: str
    label: str

    def reported(self, session: Session, limit: int) -> list[Reported]:
        """Items with open reports (the queue checked the moderator's role)."""
        ...

    def keep(self, ctx: Context, actor_id: int, key: str) -> None:
        """The item stays; its reports close."""

    def remove(self, ctx: Context, actor_id: int, key: str) -> bool:
        """Take the item down; False if it was already gone."""
        ...

    def mute(self, ctx: Context, actor_id: int, key: str, author_id: int) -> str:
        """Stop the author posting this kind for a day; a phrase saying where / until when."""
        ...


SOURCES: dict[str, ModerationSource] = {}


def register_source(source: ModerationSource) -> None:
    SOURCES[source.kind] = source
