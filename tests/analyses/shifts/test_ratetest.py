"""Before/after rate tests with hand-computed answers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ioscope.analyses.shifts.ratetest import rate_ratio_test, share_test


def test_doubling_rate_gives_ratio_two():
    # 14 days of 2 posts then 14 days of 4: the rate ratio is exactly 4/2 = 2, with no residual
    # variance the dispersion floor (1) applies.
    y = np.r_[np.full(14, 2), np.full(14, 4)]
    after = np.r_[np.zeros(14, bool), np.ones(14, bool)]
    res = rate_ratio_test(y, after, np.arange(28) % 7)
    assert res.rate_ratio == pytest.approx(2.0, rel=1e-6)
    assert res.dispersion == pytest.approx(1.0)
    assert res.ci_low < 2.0 < res.ci_high
    # Wald t: log(2) / sqrt(1/28 + 1/56) (28 posts before, 56 after) on 28 - 8 = 20 degrees of
    # freedom (intercept, after, 6 weekday terms).
    t = np.log(2) / np.sqrt(1 / 28 + 1 / 56)
    assert res.p_up == pytest.approx(stats.t.sf(t, 20), rel=1e-6)
    assert res.p_value == pytest.approx(2 * stats.t.sf(t, 20), rel=1e-6)
    assert "weekday" in res.method


def test_weekday_cycle_is_not_a_change():
    # The same weekly pattern before and after (weekends 0, weekdays 5): rate ratio 1.
    week = np.array([5, 5, 5, 5, 5, 0, 0])
    y = np.tile(week, 4)
    after = np.arange(28) >= 14
    res = rate_ratio_test(y, after, np.arange(28) % 7)
    assert res.rate_ratio == pytest.approx(1.0, abs=1e-6)
    assert res.p_value == pytest.approx(1.0, abs=1e-6)


def test_all_zero_after_uses_the_exact_test():
    # 10 posts in 14 days before, none in 14 days after. Given 10 posts and equal exposure, the
    # after-count is Binomial(10, 1/2): P(0) = 1/1024, two-sided p = 2/1024 = 0.001953125.
    y = np.r_[np.ones(10), np.zeros(4), np.zeros(14)]
    res = rate_ratio_test(y, np.arange(28) >= 14)
    assert res.p_value == pytest.approx(2 / 1024)
    assert res.p_down == pytest.approx(1 / 1024)
    # Haldane-corrected ratio: (0.5/14) / (10.5/14) = 1/21.
    assert res.rate_ratio == pytest.approx(1 / 21)
    assert res.method.startswith("exact")


def test_share_test():
    # Covert 1 of 10 before, 9 of 10 after: odds ratio (9*9)/(1*1) = 81; Fisher one-sided p is the
    # hypergeometric tail P(X >= 9) with 10 covert among 20, 10 drawn: (C(10,9)C(10,1)+1)/C(20,10)
    # = 101/184756.
    odds, p = share_test(1, 9, 9, 1)
    assert odds == pytest.approx(81)
    assert p == pytest.approx(101 / 184756)
