"""Marking someone's writing (a review, an answer) helpful and taking the mark back: one vote
per shopper per piece, never on one's own, the author's points appended or reversed through
the rewards ledger."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, update

from app.domain.clock import as_utc
from app.domain.reviews import VOTES_PER_MINUTE
from app.domain.rewards import PointsReason
from app.domain.throttle import Rate
from app.services.allowances import spend
from app.services.context import Context
from app.services.rate_limits import stamp
from app.services.rewards.ledger import award, reverse

# A person marks VOTES_PER_MINUTE (30, the database window) and takes back as many; an address,
# marks and take-backs together, five people's worth.
UNMARKS_PER_PERSON = Rate("helpful.unmark.person", limit=VOTES_PER_MINUTE, seconds=60)
HELPFUL_PER_ADDRESS = Rate("helpful.address", limit=5 * 2 * VOTES_PER_MINUTE, seconds=60)


@dataclass(frozen=True)
class Helpful:
    """What differs between the kinds of writing one can mark helpful."""

    noun: str  # "review", "answer": in the messages and the ledger's fact
    written: Any  # the table marked (id, author_id, helpful columns)
    vote: Any  # its vote table: (<noun>_id, user_id) is the key
    reason: PointsReason
    refuse: Callable[[str], Exception]

    def fact(self, item_id: int, voter_id: int) -> str:
        return f"{self.noun}_helpful:{item_id}:{voter_id}"


def someone_elses(
    session: Session,
    model: Any,
    item_id: int,
    actor_id: int,
    *,
    refuse: Callable[[str], Exception],
    noun: str,
    own: str,
) -> Any:
    """The row `item_id` of `model`, refused when it is gone or `actor_id` wrote it (`own`
    says what they can't do with their own)."""
    item = session.get(model, item_id)
    if item is None:
        raise refuse(f"That {noun} is gone.")
    if item.author_id == actor_id:
        raise refuse(f"You can't {own} your own {noun}.")
    return item


def mark(
    ctx: Context,
    session: Session,
    kind: Helpful,
    actor_id: int,
    item_id: int,
    address: str | None = None,
) -> Any:
    """Mark the piece helpful in the caller's transaction; returns the piece. Refused (the
    caller's transaction rolls back) when the person or their address marks too fast."""
    item = someone_elses(
        session, kind.written, item_id, actor_id, refuse=kind.refuse, noun=kind.noun, own="vote on"
    )
    stamp(
        session,
        actor_id,
        "vote",
        limit=VOTES_PER_MINUTE,
        window=timedelta(minutes=1),
        now=ctx.now(),
        refuse=kind.refuse,
    )
    try:
        with session.begin_nested():
            session.add(kind.vote(**{f"{kind.noun}_id": item_id, "user_id": actor_id}))
    except IntegrityError:
        raise kind.refuse(f"You already found this {kind.noun} helpful.") from None
    # An atomic increment: two voters at once both count.
    session.exec(
        update(kind.written)
        .where(col(kind.written.id) == item_id)
        .values(helpful=kind.written.helpful + 1)
    )
    # Points for helping others: for the mark, never for what the writing rates.
    award(
        session,
        item.author_id,
        kind.reason,
        kind.fact(item_id, actor_id),
        as_utc(ctx.now()),
        by_user=actor_id,
    )
    spend(ctx, kind.refuse, (HELPFUL_PER_ADDRESS, address))
    return item


def unmark(
    ctx: Context,
    session: Session,
    kind: Helpful,
    actor_id: int,
    item_id: int,
    address: str | None = None,
) -> Any:
    """Take the actor's mark back in the caller's transaction; the author's points for it are
    reversed (a negative ledger entry). Returns the piece; refused when the person or their
    address does it too fast."""
    item = session.get(kind.written, item_id)
    if item is None:
        raise kind.refuse(f"That {kind.noun} is gone.")
    gone = session.exec(
        delete(kind.vote).where(
            col(getattr(kind.vote, f"{kind.noun}_id")) == item_id,
            col(kind.vote.user_id) == actor_id,
        )
    )
    if gone.rowcount != 1:
        raise kind.refuse(f"You haven't marked this {kind.noun} helpful.")
    session.exec(
        update(kind.written)
        .where(col(kind.written.id) == item_id, col(kind.written.helpful) > 0)
        .values(helpful=kind.written.helpful - 1)
    )
    reverse(session, item.author_id, kind.reason, kind.fact(item_id, actor_id), as_utc(ctx.now()))
    spend(ctx, kind.refuse, (UNMARKS_PER_PERSON, actor_id), (HELPFUL_PER_ADDRESS, address))
    return item
