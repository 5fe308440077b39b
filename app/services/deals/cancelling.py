"""Cancelling a deal: the seller calls it off and every hold is released, exactly once.

The cancel claims the deal (open or scheduled -> closing, conditional) with the outcome fixed
to "release" and nobody counted, then reuses the closing job's settlement: each hold is released
with the same idempotency key the closing job would use, and the deal ends "cancelled". A
second cancel finds nothing to claim and releases nothing. A cancel interrupted by a crash is
finished by the closing job (which records it as failed: every hold is released either way).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update
from sqlmodel import col

from app.adapters.db.models_deals import Deal
from app.adapters.db.models_people import User
from app.domain.clock import as_utc
from app.domain.events import EventKind
from app.domain.group_buy import CloseOutcome, DealStatus
from app.domain.people import may_administer, may_host
from app.services.context import Context
from app.services.deals.closing import CloseReport, _prepare, _settle
from app.services.deals.errors import NotAllowed
from app.services.deals.records import NO_SYNC, deal_payload, load_deal, record, terms_of
from app.services.unit_of_work import UnitOfWork

_CANCELLABLE = (DealStatus.OPEN, DealStatus.SCHEDULED)


def cancel_deal(
    ctx: Context,
    actor_id: int,
    deal_id: int,
    *,
    also: Callable[[UnitOfWork], None] | None = None,
) -> CloseReport | None:
    """Call a deal off and release every hold (admins, or the host who opened it). Returns
    the release report, or None when the deal was already cancelled or closed (cancelling
    twice releases once). `also` runs inside the claiming transaction (the console's audit
    entry), so it is recorded if and only if this call cancelled the deal."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        actor = session.get(User, actor_id)
        deal = load_deal(session, deal_id)
        if actor is None or not (
            may_administer(actor.role) or (may_host(actor.role) and deal.created_by == actor_id)
        ):
            raise NotAllowed("Only admins and the deal's host can cancel it.")
        claimed = session.exec(
            update(Deal)
            .where(col(Deal.id) == deal_id, col(Deal.status).in_(_CANCELLABLE))
            .values(
                status=DealStatus.CLOSING,
                close_claimed_at=now,
                final_participants=0,
                outcome=CloseOutcome.RELEASE.value,
            )
            .returning(col(Deal.id)),
            execution_options=NO_SYNC,
        ).first()
        if claimed is None:
            return None
        session.refresh(deal)
        # With the cards feed's note, like every deal event; the claim changes no version
        # (the closing that follows does).
        record(
            uow,
            deal_id,
            deal.version,
            EventKind.DEAL_CANCELLED,
            deal_payload(
                terms_of(deal),
                deal.participants,
                status=DealStatus.CLOSING.value,
                actor_id=actor_id,
            ),
        )
        if also is not None:
            also(uow)
        prepared = _prepare(session, deal_id)
    return _settle(ctx, deal_id, now, prepared, final_status=DealStatus.CANCELLED)
