"""Leaving an open deal: the seat is given back first (committed), then the hold released."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col

from app.adapters.db.models_deals import Deal, Participation
from app.domain.clock import as_utc
from app.domain.events import EventKind
from app.domain.group_buy import (
    DealKind,
    DealStatus,
    JoinRefusal,
    ParticipationStatus,
    PaymentMode,
)
from app.domain.throttle import Rate
from app.services.allowances import Keyed, spend
from app.services.context import Context
from app.services.deals.errors import JoinError, Refused
from app.services.deals.records import (
    NO_SYNC,
    count_of,
    deal_payload,
    load_deal,
    record,
    settle,
    terms_of,
)
from app.services.deals.seats import free_date_seat, free_team_place, release_hold
from app.services.deals.views import MySeat, my_seat

Status = ParticipationStatus
# Each leave redraws the deal for everyone watching it and releases a hold at the bank. A person
# leaves at most as often as they may join (CARD_ATTEMPTS); an address, five people's worth.
LEAVES_PER_PERSON = Rate("deal.leave.person", limit=20, seconds=3600)
LEAVES_PER_ADDRESS = Rate("deal.leave.address", limit=5 * LEAVES_PER_PERSON.limit, seconds=3600)


def leave_deal(ctx: Context, actor_id: int, deal_id: int, address: str | None = None) -> MySeat:
    """Leave an open deal (a team's, a trip's): the seat is given back and the card hold
    released. Returns the shopper's seat as it stands after leaving. JoinError (still in) when
    the deal closed, the shopper is not in it, or they or their address leave too often."""
    return _leave(
        ctx, actor_id, deal_id, (LEAVES_PER_PERSON, actor_id), (LEAVES_PER_ADDRESS, address)
    )


def undo_join(ctx: Context, actor_id: int, deal_id: int) -> MySeat:
    """Give back a seat the shop took a moment ago for a join whose next step failed: as
    `leave_deal`, but the shopper did not ask to leave, so no allowance is spent."""
    return _leave(ctx, actor_id, deal_id)


def _leave(ctx: Context, actor_id: int, deal_id: int, *allowances: Keyed) -> MySeat:
    """The seat given back, spending `allowances` in the same transaction.

    The seat is freed first (committed); releasing the hold follows, and a release that fails
    is retried by the closing job (`hold_released` stays False)."""
    now = as_utc(ctx.now())
    try:
        with ctx.uow() as uow:
            session = uow.session
            deal = load_deal(session, deal_id)
            terms = terms_of(deal)
            bumped = session.exec(
                update(Deal)
                .where(
                    col(Deal.id) == deal_id,
                    col(Deal.status) == DealStatus.OPEN,
                    col(Deal.deadline) > now,
                )
                .values(
                    participants=col(Deal.participants) - 1,
                    version=col(Deal.version) + 1,
                )
                .returning(col(Deal.participants), col(Deal.version)),
                execution_options=NO_SYNC,
            ).first()
            if bumped is None:
                raise Refused(JoinRefusal.DEAL_CLOSED)
            row = session.exec(
                update(Participation)
                .where(
                    col(Participation.deal_id) == deal_id,
                    col(Participation.user_id) == actor_id,
                    col(Participation.status).in_(
                        (Status.RESERVED, Status.HELD, Status.NEEDS_ACTION)
                    ),
                )
                .values(status=Status.LEFT, updated_at=now)
                .returning(
                    col(Participation.id),
                    col(Participation.intent_id),
                    col(Participation.team_id),
                    col(Participation.attempt),
                    col(Participation.payment_mode),
                ),
                execution_options=NO_SYNC,
            ).first()
            if row is None:
                raise Refused(None)
            part_id, intent_id, team_id, attempt, mode = row
            free_team_place(session, team_id)
            if deal.kind == DealKind.BOOKING:
                free_date_seat(session, deal_id)
            record(
                uow,
                deal_id,
                int(bumped[1]),
                EventKind.DEAL_LEFT,
                deal_payload(terms, count_of(session, deal_id), user_id=actor_id, reason="left"),
            )
            settle(uow, deal_id, now)
            spend(ctx, lambda message: JoinError(message, "rate_limited"), *allowances)
    except Refused as refused:
        seat = _seat(ctx, deal_id, actor_id)
        if refused.refusal is not None:
            raise JoinError(
                "This deal has closed, so you can't leave it any more.",
                refused.refusal.value,
                seat,
            ) from None
        raise JoinError("You're not in this deal.", "not_joined", seat) from None
    if mode == PaymentMode.HOLD and intent_id:
        key = f"deal-{deal_id}-user-{actor_id}-release-{attempt}"
        release_hold(ctx, int(part_id), intent_id, key)
    return _seat(ctx, deal_id, actor_id)


def _seat(ctx: Context, deal_id: int, user_id: int) -> MySeat:
    with ctx.uow() as uow:
        return my_seat(uow.session, deal_id, user_id)
