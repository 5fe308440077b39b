"""Be the buyer: shoppers vote on candidate products; enough votes make a group-buy deal.

Pure rules over plain values (standard library only): what a valid candidate is, who may vote or
withdraw and when, when a candidate becomes a deal and when it closes as "not this time".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

TITLE_MAX = 120
DESCRIPTION_MAX = 2000
THRESHOLD_MAX = 10_000
PRICE_MAX = 10_000_000  # minor units
LONGEST_VOTE = timedelta(days=90)
DEAL_LENGTH = timedelta(days=3)  # a voted-for deal runs this long (within the card-hold limit)
VOTES_PER_MINUTE = 20


class CandidateStatus(StrEnum):
    OPEN = "open"  # taking votes
    DEAL = "deal"  # reached its threshold: now a group-buy deal
    NOT_THIS_TIME = "not_this_time"  # closed below its threshold


STATUS_LABELS = {
    CandidateStatus.OPEN: "Voting",
    CandidateStatus.DEAL: "Now a deal",
    CandidateStatus.NOT_THIS_TIME: "Not this time",
}


@dataclass(frozen=True)
class CandidateDraft:
    title: str
    description: str
    target_price: int
    threshold: int
    closes_at: datetime


def validate_candidate(draft: CandidateDraft, now: datetime) -> dict[str, str]:
    """{field: message} for everything wrong with a candidate, empty when it may be posted."""
    errors: dict[str, str] = {}
    if not draft.title.strip():
        errors["title"] = "Give the product a name."
    elif len(draft.title) > TITLE_MAX:
        errors["title"] = f"Keep the name within {TITLE_MAX} characters."
    if len(draft.description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep the description within {DESCRIPTION_MAX} characters."
    if not 0 < draft.target_price <= PRICE_MAX:
        errors["target_price"] = "The target price must be above zero."
    if not 1 <= draft.threshold <= THRESHOLD_MAX:
        errors["threshold"] = f"The vote threshold must be between 1 and {THRESHOLD_MAX}."
    if draft.closes_at <= now:
        errors["closes_at"] = "The closing date must be in the future."
    elif draft.closes_at - now > LONGEST_VOTE:
        errors["closes_at"] = "Voting can stay open for at most 90 days."
    return errors


def vote_refusal(
    status: str, closes_at: datetime, now: datetime, *, already_voted: bool
) -> str | None:
    """None if the shopper may vote now, else why not."""
    closed = _closed(status, closes_at, now)
    if closed:
        return closed
    if already_voted:
        return "You already voted for this one."
    return None


def withdraw_refusal(status: str, closes_at: datetime, now: datetime, *, voted: bool) -> str | None:
    """None if the shopper may take their vote back now, else why not."""
    closed = _closed(status, closes_at, now)
    if closed:
        return "Voting has closed, so votes stay as they are."
    if not voted:
        return "You haven't voted for this one."
    return None


def _closed(status: str, closes_at: datetime, now: datetime) -> str | None:
    if status == CandidateStatus.DEAL:
        return "Voting is over: this one is already a deal."
    if status == CandidateStatus.NOT_THIS_TIME or now >= closes_at:
        return "Voting on this one has closed."
    return None


def reaches_threshold(votes: int, threshold: int) -> bool:
    """A candidate becomes a deal the moment its votes reach the threshold."""
    return votes >= threshold >= 1


def misses_its_date(
    status: str, votes: int, threshold: int, closes_at: datetime, now: datetime
) -> bool:
    """Still open at its closing date without enough votes: it closes as "not this time"."""
    return (
        status == CandidateStatus.OPEN
        and now >= closes_at
        and not reaches_threshold(votes, threshold)
    )
