"""Domain events: the news a service publishes after its transaction commits.

Each event names its aggregate and carries the aggregate's version after the change, so a client
that sees a gap in versions knows it missed news and reloads from the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened to one aggregate (a cart, a deal, a chat room...)."""

    aggregate: str
    aggregate_id: str
    version: int
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    occurred_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    @property
    def channel(self) -> str:
        """The bus channel that watchers of this aggregate subscribe to."""
        return f"{self.aggregate}:{self.aggregate_id}"

    def to_json(self) -> str:
        # Not `asdict`: it deep-copies the payload, and cart events carry the whole cart view.
        fields = {
            "aggregate": self.aggregate,
            "aggregate_id": self.aggregate_id,
            "version": self.version,
            "kind": self.kind,
            "payload": self.payload,
            "occurred_at": self.occurred_at,
        }
        return json.dumps(fields, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> DomainEvent:
        return cls(**json.loads(raw))
