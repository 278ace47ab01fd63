"""Change points on synthetic count series with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from ioscope.analyses.shifts.changepoints import anscombe, bic_penalty, detect
from ioscope.errors import AnalysisError


def test_planted_step_found_at_its_index():
    # 54 days at ~9 posts/day then 36 days at ~0.4: the demo's N1-overt shape. The change is planted at
    # index 54 (the first day of the new level), so the detected index must be 54 (+-1).
    rng = np.random.default_rng(1)
    x = np.r_[rng.poisson(9, 54), rng.poisson(0.4, 36)]
    found = detect(x)
    assert len(found) == 1
    cp = found[0]
    assert abs(cp.index - 54) <= 1
    assert cp.level_before > 7 and cp.level_after < 1
    assert cp.p_value <= 0.01  # 999 permutations: the smallest possible p is 0.001
    assert cp.index_low <= cp.index <= cp.index_high


def test_no_change_in_stationary_counts():
    # Poisson(10) for 90 days has no change: nothing should survive the BIC penalty.
    for seed in range(5):
        x = np.random.default_rng(seed).poisson(10, 90)
        assert [cp for cp in detect(x) if cp.p_value <= 0.05] == []


def test_short_or_constant_series_have_no_change_point():
    assert detect(np.array([1, 2, 3])) == []
    assert detect(np.full(60, 4)) == []


def test_results_are_reproducible_with_the_seed():
    x = np.r_[np.full(20, 2), np.full(20, 8)] + np.random.default_rng(3).poisson(1, 40)
    assert detect(x, seed=7) == detect(x, seed=7)


def test_binseg_agrees_on_a_clear_step():
    x = np.r_[np.full(30, 1), np.full(30, 12)]
    assert [cp.index for cp in detect(x, method="binseg")] == [30]


def test_anscombe_and_penalty():
    # 2*sqrt(0 + 3/8) = 1.2247...
    assert anscombe(np.array([0]))[0] == pytest.approx(2 * np.sqrt(0.375))
    # y alternating 0/1 (20 values): 19 differences, ten +1 and nine -1, so median(d) = 1 and the MAD
    # is 0 -> the fallback sigma = std(d)/sqrt(2), and the penalty 2 * sigma**2 * log(20) =
    # var(d) * log(20), var(d) = 1 - (1/19)**2.
    y = np.tile([0.0, 1.0], 10)
    assert bic_penalty(y) == pytest.approx((1 - (1 / 19) ** 2) * np.log(20))


def test_bad_parameters():
    x = np.r_[np.full(30, 1), np.full(30, 12)]
    with pytest.raises(AnalysisError, match="method"):
        detect(x, method="pelt")
    with pytest.raises(AnalysisError, match="penalty"):
        detect(x, penalty=-1)
