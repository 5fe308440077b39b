"""Be the buyer: the shop puts candidate products to the vote; enough votes make a deal.

- posting.py  hosts and admins post a candidate (console)
- voting.py   vote and withdraw; the vote at the threshold opens the deal (voters first)
- closing.py  due work: candidates that missed their date close as "not this time"
- reading.py  the vote page, its live counts, the console's list
"""

from app.services.candidates.closing import close_missed_candidates
from app.services.candidates.posting import CandidateFormError, post_candidate
from app.services.candidates.reading import (
    CandidateCounts,
    CandidateView,
    ConsoleCandidates,
    VotePage,
    candidate_counts,
    console_candidates,
    vote_page,
)
from app.services.candidates.voting import VoteRefused, VoteResult, vote, withdraw_vote

__all__ = [
    "CandidateCounts",
    "CandidateFormError",
    "CandidateView",
    "ConsoleCandidates",
    "VotePage",
    "VoteRefused",
    "VoteResult",
    "candidate_counts",
    "close_missed_candidates",
    "console_candidates",
    "post_candidate",
    "vote",
    "vote_page",
    "withdraw_vote",
]
