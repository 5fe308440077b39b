"""The routing rule for questions to past buyers: friends first, caps, re-routing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.questions import next_round_at, pick_recipients


def test_friends_who_bought_come_first_then_other_buyers_up_to_five() -> None:
    chosen = pick_recipients(
        asker_id=1,
        friend_buyers=[10, 11],
        other_buyers=[20, 21, 22, 23, 24, 10],
        already_asked=[],
        asked_this_week={},
    )
    assert chosen == [10, 11, 20, 21, 22]


def test_nobody_is_asked_twice_nor_the_asker_nor_past_the_weekly_cap() -> None:
    chosen = pick_recipients(
        asker_id=1,
        friend_buyers=[1, 10, 11],
        other_buyers=[20, 21, 22],
        already_asked=[10],
        asked_this_week={11: 3, 20: 2},
    )
    assert chosen == [20, 21, 22]


def test_an_unanswered_question_is_routed_again_after_a_day() -> None:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    assert next_round_at(at, answers=0) == at + timedelta(days=1)
    assert next_round_at(at, answers=1) is None
