"""The booking page: the group, who has paid, the countdowns, the progress to the minimum.

One view for everyone who opens the booking's link (the link is the secret); what the viewer
may do (pay their share, cover someone's, join) the page decides from `viewer_id` and each
member's `phase`, and the service checks again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from app.adapters.db.models import Product
from app.adapters.db.models_deals import Deal, Participation
from app.adapters.db.models_people import User
from app.adapters.db.models_trips import Booking, ExperienceDate
from app.domain.clock import as_utc
from app.domain.group_buy import (
    DealStatus,
    ParticipationStatus,
    count_seats,
    next_tier,
    price_for,
    progress_percent,
    status_at,
)
from app.domain.money import format_minor
from app.domain.people import avatar_colour, initials
from app.domain.trips import SharePhase, cover_due, seats_left, share_due, share_phase
from app.services.catalog import first_images
from app.services.context import Context
from app.services.deals.records import outcome_of, seat_facts, terms_of
from app.services.deals.views import PLACEHOLDER_IMAGE, STATUS_LABELS
from app.services.trips.booking import find_booking
from app.services.trips.errors import BookingError
from app.services.trips.experiences import date_label, prices_text, tiers_of

Status = ParticipationStatus


@dataclass(frozen=True)
class BookingMember:
    user_id: int
    name: str
    initials: str
    colour: str
    is_organiser: bool
    status: str  # waiting | cover | confirming | paid | charged | released
    label: str
    waiting: bool  # share unpaid and still payable
    phase: str  # a SharePhase value while waiting, else ""
    due_at: str  # ISO: when the current window closes (empty when not waiting)
    due_label: str
    amount: str  # the hold or the charge, formatted; empty when nothing is held


@dataclass(frozen=True)
class BookingView:
    code: str
    deal_id: int
    title: str
    product_url_key: str
    image: str
    date_label: str
    organiser_id: int
    organiser_name: str
    min_size: int
    max_size: int
    paid: int
    waiting: int
    in_group: int
    places_left: int
    date_seats_left: int
    progress: int
    price_now: str
    next_tier_text: str
    prices: str
    deadline: str  # ISO
    deadline_label: str
    status: str  # a DealStatus value
    status_label: str
    headline: str
    open: bool
    members: list[BookingMember] = field(default_factory=list)


_WAITING_LABELS = {
    SharePhase.MEMBER: "Waiting to pay",
    SharePhase.ORGANISER: "Organiser can cover",
    SharePhase.EXPIRED: "Seat being released",
}


def booking_page(ctx: Context, viewer_id: int | None, code: str) -> BookingView | None:
    """The booking with this link's code, or None when there is none."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session

        try:
            booking = find_booking(session, code)
        except BookingError:
            return None
        return _view(session, booking, now)


def _view(session: Session, booking: Booking, now: datetime) -> BookingView:
    deal = session.exec(select(Deal).where(col(Deal.id) == booking.deal_id)).one()
    date = session.get(ExperienceDate, booking.date_id)
    product = session.get(Product, deal.product_id)
    assert date is not None and product is not None
    terms = terms_of(deal)
    count = count_seats(seat_facts(session, [booking.deal_id])[booking.deal_id])
    closed = outcome_of(deal)
    status = status_at(terms, count.joined, now, closed)
    if deal.status == DealStatus.CLOSING and closed is None:
        status = DealStatus.CLOSING
    rows = session.exec(
        select(Participation, User)
        .join(User, col(User.id) == col(Participation.user_id))
        .where(col(Participation.deal_id) == booking.deal_id, col(Participation.status) != "left")
        .order_by(col(Participation.id))
    ).all()
    names = {user.id: user.display_name for _, user in rows}
    organiser = names.get(booking.organiser_id) or _name(session, booking.organiser_id)
    members = [
        _member(part, user, booking.organiser_id, organiser, deal.currency, now)
        for part, user in rows
    ]
    in_group = sum(1 for m in members if m.status != "released")
    open_now = status in (DealStatus.OPEN, DealStatus.UNLOCKED)
    upcoming = next_tier(terms, count.joined) if open_now else None
    cap = terms.max_participants or 0
    return BookingView(
        code=booking.code,
        deal_id=booking.deal_id,
        title=product.title,
        product_url_key=product.slug,
        image=first_images(session, [product.id or 0]).get(product.id or 0, PLACEHOLDER_IMAGE),
        date_label=date_label(date.starts_at),
        organiser_id=booking.organiser_id,
        organiser_name=organiser,
        min_size=terms.min_to_unlock,
        max_size=cap,
        paid=count.joined,
        waiting=count.confirming,
        in_group=in_group,
        places_left=max(0, cap - deal.participants),
        date_seats_left=seats_left(date.seats, date.seats_taken),
        progress=progress_percent(terms, count.joined),
        price_now=format_minor(price_for(terms, count.joined), deal.currency),
        next_tier_text=(
            ""
            if upcoming is None
            else f"{upcoming[0]} more paid: {format_minor(upcoming[1], deal.currency)} each"
        ),
        prices=prices_text(tiers_of(date), date.currency),
        deadline=as_utc(deal.deadline).isoformat(),
        deadline_label=f"{as_utc(deal.deadline):%a %d %b, %H:%M} UTC",
        status=status.value,
        status_label=_STATUS.get(status.value, STATUS_LABELS.get(status.value, "")),
        headline=_headline(status, terms.min_to_unlock - count.joined),
        open=open_now,
        members=members,
    )


