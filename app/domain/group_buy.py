"""Group-buy rules: price tiers, unlocking, the deal lifecycle, joining and teams.

Pure functions over plain values. Standard library only, so every rule can be tested without a
database, a web framework or a payment provider, and the services decide what to persist.

Vocabulary:
- a *participant* is one shopper who joined the deal (tiers count people, not units);
- a shopper *joined* once their hold is confirmed and any team of theirs filled (`standing`):
  seats still waiting for the bank or for a team are shown apart, never counted;
- a deal is *unlocked* once `min_to_unlock` shoppers joined: holds will be captured at the deadline;
- every amount is an integer in the currency's minor unit (cents), never a float.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

# Card authorisations expire (7 days for most card networks at Stripe, fewer for some). A deal whose
# hold could outlive 4 days saves the card instead and charges it off-session at close, leaving
# margin for the closing job to run late.
HOLD_LIMIT = timedelta(days=4)

# A team ("buy with friends") must fill within a day; otherwise the holds of its members are
# released and nobody in it is charged.
TEAM_WINDOW = timedelta(hours=24)

# Roles (app.domain.people.Role values) that may open deals. Kept as plain strings: the domain
# modules do not import each other's enums.


@dataclass(frozen=True)
class PriceTier:
    """From `min_participants` shoppers on, each unit costs `unit_price` minor units."""

    min_participants: int
    unit_price: int


@dataclass(frozen=True)
class DealTerms:
    """What a seller promises for a group-buy deal.

    `max_participants` None means no cap. `team_size` and `team_price` go together: a team of that
    many friends pays `team_price` per unit once it fills. Datetimes must be timezone-aware.
    """

    tiers: tuple[PriceTier, ...]
    currency: str
    min_to_unlock: int
    max_participants: int | None
    starts_at: datetime
    deadline: datetime
    team_size: int | None = None
    team_price: int | None = None
    max_quantity_per_shopper: int = 1

    def __post_init__(self) -> None:
        # Accept any sequence (a list from a form) but keep the value hashable and immutable.
        if not isinstance(self.tiers, tuple):
            object.__setattr__(self, "tiers", tuple(self.tiers))


class PaymentMode(StrEnum):
    """How a shopper's money is secured between joining and the deadline."""

    HOLD = "hold"  # authorise now (manual capture), capture or release at close
    SAVED_CARD = "saved_card"  # save the card now (SetupIntent), charge off-session at close


class CloseOutcome(StrEnum):
    """What the closing job does with the holds, recorded once it has done so."""

    CAPTURE = "capture"
    RELEASE = "release"
    CANCELLED = "cancelled"  # the seller called the deal off: holds are released


class DealKind(StrEnum):
    """A plain group-buy deal, or a group trip's booking run by the same machinery (listed only
    on its own booking page, joined only from its share link)."""

    GROUP_BUY = "group_buy"
    BOOKING = "booking"


class DealStatus(StrEnum):
    """Where a deal is in its life, as shoppers see it."""

    SCHEDULED = "scheduled"  # announced, not yet joinable
    OPEN = "open"  # joinable, minimum not met yet
    UNLOCKED = "unlocked"  # minimum met, still joinable until the deadline
    CLOSING = "closing"  # deadline passed, capture/release not recorded yet
    SUCCEEDED = "succeeded"  # holds captured
    FAILED = "failed"  # minimum not met, holds released
    CANCELLED = "cancelled"


class TeamStatus(StrEnum):
    FORMING = "forming"
    FILLED = "filled"
    EXPIRED = "expired"


class ParticipationStatus(StrEnum):
    """Where one shopper's seat in a deal stands. Statuses only move forward (see
    `PARTICIPATION_MOVES_FROM`), so a join, the closing job and the provider's webhooks can
    record the same fact in any order, any number of times, and end in the same state."""

    RESERVED = "reserved"  # seat taken, share not paid yet (a group booking's member)
    PENDING = "pending"  # seat taken, card not answered yet
    NEEDS_ACTION = "needs_action"  # the bank wants 3-D Secure
    HELD = "held"  # card held (or saved): in the deal
    LEFT = "left"  # the shopper left before the deadline
    CAPTURED = "captured"  # paid at close
    RELEASED = "released"  # hold given back (deal failed, team expired, cancelled)
    FAILED = "failed"  # declined, or the bank's check failed


