"""Before/after tests on daily counts: a quasi-Poisson rate ratio with weekday adjustment, and a test
of a share (covert share of a narrative) before and after.

* :func:`rate_ratio_test` fits the log-linear model ``log E[count_d] = b0 + b1 * after_d +
  weekday_d`` (one indicator per weekday present, Monday the reference when present) by iteratively
  reweighted least squares (McCullagh & Nelder 1989, ch. 6), estimates the dispersion from the Pearson
  statistic ``phi = max(1, X2 / (n - p))`` (quasi-Poisson: overdispersed counts widen the interval,
  never narrow it) and reports ``rate_ratio = exp(b1)`` with a Wald t interval and two-sided p-value on
  ``n - p`` degrees of freedom. When one side of the window has no post at all the model has no finite
  estimate; the test falls back to the exact conditional test (given the total, the after-count is
  binomial with the after share of days; Przyborowski & Wilenski 1940), without weekday adjustment,
  and the rate ratio is computed with 0.5 added to both counts.
* :func:`share_test`: Fisher's exact test on the 2x2 table (covert, overt) x (before, after), one-sided
  for a rise of the covert share, with the odds ratio.

Written with numpy and scipy rather than statsmodels: the model is one small GLM, and the IRLS loop is
twenty lines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RateTest:
    """Result of :func:`rate_ratio_test`: ``rate_ratio`` (after / before, weekday-adjusted), 95%
    ``ci_low``/``ci_high``, two-sided ``p_value``, one-sided ``p_down`` (after lower) and ``p_up``,
    ``dispersion`` (phi; NaN for the exact test) and ``method``."""

    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    p_down: float
    p_up: float
    dispersion: float
    method: str


_NAN = float("nan")


def _design(after: np.ndarray, weekday: np.ndarray | None) -> np.ndarray:
    cols = [np.ones(len(after)), after.astype(float)]
    if weekday is not None:
        present = sorted(set(int(w) for w in weekday))
        for w in present[1:]:
            cols.append((weekday == w).astype(float))
    return np.column_stack(cols)


def _irls(X: np.ndarray, y: np.ndarray, max_iter: int = 50) -> tuple[np.ndarray, np.ndarray] | None:
    beta = np.zeros(X.shape[1])
    beta[0] = math.log(max(y.mean(), 1e-9))
    for _ in range(max_iter):
        mu = np.exp(np.clip(X @ beta, -30, 30))
        z = X @ beta + (y - mu) / mu
        xtw = X.T * mu
        try:
            new = np.linalg.solve(xtw @ X, xtw @ z)
        except np.linalg.LinAlgError:
            return None
        if np.max(np.abs(new - beta)) < 1e-10:
            beta = new
            break
        beta = new
    mu = np.exp(np.clip(X @ beta, -30, 30))
    try:
        cov = np.linalg.inv((X.T * mu) @ X)
    except np.linalg.LinAlgError:
        return None
    return beta, cov


def _exact(y: np.ndarray, after: np.ndarray) -> RateTest:
    n_a, n_b = float(y[after].sum()), float(y[~after].sum())
    d_a, d_b = int(after.sum()), int((~after).sum())
    total = int(n_a + n_b)
    share = d_a / (d_a + d_b)
    rr = ((n_a + 0.5) / d_a) / ((n_b + 0.5) / d_b)
    if total == 0:
        return RateTest(_NAN, _NAN, _NAN, 1.0, 1.0, 1.0, _NAN, "no posts in the window")
    from scipy import stats  # lazy: importing the analyses stays cheap for `ioscope ingest`

    p2 = float(stats.binomtest(int(n_a), total, share).pvalue)
    p_down = float(stats.binom.cdf(int(n_a), total, share))
    p_up = float(stats.binom.sf(int(n_a) - 1, total, share))
    # Clopper-Pearson interval of the after share, turned into a rate ratio.
    ci = stats.binomtest(int(n_a), total, share).proportion_ci(0.95)

    def to_rr(q: float) -> float:
        return _NAN if q >= 1 else (q / d_a) / ((1 - q) / d_b) if q > 0 else 0.0

    return RateTest(float(rr), to_rr(ci.low), to_rr(ci.high), p2, p_down, p_up, _NAN,
                    "exact conditional (binomial), no weekday adjustment")


def rate_ratio_test(counts: np.ndarray, after: np.ndarray, weekday: np.ndarray | None = None
                    ) -> RateTest:
    """Test whether the daily rate changed between the before and after days.

    ``counts``: posts per day (>= 0); ``after``: bool per day (True from the event on); ``weekday``:
    0-6 per day (Monday 0) to adjust for the weekly cycle, or None. Returns a :class:`RateTest`
    (method in the module docstring). Raises ValueError when either side has no day.
    """
    y = np.asarray(counts, dtype=float)
    after = np.asarray(after, dtype=bool)
    if after.all() or not after.any():
        raise ValueError("rate_ratio_test needs days before and after")
    if y[after].sum() == 0 or y[~after].sum() == 0:
        return _exact(y, after)
    X = _design(after, weekday)
    if X.shape[0] - X.shape[1] < 2:
        X = _design(after, None)
    fit = _irls(X, y)
    if fit is None:
        return _exact(y, after)
    beta, cov = fit
    mu = np.exp(X @ beta)
    dof = X.shape[0] - X.shape[1]
    phi = max(1.0, float(np.sum((y - mu) ** 2 / mu)) / dof) if dof > 0 else 1.0
    se = math.sqrt(phi * cov[1, 1])
    t = beta[1] / se
    from scipy import stats

    q = stats.t.ppf(0.975, dof)
    return RateTest(
        rate_ratio=math.exp(beta[1]), ci_low=math.exp(beta[1] - q * se),
        ci_high=math.exp(beta[1] + q * se), p_value=float(2 * stats.t.sf(abs(t), dof)),
        p_down=float(stats.t.cdf(t, dof)), p_up=float(stats.t.sf(t, dof)), dispersion=phi,
        method="quasi-Poisson GLM with weekday terms" if X.shape[1] > 2 else "quasi-Poisson GLM",
    )


def share_test(covert_before: int, overt_before: int, covert_after: int, overt_after: int
               ) -> tuple[float, float]:
    """Fisher's exact test that the covert share rose: returns (odds_ratio, one-sided p-value).
    The odds ratio is (covert_after * overt_before) / (overt_after * covert_before), with 0.5 added to
    every cell when one is 0 (Haldane)."""
    from scipy import stats

    table = [[covert_after, overt_after], [covert_before, overt_before]]
    p = float(stats.fisher_exact(table, alternative="greater").pvalue)
    cells = [covert_after, overt_after, covert_before, overt_before]
    a, b, c, d = (v + 0.5 for v in cells) if min(cells) == 0 else cells
    return float((a * d) / (b * c)), p
