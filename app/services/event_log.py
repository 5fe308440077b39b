"""Reading the event log in order, from a stored position: the consumer API.

A consumer (the analytics rollups, or anything that must not miss news across restarts) calls
`consume(ctx, name, apply)`. In ONE transaction it locks its position row, reads the events after
it, lets `apply` write its own tables, and stores the id of the last event applied. A crash
before the commit applies nothing and moves nothing, so a restarted consumer resumes after the
last event it applied: no gap, no double.

Ids are handed out when a transaction writes its events, just before it commits, so on
PostgreSQL a later id can become visible before an earlier one. A consumer therefore stops at
the first hole in the ids unless the event after the hole was written more than `settle` ago:
by then the hole is a rolled-back transaction, not a commit on its way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from app.adapters.db import event_log
from app.adapters.db.cart_statements import insert_ignoring_conflicts
from app.adapters.db.event_log import LoggedEvent
from app.adapters.db.models_events import EventConsumer, EventRecord
from app.domain.clock import utcnow
from app.services.context import Context

__all__ = ["LoggedEvent", "consume", "consumer_position", "events_after"]

# Longer than any gap between a transaction writing its events and its commit.
SETTLE = timedelta(seconds=5)

Apply = Callable[[Session, Sequence[LoggedEvent]], None]


def events_after(ctx: Context, position: int, limit: int = 500) -> list[LoggedEvent]:
    """Up to `limit` logged events after `position`, oldest first (for readers that keep their
    own position; most consumers want `consume`)."""
    with ctx.session() as session:
        return event_log.read_after(session, position, limit)


def consumer_position(ctx: Context, name: str) -> int:
    """The id of the last event consumer `name` applied (0: none yet)."""
    with ctx.session() as session:
        found = session.exec(select(EventConsumer.position).where(EventConsumer.name == name))  # type: ignore[call-overload]
        value = found.first()
        return int(value[0]) if value else 0


def _lock_position(session: Session, name: str) -> int | None:
    """This consumer's position, locked until the transaction ends (one runner at a time);
    None when another runner holds it on PostgreSQL: that runner folds what is new, and every
    process of a busy shop wakes on every event, so queueing behind it would only keep a worker
    thread and a database connection waiting."""
    if session.get_bind().dialect.name == "postgresql":
        mine = select(col(EventConsumer.position)).where(col(EventConsumer.name) == name)
        held = session.exec(mine.with_for_update(skip_locked=True)).first()  # type: ignore[call-overload]
        if held is not None:
            return int(held[0])
        if session.exec(mine).first() is not None:  # type: ignore[call-overload]
            return None
    # A no-op update takes the row lock on PostgreSQL and the write lock on SQLite.
    moved = session.exec(
        update(EventConsumer)
        .where(col(EventConsumer.name) == name)
        .values(name=name)
        .returning(col(EventConsumer.position))
    ).first()
    if moved is not None:
        return int(moved[0])
    # The consumer's first run. Two runners (processes) may get here at once: the insert that
    # loses waits for the winner's commit and does nothing, and both then lock the one row.
    values = {"name": name, "position": 0, "updated_at": utcnow()}
    insert_ignoring_conflicts(session, EventConsumer, values)
    return _lock_position(session, name)


def _settled_prefix(
    events: Sequence[LoggedEvent], position: int, settle: timedelta
) -> list[LoggedEvent]:
    ready: list[LoggedEvent] = []
    expected = position + 1
    cutoff = utcnow() - settle
    for event in events:
        if event.id != expected and event.logged_at > cutoff:
            break  # a hole that may still fill: wait for it
        ready.append(event)
        expected = event.id + 1
    return ready


def consume(
    ctx: Context, name: str, apply: Apply, *, batch: int = 1000, settle: timedelta = SETTLE
) -> int:
    """Apply the next events after consumer `name`'s position and move the position past them,
    in one transaction; returns how many were applied (0: caught up, or another runner is at
    it). `apply` gets the transaction's session and the events in id order; if it raises,
    nothing moves."""
    with ctx.uow() as uow:
        position = _lock_position(uow.session, name)
        if position is None:
            return 0
        events = _settled_prefix(
            event_log.read_after(uow.session, position, batch), position, settle
        )
        if not events:
            return 0
        apply(uow.session, events)
        uow.session.exec(
            update(EventConsumer)
            .where(col(EventConsumer.name) == name)
            .values(position=events[-1].id, updated_at=utcnow())
        )
        return len(events)


def skip_to_latest(ctx: Context, name: str) -> None:
    """Move consumer `name` past every event logged so far without reading them, for a
    consumer that has nothing to do with them (webhooks while no endpoint exists)."""
    with ctx.uow() as uow:
        position = _lock_position(uow.session, name)
        latest = uow.session.exec(select(func.max(EventRecord.id))).one()[0] or 0  # type: ignore[call-overload]
        if position is None or latest <= position:
            return
        uow.session.exec(
            update(EventConsumer)
            .where(col(EventConsumer.name) == name)
            .values(position=latest, updated_at=utcnow())
        )