_STATUS = {
    DealStatus.OPEN.value: "Forming",
    DealStatus.UNLOCKED.value: "Going ahead",
    DealStatus.SUCCEEDED.value: "Confirmed",
    DealStatus.FAILED.value: "Not going ahead",
}


def _headline(status: DealStatus, missing: int) -> str:
    if status is DealStatus.OPEN:
        people = "person" if missing == 1 else "people"
        return f"{missing} more {people} must pay their share for the group to go ahead."
    if status is DealStatus.UNLOCKED:
        return "The minimum is reached: the group goes ahead at the deadline. More can still join."
    if status is DealStatus.CLOSING:
        return "The deadline has passed: settling the payments now."
    if status is DealStatus.SUCCEEDED:
        return "Booking confirmed. Every paid share has been charged at the group's price."
    if status is DealStatus.FAILED:
        return "The group didn't reach its minimum. Every hold was released: nobody was charged."
    if status is DealStatus.CANCELLED:
        return "This booking was cancelled. Every hold was released: nobody was charged."
    return ""


def _member(
    part: Participation, user: User, organiser_id: int, organiser: str, currency: str, now: datetime
) -> BookingMember:
    status, label, phase, due = "released", "Seat released", "", None
    amount = ""
    if part.status == Status.RESERVED and part.reserved_at is not None:
        joined = as_utc(part.reserved_at)
        found = share_phase(joined, now)
        phase = found.value
        status = "waiting" if found is SharePhase.MEMBER else "cover"
        label = _WAITING_LABELS[found]
        due = share_due(joined) if found is SharePhase.MEMBER else cover_due(joined)
    elif part.status in (Status.PENDING, Status.NEEDS_ACTION):
        status, label = "confirming", "Confirming with the bank"
    elif part.status == Status.HELD:
        status = "paid"
        covered = part.paid_by is not None and part.paid_by != part.user_id
        label = f"Paid by {organiser} (hold placed)" if covered else "Paid (hold placed)"
        amount = format_minor(part.authorized_amount or 0, currency)
    elif part.status == Status.CAPTURED:
        status, label = "charged", "Paid"
        amount = format_minor(part.captured_amount or 0, currency)
    elif part.status == Status.RELEASED and part.intent_id:
        label = "Hold released"
    user_id = user.id or 0
    return BookingMember(
        user_id=user_id,
        name=user.display_name,
        initials=initials(user.display_name),
        colour=avatar_colour(user_id),
        is_organiser=user_id == organiser_id,
        status=status,
        label=label,
        waiting=status in ("waiting", "cover"),
        phase=phase,
        due_at=due.isoformat() if due else "",
        due_label=f"{due:%a %d %b, %H:%M} UTC" if due else "",
        amount=amount,
    )


def _name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.display_name if user else ""
