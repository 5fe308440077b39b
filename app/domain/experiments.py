"""Experiments and feature flags: who sees which arm, and what the numbers say.

A flag is off (everyone sees the control), on (everyone sees the treatment) or split. In a split,
`traffic` % of visitors take part and `percent` % of those see the treatment. Two independent
hashes decide: one with the experiment's seed (in or out), one with its variant seed (which
arm), so changing the treatment share never reshuffles who takes part, and two experiments with
different seeds bucket independently. A visitor id is stable (the anonymous id a browser keeps,
carried over to the account at sign-in), so a shopper keeps their arm.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Mode(StrEnum):
    OFF = "off"
    ON = "on"
    SPLIT = "split"


@dataclass(frozen=True)
class FlagDefinition:
    """A flag the code reads: its key, and the value of each arm."""

    key: str
    label: str
    control: str
    treatment: str
    description: str = ""
    conversion_kind: str = "deal.joined"

    @property
    def variants(self) -> tuple[str, str]:
        return (self.control, self.treatment)


DEAL_CARD_LAYOUT = FlagDefinition(
    key="deal-card-layout",
    label="Deal card layout",
    control="classic",
    treatment="compact",
    description="The classic tile (picture on top) against a compact row with the price first.",
)
FLAGS: dict[str, FlagDefinition] = {DEAL_CARD_LAYOUT.key: DEAL_CARD_LAYOUT}


@dataclass(frozen=True)
class Rule:
    """The settings of one flag (stored; edited in the console)."""

    mode: Mode = Mode.OFF
    traffic: int = 100  # % of visitors taking part in a split
    percent: int = 50  # % of participants who see the treatment
    seed: str = ""
    variant_seed: str = ""


@dataclass(frozen=True)
class Assignment:
    variant: str
    in_experiment: bool  # True only in a split, for participants: those count as exposures


def bucket(seed: str, visitor_id: str) -> float:
    """A number in [0, 1) that depends only on the seed and the visitor id (SHA-256)."""
    digest = hashlib.sha256(f"{seed}:{visitor_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign(flag: FlagDefinition, rule: Rule, visitor_id: str) -> Assignment:
    """The arm `visitor_id` sees of `flag` under `rule`."""
    if rule.mode == Mode.ON:
        return Assignment(flag.treatment, False)
    if rule.mode != Mode.SPLIT or not visitor_id:
        return Assignment(flag.control, False)
    if bucket(rule.seed, visitor_id) >= rule.traffic / 100:
        return Assignment(flag.control, False)
    treated = bucket(rule.variant_seed, visitor_id) < rule.percent / 100
    return Assignment(flag.treatment if treated else flag.control, True)


# --- statistics -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Treatment against control: the z statistic of the two-proportion test, its two-sided
    p-value and the confidence that the rates differ (1 - p)."""

    z: float
    p_value: float

    @property
    def confidence(self) -> float:
        return 1.0 - self.p_value


def two_proportion_test(
    conversions_a: int, exposures_a: int, conversions_b: int, exposures_b: int
) -> Comparison | None:
    """Pooled two-proportion z-test; None without data in both arms or with no variance."""
    if exposures_a <= 0 or exposures_b <= 0:
        return None
    pooled = (conversions_a + conversions_b) / (exposures_a + exposures_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / exposures_a + 1 / exposures_b))
    if spread == 0:
        return None
    z = (conversions_b / exposures_b - conversions_a / exposures_a) / spread
    return Comparison(z, math.erfc(abs(z) / math.sqrt(2)))


def _lower_gamma_series(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x) by its power series (x < a + 1)."""
    term = total = 1.0 / a
    n = a
    for _ in range(1000):
        n += 1
        term *= x / n
        total += term
        if abs(term) < abs(total) * 1e-15:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _upper_gamma_fraction(a: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(a, x) by its continued fraction (x >= a + 1),
    evaluated with the modified Lentz method."""
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        step = d * c
        h *= step
        if abs(step - 1) < 1e-15:
            break
    return h * math.exp(-x + a * math.log(x) - math.lgamma(a))


def chi_square_sf(statistic: float, df: int) -> float:
    """P(X >= statistic) for X ~ chi-square with `df` degrees of freedom."""
    if statistic <= 0:
        return 1.0
    a, x = df / 2, statistic / 2
    if x < a + 1:
        return max(0.0, 1.0 - _lower_gamma_series(a, x))
    return _upper_gamma_fraction(a, x)


SRM_THRESHOLD = 0.001


@dataclass(frozen=True)
class RatioCheck:
    """Sample ratio mismatch: do the arms' sizes fit the split they were given?"""

    statistic: float
    p_value: float

    @property
    def mismatch(self) -> bool:
        return self.p_value < SRM_THRESHOLD


def sample_ratio_check(observed: Sequence[int], shares: Sequence[float]) -> RatioCheck | None:
    """Pearson's chi-square goodness of fit of the arm sizes to the intended shares; None
    with no visitors or an arm meant to be empty."""
    total = sum(observed)
    if total == 0 or len(observed) != len(shares) or len(observed) < 2:
        return None
    expected = [total * share for share in shares]
    if any(e <= 0 for e in expected):
        return None
    statistic = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    return RatioCheck(statistic, chi_square_sf(statistic, len(observed) - 1))
