"""What every bus offers. Delivery is at-most-once: receivers use versions to notice gaps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from app.domain.events import DomainEvent


class EventBus(Protocol):
    def publish(self, event: DomainEvent) -> None:
        """Send news of a committed change. Never raises: news is not the truth."""

    def listen(self) -> AsyncIterator[DomainEvent]:
        """Every event published by any process from now on (one listener per process)."""
        ...