# Holding a seat right now.
ACTIVE_PARTICIPATION = (
    ParticipationStatus.RESERVED,
    ParticipationStatus.PENDING,
    ParticipationStatus.NEEDS_ACTION,
    ParticipationStatus.HELD,
)
# A shopper whose seat ended this way may join again with a fresh attempt.
REJOINABLE_PARTICIPATION = (
    ParticipationStatus.LEFT,
    ParticipationStatus.RELEASED,
    ParticipationStatus.FAILED,
)
# target -> the statuses a participation may move there from: forward only, never back.
PARTICIPATION_MOVES_FROM: dict[ParticipationStatus, tuple[ParticipationStatus, ...]] = {
    # A booking's member pays their share from RESERVED; a plain join goes through PENDING.
    ParticipationStatus.NEEDS_ACTION: (ParticipationStatus.RESERVED, ParticipationStatus.PENDING),
    ParticipationStatus.HELD: (
        ParticipationStatus.RESERVED,
        ParticipationStatus.PENDING,
        ParticipationStatus.NEEDS_ACTION,
    ),
    ParticipationStatus.CAPTURED: ACTIVE_PARTICIPATION,
    ParticipationStatus.RELEASED: ACTIVE_PARTICIPATION,
    ParticipationStatus.FAILED: ACTIVE_PARTICIPATION,
}


class JoinRefusal(StrEnum):
    """Why a shopper cannot join a deal or a team; `.message` is fit to show them."""

    DEAL_CLOSED = "deal_closed"
    DEAL_CANCELLED = "deal_cancelled"
    NOT_STARTED = "not_started"
    DEADLINE_PASSED = "deadline_passed"
    ALREADY_JOINED = "already_joined"
    FULL = "full"
    INVALID_QUANTITY = "invalid_quantity"
    QUANTITY_TOO_LARGE = "quantity_too_large"
    NO_TEAMS = "no_teams"
    TEAM_FULL = "team_full"
    TEAM_EXPIRED = "team_expired"
    ALREADY_IN_TEAM = "already_in_team"
    PRODUCT_ARCHIVED = "product_archived"

    @property
    def message(self) -> str:
        return _REFUSAL_MESSAGES[self]


_REFUSAL_MESSAGES: dict[JoinRefusal, str] = {
    JoinRefusal.PRODUCT_ARCHIVED: "This product is no longer sold, so its deal can't be joined.",
    JoinRefusal.DEAL_CLOSED: "This deal has closed.",
    JoinRefusal.DEAL_CANCELLED: "The seller cancelled this deal. Nobody was charged.",
    JoinRefusal.NOT_STARTED: "This deal hasn't started yet. Check back when it opens.",
    JoinRefusal.DEADLINE_PASSED: "Sorry, this deal's deadline has passed.",
    JoinRefusal.ALREADY_JOINED: "You're already in this deal.",
    JoinRefusal.FULL: "This deal is full.",
    JoinRefusal.INVALID_QUANTITY: "Choose at least one item.",
    JoinRefusal.QUANTITY_TOO_LARGE: "That's more than this deal allows per shopper.",
    JoinRefusal.NO_TEAMS: "This deal has no team price.",
    JoinRefusal.TEAM_FULL: "This team is already complete. Start your own team instead.",
    JoinRefusal.TEAM_EXPIRED: "This team ran out of time. Start a new team instead.",
    JoinRefusal.ALREADY_IN_TEAM: "You're already in this team.",
}


# --------------------------------------------------------------------------- validation


def _is_int(value: object) -> bool:
    # bool is an int subclass; True participants is a bug, not a count.
    return isinstance(value, int) and not isinstance(value, bool)


