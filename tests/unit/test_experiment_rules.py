"""Bucketing (stable, uniform, independent across experiments), the two-proportion z-test and
the sample-ratio-mismatch check."""

from __future__ import annotations

import math
import uuid
from collections import Counter

import pytest

from app.domain.experiments import (
    DEAL_CARD_LAYOUT,
    Mode,
    Rule,
    assign,
    bucket,
    chi_square_sf,
    sample_ratio_check,
    two_proportion_test,
)

IDS = [uuid.UUID(int=i * 7919 + 13).hex for i in range(100_000)]
SPLIT = Rule(Mode.SPLIT, traffic=100, percent=50, seed="exp-a", variant_seed="arm-a")


def test_the_same_visitor_always_gets_the_same_arm() -> None:
    first = [assign(DEAL_CARD_LAYOUT, SPLIT, v).variant for v in IDS[:1000]]
    again = [assign(DEAL_CARD_LAYOUT, SPLIT, v).variant for v in IDS[:1000]]
    assert first == again
    assert bucket("s", "visitor-1") == bucket("s", "visitor-1")


def test_buckets_are_uniform_within_one_percent_over_100000_ids() -> None:
    deciles = Counter(int(bucket("exp-a", v) * 10) for v in IDS)
    for decile in range(10):
        assert abs(deciles[decile] / len(IDS) - 0.1) < 0.01
    treated = sum(assign(DEAL_CARD_LAYOUT, SPLIT, v).variant == "compact" for v in IDS)
    assert abs(treated / len(IDS) - 0.5) < 0.01
    twenty = Rule(Mode.SPLIT, 100, 20, "exp-a", "arm-a")
    treated = sum(assign(DEAL_CARD_LAYOUT, twenty, v).variant == "compact" for v in IDS)
    assert abs(treated / len(IDS) - 0.2) < 0.01


def test_two_experiments_bucket_independently() -> None:
    other = Rule(Mode.SPLIT, 100, 50, "exp-b", "arm-b")
    pairs = Counter(
        (assign(DEAL_CARD_LAYOUT, SPLIT, v).variant, assign(DEAL_CARD_LAYOUT, other, v).variant)
        for v in IDS
    )
    for cell in pairs.values():  # each of the four combinations holds a quarter
        assert abs(cell / len(IDS) - 0.25) < 0.01


def test_traffic_and_arm_use_separate_seeds() -> None:
    half_traffic = Rule(Mode.SPLIT, 50, 50, "exp-a", "arm-a")
    taking_part = [v for v in IDS if assign(DEAL_CARD_LAYOUT, half_traffic, v).in_experiment]
    assert abs(len(taking_part) / len(IDS) - 0.5) < 0.01
    treated = sum(
        assign(DEAL_CARD_LAYOUT, half_traffic, v).variant == "compact" for v in taking_part
    )
    assert abs(treated / len(taking_part) - 0.5) < 0.01
    # Raising the treatment share keeps everyone who was treated treated.
    more = Rule(Mode.SPLIT, 50, 80, "exp-a", "arm-a")
    was = {v for v in taking_part if assign(DEAL_CARD_LAYOUT, half_traffic, v).variant == "compact"}
    assert all(assign(DEAL_CARD_LAYOUT, more, v).variant == "compact" for v in was)


def test_on_and_off_give_everyone_one_arm_and_are_not_exposures() -> None:
    on = assign(DEAL_CARD_LAYOUT, Rule(Mode.ON), "v1")
    off = assign(DEAL_CARD_LAYOUT, Rule(Mode.OFF), "v1")
    assert (on.variant, on.in_experiment) == ("compact", False)
    assert (off.variant, off.in_experiment) == ("classic", False)


def test_two_proportion_z_test_matches_the_textbook_value() -> None:
    result = two_proportion_test(100, 1000, 130, 1000)
    assert result is not None
    assert result.z == pytest.approx(2.1027, abs=1e-3)
    assert result.p_value == pytest.approx(0.0355, abs=1e-3)
    assert result.confidence == pytest.approx(0.9645, abs=1e-3)
    assert two_proportion_test(0, 0, 3, 10) is None


@pytest.mark.parametrize(
    ("statistic", "df", "p"),
    [(3.841459, 1, 0.05), (10.827566, 1, 0.001), (5.991465, 2, 0.05), (7.814728, 3, 0.05),
     (16.266236, 3, 0.001), (0.5, 4, 0.973501), (30.0, 10, 0.000857)],
)  # fmt: skip
def test_chi_square_tail_matches_tables(statistic: float, df: int, p: float) -> None:
    assert chi_square_sf(statistic, df) == pytest.approx(p, rel=1e-3)
    if df == 1:
        assert chi_square_sf(statistic, 1) == pytest.approx(math.erfc(math.sqrt(statistic / 2)))


def test_a_fair_split_raises_no_sample_ratio_warning() -> None:
    check = sample_ratio_check([5030, 4970], [0.5, 0.5])
    assert check is not None and not check.mismatch


def test_a_lopsided_split_is_flagged_below_p_0_001() -> None:
    check = sample_ratio_check([5200, 4800], [0.5, 0.5])
    assert check is not None
    assert check.statistic == pytest.approx(16.0)
    assert check.p_value < 0.001 and check.mismatch
    three = sample_ratio_check([3000, 3000, 3600], [1 / 3, 1 / 3, 1 / 3])
    assert three is not None and three.mismatch
    assert sample_ratio_check([0, 0], [0.5, 0.5]) is None
