"""Who may join a deal before everyone else (the domain's one early-access rule): the voters
of a be-the-buyer candidate that became this deal, and VIP members (their level, read now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.adapters.db.models_deals import Deal
from app.adapters.db.models_rewards import CandidateVote, DealEarlyAccess
from app.domain.clock import as_utc
from app.domain.early_access import (
    EarlyWindow,
    early_access_refusal,
    opens_for,
    when_text,
    window_for,
)
from app.domain.rewards import is_vip
from app.services.context import Context
from app.services.rewards.ledger import level_now


@dataclass(frozen=True)
class EarlyAccess:
    window: EarlyWindow
    opens_for_me: datetime
    refusal: str | None  # what to tell a shopper who may not join yet, None otherwise


def early_access(session: Session, deal: Deal, user_id: int, now: datetime) -> EarlyAccess:
    """The shopper's opening time for this deal and, before it, why they must wait."""
    row = session.get(DealEarlyAccess, deal.id)
    window = window_for(as_utc(deal.starts_at), as_utc(row.public_from) if row else None)
    candidate_id = row.candidate_id if row is not None else None
    voted_deal = candidate_id is not None
    if now >= window.public_from:
        return EarlyAccess(window, window.public_from, None)
    voter = voted_deal and session.get(CandidateVote, (candidate_id, user_id)) is not None
    access = voter or is_vip(level_now(session, user_id, now).rank)
    refusal = early_access_refusal(window, now, has_early_access=access, voted_deal=voted_deal)
    return EarlyAccess(window, opens_for(window, access), refusal)


def early_access_note(ctx: Context, viewer_id: int | None, deal_id: int) -> str:
    """What the deal page says while a voted-for deal is still in its early window: that the
    viewer may join now (a voter, a VIP) or from when; "" otherwise."""
    now = as_utc(ctx.now())
    with ctx.session() as session:
        deal = session.get(Deal, deal_id)
        row = session.get(DealEarlyAccess, deal_id)
        if deal is None or row is None or now >= as_utc(row.public_from):
            return ""
        early = early_access(session, deal, viewer_id or 0, now)
    opens = when_text(early.window.public_from)
    if early.refusal is None and viewer_id:
        return f"You have early access: join now. It opens to everyone on {opens}."
    return f"Voters and VIP members join first. It opens to everyone on {opens}."