def _aware(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment.tzinfo.utcoffset(moment) is not None


def validate_terms(terms: DealTerms, now: datetime) -> dict[str, str]:
    """Check deal terms a seller entered; return {field: message}, empty when they are valid.

    Collects every problem at once so a form can show them all. `now` must be timezone-aware.
    """
    errors: dict[str, str] = {}

    tier_error = _tier_error(terms.tiers)
    if tier_error:
        errors["tiers"] = tier_error

    currency = terms.currency
    if not (
        isinstance(currency, str)
        and len(currency) == 3
        and currency.isascii()
        and currency.isalpha()
        and currency.isupper()
    ):
        errors["currency"] = "Use a 3-letter currency code such as USD."

    if not _is_int(terms.min_to_unlock) or terms.min_to_unlock < 1:
        errors["min_to_unlock"] = "At least one shopper must be needed to unlock the deal."

    cap = terms.max_participants
    if cap is not None:
        if not _is_int(cap) or cap < 1:
            errors["max_participants"] = "The maximum must be at least 1 shopper."
        elif _is_int(terms.min_to_unlock) and terms.min_to_unlock > cap:
            errors["min_to_unlock"] = "The minimum to unlock cannot be above the maximum."
        elif "tiers" not in errors and terms.tiers[-1].min_participants > cap:
            errors["tiers"] = "Every tier must be reachable within the maximum."

    errors.update(_schedule_errors(terms, now))
    errors.update(_team_errors(terms, tiers_valid="tiers" not in errors))

    per_shopper = terms.max_quantity_per_shopper
    if not _is_int(per_shopper) or per_shopper < 1:
        errors["max_quantity_per_shopper"] = "Shoppers must be allowed at least one item."
    return errors


def _tier_error(tiers: Sequence[PriceTier]) -> str | None:
    if not tiers:
        return "Add at least one price tier."
    for tier in tiers:
        if not (_is_int(tier.min_participants) and _is_int(tier.unit_price)):
            return "Tier sizes and prices must be whole numbers."
        if tier.unit_price <= 0:
            return "Every tier price must be above zero."
    if tiers[0].min_participants != 1:
        return "The first tier must start at 1 shopper (the price for the first to join)."
    for lower, higher in zip(tiers, tiers[1:], strict=False):
        if higher.min_participants <= lower.min_participants:
            return "Tiers must need more shoppers as they go up."
        if higher.unit_price >= lower.unit_price:
            return "Each tier must be cheaper than the one before."
    return None


def _schedule_errors(terms: DealTerms, now: datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    # Comparing naive and aware datetimes raises; a naive one is a bug upstream anyway.
    if not _aware(terms.starts_at):
        errors["starts_at"] = "The start time needs a time zone."
    if not _aware(terms.deadline):
        errors["deadline"] = "The deadline needs a time zone."
    if errors:
        return errors
    if terms.deadline <= now:
        errors["deadline"] = "The deadline must be in the future."
    elif terms.deadline <= terms.starts_at:
        errors["deadline"] = "The deadline must be after the start."
    return errors


def _team_errors(terms: DealTerms, *, tiers_valid: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    size, price = terms.team_size, terms.team_price
    if size is None and price is None:
        return errors
    if size is None:
        errors["team_size"] = "Set a team size to offer a team price."
    elif not _is_int(size) or size < 2:
        errors["team_size"] = "A team needs at least 2 shoppers."
    elif terms.max_participants is not None and size > terms.max_participants:
        errors["team_size"] = "A team cannot be larger than the deal's maximum."
    if price is None:
        errors["team_price"] = "Set a team price to offer teams."
    elif not _is_int(price) or price <= 0:
        errors["team_price"] = "The team price must be above zero."
    elif tiers_valid and price >= terms.tiers[0].unit_price:
        errors["team_price"] = "The team price must be below the single-shopper price."
    return errors


def payment_mode(terms: DealTerms) -> PaymentMode:
    """Hold the card if the longest possible hold (join at start, capture at the deadline) fits
    within HOLD_LIMIT; otherwise save the card and charge it at close."""
    if terms.deadline - terms.starts_at <= HOLD_LIMIT:
        return PaymentMode.HOLD
    return PaymentMode.SAVED_CARD


# --------------------------------------------------------------------------- prices


def _check_count(participants: int) -> None:
    if not _is_int(participants) or participants < 0:
        raise ValueError(f"participants must be a non-negative int, got {participants!r}")


def price_for(terms: DealTerms, participants: int) -> int:
    """Unit price of the highest tier reached by `participants` shoppers.

    With nobody in yet, this is the first tier's price: what the first shopper would pay.
    """
    _check_count(participants)
    if not terms.tiers:
        raise ValueError("deal has no price tiers")
    reached = [tier for tier in terms.tiers if tier.min_participants <= participants]
    if not reached:
        return min(terms.tiers, key=lambda tier: tier.min_participants).unit_price
    return max(reached, key=lambda tier: tier.min_participants).unit_price


def max_unit_price(terms: DealTerms) -> int:
    """The most a unit can ever cost in this deal (the first tier)."""
    if not terms.tiers:
        raise ValueError("deal has no price tiers")
    return max(tier.unit_price for tier in terms.tiers)


def hold_amount(terms: DealTerms, quantity: int, participants: int) -> int:
    """Amount to authorise when a shopper joins as the `participants`-th shopper.

    Today's price with them in: the shopper is told "you pay at most this, less if more people
    join". If others leave and the tier goes back up, they still pay at most what they agreed to
    (see `charge_unit_price`); a capture can never exceed its authorisation anyway.
    """
    if not _is_int(quantity) or quantity < 1:
        raise ValueError("quantity must be a positive int")
    if not _is_int(participants) or participants < 1:
        raise ValueError("participants must count the joining shopper (at least 1)")
    return price_for(terms, participants) * quantity


def charge_unit_price(final_price: int, locked_price: int) -> int:
    """What a shopper pays per unit at close: the final price, never more than the price they
    agreed to when joining."""
    return min(final_price, locked_price)


def next_tier(terms: DealTerms, participants: int) -> tuple[int, int] | None:
    """(shoppers still needed, unit price then) for the next cheaper tier, or None at the top."""
    current = price_for(terms, participants)
    # Cheaper tiers only: with nobody in yet, the first tier is today's price, not "next".
    ahead = [
        tier
        for tier in terms.tiers
        if tier.min_participants > participants and tier.unit_price < current
    ]
    if not ahead:
        return None
    tier = min(ahead, key=lambda t: t.min_participants)
    return tier.min_participants - participants, tier.unit_price


def progress_percent(terms: DealTerms, participants: int) -> int:
    """Whole percent 0..100 of the way to unlocking, for a progress bar."""
    return int(progress(terms, participants) * 100)


def progress(terms: DealTerms, participants: int) -> float:
    """Fraction 0..1 of the way to unlocking, for a progress bar."""
    _check_count(participants)
    if terms.min_to_unlock <= 0:
        return 1.0
    return min(1.0, participants / terms.min_to_unlock)


def is_unlocked(terms: DealTerms, participants: int) -> bool:
    """True once enough shoppers joined for the deal to go ahead."""
    _check_count(participants)
    return participants >= terms.min_to_unlock


def final_unit_price(terms: DealTerms, participants: int, *, in_filled_team: bool = False) -> int:
    """What each unit costs a shopper at close: the tier reached, or the team price when their
    team filled and it is cheaper (a high tier can beat the team price)."""
    price = price_for(terms, participants)
    if in_filled_team and terms.team_price is not None:
        return min(price, terms.team_price)
    return price


class CaptureExceedsAuthorization(ValueError):
    """The final amount is above what the shopper authorised: never capture it."""


def capture_amount(authorized: int, final_unit_price: int, quantity: int) -> int:
    """Amount to capture from a hold of `authorized` minor units.

    Raises CaptureExceedsAuthorization rather than capping silently: capturing less than owed
    or more than agreed are both bugs that someone has to look at.
    """
    for name, value in (
        ("authorized", authorized),
        ("final_unit_price", final_unit_price),
        ("quantity", quantity),
    ):
        if not _is_int(value) or value < 0:
            raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    amount = final_unit_price * quantity
    if amount > authorized:
        raise CaptureExceedsAuthorization(
            f"would capture {amount} but only {authorized} was authorised"
        )
    return amount


# --------------------------------------------------------------------------- counting


class Standing(StrEnum):
    """How one seat counts on the deal's progress: only JOINED seats count as in."""

    JOINED = "joined"  # card held (or saved) and not waiting on a forming team: counted
    CONFIRMING = "confirming"  # seat taken, the card or the bank has not answered yet
    FORMING = "forming"  # card held, but the shopper's team has not filled (yet)
    OUT = "out"  # left, failed, released: not in the deal


@dataclass(frozen=True)
class SeatFacts:
    """What the counting rule needs to know about one participation."""

    status: str  # a ParticipationStatus value
    team_filled: bool | None = None  # None: not in a team


@dataclass(frozen=True)
class DealCount:
    """The deal's honest count: `joined` is the only number that moves the price or unlocks."""

    joined: int = 0
    confirming: int = 0
    forming: int = 0


# A seat taken whose money is not secured yet: waiting for the bank, or a booking's member who
# has not paid their share. Shown apart, never counted.
_CONFIRMING = (
    ParticipationStatus.RESERVED.value,
    ParticipationStatus.PENDING.value,
    ParticipationStatus.NEEDS_ACTION.value,
)
_SECURED = (ParticipationStatus.HELD.value, ParticipationStatus.CAPTURED.value)


def standing(seat: SeatFacts) -> Standing:
    """THE rule for who is in: a confirmed hold (or a captured payment), outside a team or in a
    team that filled. The progress shown to viewers, the unlock and the closing job all count
    with this function and nothing else."""
    status = str(seat.status)
    if status in _CONFIRMING:
        return Standing.CONFIRMING
    if status in _SECURED:
        return Standing.FORMING if seat.team_filled is False else Standing.JOINED
    return Standing.OUT


def count_seats(seats: Iterable[SeatFacts]) -> DealCount:
    """Count every seat of a deal by `standing`."""
    joined = confirming = forming = 0
    for seat in seats:
        match standing(seat):
            case Standing.JOINED:
                joined += 1
            case Standing.CONFIRMING:
                confirming += 1
            case Standing.FORMING:
                forming += 1
    return DealCount(joined, confirming, forming)


def unlocked_by(terms: DealTerms, seats: Iterable[SeatFacts]) -> bool:
    """Whether these seats unlock the deal: what viewers are told and what closing decides."""
    return is_unlocked(terms, count_seats(seats).joined)


def closing_outcome(terms: DealTerms, seats: Iterable[SeatFacts]) -> CloseOutcome:
    """At the deadline: capture if the counted seats unlock the deal, else release."""
    return close_outcome(terms, count_seats(seats).joined)


# --------------------------------------------------------------------------- lifecycle


def status_at(
    terms: DealTerms,
    participants: int,
    now: datetime,
    closed_outcome: CloseOutcome | str | None = None,
) -> DealStatus:
    """The deal's status at `now`.

    `closed_outcome` is what the closing job recorded (capture / release / cancelled); until it
    records one, a deal past its deadline is CLOSING, never silently succeeded or failed.
    """
    _check_count(participants)
    if closed_outcome is not None:
        outcome = CloseOutcome(closed_outcome)
        return {
            CloseOutcome.CAPTURE: DealStatus.SUCCEEDED,
            CloseOutcome.RELEASE: DealStatus.FAILED,
            CloseOutcome.CANCELLED: DealStatus.CANCELLED,
        }[outcome]
    if now < terms.starts_at:
        return DealStatus.SCHEDULED
    if now < terms.deadline:
        return DealStatus.UNLOCKED if is_unlocked(terms, participants) else DealStatus.OPEN
    return DealStatus.CLOSING


def close_outcome(terms: DealTerms, participants: int) -> CloseOutcome:
    """At the deadline: capture every hold if the deal unlocked, otherwise release them all."""
    return CloseOutcome.CAPTURE if is_unlocked(terms, participants) else CloseOutcome.RELEASE


def is_full(terms: DealTerms, participants: int) -> bool:
    """True when the seller's cap is reached."""
    return terms.max_participants is not None and participants >= terms.max_participants


def can_join(
    terms: DealTerms,
    participants: int,
    now: datetime,
    already_joined: bool,
    *,
    quantity: int = 1,
    closed_outcome: CloseOutcome | str | None = None,
) -> JoinRefusal | None:
    """None if the shopper may join now, else the reason they may not.

    The service must still enforce the cap and one-join-per-shopper atomically (a conditional
    UPDATE / unique constraint): this check only gives the shopper a clear answer first.
    """
    _check_count(participants)
    if closed_outcome is not None:
        if CloseOutcome(closed_outcome) is CloseOutcome.CANCELLED:
            return JoinRefusal.DEAL_CANCELLED
        return JoinRefusal.DEAL_CLOSED
    if now < terms.starts_at:
        return JoinRefusal.NOT_STARTED
    if now >= terms.deadline:
        return JoinRefusal.DEADLINE_PASSED
    if already_joined:
        return JoinRefusal.ALREADY_JOINED
    if is_full(terms, participants):
        return JoinRefusal.FULL
    if not _is_int(quantity) or quantity < 1:
        return JoinRefusal.INVALID_QUANTITY
    if quantity > terms.max_quantity_per_shopper:
        return JoinRefusal.QUANTITY_TOO_LARGE
    return None


# --------------------------------------------------------------------------- teams


@dataclass(frozen=True)
class TeamTerms:
    """A deal's team offer: `size` friends who fill a team within the window pay `unit_price`."""

    size: int
    unit_price: int
    window: timedelta = field(default=TEAM_WINDOW)


def team_terms(terms: DealTerms) -> TeamTerms | None:
    """The deal's team offer, or None if it has none."""
    if terms.team_size is None or terms.team_price is None:
        return None
    return TeamTerms(size=terms.team_size, unit_price=terms.team_price)


def team_expires_at(created_at: datetime, deadline: datetime | None = None) -> datetime:
    """When a team stops accepting members: TEAM_WINDOW after it started, or the deal's deadline
    if that comes first (a team cannot outlive its deal)."""
    end = created_at + TEAM_WINDOW
    return min(end, deadline) if deadline is not None else end


def team_status(
    size_needed: int,
    members: int,
    created_at: datetime,
    now: datetime,
    deadline: datetime | None = None,
) -> TeamStatus:
    """FILLED once `size_needed` members are in (it stays filled), EXPIRED if the window ran out
    first, FORMING otherwise."""
    if members >= size_needed:
        return TeamStatus.FILLED
    if now >= team_expires_at(created_at, deadline):
        return TeamStatus.EXPIRED
    return TeamStatus.FORMING


def team_time_left(
    created_at: datetime, now: datetime, deadline: datetime | None = None
) -> timedelta:
    """Time left for a forming team to fill, never negative."""
    return max(timedelta(0), team_expires_at(created_at, deadline) - now)


def can_join_team(
    terms: DealTerms,
    members: int,
    created_at: datetime,
    now: datetime,
    already_member: bool,
) -> JoinRefusal | None:
    """None if a shopper may join this team now. Joining the deal itself is checked separately
    with `can_join`."""
    offer = team_terms(terms)
    if offer is None:
        return JoinRefusal.NO_TEAMS
    if already_member:
        return JoinRefusal.ALREADY_IN_TEAM
    status = team_status(offer.size, members, created_at, now, terms.deadline)
    if status is TeamStatus.FILLED:
        return JoinRefusal.TEAM_FULL
    if status is TeamStatus.EXPIRED:
        return JoinRefusal.TEAM_EXPIRED
    return None
