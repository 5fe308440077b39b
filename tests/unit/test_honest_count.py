"""The one counting rule: what viewers are told about a deal's unlock and what the closing job
decides agree for any sequence of joins, bank confirmations, failures, leaves and teams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.group_buy import (
    CloseOutcome,
    DealStatus,
    DealTerms,
    ParticipationStatus,
    PriceTier,
    SeatFacts,
    Standing,
    closing_outcome,
    count_seats,
    standing,
    status_at,
    unlocked_by,
)

S = ParticipationStatus
START = datetime(2026, 12, 1, tzinfo=UTC)
TERMS = DealTerms(
    tiers=(PriceTier(1, 3000), PriceTier(3, 2400)),
    currency="USD",
    min_to_unlock=3,
    max_participants=None,
    starts_at=START,
    deadline=START + timedelta(hours=3),
    team_size=2,
    team_price=2000,
)
DURING = START + timedelta(hours=1)

# One step of a deal's life, on shopper `who` (0..5).
steps = st.lists(
    st.tuples(
        st.sampled_from(["join", "join_team", "needs_bank", "confirm", "fail", "leave", "fill"]),
        st.integers(0, 5),
    ),
    max_size=40,
)


def play(script: list[tuple[str, int]]) -> dict[int, SeatFacts]:
    """Apply the steps the way the services move a participation (forward only)."""
    seats: dict[int, SeatFacts] = {}
    for action, who in script:
        seat = seats.get(who)
        status = seat.status if seat else None
        active = status in (S.PENDING, S.NEEDS_ACTION, S.HELD)
        if action in ("join", "join_team") and not active:
            seats[who] = SeatFacts(S.PENDING.value, False if action == "join_team" else None)
        elif seat is None:
            continue
        elif action == "needs_bank" and status == S.PENDING:
            seats[who] = SeatFacts(S.NEEDS_ACTION.value, seat.team_filled)
        elif action == "confirm" and status in (S.PENDING, S.NEEDS_ACTION):
            seats[who] = SeatFacts(S.HELD.value, seat.team_filled)
        elif action == "fail" and active:
            seats[who] = SeatFacts(S.FAILED.value, seat.team_filled)
        elif action == "leave" and status in (S.HELD, S.NEEDS_ACTION):
            seats[who] = SeatFacts(S.LEFT.value, seat.team_filled)
        elif action == "fill" and seat.team_filled is False:
            # Everyone in this shopper's team counts once it fills (one team, for simplicity).
            for other, facts in list(seats.items()):
                if facts.team_filled is False:
                    seats[other] = SeatFacts(facts.status, True)
    return seats


def at_close(seats: dict[int, SeatFacts]) -> list[SeatFacts]:
    """What the closing job sees: teams still forming are expired first (they never fill)."""
    return list(seats.values())


@settings(max_examples=400, deadline=None)
@given(steps)
def test_the_unlock_viewers_see_is_the_unlock_closing_uses(script: list[tuple[str, int]]) -> None:
    seats = play(script)
    count = count_seats(seats.values())
    shown = status_at(TERMS, count.joined, DURING)
    decided = closing_outcome(TERMS, at_close(seats))
    assert (shown is DealStatus.UNLOCKED) == (decided is CloseOutcome.CAPTURE)
    assert unlocked_by(TERMS, seats.values()) == (decided is CloseOutcome.CAPTURE)


@settings(max_examples=400, deadline=None)
@given(steps)
def test_every_active_seat_is_counted_once_and_only_confirmed_ones_as_in(
    script: list[tuple[str, int]],
) -> None:
    seats = play(script)
    count = count_seats(seats.values())
    active = [s for s in seats.values() if s.status in (S.PENDING, S.NEEDS_ACTION, S.HELD)]
    assert count.joined + count.confirming + count.forming == len(active)
    confirmed_outside_forming = [
        s for s in seats.values() if s.status == S.HELD and s.team_filled is not False
    ]
    assert count.joined == len(confirmed_outside_forming)


@settings(max_examples=200, deadline=None)
@given(steps, st.integers(0, 10))
def test_seats_waiting_for_the_bank_never_unlock_a_deal(
    script: list[tuple[str, int]], waiting: int
) -> None:
    seats = list(play(script).values())
    more = [SeatFacts(S.NEEDS_ACTION.value)] * waiting
    assert unlocked_by(TERMS, seats + more) == unlocked_by(TERMS, seats)
    assert count_seats(seats + more).joined == count_seats(seats).joined


def test_standing_in_words() -> None:
    assert standing(SeatFacts("pending")) is Standing.CONFIRMING
    assert standing(SeatFacts("needs_action")) is Standing.CONFIRMING
    assert standing(SeatFacts("held")) is Standing.JOINED
    assert standing(SeatFacts("held", team_filled=False)) is Standing.FORMING
    assert standing(SeatFacts("held", team_filled=True)) is Standing.JOINED
    assert standing(SeatFacts("captured")) is Standing.JOINED
    for gone in ("left", "released", "failed"):
        assert standing(SeatFacts(gone)) is Standing.OUT
