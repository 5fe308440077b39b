"""Paying a share of a group booking, and giving back the seats whose share nobody paid.

A member pays their own share (a card hold, or a saved card for a booking that runs longer than
a hold lasts) within 72 hours of joining; the organiser may pay anyone's share until 24 hours
after that; then the seat goes back to the date and the group. The hold is the deal machinery's
(`deals.holding.place_hold`): captured at close if the group reached its minimum, else released.

A failed card changes nothing: the seat stays reserved and may be paid again. Each payment
request carries its own idempotency key (the seat's attempt, the payer and the card), so a
retried request never holds twice; two payers racing for one share end with one hold (the other
is released at once).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from app.adapters.db.models_deals import Deal, Participation
from app.adapters.payments.gateway import PaymentError
from app.domain.clock import as_utc
from app.domain.group_buy import DealKind, DealStatus, ParticipationStatus, hold_amount, price_for
from app.domain.payments import SandboxCard
from app.domain.trips import COVER_WINDOW, SHARE_WINDOW, BookingRefusal, who_may_pay
from app.services.allowances import spend
from app.services.context import Context
from app.services.deals.errors import JoinError
from app.services.deals.holding import JoinResult, place_hold
from app.services.deals.joining import CARD_ATTEMPTS, JOINS_PER_ADDRESS, payment_method_for
from app.services.deals.reconciliation import finish_bank_check
from app.services.deals.records import count_of, load_deal, terms_of
from app.services.deals.seats import advance, find_participation
from app.services.trips.booking import find_booking
from app.services.trips.errors import BookingError

Status = ParticipationStatus


def pay_share(
    ctx: Context,
    actor_id: int,
    code: str,
    member_id: int,
    payment_method: str | None = None,
    *,
    sandbox_card: SandboxCard | None = None,
    address: str | None = None,
) -> JoinResult:
    """Pay `member_id`'s share of the booking with `code`: the member's own (within 72 hours of
    joining) or, for the organiser, anyone's until 24 hours after that. The price per person is
    today's tier with this share counted; nobody pays more at close, less if more people pay.

    BookingError (nothing changed) when the payer may not pay this share, it is paid already,
    the booking closed, the payer or their address tries cards too often, or the card fails.
    Status "needs_action" when the bank wants 3-D Secure.
    """
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        booking = find_booking(session, code)
        deal = load_deal(session, booking.deal_id)
        part = find_participation(session, booking.deal_id, member_id)
        _check(part, deal.status, actor_id, member_id, booking.organiser_id, now)
        assert part is not None and part.id is not None
        terms = terms_of(deal)
        with_me = count_of(session, booking.deal_id).joined + 1
        part_id, attempt = part.id, part.attempt
    try:
        method = payment_method_for(ctx, payment_method, sandbox_card)
    except JoinError as error:
        raise BookingError(error.message, error.code) from None
    base = JoinResult(
        participation_id=part_id,
        status=Status.RESERVED,
        hold_amount=hold_amount(terms, 1, with_me),
        unit_price_now=price_for(terms, with_me),
        currency=terms.currency,
    )
    spend(  # the same allowances as deal joins: each is a card authorisation
        ctx,
        lambda message: BookingError(message, "rate_limited"),
        (CARD_ATTEMPTS, actor_id),
        (JOINS_PER_ADDRESS, address),
    )
    key = f"booking-{booking.id}-seat-{part_id}-{attempt}-by-{actor_id}-{method}"[:200]
    payer = None if actor_id == member_id else actor_id
    try:
        return place_hold(ctx, deal, base, member_id, method, key, now, paid_by=payer)
    except PaymentError as error:
        raise BookingError(error.user_message, error.code.value) from error
    except JoinError as error:
        raise BookingError(error.message, error.code) from error


def confirm_share_with_bank(
    ctx: Context, actor_id: int, code: str, approve: bool | None = None
) -> str:
    """The member went through their bank's check (3-D Secure) for their share: read the
    outcome back from the provider (the deal's `finish_bank_check`). Returns the seat's status;
    BookingError with the bank's answer when it said no (the seat is then given back)."""
    with ctx.uow() as uow:
        deal_id = find_booking(uow.session, code).deal_id
    try:
        return finish_bank_check(ctx, actor_id, deal_id, approve).status
    except JoinError as error:
        raise BookingError(error.message, error.code) from error


def _check(
    part: Participation | None,
    deal_status: str,
    actor_id: int,
    member_id: int,
    organiser_id: int,
    now: datetime,
) -> None:
    if deal_status != DealStatus.OPEN:
        raise BookingError.refused(BookingRefusal.BOOKING_CLOSED)
    if actor_id != member_id and actor_id != organiser_id:
        raise BookingError.refused(BookingRefusal.NOT_ORGANISER)
    if part is None or part.reserved_at is None:
        raise BookingError.refused(BookingRefusal.NOT_A_MEMBER)
    if part.status in (Status.HELD, Status.CAPTURED, Status.NEEDS_ACTION, Status.PENDING):
        raise BookingError.refused(BookingRefusal.ALREADY_PAID)
    if part.status != Status.RESERVED:
        raise BookingError.refused(BookingRefusal.SEAT_RELEASED)
    refusal = who_may_pay(actor_id, member_id, organiser_id, as_utc(part.reserved_at), now)
    if refusal is not None:
        raise BookingError.refused(refusal)


def release_unpaid_seats(ctx: Context) -> list[int]:
    """Due work: give back every booking seat whose share nobody paid in time (72 hours for the
    member, then 24 for the organiser). Safe to run in several processes at once: each seat
    moves RESERVED -> RELEASED once. Returns the user ids whose seats went back this run."""
    now = as_utc(ctx.now())
    cutoff = now - SHARE_WINDOW - COVER_WINDOW
    with ctx.uow() as uow:
        overdue = list(
            uow.session.exec(
                select(Participation)
                .join(Deal, col(Deal.id) == col(Participation.deal_id))
                .where(
                    col(Deal.kind) == DealKind.BOOKING,
                    col(Participation.status) == Status.RESERVED,
                    col(Participation.reserved_at) <= cutoff,
                )
                .order_by(col(Participation.id))
            ).all()
        )
    released = []
    for part in overdue:
        assert part.id is not None
        # No hold was placed on a reserved seat: only the seat moves (and the date's goes back);
        # a share paid since the query above is not touched.
        with ctx.uow() as uow:
            moved = advance(
                uow, part.id, Status.RELEASED, now=now, reason="share_unpaid", only_from=_UNPAID
            )
        if moved:
            released.append(part.user_id)
    return released


_UNPAID = (Status.RESERVED,)
