"""Change points in one count series: ruptures on a variance-stabilised series, a BIC penalty estimated
from the data, and a permutation check of each change.

Method (one series of bucket counts ``x``, length n):

1. **Variance stabilisation.** ``y = 2 * sqrt(x + 3/8)`` (Anscombe 1948): for Poisson counts the
   variance of ``y`` is close to 1 whatever the level, so one noise scale fits quiet and busy periods.
2. **Noise scale from the data.** ``sigma = MAD(diff(y)) / (0.6745 * sqrt(2))`` (the median absolute
   first difference is barely moved by a few level shifts; Hampel 1974); when it is 0 (sparse series)
   the standard deviation of the differences is used instead. Overdispersion and weekday cycles raise
   ``sigma`` and so make detection more conservative.
3. **Penalised segmentation.** ruptures (Truong, Oudre & Vayatis 2020) with the l2 cost (change in
   mean) and penalty ``pen = 2 * sigma**2 * log(n)`` -- the BIC / Schwarz criterion for a Gaussian
   change in mean, counting two parameters (location and new level) per change (Yao 1988). Default
   algorithm ``kernel`` = ``KernelCPD(kernel="linear")``: the exact penalised optimum (PELT in C),
   equal to the l2 cost; ``binseg`` = binary segmentation (approximate, also fast). ``min_size``:
   minimum segment length in buckets.
4. **Permutation check** of each change point tau between its neighbours (a, b): the statistic is the
   largest l2 gain of any single split of ``y[a:b]`` (so the search itself is accounted for); its null
   distribution comes from ``n_perm`` random permutations of ``y[a:b]`` (no change inside a..b).
   ``p_value = (1 + #{perm >= observed}) / (1 + n_perm)`` (Phipson & Smyth 2010). Permutation assumes
   exchangeable buckets: autocorrelation (bursts lasting several days) makes p-values optimistic.
5. **Location interval** by residual bootstrap: the two segment means plus resampled residuals, the
   best split found again ``n_boot`` times; the 5th and 95th percentiles of its location.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ioscope.errors import AnalysisError

METHODS = ("kernel", "binseg")


@dataclass(frozen=True)
class ChangePoint:
    """One change: ``index`` (first bucket of the new level), ``level_before``/``level_after`` (mean raw
    count per bucket of the two adjacent segments), ``n_before``/``n_after`` (their lengths in buckets),
    ``p_value`` (permutation), ``index_low``/``index_high`` (90% bootstrap interval of the index)."""

    index: int
    level_before: float
    level_after: float
    n_before: int
    n_after: int
    p_value: float
    index_low: int
    index_high: int


def anscombe(x: np.ndarray) -> np.ndarray:
    """Anscombe's variance-stabilising transform of counts: ``2 * sqrt(x + 3/8)``."""
    return 2.0 * np.sqrt(np.asarray(x, dtype=float) + 0.375)


def noise_sigma(y: np.ndarray) -> float:
    """Robust noise standard deviation of ``y`` from its first differences (0.0 when y is constant)."""
    if len(y) < 3:
        return 0.0
    d = np.diff(y)
    sigma = float(np.median(np.abs(d - np.median(d)))) / (0.6745 * math.sqrt(2))
    if sigma <= 1e-12:
        sigma = float(np.std(d)) / math.sqrt(2)
    return sigma


def bic_penalty(y: np.ndarray) -> float:
    """The BIC penalty of the l2 cost for ``y``: ``2 * sigma**2 * log(n)`` (see the module docstring)."""
    return 2.0 * noise_sigma(y) ** 2 * math.log(max(len(y), 2))


def _segment(y: np.ndarray, pen: float, method: str, min_size: int) -> list[int]:
    import ruptures as rpt

    if method == "kernel":
        algo = rpt.KernelCPD(kernel="linear", min_size=min_size, jump=1)
    elif method == "binseg":
        algo = rpt.Binseg(model="l2", min_size=min_size, jump=1)
    else:
        raise AnalysisError(f"shifts: method must be one of {', '.join(METHODS)}, got {method!r}")
    try:
        bkps = algo.fit(y.reshape(-1, 1)).predict(pen=pen)
    except rpt.exceptions.BadSegmentationParameters:
        return []
    return [int(b) for b in bkps[:-1]]


