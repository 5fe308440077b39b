"""Voting on candidates: one vote each, withdrawn while voting is open; the vote that reaches
the threshold turns the candidate into a group-buy deal, in the same transaction.

Correct under races on SQLite and PostgreSQL without row locks: the vote count moves by a
conditional UPDATE (only while the candidate is open and before its date), one vote per shopper
is the primary key, and only the transaction whose UPDATE moves the candidate from "open" to
"deal" opens the deal, so two votes at the threshold make exactly one deal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from app.adapters.db.cart_statements import insert_ignoring_conflicts
from app.adapters.db.models_rewards import Candidate, CandidateVote, DealEarlyAccess
from app.domain.be_the_buyer import (
    DEAL_LENGTH,
    VOTES_PER_MINUTE,
    CandidateStatus,
    reaches_threshold,
    vote_refusal,
    withdraw_refusal,
)
from app.domain.clock import as_utc
from app.domain.early_access import VOTER_HEAD_START, when_text
from app.domain.group_buy import DealTerms, PriceTier
from app.domain.throttle import Rate
from app.routes import deal_url
from app.services.allowances import spend
from app.services.candidates.records import changed
from app.services.console.products import add_product_in
from app.services.context import Context
from app.services.deals import open_deal_in
from app.services.notifications import NotificationKind, notify
from app.services.rate_limits import stamp
from app.services.unit_of_work import UnitOfWork

NO_SYNC = {"synchronize_session": False}
# A person votes VOTES_PER_MINUTE (the database window) and takes back as many; an address,
# votes and take-backs together, five people's worth: a household voting together fits, a
# script pushing a candidate over its threshold with many accounts does not.
WITHDRAWALS_PER_PERSON = Rate("candidate.withdraw.person", limit=VOTES_PER_MINUTE, seconds=60)
VOTES_PER_ADDRESS = Rate("candidate.vote.address", limit=5 * 2 * VOTES_PER_MINUTE, seconds=60)


class VoteRefused(ValueError):
    """A vote or withdrawal we refuse; the message is fit to show the shopper. Nothing changed."""


@dataclass(frozen=True)
class VoteResult:
    votes: int
    deal_id: int | None  # set when this vote made the candidate a deal


def _candidate(session: Session, candidate_id: int) -> Candidate:
    found = session.get(Candidate, candidate_id)
    if found is None:
        raise VoteRefused("That candidate is gone.")
    return found


def _has_voted(session: Session, candidate_id: int, user_id: int) -> bool:
    return session.get(CandidateVote, (candidate_id, user_id)) is not None


def _count(
    session: Session,
    actor_id: int,
    candidate_id: int,
    now: datetime,
    step: int,
    refusal: Callable[[str, datetime, bool], str | None],
    *,
    closed: str,
) -> tuple[int, int]:
    """Check a vote (`step` +1) or its withdrawal (-1) against the candidate, then move its
    count while it is open, never below zero. The new count and the threshold; VoteRefused
    with `closed` when it closed or became a deal a moment ago."""
    found = _candidate(session, candidate_id)
    refused = refusal(
        found.status, as_utc(found.closes_at), _has_voted(session, candidate_id, actor_id)
    )
    if refused:
        raise VoteRefused(refused)
    row = session.exec(
        update(Candidate)
        .where(
            col(Candidate.id) == candidate_id,
            col(Candidate.status) == CandidateStatus.OPEN,
            col(Candidate.closes_at) > now,
            col(Candidate.votes) + step >= 0,
        )
        .values(votes=col(Candidate.votes) + step, version=col(Candidate.version) + 1)
        .returning(col(Candidate.votes), col(Candidate.threshold)),
        execution_options=NO_SYNC,
    ).first()
    if row is None:
        raise VoteRefused(closed)
    return int(row[0]), int(row[1])


def vote(ctx: Context, actor_id: int, candidate_id: int, address: str | None = None) -> VoteResult:
    """Vote for a candidate. VoteRefused when it is closed, already a deal, already voted for
    or the shopper (or their address) votes too fast; nothing changes then. The vote that
    reaches the threshold opens the deal and tells every voter they may join first for 24
    hours."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        votes, threshold = _count(
            session,
            actor_id,
            candidate_id,
            now,
            +1,
            lambda status, closes_at, voted: vote_refusal(
                status, closes_at, now, already_voted=voted
            ),
            closed="Voting on this one has closed.",
        )
        stamp(
            session,
            actor_id,
            "candidate_vote",
            limit=VOTES_PER_MINUTE,
            window=timedelta(minutes=1),
            now=now,
            refuse=VoteRefused,
        )
        added = insert_ignoring_conflicts(
            session,
            CandidateVote,
            {"candidate_id": candidate_id, "user_id": actor_id, "created_at": now},
        )
        if not added:  # a double click's twin got there first: roll the count back too
            raise VoteRefused("You already voted for this one.")
        spend(ctx, VoteRefused, (VOTES_PER_ADDRESS, address))
        deal_id = None
        if reaches_threshold(votes, threshold):
            deal_id = _become_deal(uow, candidate_id, now)
        uow.record(changed(candidate_id, actor_id))
        return VoteResult(votes, deal_id)


