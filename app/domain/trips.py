"""Group trips and experiences: the rules a booking adds to a group-buy deal.

A booking *is* a group-buy deal (app/domain/group_buy.py): its tiers set the price per person,
its minimum and maximum are the group's, and closing captures or releases every hold exactly as
for any deal. What a booking adds, and only that, lives here:

- an experience is a product kind with dates, each with a number of seats;
- members join from a shared link first and pay their own share later: within SHARE_WINDOW of
  joining, then the organiser may cover it for COVER_WINDOW, else the seat goes back;
- only the organiser may pay someone else's share.

Standard library only; every amount is an integer in the currency's minor unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.group_buy import DealTerms, PriceTier

SHARE_WINDOW = timedelta(hours=72)  # a member pays their own share within this of joining
COVER_WINDOW = timedelta(hours=24)  # then the organiser may cover it for this long
MAX_GROUP = 50  # the largest group a booking may ask for
# A group must be decided before the experience starts: holds captured or released by then.
DECIDE_BEFORE_START = timedelta(hours=1)


class ProductKind(StrEnum):
    """What a product is: goods on a shelf, or an experience with dates and seats."""

    GOODS = "goods"
    EXPERIENCE = "experience"


class SharePhase(StrEnum):
    """Who may pay an unpaid member's share right now."""

    MEMBER = "member"  # the member themselves (or the organiser)
    ORGANISER = "organiser"  # only the organiser: the member's own window passed
    EXPIRED = "expired"  # nobody: the seat goes back


def share_due(joined_at: datetime) -> datetime:
    """When a member's own window to pay closes."""
    return joined_at + SHARE_WINDOW


def cover_due(joined_at: datetime) -> datetime:
    """When the organiser's window to cover an unpaid share closes (the seat goes back)."""
    return share_due(joined_at) + COVER_WINDOW


def share_phase(joined_at: datetime, now: datetime) -> SharePhase:
    """Where an unpaid share stands at `now`."""
    if now < share_due(joined_at):
        return SharePhase.MEMBER
    if now < cover_due(joined_at):
        return SharePhase.ORGANISER
    return SharePhase.EXPIRED


class BookingRefusal(StrEnum):
    """Why a booking request is refused; `.message` is fit to show the shopper."""

    NOT_AN_EXPERIENCE = "not_an_experience"
    DATE_FULL = "date_full"
    DATE_PASSED = "date_passed"
    TRIP_FULL = "trip_full"
    BOOKING_CLOSED = "booking_closed"
    ALREADY_MEMBER = "already_member"
    NOT_A_MEMBER = "not_a_member"
    NOT_ORGANISER = "not_organiser"
    ALREADY_PAID = "already_paid"
    SHARE_WINDOW_PASSED = "share_window_passed"
    SEAT_RELEASED = "seat_released"
    UNKNOWN_LINK = "unknown_link"

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES: dict[BookingRefusal, str] = {
    BookingRefusal.NOT_AN_EXPERIENCE: "Only experiences with dates can be booked as a group.",
    BookingRefusal.DATE_FULL: "There are no seats left on this date.",
    BookingRefusal.DATE_PASSED: "This date is too soon to organise a group for.",
    BookingRefusal.TRIP_FULL: "This trip is full.",
    BookingRefusal.BOOKING_CLOSED: "This booking has closed.",
    BookingRefusal.ALREADY_MEMBER: "You're already in this group.",
    BookingRefusal.NOT_A_MEMBER: "That person isn't waiting to pay in this group.",
    BookingRefusal.NOT_ORGANISER: "Only the organiser can pay someone else's share.",
    BookingRefusal.ALREADY_PAID: "This share is already paid.",
    BookingRefusal.SHARE_WINDOW_PASSED: (
        "Your 72 hours to pay have passed. The organiser can still cover your share."
    ),
    BookingRefusal.SEAT_RELEASED: "This seat was released because its share wasn't paid in time.",
    BookingRefusal.UNKNOWN_LINK: "We couldn't find that group. Check the link you were sent.",
}


def who_may_pay(
    actor_id: int, member_id: int, organiser_id: int, joined_at: datetime, now: datetime
) -> BookingRefusal | None:
    """None if `actor_id` may pay `member_id`'s unpaid share now, else why not.

    The member pays within SHARE_WINDOW; the organiser may pay anyone's share (their own, or
    a friend's) until the cover window ends. Nobody else pays another member's share."""
    phase = share_phase(joined_at, now)
    if phase is SharePhase.EXPIRED:
        return BookingRefusal.SEAT_RELEASED
    if actor_id == organiser_id:
        return None
    if actor_id != member_id:
        return BookingRefusal.NOT_ORGANISER
    if phase is SharePhase.ORGANISER:
        return BookingRefusal.SHARE_WINDOW_PASSED
    return None


@dataclass(frozen=True)
class GroupRequest:
    """What an organiser asks for: a group of `min_size`..`max_size` decided by `deadline`."""

    min_size: int
    max_size: int
    deadline: datetime


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_group(
    request: GroupRequest,
    *,
    date_starts_at: datetime,
    seats_left: int,
    now: datetime,
) -> dict[str, str]:
    """Check an organiser's request; {field: message}, empty when it is fine."""
    errors: dict[str, str] = {}
    low, high = request.min_size, request.max_size
    if not _whole(low) or low < 1:
        errors["min_size"] = "A group needs at least 1 person."
    if not _whole(high) or high < 1:
        errors["max_size"] = "A group needs room for at least 1 person."
    elif high > MAX_GROUP:
        errors["max_size"] = f"A group can have at most {MAX_GROUP} people."
    elif high > seats_left:
        errors["max_size"] = (
            "No seats are left on this date."
            if seats_left == 0
            else "Only 1 seat is left on this date."
            if seats_left == 1
            else f"Only {seats_left} seats are left on this date."
        )
    if not errors and low > high:
        errors["min_size"] = "The minimum cannot be above the maximum."
    latest = date_starts_at - DECIDE_BEFORE_START
    if request.deadline <= now:
        errors["deadline"] = "The deadline must be in the future."
    elif request.deadline > latest:
        errors["deadline"] = "The group must be decided at least an hour before the date starts."
    return errors


def booking_terms(
    tiers: Sequence[PriceTier], currency: str, request: GroupRequest, now: datetime
) -> DealTerms:
    """The group-buy deal a booking runs as: the experience's tiers, the group's size, one
    seat per person (tiers count people), open from now to the deadline."""
    # A tier the group can never reach is dropped (the deal's rule: every tier reachable).
    reachable = tuple(t for t in tiers if t.min_participants <= request.max_size)
    return DealTerms(
        tiers=reachable,
        currency=currency,
        min_to_unlock=request.min_size,
        max_participants=request.max_size,
        starts_at=now,
        deadline=request.deadline,
    )


def seats_left(seats: int, taken: int) -> int:
    """Seats of a date still free, never negative."""
    return max(0, seats - taken)
