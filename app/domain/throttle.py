"""Sliding-window write limits as pure functions: chat sends, reviews, questions, answers, votes.

A window is the times of one person's recent allowed writes of one kind, stored as text in one
row that writers move by compare-and-set (see app/services/rate_limits.py), so the check and the
spend are one step on any database and concurrent writers cannot both take the last slot.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottleDecision:
    allowed: bool
    stamps: tuple[float, ...]  # what to store when allowed (the kept window plus now)
    retry_after: float  # seconds until a send would be allowed (0 when allowed)


def throttle(stamps: tuple[float, ...], now: float, limit: int, period: float) -> ThrottleDecision:
    """Sliding-window limit: at most `limit` sends in any `period` seconds.

    `stamps` are the times of earlier allowed sends (any order, old ones are ignored). Stamps
    after `now` (another process's clock, storage rounding) count as recent."""
    recent = tuple(sorted(t for t in stamps if now - period < t))
    if limit <= 0 or period <= 0:
        return ThrottleDecision(True, (), 0.0)
    if len(recent) >= limit:
        oldest_that_counts = recent[len(recent) - limit]
        return ThrottleDecision(False, recent, max(oldest_that_counts + period - now, 0.001))
    return ThrottleDecision(True, (*recent, now)[-limit:], 0.0)


def parse_stamps(stored: str) -> tuple[float, ...]:
    out = []
    for part in (stored or "").split(","):
        try:
            out.append(float(part))
        except ValueError:
            continue
    return tuple(out)


def format_stamps(stamps: tuple[float, ...]) -> str:
    return ",".join(f"{t:.3f}" for t in stamps)


def seconds_text(seconds: float) -> str:
    """A wait as people say it: "5 seconds", "3 minutes", "1 hour"."""
    whole = max(1, int(seconds + 0.999))
    if whole < 60:
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = (whole + 59) // 60
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = (minutes + 59) // 60
    return f"{hours} hour{'s' if hours != 1 else ''}"


@dataclass(frozen=True)
class Rate:
    """At most `limit` of one kind of attempt per `seconds`, per key (a person, an address)."""

    name: str
    limit: int
    seconds: int

    def refusal(self, retry_after: float) -> str:
        return f"That's a lot in a short time. Please try again in {seconds_text(retry_after)}."