def withdraw_vote(
    ctx: Context, actor_id: int, candidate_id: int, address: str | None = None
) -> int:
    """Take one's vote back while voting is open. Returns the new count; VoteRefused (nothing
    changed) when voting closed, the shopper had not voted or they (or their address) take
    votes back too fast."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        votes, _ = _count(
            session,
            actor_id,
            candidate_id,
            now,
            -1,
            lambda status, closes_at, voted: withdraw_refusal(status, closes_at, now, voted=voted),
            closed="Voting has closed, so votes stay as they are.",
        )
        gone = session.exec(
            delete(CandidateVote).where(
                col(CandidateVote.candidate_id) == candidate_id,
                col(CandidateVote.user_id) == actor_id,
            ),
            execution_options=NO_SYNC,
        )
        if gone.rowcount != 1:  # withdrawn a moment ago by a twin request
            raise VoteRefused("You haven't voted for this one.")
        spend(ctx, VoteRefused, (WITHDRAWALS_PER_PERSON, actor_id), (VOTES_PER_ADDRESS, address))
        uow.record(changed(candidate_id, actor_id))
        return votes


def _become_deal(uow: UnitOfWork, candidate_id: int, now: datetime) -> int | None:
    """Turn the candidate into a deal at its target price, once: the transaction whose UPDATE
    moves it out of "open" does it. Voters may join for 24 hours before everyone else."""
    session = uow.session
    won = session.exec(
        update(Candidate)
        .where(col(Candidate.id) == candidate_id, col(Candidate.status) == CandidateStatus.OPEN)
        .values(status=CandidateStatus.DEAL.value, decided_at=now)
        .returning(col(Candidate.id)),
        execution_options=NO_SYNC,
    ).first()
    if won is None:
        return None
    found = _candidate(session, candidate_id)
    session.refresh(found)  # the conditional UPDATEs above bypassed the identity map
    product_id = found.product_id or add_product_in(
        uow,
        found.created_by,
        title=found.title,
        description=found.description,
        price_amount=found.target_price,
        currency=found.currency,
        stock=found.threshold * 2,  # room for every voter and as many others; the host edits it
        category_id=found.category_id,
        image_url=found.image_url,
    )
    terms = DealTerms(
        tiers=(PriceTier(1, found.target_price),),
        currency=found.currency,
        min_to_unlock=found.threshold,
        max_participants=None,
        starts_at=now,
        deadline=now + DEAL_LENGTH,
    )
    deal_id = open_deal_in(uow, found.created_by, product_id, terms, now)
    session.exec(
        update(Candidate)
        .where(col(Candidate.id) == candidate_id)
        .values(product_id=product_id, deal_id=deal_id),
        execution_options=NO_SYNC,
    )
    public_from = now + VOTER_HEAD_START
    session.add(
        DealEarlyAccess(deal_id=deal_id, candidate_id=candidate_id, public_from=public_from)
    )
    voters = session.exec(
        select(CandidateVote.user_id).where(col(CandidateVote.candidate_id) == candidate_id)
    ).all()
    for voter in voters:
        notify(
            uow,
            int(voter),
            NotificationKind.VOTED_DEAL,
            f"{found.title} is now a group deal: you get first dibs",
            body=(
                "You voted for it, so you may join for 24 hours before everyone else "
                f"(it opens to all on {when_text(public_from)})."
            ),
            link=str(deal_url(deal_id)),
            ref=f"voted_deal:{candidate_id}",
        )
    return deal_id