def _max_gains(z: np.ndarray, min_size: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``z`` (k x m): the largest l2 gain of one split and its position (split s puts
    z[:s] left), splits restricted to min_size <= s <= m - min_size."""
    m = z.shape[1]
    s = np.arange(min_size, m - min_size + 1)
    cs = np.cumsum(z, axis=1)
    left = cs[:, s - 1]
    total = cs[:, -1:]
    nl, nr = s.astype(float), (m - s).astype(float)
    gains = (left / nl - (total - left) / nr) ** 2 * nl * nr / m
    best = np.argmax(gains, axis=1)
    return gains[np.arange(len(z)), best], s[best]


def _perm_p(seg: np.ndarray, min_size: int, n_perm: int, rng: np.random.Generator) -> float:
    observed = _max_gains(seg[None, :], min_size)[0][0]
    hits, done = 0, 0
    batch = max(1, min(n_perm, 2_000_000 // max(len(seg), 1)))
    while done < n_perm:
        k = min(batch, n_perm - done)
        perms = rng.permuted(np.broadcast_to(seg, (k, len(seg))), axis=1)
        hits += int(np.sum(_max_gains(perms, min_size)[0] >= observed - 1e-9))
        done += k
    return (1 + hits) / (1 + n_perm)


def _boot_interval(seg: np.ndarray, split: int, min_size: int, n_boot: int,
                   rng: np.random.Generator) -> tuple[int, int]:
    fit = np.where(np.arange(len(seg)) < split, seg[:split].mean(), seg[split:].mean())
    resid = seg - fit
    sims = fit + rng.choice(resid, size=(n_boot, len(seg)), replace=True)
    locs = _max_gains(sims, min_size)[1]
    return int(np.floor(np.percentile(locs, 5))), int(np.ceil(np.percentile(locs, 95)))


def detect(counts: np.ndarray, *, penalty: str | float = "bic", method: str = "kernel",
           min_size: int = 7, n_perm: int = 999, n_boot: int = 200, seed: int = 0) -> list[ChangePoint]:
    """Change points of one count series (see the module docstring for the method).

    ``counts``: 1-d array of counts per bucket (>= 0), in time order. ``penalty``: ``"bic"`` (default)
    or a positive number in units of the transformed series' squared deviations; ``method``:
    ``"kernel"`` (default) or ``"binseg"``; ``min_size``: minimum segment length in buckets (default 7);
    ``n_perm``: permutations per change (default 999); ``n_boot``: bootstrap draws for the location
    interval (default 200); ``seed``: random seed (results are reproducible). Returns the change points
    in time order (possibly none; none when the series is shorter than ``2 * min_size`` or constant).
    Raises AnalysisError for a bad method or penalty.
    """
    x = np.asarray(counts, dtype=float)
    n = len(x)
    if n < 2 * min_size or float(np.ptp(x)) == 0.0:
        return []
    y = anscombe(x)
    if penalty == "bic":
        pen = bic_penalty(y)
    elif isinstance(penalty, (int, float)) and not isinstance(penalty, bool) and penalty > 0:
        pen = float(penalty)
    else:
        raise AnalysisError(f"shifts: penalty must be 'bic' or a positive number, got {penalty!r}")
    if pen <= 0:
        return []
    bkps = _segment(y, pen, method, min_size)
    rng = np.random.default_rng(seed)
    edges = [0, *bkps, n]
    found = []
    for i, tau in enumerate(bkps, start=1):
        a, b = edges[i - 1], edges[i + 1]
        seg = y[a:b]
        p = _perm_p(seg, min_size, n_perm, rng)
        lo, hi = _boot_interval(seg, tau - a, min_size, n_boot, rng)
        found.append(ChangePoint(
            index=tau, level_before=float(x[a:tau].mean()), level_after=float(x[tau:b].mean()),
            n_before=tau - a, n_after=b - tau, p_value=float(p), index_low=a + lo, index_high=a + hi,
        ))
    return found


def detect_pieces(counts: np.ndarray, piece: np.ndarray, **kwargs) -> list[ChangePoint]:
    """Change points of a count series cut into pieces (see :mod:`ioscope.analyses.shifts.coverage`):
    :func:`detect` runs on each maximal run of buckets with the same piece id >= 0 on its own (id -1:
    not covered, left out), and the indexes (``index``, ``index_low``, ``index_high``) are given in
    the whole series. No change point is at a piece's edge: each one lies at least ``min_size``
    buckets inside its piece, and the levels before/after are means over that piece only.

    ``counts``: 1-d counts per bucket; ``piece``: integer array of the same length; ``kwargs``: as
    :func:`detect`. Raises AnalysisError as :func:`detect`, ValueError when the lengths differ."""
    x = np.asarray(counts, dtype=float)
    pc = np.asarray(piece, dtype=np.int64)
    if len(pc) != len(x):
        raise ValueError(f"piece has {len(pc)} values for {len(x)} counts")
    if not len(pc):
        return []
    if (pc == pc[0]).all() and pc[0] >= 0:
        return detect(x, **kwargs)
    cuts = np.concatenate(([0], np.nonzero(pc[1:] != pc[:-1])[0] + 1, [len(pc)]))
    found = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        if pc[a] < 0:
            continue
        for cp in detect(x[a:b], **kwargs):
            found.append(replace(cp, index=int(a + cp.index), index_low=int(a + cp.index_low),
                                 index_high=int(a + cp.index_high)))
    return found


def detect_covered(counts: np.ndarray, in_gap: np.ndarray, **kwargs) -> list[ChangePoint]:
    """:func:`detect_pieces` with one piece per maximal run of buckets outside the gaps: ``in_gap``
    is a boolean array as long as ``counts`` (True = the bucket lies in a collection gap). Raises
    AnalysisError as :func:`detect`, ValueError when the lengths differ."""
    gap = np.asarray(in_gap, dtype=bool)
    if len(gap) != len(np.asarray(counts)):
        raise ValueError(f"in_gap has {len(gap)} values for {len(np.asarray(counts))} counts")
    return detect_pieces(counts, np.where(gap, -1, 0), **kwargs)
