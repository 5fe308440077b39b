"""The rules a group booking adds to a group-buy deal: who may pay a share and when, the seats,
the group's size and deadline, and the deal terms a booking runs as."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.group_buy import (
    ACTIVE_PARTICIPATION,
    PARTICIPATION_MOVES_FROM,
    ParticipationStatus,
    PriceTier,
    SeatFacts,
    count_seats,
    validate_terms,
)
from app.domain.trips import (
    BookingRefusal,
    GroupRequest,
    SharePhase,
    booking_terms,
    cover_due,
    seats_left,
    share_due,
    share_phase,
    validate_group,
    who_may_pay,
)

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
ORGANISER, MEMBER, STRANGER = 1, 2, 3
TIERS = (PriceTier(1, 9000), PriceTier(3, 7000), PriceTier(6, 5000))


def test_a_member_has_72_hours_then_the_organiser_24_then_the_seat_goes() -> None:
    assert share_due(NOW) == NOW + timedelta(hours=72)
    assert cover_due(NOW) == NOW + timedelta(hours=96)
    assert share_phase(NOW, NOW + timedelta(hours=71, minutes=59)) is SharePhase.MEMBER
    assert share_phase(NOW, NOW + timedelta(hours=72)) is SharePhase.ORGANISER
    assert share_phase(NOW, NOW + timedelta(hours=95, minutes=59)) is SharePhase.ORGANISER
    assert share_phase(NOW, NOW + timedelta(hours=96)) is SharePhase.EXPIRED


def test_only_the_member_or_the_organiser_pays_a_share() -> None:
    soon = NOW + timedelta(hours=1)
    assert who_may_pay(MEMBER, MEMBER, ORGANISER, NOW, soon) is None
    assert who_may_pay(ORGANISER, MEMBER, ORGANISER, NOW, soon) is None
    assert who_may_pay(STRANGER, MEMBER, ORGANISER, NOW, soon) is BookingRefusal.NOT_ORGANISER
    late = NOW + timedelta(hours=80)
    assert who_may_pay(MEMBER, MEMBER, ORGANISER, NOW, late) is BookingRefusal.SHARE_WINDOW_PASSED
    assert who_may_pay(ORGANISER, MEMBER, ORGANISER, NOW, late) is None
    gone = NOW + timedelta(hours=96)
    assert who_may_pay(ORGANISER, MEMBER, ORGANISER, NOW, gone) is BookingRefusal.SEAT_RELEASED
    message = BookingRefusal.NOT_ORGANISER.message
    assert message == "Only the organiser can pay someone else's share."


def test_a_group_must_fit_the_seats_left_and_be_decided_before_the_date() -> None:
    date = NOW + timedelta(days=5)
    fine = GroupRequest(2, 4, NOW + timedelta(days=2))
    assert validate_group(fine, date_starts_at=date, seats_left=4, now=NOW) == {}
    assert validate_group(fine, date_starts_at=date, seats_left=3, now=NOW) == {
        "max_size": "Only 3 seats are left on this date."
    }
    upside_down = GroupRequest(5, 4, NOW + timedelta(days=2))
    assert "min_size" in validate_group(upside_down, date_starts_at=date, seats_left=9, now=NOW)
    too_late = GroupRequest(2, 4, date - timedelta(minutes=30))
    errors = validate_group(too_late, date_starts_at=date, seats_left=9, now=NOW)
    assert errors == {
        "deadline": "The group must be decided at least an hour before the date starts."
    }
    past = GroupRequest(2, 4, NOW)
    assert "deadline" in validate_group(past, date_starts_at=date, seats_left=9, now=NOW)
    assert seats_left(8, 8) == 0 and seats_left(8, 3) == 5


def test_a_booking_runs_as_a_deal_whose_tiers_fit_the_group() -> None:
    request = GroupRequest(2, 4, NOW + timedelta(days=2))
    terms = booking_terms(TIERS, "USD", request, NOW)
    assert terms.tiers == TIERS[:2]  # the 6-person tier is out of a group of 4's reach
    assert (terms.min_to_unlock, terms.max_participants) == (2, 4)
    assert validate_terms(terms, NOW) == {}


def test_a_reserved_seat_is_shown_apart_and_never_counted_until_its_share_is_held() -> None:
    reserved = SeatFacts(ParticipationStatus.RESERVED.value)
    held = SeatFacts(ParticipationStatus.HELD.value)
    count = count_seats([reserved, reserved, held])
    assert (count.joined, count.confirming) == (1, 2)
    assert ParticipationStatus.RESERVED in ACTIVE_PARTICIPATION
    # A share paid moves the seat forward; nothing moves a seat back to reserved.
    assert ParticipationStatus.RESERVED in PARTICIPATION_MOVES_FROM[ParticipationStatus.HELD]
    assert ParticipationStatus.RESERVED not in PARTICIPATION_MOVES_FROM
