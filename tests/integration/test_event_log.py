"""The event log (transactional outbox) and its consumers, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.adapters.db import event_log as log_table
from app.adapters.db.event_log import LoggedEvent
from app.adapters.db.models_events import EventRecord
from app.adapters.db.models_people import User
from app.adapters.db.session import make_engine
from app.cli import migrate
from app.domain.events import DomainEvent
from app.services import analytics, event_log
from app.services.context import Context
from tests.factories import RecordingBus, make_context


@pytest.fixture
def world(database_url: str) -> Iterator[tuple[Context, RecordingBus]]:
    engine = make_engine(database_url)
    bus = RecordingBus()
    yield make_context(engine, bus=bus), bus
    engine.dispose()


def _note(n: int, kind: str = "test.happened") -> DomainEvent:
    return DomainEvent("test", str(n), n, kind, {"n": n, "user_id": 7}, actor_id=None)


def _write(ctx: Context, *numbers: int) -> None:
    for n in numbers:
        with ctx.uow() as uow:
            uow.session.add(User(display_name=f"U{n}"))
            uow.record(_note(n))


def _failing_change(ctx: Context, n: int) -> None:
    with ctx.uow() as uow:
        uow.session.add(User(display_name="Ghost"))
        uow.session.flush()
        uow.record(_note(n))
        raise RuntimeError("the change fails after its events were recorded")


def _logged(ctx: Context) -> list[EventRecord]:
    with ctx.session() as session:
        return list(session.exec(select(EventRecord).order_by(EventRecord.id)).all())


def test_a_committed_change_logs_its_events_and_then_publishes_them(
    world: tuple[Context, RecordingBus],
) -> None:
    ctx, bus = world
    _write(ctx, 1)
    rows = _logged(ctx)
    assert [(r.aggregate, r.aggregate_id, r.kind, r.actor_id) for r in rows] == [
        ("test", "1", "test.happened", 7)
    ]
    assert bus.kinds() == ["test.happened"]


def test_events_of_a_rolled_back_transaction_never_reach_the_log_or_the_bus(
    world: tuple[Context, RecordingBus],
) -> None:
    ctx, bus = world
    pytest.raises(RuntimeError, _failing_change, ctx, 1)
    assert _logged(ctx) == []
    assert bus.events == []
    with ctx.session() as session:
        assert session.exec(select(User).where(User.display_name == "Ghost")).first() is None


def test_a_consumer_restarted_mid_stream_resumes_with_no_gap_and_no_double(
    world: tuple[Context, RecordingBus],
) -> None:
    ctx, _ = world
    _write(ctx, *range(1, 11))
    applied: list[int] = []

    def crash_on_six(session: Session, events: Sequence[LoggedEvent]) -> None:
        if any(e.payload["n"] == 6 for e in events):
            raise RuntimeError("the consumer's process dies half-way")
        applied.extend(e.payload["n"] for e in events)

    assert event_log.consume(ctx, "test.consumer", crash_on_six, batch=4) == 4
    with pytest.raises(RuntimeError):
        event_log.consume(ctx, "test.consumer", crash_on_six, batch=4)
    assert applied == [1, 2, 3, 4]  # the crashed batch moved nothing

    def record(session: Session, events: Sequence[LoggedEvent]) -> None:
        applied.extend(e.payload["n"] for e in events)

    while event_log.consume(ctx, "test.consumer", record, batch=4):
        pass
    assert applied == list(range(1, 11))
    assert event_log.consumer_position(ctx, "test.consumer") == _logged(ctx)[-1].id


def test_rollups_count_each_event_once_across_refreshes_and_rollbacks(
    world: tuple[Context, RecordingBus],
) -> None:
    ctx, _ = world
    _write(ctx, 1, 2, 3)
    assert analytics.refresh_rollups(ctx) == 3
    pytest.raises(RuntimeError, _failing_change, ctx, 99)
    _write(ctx, 4, 5)
    # The rolled-back transaction may leave a hole in the ids (PostgreSQL sequences): the
    # consumer passes it once it has settled; here we tell it that it has.
    while event_log.consume(
        ctx, analytics.ROLLUP_CONSUMER, analytics.rollups._apply, settle=timedelta(0)
    ):
        pass
    assert analytics.refresh_rollups(ctx) == 0
    first = _logged(ctx)[0].occurred_at
    counts = analytics.hourly_counts(
        ctx, ["test.happened"], first - timedelta(hours=1), first + timedelta(hours=2)
    )
    assert counts == {"test.happened": 5}


def test_a_commit_still_on_its_way_is_waited_for_not_skipped(postgres_url: str) -> None:
    """PostgreSQL hands out ids before commit: a later id can be visible first. The consumer
    stops at the hole and applies both once the slower transaction commits (no gap)."""
    migrate(postgres_url)
    engine = make_engine(postgres_url)
    ctx = make_context(engine, bus=RecordingBus())
    try:
        _write(ctx, 1)
        applied: list[int] = []

        def record(session: Session, events: Sequence[LoggedEvent]) -> None:
            applied.extend(e.payload["n"] for e in events)

        assert event_log.consume(ctx, "test.slow", record) == 1
        slow = ctx.uow()
        uow = slow.__enter__()  # takes id 2 and holds its commit
        uow.record(_note(2))
        log_table.append(uow.session, uow.events)
        uow.events.clear()  # already written by hand above: the exit must not write it again
        _write(ctx, 3)  # id 3 commits first
        assert event_log.consume(ctx, "test.slow", record) == 0
        assert applied == [1]
        slow.__exit__(None, None, None)
        # A process restarted now (a fresh engine) resumes after event 1: 2 and 3, once each.
        restarted = make_context(make_engine(postgres_url), bus=RecordingBus())
        while event_log.consume(restarted, "test.slow", record):
            pass
        assert applied == [1, 2, 3]
    finally:
        engine.dispose()


def test_a_second_runner_skips_while_the_first_folds(postgres_url: str) -> None:
    """Every process wakes on every event: while one runner holds the consumer, another returns
    at once (0) instead of queueing behind it, and nothing is applied twice."""
    migrate(postgres_url)
    engine = make_engine(postgres_url)
    ctx = make_context(engine, bus=RecordingBus())
    other = make_context(make_engine(postgres_url), bus=RecordingBus())
    try:
        _write(ctx, 1)
        applied: list[int] = []

        def record(session: Session, events: Sequence[LoggedEvent]) -> None:
            applied.extend(e.payload["n"] for e in events)

        while event_log.consume(ctx, "test.busy", record):
            pass
        _write(ctx, 2)
        first = ctx.uow()
        uow = first.__enter__()
        assert event_log._lock_position(uow.session, "test.busy") is not None  # holds the row
        assert event_log.consume(other, "test.busy", record) == 0
        first.__exit__(None, None, None)
        assert event_log.consume(other, "test.busy", record) == 1
        assert applied == [1, 2]
    finally:
        engine.dispose()
