"""Points ledger, levels and badges: pure rules, with property tests of the ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.rewards import (
    BADGE_RULES,
    LEVELS,
    POINTS,
    Entry,
    Level,
    LevelState,
    PointsReason,
    advance,
    balance,
    earned_badges,
    is_vip,
    next_move,
    progress_text,
    rolling_points,
    start_state,
)

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)

# One step: (award?, which fact, which person owns it).
steps = st.lists(
    st.tuples(st.booleans(), st.integers(0, 5), st.sampled_from(list(PointsReason))),
    max_size=60,
)


def _replay(moves: list[tuple[bool, int, PointsReason]]) -> tuple[list[Entry], dict[str, bool]]:
    """Apply awards and reversals through the one rule; returns the ledger and, per fact,
    whether it stands awarded according to the sequence of requests."""
    ledger: list[Entry] = []
    standing: dict[str, bool] = {}
    for index, (is_award, fact, reason) in enumerate(moves):
        subject = f"{reason.value}:{fact}"
        net = sum(e.points for e in ledger if e.subject == subject)
        points = next_move(net, award=is_award, points=POINTS[reason])
        if points is not None:
            ledger.append(Entry(fact % 3, points, reason.value, subject, NOW + timedelta(index)))
        standing[subject] = is_award
    return ledger, standing


@given(steps)
def test_balances_always_equal_the_ledger_sum(moves: list[tuple[bool, int, PointsReason]]) -> None:
    ledger, standing = _replay(moves)
    # Each person's balance is the sum of their entries, and equals the awards standing now.
    for person in {e.user_id for e in ledger}:
        mine = [e for e in ledger if e.user_id == person]
        expected = sum(
            POINTS[PointsReason(subject.split(":")[0])]
            for subject, awarded in standing.items()
            if awarded and any(e.subject == subject for e in mine)
        )
        assert balance(mine) == sum(e.points for e in mine) == expected
    # A fact's net is always either nothing or exactly its award: never negative, never double.
    for subject in standing:
        net = sum(e.points for e in ledger if e.subject == subject)
        assert net in (0, POINTS[PointsReason(subject.split(":")[0])])


@given(steps)
def test_the_ledger_only_grows(moves: list[tuple[bool, int, PointsReason]]) -> None:
    ledger, _ = _replay(moves)
    longer, _ = _replay([*moves, (True, 0, PointsReason.REVIEW_HELPFUL)])
    assert longer[: len(ledger)] == ledger


def test_award_is_idempotent_and_reversal_needs_an_award() -> None:
    assert next_move(0, award=True, points=10) == 10
    assert next_move(10, award=True, points=10) is None
    assert next_move(10, award=False, points=10) == -10
    assert next_move(0, award=False, points=10) is None


def test_points_count_toward_levels_for_twelve_months_then_no_longer() -> None:
    old = Entry(1, 50, "review_helpful", "a", NOW - timedelta(days=364))
    older = Entry(1, 70, "review_helpful", "b", NOW - timedelta(days=366))
    assert rolling_points([old, older], NOW) == 50
    assert balance([old, older]) == 120


def test_reaching_a_target_moves_up_and_fixes_the_next_target_from_the_table_then() -> None:
    state = advance(start_state(), 100)
    assert state == LevelState(rank=1, target=300, kept_with=100)
    assert is_vip(state.rank)
    # The table changes later: a target already started stays as it was.
    harder = (Level(0, "Member", 0), Level(1, "Silver", 100), Level(2, "Gold", 500))
    assert advance(state, 300, harder).rank == 2


def test_levels_drop_when_points_age_out() -> None:
    state = advance(start_state(), 350)
    assert state.rank == 2
    assert advance(state, 120).rank == 1
    assert advance(state, 20) == start_state()


@given(st.lists(st.integers(0, 2000), max_size=30))
def test_level_always_matches_the_points_of_the_last_twelve_months(history: list[int]) -> None:
    state = start_state()
    for rolling in history:
        state = advance(state, rolling)
        reached = max(level.rank for level in LEVELS if level.points <= rolling)
        assert state.rank == reached


def test_progress_is_shown_as_exact_counts() -> None:
    assert progress_text(3, 5, "helpful answers") == "3 of 5 helpful answers"
    assert progress_text(40, 100, "points") == "40 of 100 points"
    assert progress_text(7, 5, "helpful answers") == "5 of 5 helpful answers"


def test_badges_come_from_the_rule_table() -> None:
    earned = earned_badges({"reviews_written": 1, "helpful_answers": 4, "teams_filled": 1})
    assert [b.code for b in earned] == ["first_review", "team_captain"]
    assert {rule.metric for rule in BADGE_RULES} >= {"reviews_written", "helpful_marks"}


def test_no_points_for_reviews_or_buying() -> None:
    assert {r.value for r in PointsReason} == {
        "review_helpful",
        "answer_helpful",
        "team_filled",
        "friend_joined",
    }
