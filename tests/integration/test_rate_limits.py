"""Per-person write limits on SQLite and PostgreSQL hold when writes arrive at the same moment
(as from several backend processes): the database lets exactly the limit through."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import func, select

from app.adapters.db.models_social import Question
from app.domain import questions as question_rules
from app.services import questions
from app.services.questions import QuestionRefused
from app.services.rate_limits import RateLimited, stamp
from tests.integration.social_world import SocialWorld, social_world

WRITERS = 14


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[SocialWorld]:
    yield from social_world(database_url, tmp_path, ["Alice", "Bob"])


def at(world: SocialWorld, moment: datetime) -> SocialWorld:
    return dataclasses.replace(world, ctx=dataclasses.replace(world.ctx, clock=lambda: moment))


def all_at_once(count: int, write: Callable[[int], str]) -> list[str]:
    """Run `write(i)` in `count` threads released together; what each returned."""
    results: list[str] = []
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        barrier.wait()
        results.append(write(i))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def questions_by(world: SocialWorld, who: str) -> int:
    with world.session() as session:
        query = select(func.count()).where(Question.asker_id == world.users[who])
        return int(session.exec(query).one())


def test_simultaneous_questions_cannot_beat_the_hourly_limit(world: SocialWorld) -> None:
    now = at(world, datetime.now(UTC))
    limit = question_rules.QUESTIONS_PER_HOUR

    def ask(i: int) -> str:
        try:
            questions.ask_question(now.ctx, now.users["Alice"], now.products["mug"], f"Q {i}?")
            return "ok"
        except QuestionRefused as refused:
            return str(refused)

    results = all_at_once(WRITERS, ask)
    assert results.count("ok") == limit
    refusals = [r for r in results if r != "ok"]
    assert len(refusals) == WRITERS - limit
    assert all("try again in 1 hour" in r for r in refusals)
    assert questions_by(world, "Alice") == limit
    # Someone else is not slowed down, and the window slides: an hour later Alice may ask again.
    questions.ask_question(now.ctx, world.users["Bob"], world.products["mug"], "Mine?")
    later = at(world, datetime.now(UTC) + timedelta(hours=1, seconds=1))
    questions.ask_question(later.ctx, world.users["Alice"], world.products["mug"], "Again?")
    assert questions_by(world, "Alice") == limit + 1


def test_simultaneous_stamps_in_separate_transactions_let_exactly_the_limit_through(
    world: SocialWorld,
) -> None:
    now = datetime.now(UTC)

    def spend(_i: int) -> str:
        with world.session() as session:
            try:
                stamp(session, world.users["Bob"], "vote", limit=3, window=timedelta(minutes=1),
                      now=now)  # fmt: skip
            except RateLimited:
                return "refused"
            session.commit()
            return "ok"

    results = all_at_once(WRITERS, spend)
    assert results.count("ok") == 3 and results.count("refused") == WRITERS - 3


def test_a_write_that_fails_after_its_stamp_gives_the_slot_back(world: SocialWorld) -> None:
    now = datetime.now(UTC)
    minute = timedelta(minutes=1)
    with world.session() as session:
        stamp(session, world.users["Bob"], "vote", limit=1, window=minute, now=now)
        session.rollback()  # the write it guarded failed
    with world.session() as session:
        stamp(session, world.users["Bob"], "vote", limit=1, window=minute, now=now)
        session.commit()
    with world.session() as session, pytest.raises(RateLimited, match="in 1 minute"):
        stamp(session, world.users["Bob"], "vote", limit=1, window=minute, now=now)
