"""Group-buy rules: tiers, unlocking, lifecycle, joining and teams (pure, no I/O)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.domain.group_buy import (
    ACTIVE_PARTICIPATION,
    HOLD_LIMIT,
    PARTICIPATION_MOVES_FROM,
    REJOINABLE_PARTICIPATION,
    TEAM_WINDOW,
    CaptureExceedsAuthorization,
    CloseOutcome,
    DealStatus,
    DealTerms,
    JoinRefusal,
    ParticipationStatus,
    PaymentMode,
    PriceTier,
    TeamStatus,
    can_join,
    can_join_team,
    capture_amount,
    charge_unit_price,
    close_outcome,
    final_unit_price,
    hold_amount,
    is_unlocked,
    next_tier,
    payment_mode,
    price_for,
    progress,
    status_at,
    team_status,
    team_terms,
    team_time_left,
    validate_terms,
)
from app.domain.people import may_host

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def make_terms(**changes: object) -> DealTerms:
    """Sneakers deal: $120 alone, $100 from 5 shoppers, $80 from 10; unlocks at 5, cap 20."""
    terms = DealTerms(
        tiers=(PriceTier(1, 12000), PriceTier(5, 10000), PriceTier(10, 8000)),
        currency="USD",
        min_to_unlock=5,
        max_participants=20,
        starts_at=NOW - timedelta(hours=1),
        deadline=NOW + timedelta(days=2),
        team_size=3,
        team_price=9000,
        max_quantity_per_shopper=2,
    )
    return dataclasses.replace(terms, **changes)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- examples


def test_well_formed_deal_has_no_errors() -> None:
    assert validate_terms(make_terms(), NOW) == {}


def test_price_drops_when_fifth_shopper_joins() -> None:
    terms = make_terms()
    assert price_for(terms, 0) == 12000
    assert price_for(terms, 4) == 12000
    assert price_for(terms, 5) == 10000
    assert price_for(terms, 9) == 10000
    assert price_for(terms, 10) == 8000
    assert price_for(terms, 500) == 8000


def test_next_tier_tells_how_many_more_friends_are_needed() -> None:
    terms = make_terms()
    assert next_tier(terms, 3) == (2, 10000)
    assert next_tier(terms, 5) == (5, 8000)
    assert next_tier(terms, 10) is None


def test_deal_unlocks_when_fifth_friend_joins() -> None:
    terms = make_terms()
    assert not is_unlocked(terms, 4)
    assert status_at(terms, 4, NOW) is DealStatus.OPEN
    assert progress(terms, 4) == pytest.approx(0.8)
    assert is_unlocked(terms, 5)
    assert status_at(terms, 5, NOW) is DealStatus.UNLOCKED
    assert progress(terms, 5) == 1.0
    assert progress(terms, 50) == 1.0


def test_deal_lifecycle_from_scheduled_to_closed() -> None:
    terms = make_terms(starts_at=NOW + timedelta(hours=1))
    assert status_at(terms, 0, NOW) is DealStatus.SCHEDULED
    assert status_at(terms, 0, terms.starts_at) is DealStatus.OPEN
    assert status_at(terms, 6, terms.deadline - timedelta(seconds=1)) is DealStatus.UNLOCKED
    # Past the deadline, nothing is decided until the closing job records what it did.
    assert status_at(terms, 6, terms.deadline) is DealStatus.CLOSING
    assert status_at(terms, 6, terms.deadline, CloseOutcome.CAPTURE) is DealStatus.SUCCEEDED
    assert status_at(terms, 2, terms.deadline, "release") is DealStatus.FAILED
    assert status_at(terms, 2, NOW, "cancelled") is DealStatus.CANCELLED


def test_deal_that_missed_its_minimum_releases_every_hold() -> None:
    terms = make_terms()
    assert close_outcome(terms, 4) is CloseOutcome.RELEASE
    assert close_outcome(terms, 5) is CloseOutcome.CAPTURE
    assert close_outcome(terms, 5) == "capture"


def test_capture_takes_the_final_lower_price_from_the_hold() -> None:
    terms = make_terms()
    authorized = hold_amount(terms, 2, participants=1)
    assert authorized == 24000
    assert capture_amount(authorized, price_for(terms, 10), 2) == 16000


def test_the_hold_is_todays_price_with_the_shopper_in() -> None:
    terms = make_terms()
    assert hold_amount(terms, 1, participants=4) == price_for(terms, 4)
    assert hold_amount(terms, 1, participants=5) == price_for(terms, 5) < price_for(terms, 4)
    with pytest.raises(ValueError, match="joining shopper"):
        hold_amount(terms, 1, participants=0)


def test_nobody_pays_more_than_the_price_they_joined_at() -> None:
    # Joined at the 10-shopper price; people left and the deal closed at the 5-shopper price.
    assert charge_unit_price(final_price=10000, locked_price=8000) == 8000
    assert charge_unit_price(final_price=8000, locked_price=10000) == 8000


def test_only_hosts_and_admins_may_open_deals() -> None:
    assert may_host("host") and may_host("admin")
    assert not may_host("shopper") and not may_host("moderator") and not may_host("")


def test_capture_above_the_hold_is_refused() -> None:
    with pytest.raises(CaptureExceedsAuthorization):
        capture_amount(10000, 12000, 1)
    with pytest.raises(ValueError, match="non-negative"):
        capture_amount(10000, -1, 1)


def test_filled_team_pays_team_price_unless_a_tier_is_cheaper() -> None:
    terms = make_terms()
    assert final_unit_price(terms, 5, in_filled_team=True) == 9000
    assert final_unit_price(terms, 5, in_filled_team=False) == 10000
    assert final_unit_price(terms, 10, in_filled_team=True) == 8000


def test_short_deals_hold_the_card_and_long_ones_save_it() -> None:
    assert payment_mode(make_terms(deadline=make_terms().starts_at + HOLD_LIMIT)) == "hold"
    long_deal = make_terms(deadline=make_terms().starts_at + HOLD_LIMIT + timedelta(minutes=1))
    assert payment_mode(long_deal) is PaymentMode.SAVED_CARD


@pytest.mark.parametrize(
    ("terms", "now", "already", "quantity", "expected"),
    [
        (make_terms(), NOW, False, 1, None),
        (make_terms(starts_at=NOW + timedelta(minutes=5)), NOW, False, 1, JoinRefusal.NOT_STARTED),
        (make_terms(), make_terms().deadline, False, 1, JoinRefusal.DEADLINE_PASSED),
        (make_terms(), NOW, True, 1, JoinRefusal.ALREADY_JOINED),
        (make_terms(), NOW, False, 3, JoinRefusal.QUANTITY_TOO_LARGE),
        (make_terms(), NOW, False, 0, JoinRefusal.INVALID_QUANTITY),
    ],
)
def test_join_rules(
    terms: DealTerms,
    now: datetime,
    already: bool,
    quantity: int,
    expected: JoinRefusal | None,
) -> None:
    assert can_join(terms, 3, now, already, quantity=quantity) == expected


def test_twenty_first_shopper_is_told_the_deal_is_full() -> None:
    refusal = can_join(make_terms(), 20, NOW, False)
    assert refusal is JoinRefusal.FULL
    assert refusal.message == "This deal is full."
    assert can_join(make_terms(max_participants=None), 10_000, NOW, False) is None


def test_closed_or_cancelled_deal_refuses_joins() -> None:
    assert can_join(make_terms(), 3, NOW, False, closed_outcome="cancelled") == (
        JoinRefusal.DEAL_CANCELLED
    )
    assert can_join(make_terms(), 3, NOW, False, closed_outcome="capture") == (
        JoinRefusal.DEAL_CLOSED
    )


def test_every_refusal_has_a_message_for_the_shopper() -> None:
    for refusal in JoinRefusal:
        assert refusal.message.endswith(".")


def test_team_fills_within_a_day_or_expires() -> None:
    created = NOW
    assert team_status(3, 1, created, NOW + timedelta(hours=23)) is TeamStatus.FORMING
    assert team_status(3, 3, created, NOW + timedelta(hours=23)) == "filled"
    assert team_status(3, 2, created, NOW + TEAM_WINDOW) is TeamStatus.EXPIRED
    # A filled team stays filled after the window.
    assert team_status(3, 3, created, NOW + timedelta(days=3)) is TeamStatus.FILLED
    assert team_time_left(created, NOW + timedelta(hours=20)) == timedelta(hours=4)
    assert team_time_left(created, NOW + timedelta(days=2)) == timedelta(0)


def test_team_cannot_outlive_its_deal() -> None:
    deadline = NOW + timedelta(hours=2)
    assert team_time_left(NOW, NOW, deadline) == timedelta(hours=2)
    assert team_status(3, 1, NOW, deadline, deadline) is TeamStatus.EXPIRED


def test_team_join_rules() -> None:
    terms = make_terms()
    assert team_terms(terms) is not None
    assert can_join_team(terms, 1, NOW, NOW, False) is None
    assert can_join_team(terms, 1, NOW, NOW, True) is JoinRefusal.ALREADY_IN_TEAM
    assert can_join_team(terms, 3, NOW, NOW, False) is JoinRefusal.TEAM_FULL
    assert can_join_team(terms, 1, NOW, NOW + TEAM_WINDOW, False) is JoinRefusal.TEAM_EXPIRED
    no_teams = make_terms(team_size=None, team_price=None)
    assert can_join_team(no_teams, 1, NOW, NOW, False) is JoinRefusal.NO_TEAMS


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tiers": ()}, "tiers"),
        ({"tiers": (PriceTier(2, 100),)}, "tiers"),
        ({"tiers": (PriceTier(1, 100), PriceTier(1, 90))}, "tiers"),
        ({"tiers": (PriceTier(1, 100), PriceTier(5, 100))}, "tiers"),
        ({"tiers": (PriceTier(1, 100), PriceTier(5, 120))}, "tiers"),
        ({"tiers": (PriceTier(1, 0),), "team_size": None, "team_price": None}, "tiers"),
        ({"tiers": (PriceTier(1, 100), PriceTier(30, 90))}, "tiers"),  # beyond the cap
        ({"currency": "usd"}, "currency"),
        ({"min_to_unlock": 0}, "min_to_unlock"),
        ({"min_to_unlock": 21}, "min_to_unlock"),
        ({"max_participants": 0}, "max_participants"),
        ({"deadline": NOW - timedelta(seconds=1)}, "deadline"),
        (
            {"starts_at": NOW + timedelta(days=3), "deadline": NOW + timedelta(days=2)},
            "deadline",
        ),
        ({"deadline": datetime(2027, 1, 1)}, "deadline"),  # noqa: DTZ001 - naive on purpose
        ({"team_price": 12000}, "team_price"),
        ({"team_price": 0}, "team_price"),
        ({"team_price": None}, "team_price"),
        ({"team_size": 1}, "team_size"),
        ({"team_size": 21}, "team_size"),
        ({"team_size": None}, "team_size"),
        ({"max_quantity_per_shopper": 0}, "max_quantity_per_shopper"),
    ],
)
def test_invalid_terms_are_refused_on_the_right_field(
    changes: dict[str, object], field: str
) -> None:
    errors = validate_terms(make_terms(**changes), NOW)
    assert field in errors, errors
    assert errors[field]


# --------------------------------------------------------------------------- properties


@st.composite
def valid_terms(draw: st.DrawFn) -> DealTerms:
    count = draw(st.integers(1, 5))
    steps = draw(st.lists(st.integers(1, 20), min_size=count - 1, max_size=count - 1))
    thresholds = [1]
    for step in steps:
        thresholds.append(thresholds[-1] + step)
    drops = draw(st.lists(st.integers(1, 5_000), min_size=count - 1, max_size=count - 1))
    lowest = draw(st.integers(1, 50_000))
    prices = [lowest]
    for drop in drops:
        prices.insert(0, prices[0] + drop)
    tiers = tuple(PriceTier(n, p) for n, p in zip(thresholds, prices, strict=True))

    min_to_unlock = draw(st.integers(1, 60))
    cap = draw(st.none() | st.integers(max(min_to_unlock, thresholds[-1]), 500))
    starts_at = NOW + draw(st.timedeltas(timedelta(days=-10), timedelta(days=10)))
    deadline = max(NOW, starts_at) + draw(st.timedeltas(timedelta(minutes=1), timedelta(days=30)))
    team_size = team_price = None
    if prices[0] >= 2 and (cap is None or cap >= 2) and draw(st.booleans()):
        team_size = draw(st.integers(2, cap if cap is not None else 50))
        team_price = draw(st.integers(1, prices[0] - 1))
    return DealTerms(
        tiers=tiers,
        currency=draw(st.sampled_from(["USD", "EUR", "GBP", "JPY"])),
        min_to_unlock=min_to_unlock,
        max_participants=cap,
        starts_at=starts_at,
        deadline=deadline,
        team_size=team_size,
        team_price=team_price,
        max_quantity_per_shopper=draw(st.integers(1, 5)),
    )


participant_counts = st.integers(0, 1_000)


@given(valid_terms())
def test_generated_valid_terms_are_accepted(terms: DealTerms) -> None:
    assert validate_terms(terms, NOW) == {}


@given(valid_terms(), participant_counts)
def test_price_never_increases_as_participants_grow(terms: DealTerms, participants: int) -> None:
    assert price_for(terms, participants + 1) <= price_for(terms, participants)


@given(valid_terms(), participant_counts)
def test_price_is_always_one_of_the_tier_prices(terms: DealTerms, participants: int) -> None:
    assert price_for(terms, participants) in {tier.unit_price for tier in terms.tiers}


@given(valid_terms(), participant_counts)
def test_next_tier_is_reached_after_exactly_that_many_more(
    terms: DealTerms, participants: int
) -> None:
    upcoming = next_tier(terms, participants)
    if upcoming is None:
        assert price_for(terms, participants) == terms.tiers[-1].unit_price
        return
    needed, price = upcoming
    assert needed >= 1
    assert price_for(terms, participants + needed) == price
    assert price < price_for(terms, participants + needed - 1)


@given(valid_terms(), participant_counts)
def test_progress_is_a_fraction_that_is_full_exactly_when_unlocked(
    terms: DealTerms, participants: int
) -> None:
    value = progress(terms, participants)
    assert 0.0 <= value <= 1.0
    assert (value == 1.0) == is_unlocked(terms, participants)


@given(
    valid_terms(),
    st.integers(1, 200),
    participant_counts,
    st.integers(1, 5),
    st.booleans(),
)
def test_capture_never_exceeds_the_hold_taken_at_join(
    terms: DealTerms, joined_as: int, participants: int, quantity: int, in_team: bool
) -> None:
    authorized = hold_amount(terms, quantity, joined_as)
    locked = authorized // quantity
    final = final_unit_price(terms, participants, in_filled_team=in_team)
    charged = capture_amount(authorized, charge_unit_price(final, locked), quantity)
    assert charged <= authorized
    assert charged == min(final, price_for(terms, joined_as)) * quantity


@given(st.integers(0, 10**9), st.integers(0, 10**6), st.integers(0, 1_000))
def test_capture_amount_is_exact_or_refused(authorized: int, unit: int, quantity: int) -> None:
    try:
        captured = capture_amount(authorized, unit, quantity)
    except CaptureExceedsAuthorization:
        assert unit * quantity > authorized
    else:
        assert captured == unit * quantity <= authorized


INVALIDATIONS = {
    "tiers": lambda t: dataclasses.replace(t, tiers=t.tiers + (PriceTier(1, 1),)),
    "min_to_unlock": lambda t: dataclasses.replace(t, min_to_unlock=0),
    "deadline": lambda t: dataclasses.replace(t, deadline=NOW - timedelta(seconds=1)),
    "team_price": lambda t: dataclasses.replace(
        t, team_size=2, team_price=t.tiers[0].unit_price, max_participants=None
    ),
    "team_size": lambda t: dataclasses.replace(
        t, team_size=1, team_price=max(1, t.tiers[0].unit_price - 1)
    ),
    "currency": lambda t: dataclasses.replace(t, currency="US"),
    "max_quantity_per_shopper": lambda t: dataclasses.replace(t, max_quantity_per_shopper=0),
}


@given(valid_terms(), st.sampled_from(sorted(INVALIDATIONS)))
def test_each_kind_of_invalid_terms_is_reported_on_its_field(terms: DealTerms, field: str) -> None:
    if field == "team_price":
        assume(terms.tiers[0].unit_price >= 1)
    broken = INVALIDATIONS[field](terms)
    assert field in validate_terms(broken, NOW)


@given(valid_terms(), st.integers(0, 200), st.lists(st.integers(-20, 50), min_size=2))
def test_status_moves_forward_in_time(
    terms: DealTerms, participants: int, offsets_days: list[int]
) -> None:
    order = [DealStatus.SCHEDULED, DealStatus.OPEN, DealStatus.CLOSING]
    seen = []
    for offset in sorted(offsets_days):
        status = status_at(terms, participants, NOW + timedelta(days=offset))
        seen.append(DealStatus.OPEN if status is DealStatus.UNLOCKED else status)
    assert [order.index(s) for s in seen] == sorted(order.index(s) for s in seen)


@given(valid_terms(), st.lists(st.integers(0, 100), min_size=2))
def test_an_open_deal_never_locks_again_as_shoppers_join(
    terms: DealTerms, counts: list[int]
) -> None:
    now = max(terms.starts_at, NOW)
    statuses = [status_at(terms, n, now) for n in sorted(counts)]
    assert all(s in (DealStatus.OPEN, DealStatus.UNLOCKED) for s in statuses)
    first_unlocked = next(
        (i for i, s in enumerate(statuses) if s is DealStatus.UNLOCKED), len(statuses)
    )
    assert all(s is DealStatus.UNLOCKED for s in statuses[first_unlocked:])


@given(valid_terms(), st.integers(0, 200))
def test_recorded_outcome_matches_what_the_closer_decided(
    terms: DealTerms, participants: int
) -> None:
    outcome = close_outcome(terms, participants)
    final = status_at(terms, participants, terms.deadline, outcome)
    expected = DealStatus.SUCCEEDED if is_unlocked(terms, participants) else DealStatus.FAILED
    assert final is expected


@given(
    valid_terms(),
    st.integers(0, 600),
    st.timedeltas(timedelta(days=-15), timedelta(days=45)),
    st.booleans(),
)
def test_nobody_joins_outside_the_window_or_past_the_cap(
    terms: DealTerms, participants: int, shift: timedelta, already: bool
) -> None:
    now = NOW + shift
    refusal = can_join(terms, participants, now, already)
    if refusal is None:
        assert terms.starts_at <= now < terms.deadline
        assert not already
        assert terms.max_participants is None or participants < terms.max_participants


@given(
    st.integers(2, 10),
    st.integers(0, 12),
    st.timedeltas(timedelta(0), timedelta(days=3)),
)
def test_forming_team_has_time_left_and_expired_team_has_none(
    size: int, members: int, elapsed: timedelta
) -> None:
    status = team_status(size, members, NOW, NOW + elapsed)
    left = team_time_left(NOW, NOW + elapsed)
    if status is TeamStatus.FORMING:
        assert left > timedelta(0)
    elif status is TeamStatus.EXPIRED:
        assert left == timedelta(0)
        assert members < size
    else:
        assert members >= size


def test_group_buy_rules_import_only_the_standard_library() -> None:
    import ast
    import sys
    from pathlib import Path

    import app.domain.group_buy as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        (node.module or "").split(".")[0] if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def test_a_seat_only_moves_forward_and_an_ended_seat_stays_ended() -> None:
    order = list(ParticipationStatus)
    for target, sources in PARTICIPATION_MOVES_FROM.items():
        for source in sources:
            assert source in ACTIVE_PARTICIPATION
            assert order.index(source) < order.index(target) or target not in ACTIVE_PARTICIPATION
    ended = set(ParticipationStatus) - set(ACTIVE_PARTICIPATION)
    for sources in PARTICIPATION_MOVES_FROM.values():
        assert not ended & set(sources)  # nothing leaves left / captured / released / failed
    assert set(REJOINABLE_PARTICIPATION) == ended - {ParticipationStatus.CAPTURED}
