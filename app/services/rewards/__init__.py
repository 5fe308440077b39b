"""Rewards: points for helping others through an append-only ledger, VIP levels, badges.

- ledger.py     append awards and reversals (inside the caller's transaction), balances, levels
- badges.py     the domain's badge table, counted per metric (`register_metric` to add one)
- referrals.py  a friend joined a deal through your link
- reading.py    the rewards page and the profile's summary
"""

from app.services.rewards.badges import badges_of, badges_of_users, register_metric
from app.services.rewards.reading import BadgeProgress, LedgerLine, RewardsView, rewards_page
from app.services.rewards.referrals import credit_referral

__all__ = [
    "BadgeProgress",
    "LedgerLine",
    "RewardsView",
    "badges_of",
    "badges_of_users",
    "credit_referral",
    "register_metric",
    "rewards_page",
]
