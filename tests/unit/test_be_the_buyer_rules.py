"""Be the buyer: candidate validation, who may vote, vote-to-deal, "not this time", and the one
early-access rule shared by voters and VIPs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.be_the_buyer import (
    CandidateDraft,
    CandidateStatus,
    misses_its_date,
    reaches_threshold,
    validate_candidate,
    vote_refusal,
    withdraw_refusal,
)
from app.domain.early_access import (
    VIP_HEAD_START,
    early_access_refusal,
    opens_for,
    window_for,
)

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
LATER = NOW + timedelta(days=3)


def test_a_good_candidate_has_no_errors_and_a_bad_one_names_every_field() -> None:
    good = CandidateDraft("Pour-over kettle", "Gooseneck", 4500, 20, LATER)
    assert validate_candidate(good, NOW) == {}
    bad = CandidateDraft(" ", "", 0, 0, NOW - timedelta(minutes=1))
    assert set(validate_candidate(bad, NOW)) == {"title", "target_price", "threshold", "closes_at"}


def test_voting_twice_or_after_closing_is_refused_with_a_message() -> None:
    open_ = CandidateStatus.OPEN.value
    assert vote_refusal(open_, LATER, NOW, already_voted=False) is None
    assert vote_refusal(open_, LATER, NOW, already_voted=True) == "You already voted for this one."
    assert "closed" in (vote_refusal(open_, NOW, NOW, already_voted=False) or "")
    assert "deal" in (vote_refusal("deal", LATER, NOW, already_voted=False) or "")
    assert "closed" in (vote_refusal("not_this_time", LATER, NOW, already_voted=False) or "")


def test_withdrawing_needs_a_vote_and_an_open_candidate() -> None:
    assert withdraw_refusal("open", LATER, NOW, voted=True) is None
    assert withdraw_refusal("open", LATER, NOW, voted=False) == "You haven't voted for this one."
    assert withdraw_refusal("deal", LATER, NOW, voted=True) is not None


@given(st.integers(0, 500), st.integers(1, 500))
def test_a_candidate_becomes_a_deal_exactly_when_votes_reach_the_threshold(
    votes: int, threshold: int
) -> None:
    assert reaches_threshold(votes, threshold) == (votes >= threshold)
    assert misses_its_date("open", votes, threshold, NOW, NOW) == (votes < threshold)
    assert not misses_its_date("open", votes, threshold, LATER, NOW)
    assert not misses_its_date("deal", votes, threshold, NOW, NOW)


def test_a_voted_deal_opens_to_voters_first_and_says_when_it_opens_to_everyone() -> None:
    window = window_for(NOW, NOW + timedelta(hours=24))
    assert early_access_refusal(window, NOW, has_early_access=True, voted_deal=True) is None
    refusal = early_access_refusal(window, NOW, has_early_access=False, voted_deal=True)
    assert refusal is not None and "Dec 6 at 12:00 UTC" in refusal
    after = NOW + timedelta(hours=24)
    assert early_access_refusal(window, after, has_early_access=False, voted_deal=True) is None


def test_vips_may_join_a_scheduled_deal_a_day_before_the_public() -> None:
    starts = NOW + timedelta(hours=10)
    window = window_for(starts, None)
    assert opens_for(window, True) == starts - VIP_HEAD_START
    assert opens_for(window, False) == starts
    # Before the start, a non-VIP hears the deal rules' "not started", not an early-access note.
    assert early_access_refusal(window, NOW, has_early_access=False, voted_deal=False) is None
