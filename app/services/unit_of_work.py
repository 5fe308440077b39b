"""A transaction that publishes its domain events only after it commits.

Services record events with `uow.record(...)`; they are appended to the event log (an outbox
table) in the same transaction, and published on the bus after the commit. If the transaction
fails nothing is logged or announced, and nothing is announced before the data is visible to the
clients that reload on the news.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from app.adapters.bus import EventBus, bus
from app.adapters.db import event_log
from app.adapters.db.session import engine
from app.domain.events import DomainEvent

# aggregate -> reads what every viewer of one aggregate sees, inside the transaction
Snapshotter = Callable[[Session, str], dict[str, Any] | None]
_snapshotters: dict[str, Snapshotter] = {}


def register_snapshot(aggregate: str, snapshotter: Snapshotter) -> None:
    """Let events of `aggregate` carry the state they lead to, read once by the writer, so the
    processes that push it to viewers need not each read it again. The version in the event
    still tells a receiver whether it missed news; the database stays the truth."""
    _snapshotters[aggregate] = snapshotter


def _attach_snapshots(session: Session, events: list[DomainEvent]) -> None:
    last_of: dict[tuple[str, str], DomainEvent] = {}
    for event in events:
        if event.aggregate in _snapshotters:
            last_of[(event.aggregate, event.aggregate_id)] = event
    for (aggregate, aggregate_id), event in last_of.items():
        if "snapshot" in event.payload:
            continue  # the service made it from what it had read, after its last write
        snapshot = _snapshotters[aggregate](session, aggregate_id)
        if snapshot is not None:
            event.payload["snapshot"] = snapshot


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
        _attach_snapshots(session, uow.events)
        # The outbox: the events are stored by the same commit as the change, or not at all.
        event_log.append(session, uow.events)
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
    target = event_bus or bus()
    for event in uow.events:
        target.publish(event)
