"""Collection coverage: which buckets of the period the data set covers at all, and its collection gaps.

A **collection gap** is a run of at least ``min_gap`` consecutive buckets in which the store holds no
collected post at all -- of any kind, from any account, on any platform. That is the mark of a period
nobody collected (a data set gathered in separate windows, a scraper outage), as opposed to a quiet
actor group among active ones: a slice that is silent while other accounts of the store post is a real
zero and stays in its series. Change points are sought within the covered periods only (the series is
split at each gap, so no change point can mark a gap's start or end), and the before/after tests leave
the gap days out. A store that holds a single account cannot tell its silence from a gap: every quiet
run of ``min_gap`` buckets is then a gap.

Coverage is read with SQL (``date_trunc(bucket, timezone(zone, created_at))`` over collected posts,
the bucketing of :mod:`ioscope.analyses.shifts.series`); the runs are found on the small bucket grid.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ioscope.store import Store

GAP_COLUMNS = ["gap_start", "gap_end", "n_buckets", "days", "zone", "bucket"]
_BUCKET_DAYS = {"hour": 1 / 24, "day": 1.0, "week": 7.0}


def min_gap_buckets(min_gap_days: float, bucket: str) -> int:
    """``min_gap_days`` (days) as a number of ``bucket`` buckets, rounded up, at least 1; 0 when
    ``min_gap_days`` is 0 (gap detection off). Raises KeyError for an unknown bucket."""
    if min_gap_days <= 0:
        return 0
    return max(1, math.ceil(min_gap_days / _BUCKET_DAYS[bucket] - 1e-9))


def covered_buckets(store: Store, zone: str, bucket: str) -> pd.DatetimeIndex:
    """Local starts (zone-less, read in ``zone``) of the ``bucket`` buckets holding at least one
    collected post of any kind and account, sorted."""
    df = store.query(
        f"SELECT DISTINCT date_trunc('{bucket}', timezone($zone, created_at)) AS b FROM posts "
        "WHERE collected AND created_at IS NOT NULL ORDER BY b", {"zone": zone})
    return pd.DatetimeIndex(pd.to_datetime(df["b"]))


def gap_runs(covered: np.ndarray, min_gap: int) -> list[tuple[int, int]]:
    """Runs ``[i, j)`` of at least ``min_gap`` consecutive False values in the boolean array
    ``covered`` (one value per bucket of the grid, in time order); none when ``min_gap`` is 0."""
    cov = np.asarray(covered, dtype=bool)
    if min_gap <= 0 or not len(cov):
        return []
    padded = np.concatenate(([True], cov, [True]))
    d = np.diff(padded.astype(np.int8))
    starts, ends = np.nonzero(d == -1)[0], np.nonzero(d == 1)[0]
    return [(int(i), int(j)) for i, j in zip(starts, ends, strict=True) if j - i >= min_gap]


def gap_mask(n: int, runs: list[tuple[int, int]]) -> np.ndarray:
    """Boolean array of length ``n``: True inside any of ``runs``."""
    mask = np.zeros(n, dtype=bool)
    for i, j in runs:
        mask[i:j] = True
    return mask


class Coverage:
    """The collection gaps of one bucket grid.

    ``grid``: the bucket starts of the series (zone-less local times, sorted, one per bucket);
    ``covered``: the bucket starts holding any collected post (:func:`covered_buckets`); ``min_gap``:
    the shortest gap in buckets (0: no gap). ``runs`` are the gaps as index ranges of ``grid``;
    ``gap_starts`` the set of bucket starts inside a gap.
    """

    def __init__(self, grid: Any, covered: pd.DatetimeIndex, min_gap: int, zone: str, bucket: str):
        self.grid = pd.DatetimeIndex(pd.to_datetime(pd.Series(grid, dtype="datetime64[ns]"))
                                     ).unique().sort_values()
        self.zone, self.bucket = zone, bucket
        self.runs = gap_runs(self.grid.isin(covered), min_gap)
        self.gap_starts = pd.DatetimeIndex(self.grid[gap_mask(len(self.grid), self.runs)])

    def in_gap(self, starts: Any) -> np.ndarray:
        """Boolean array: True for each bucket start of ``starts`` that lies in a gap."""
        return pd.DatetimeIndex(pd.to_datetime(starts)).isin(self.gap_starts)

    def table(self) -> pd.DataFrame:
        """The ``collection_gaps`` table: gap_start (local start of the first empty bucket), gap_end
        (local end of the last one, exclusive), n_buckets, days (gap_end - gap_start in days), zone,
        bucket; one row per gap in time order."""
        step = pd.Timedelta(days=_BUCKET_DAYS[self.bucket])
        rows = []
        for i, j in self.runs:
            start, end = self.grid[i], self.grid[j - 1] + step
            rows.append({"gap_start": start, "gap_end": end, "n_buckets": j - i,
                         "days": (end - start).total_seconds() / 86400, "zone": self.zone,
                         "bucket": self.bucket})
        df = pd.DataFrame(rows, columns=GAP_COLUMNS)
        for c in ("gap_start", "gap_end"):
            df[c] = pd.to_datetime(df[c])
        return df.astype({"n_buckets": "int64", "days": "float64"})

    def describe(self) -> str:
        """One line naming each gap, for the notes of the result ("" when there is none)."""
        if not self.runs:
            return ""
        t = self.table()
        fmt = "%Y-%m-%d" if self.bucket != "hour" else "%Y-%m-%d %H:%M"
        last = t["gap_end"] - pd.Timedelta(days=_BUCKET_DAYS[self.bucket])
        parts = [f"{s.strftime(fmt)} – {e.strftime(fmt)} ({d:g} days)"
                 for s, e, d in zip(t["gap_start"], last, t["days"], strict=True)]
        return (f"Collection gaps ({self.zone}): no collected post from any account in "
                + "; ".join(parts) + ". These are periods the data does not cover, not silence: "
                "change points are sought within the covered periods only and before/after tests "
                "leave these days out.")
