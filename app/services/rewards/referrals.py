"""A friend who joined a deal through your link: points for the friend who shared it."""

from __future__ import annotations

from sqlmodel import col, select

from app.adapters.db.models_deals import Participation
from app.domain.clock import as_utc
from app.domain.group_buy import ParticipationStatus
from app.domain.rewards import PointsReason
from app.services.context import Context
from app.services.friends import are_friends
from app.services.rewards.ledger import award

_IN = (ParticipationStatus.HELD.value, ParticipationStatus.CAPTURED.value)


def credit_referral(ctx: Context, actor_id: int, deal_id: int, referrer_id: int) -> int:
    """After `actor_id` joined `deal_id` from `referrer_id`'s shared link (`?ref=`): the referrer
    gets points once per friend per deal, only if the two are friends and the actor's seat is
    really held. Returns the points given (0 when nothing is due, or it was given already)."""
    if referrer_id == actor_id or referrer_id <= 0:
        return 0
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        if not are_friends(session, actor_id, referrer_id):
            return 0
        seated = session.exec(
            select(Participation.id).where(
                col(Participation.deal_id) == deal_id,
                col(Participation.user_id) == actor_id,
                col(Participation.status).in_(_IN),
            )
        ).first()
        if seated is None:
            return 0
        return award(
            session,
            referrer_id,
            PointsReason.FRIEND_JOINED,
            f"friend_joined:{deal_id}:{actor_id}",
            now,
            by_user=actor_id,
        )
