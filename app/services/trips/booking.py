"""Opening a group booking for an experience's date, and joining it from its shared link.

A booking runs as a group-buy deal (kind "booking"): the experience's tiers price each person,
the group's minimum and maximum are the deal's, and the deal's closing job captures every hold
if the group reached its minimum by the deadline, else releases them. Joining takes two seats
in one transaction, each by a conditional UPDATE: one of the date's seats and one of the group's
(the deal's `participants < max`), so neither is ever oversold; the member's share is paid
later (app/services/trips/paying.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.adapters.db.models import Product
from app.adapters.db.models_deals import Deal
from app.adapters.db.models_trips import Booking, ExperienceDate
from app.domain.clock import as_utc
from app.domain.events import EventKind
from app.domain.group_buy import (
    DealCount,
    DealKind,
    DealStatus,
    JoinRefusal,
    ParticipationStatus,
    validate_terms,
)
from app.domain.people import new_invite_code, normalise_invite_code
from app.domain.throttle import Rate
from app.domain.trips import (
    BookingRefusal,
    GroupRequest,
    ProductKind,
    booking_terms,
    seats_left,
    validate_group,
)
from app.services.allowances import spend
from app.services.context import Context
from app.services.deals.creating import deal_row
from app.services.deals.errors import Refused
from app.services.deals.joining import JOINS_PER_ADDRESS, reserve_seat
from app.services.deals.records import deal_payload, load_deal, record, terms_of
from app.services.deals.seats import find_participation, take_date_seat
from app.services.trips.errors import BookingError
from app.services.trips.experiences import tiers_of
from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class BookingOpened:
    booking_id: int
    deal_id: int
    code: str


def open_booking(
    ctx: Context,
    actor_id: int,
    date_id: int,
    min_size: int,
    max_size: int,
    deadline: datetime,
) -> BookingOpened:
    """Open a group for an experience's date: `min_size` people must have paid their share by
    `deadline` for it to go ahead, at most `max_size` may join. The organiser takes the first
    seat (and pays their share like everyone). BookingError (with field errors) otherwise."""
    now = as_utc(ctx.now())
    request = GroupRequest(min_size, max_size, as_utc(deadline))
    with ctx.uow() as uow:
        session = uow.session
        date = session.get(ExperienceDate, date_id)
        product = None if date is None else session.get(Product, date.product_id)
        if date is None or product is None or product.kind != ProductKind.EXPERIENCE:
            raise BookingError.refused(BookingRefusal.NOT_AN_EXPERIENCE)
        errors = validate_group(
            request,
            date_starts_at=as_utc(date.starts_at),
            seats_left=seats_left(date.seats, date.seats_taken),
            now=now,
        )
        if errors:
            raise BookingError("Please fix the highlighted fields.", "invalid", errors)
        terms = booking_terms(tiers_of(date), date.currency, request, now)
        errors = validate_terms(terms, now)
        if errors:
            raise BookingError(next(iter(errors.values())), "invalid_terms", errors)
        deal = deal_row(date.product_id, actor_id, terms)
        deal.kind = DealKind.BOOKING.value
        session.add(deal)
        session.flush()
        assert deal.id is not None
        booking = Booking(
            deal_id=deal.id,
            date_id=date_id,
            organiser_id=actor_id,
            code=_new_code(session),
            created_at=now,
        )
        session.add(booking)
        session.flush()
        assert booking.id is not None
        record(uow, deal.id, 1, EventKind.DEAL_CREATED, deal_payload(terms, DealCount()))
        _take_seats(uow, booking, deal, actor_id, now)
        return BookingOpened(booking.id, deal.id, booking.code)


# Joining takes a seat on a date for 72 hours without a card yet: a person joins as often as
# they may join deals; an address shares the deals' allowance (JOINS_PER_ADDRESS), so a script
# with many accounts cannot sit on a trip's seats.
JOINS_PER_PERSON = Rate("trip.join.person", limit=20, seconds=3600)


def join_booking(ctx: Context, actor_id: int, raw_code: str, address: str | None = None) -> int:
    """Join a group from its shared link: take a seat on the date and in the group, to be paid
    within 72 hours. Refused with a message (nothing changed) when the trip or the date is
    full, the booking closed, the shopper is already in, or they or their address join too
    often. Returns the booking's id."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        booking = find_booking(uow.session, raw_code)
        mine = find_participation(uow.session, booking.deal_id, actor_id)
        if mine is not None and mine.status not in _OUT:
            raise BookingError.refused(BookingRefusal.ALREADY_MEMBER)
    try:
        with ctx.uow() as uow:
            deal = load_deal(uow.session, booking.deal_id)
            _take_seats(uow, booking, deal, actor_id, now)
            spend(
                ctx,
                lambda message: BookingError(message, "rate_limited"),
                (JOINS_PER_PERSON, actor_id),
                (JOINS_PER_ADDRESS, address),
            )
    except IntegrityError:
        raise BookingError.refused(BookingRefusal.ALREADY_MEMBER) from None
    assert booking.id is not None
    return booking.id


_OUT = (ParticipationStatus.LEFT, ParticipationStatus.RELEASED, ParticipationStatus.FAILED)


def _take_seats(uow: UnitOfWork, booking: Booking, deal: Deal, user_id: int, now: datetime) -> None:
    """A seat on the date and a place in the group, both or neither (the transaction rolls
    back on a refusal)."""
    if not take_date_seat(uow.session, booking.date_id):
        raise BookingError.refused(BookingRefusal.DATE_FULL)
    try:
        reserve_seat(
            uow,
            deal,
            terms_of(deal),
            user_id,
            1,
            now,
            None,
            status=ParticipationStatus.RESERVED,
        )
    except Refused as refused:
        if refused.refusal is JoinRefusal.ALREADY_JOINED:
            raise BookingError.refused(BookingRefusal.ALREADY_MEMBER) from None
        raise BookingError.refused(_why_not(uow.session, deal.id or 0, now)) from None


def _why_not(session: Session, deal_id: int, now: datetime) -> BookingRefusal:
    deal = session.exec(select(Deal).where(col(Deal.id) == deal_id)).one()
    if deal.status != DealStatus.OPEN or as_utc(deal.deadline) <= now:
        return BookingRefusal.BOOKING_CLOSED
    return BookingRefusal.TRIP_FULL


def find_booking(session: Session, raw_code: str) -> Booking:
    code = normalise_invite_code(raw_code)
    booking = (
        None
        if code is None
        else session.exec(select(Booking).where(col(Booking.code) == code)).first()
    )
    if booking is None:
        raise BookingError.refused(BookingRefusal.UNKNOWN_LINK)
    return booking


def _new_code(session: Session) -> str:
    for _ in range(10):
        code = new_invite_code()
        if session.exec(select(Booking.id).where(col(Booking.code) == code)).first() is None:
            return code
    raise RuntimeError("could not draw a unique booking code")
