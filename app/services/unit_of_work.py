"""A transaction that publishes its domain events only after it commits.

Services record events with `uow.record(...)`; if the transaction fails nothing is announced, and
nothing is announced before the data is visible to the clients that reload on the news.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlmodel import Session

from app.adapters.bus import EventBus, bus
from app.adapters.db.session import engine
from app.domain.events import DomainEvent


@dataclass
class UnitOfWork:
    session: Session
    events: list[DomainEvent] = field(default_factory=list)

    def record(self, event: DomainEvent) -> None:
        self.events.append(event)


@contextmanager
def unit_of_work(
    session_factory: Callable[[], Session] | None = None, event_bus: EventBus | None = None
) -> Iterator[UnitOfWork]:
    """Commit on success, then publish the recorded events; roll back and stay silent on error."""
    session = session_factory() if session_factory else Session(engine(), expire_on_commit=False)
    uow = UnitOfWork(session)
    try:
        yield uow
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
    target = event_bus or bus()
    for event in uow.events:
        target.publish(event)
