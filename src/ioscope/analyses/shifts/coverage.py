"""Collection coverage per series: which buckets the collections feeding a series cover, its collection
gaps, and the edges where those collections start or stop.

A store often combines **collections** gathered over different periods (a data set covering a year
beside one gathered in two one-month windows). Coverage is judged per collection, never store-wide:

* a *collection* is a data set -- by default the folder holding the input file (``posts.source_file``),
  as data sets are delivered (``coverage_by="dataset"``) -- or each input file on its own
  (``coverage_by="file"``, when every file is a collection window of its own);
* a collection *covers* the buckets from its first to its last collected post (any kind, any account,
  any platform) except its own **gaps**: runs of at least ``min_gap`` buckets with no collected post
  of it at all (a scraper outage, separate collection windows). A quiet actor among the collection's
  active ones is not a gap: its zeros are real;
* a series (slice) is *fed* by the collections that hold at least one of its posts; a bucket of the
  series is **covered** when any of them covers it. The runs of uncovered buckets are the series'
  ``collection_gaps`` rows: ``gap`` between covered buckets, ``before`` / ``after`` its collections'
  span (masked whatever their length: nothing of the slice was collected there);
* the series is cut into **pieces**: maximal runs of buckets covered by the same set of collections.
  A piece boundary is a *collection edge* (a feeding collection starts or stops, or a gap starts or
  ends): the volume there moves because collection changed, so change points are sought inside each
  piece on its own, and the before/after tests compare days of the same piece only.

With a single collection this is the store-wide notion (a store holding a single account cannot tell
its silence from a gap). ``min_gap = 0`` turns coverage off (one piece, nothing masked).

SQL (portable: ``date_trunc``, ``timezone``, ``coalesce``, ``GROUP BY ALL``) reads the buckets each
input file covers and the files feeding each slice (:func:`ioscope.analyses.shifts.series.slice_sources`);
the runs are found on the small bucket grid with numpy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ioscope.store import Store

COVERAGE_UNITS = ("dataset", "file")
GAP_KINDS = ("gap", "before", "after")
GAP_COLUMNS = ["series_id", "gap_start", "gap_end", "n_buckets", "days", "kind", "zone", "bucket",
               "collections"]
_BUCKET_DAYS = {"hour": 1 / 24, "day": 1.0, "week": 7.0}
_FREQ = {"hour": "h", "day": "D", "week": "7D"}


def min_gap_buckets(min_gap_days: float, bucket: str) -> int:
    """``min_gap_days`` (days) as a number of ``bucket`` buckets, rounded up, at least 1; 0 when
    ``min_gap_days`` is 0 (coverage off). Raises KeyError for an unknown bucket."""
    if min_gap_days <= 0:
        return 0
    return max(1, math.ceil(min_gap_days / _BUCKET_DAYS[bucket] - 1e-9))


def collection_name(source_file: str, unit: str) -> str:
    """The collection of an input file: its folder (``unit="dataset"``; ``""`` for a bare name such
    as ``-``) or the file itself (``unit="file"``). Both ``/`` and ``\\`` separate folders."""
    if unit == "file":
        return source_file
    cut = max(source_file.rfind("/"), source_file.rfind("\\"))
    return source_file[:cut] if cut > 0 else source_file[:1] if cut == 0 else ""


def source_buckets(store: Store, zone: str, bucket: str) -> pd.DataFrame:
    """The buckets each input file covers: one row per (source_file, bucket_start) holding at least
    one collected post (any kind, account, platform). bucket_start: local start in ``zone``
    (zone-less); source_file ``""`` when unset."""
    df = store.query(
        f"SELECT coalesce(source_file, '') AS source_file, "
        f"date_trunc('{bucket}', timezone($zone, created_at)) AS bucket_start FROM posts "
        "WHERE collected AND created_at IS NOT NULL GROUP BY ALL", {"zone": zone})
    df["bucket_start"] = pd.to_datetime(df["bucket_start"])
    return df


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


def covered_span(has_post: np.ndarray, min_gap: int) -> np.ndarray:
    """What one collection covers on a grid: True from its first to its last bucket with a post
    (``has_post``), except its gaps (runs of at least ``min_gap`` buckets without a post)."""
    has = np.asarray(has_post, dtype=bool)
    on = np.zeros(len(has), dtype=bool)
    idx = np.nonzero(has)[0]
    if len(idx):
        on[idx[0]:idx[-1] + 1] = True
        for i, j in gap_runs(has, min_gap):
            on[i:j] = False
    return on


def pieces_of(on: np.ndarray) -> np.ndarray:
    """Piece ids from a (collections x buckets) boolean matrix: -1 where no collection covers the
    bucket; otherwise consecutive buckets covered by the same set of collections share an id, and the
    id changes wherever that set changes."""
    m = np.atleast_2d(np.asarray(on, dtype=bool))
    if not m.shape[1]:
        return np.zeros(0, dtype=np.int64)
    change = np.concatenate(([True], (m[:, 1:] != m[:, :-1]).any(axis=0)))
    return np.where(m.any(axis=0), np.cumsum(change) - 1, -1).astype(np.int64)


class Coverage:
    """What the collections of a store cover, on one bucket size.

    ``src``: :func:`source_buckets` (source_file, bucket_start); ``min_gap``: the shortest gap of a
    collection, in buckets (0: coverage off); ``unit``: ``dataset`` | ``file`` (see
    :func:`collection_name`). ``collections`` maps each collection to its covered buckets (a boolean
    array over ``grid``, the regular bucket grid from the first to the last bucket of the store).
    """

    def __init__(self, src: pd.DataFrame, min_gap: int, zone: str, bucket: str, unit: str):
        self.min_gap, self.zone, self.bucket, self.unit = min_gap, zone, bucket, unit
        starts = pd.to_datetime(src["bucket_start"])
        self.grid = (pd.date_range(starts.min(), starts.max(), freq=_FREQ[bucket]) if len(src)
                     else pd.DatetimeIndex([]))
        self.collection_of = {f: collection_name(f, unit) for f in src["source_file"].unique()}
        names = src["source_file"].map(self.collection_of)
        self.collections = {c: covered_span(self.grid.isin(starts[names == c]), min_gap)
                            for c in sorted(set(names))}

    def collections_of(self, files: Iterable[str]) -> list[str]:
        """The collections (sorted, distinct) of these input files."""
        return sorted({self.collection_of.get(f, collection_name(f, self.unit)) for f in files})

    def pieces(self, starts: Any, files: Iterable[str]) -> np.ndarray:
        """Piece id of each bucket start of one series (``starts``: sorted, one per bucket) fed by the
        input files ``files``: -1 outside coverage, else as :func:`pieces_of`. All 0 when coverage
        is off."""
        starts = pd.DatetimeIndex(pd.to_datetime(starts))
        if self.min_gap <= 0:
            return np.zeros(len(starts), dtype=np.int64)
        cols = [c for c in self.collections_of(files) if c in self.collections]
        if not cols:
            return np.full(len(starts), -1, dtype=np.int64)
        idx = self.grid.get_indexer(starts)
        m = np.stack([self.collections[c] for c in cols])[:, np.maximum(idx, 0)] & (idx >= 0)
        return pieces_of(m)

    def gaps(self, series_id: str, starts: Any, piece: np.ndarray, files: Iterable[str]
             ) -> list[dict[str, Any]]:
        """The ``collection_gaps`` rows of one series: each run of uncovered buckets (``piece`` -1),
        with kind ``before`` / ``after`` (before the first / after the last covered bucket) or ``gap``."""
        starts = pd.DatetimeIndex(pd.to_datetime(starts))
        off = np.asarray(piece) < 0
        if not off.any() or off.all():
            return []
        step = pd.Timedelta(days=_BUCKET_DAYS[self.bucket])
        names = "; ".join(self.collections_of(files))
        rows = []
        for i, j in gap_runs(~off, 1):
            start, end = starts[i], starts[j - 1] + step
            kind = "before" if i == 0 else "after" if j == len(off) else "gap"
            rows.append({"series_id": series_id, "gap_start": start, "gap_end": end,
                         "n_buckets": j - i, "days": (end - start).total_seconds() / 86400,
                         "kind": kind, "zone": self.zone, "bucket": self.bucket,
                         "collections": names})
        return rows


def gaps_frame(rows: list[dict[str, Any]], dims: tuple[str, ...], values: dict[str, dict]) -> pd.DataFrame:
    """The ``collection_gaps`` table from :meth:`Coverage.gaps` rows: series_id, the dimensions
    (``values``: series_id -> dimension values), then the rest of :data:`GAP_COLUMNS`."""
    cols = [GAP_COLUMNS[0], *dims, *GAP_COLUMNS[1:]]
    df = pd.DataFrame([{**r, **values.get(r["series_id"], {})} for r in rows], columns=cols)
    for c in ("gap_start", "gap_end"):
        df[c] = pd.to_datetime(df[c])
    return df.astype({"n_buckets": "int64", "days": "float64"})


def describe(gaps: pd.DataFrame, edges: dict[str, list[pd.Timestamp]], zone: str, bucket: str) -> list[str]:
    """Warning lines for the notes of the result: the gaps (kind ``gap``) with the series they cut,
    the series covered over part of the period only, and the collection edges inside covered series
    (``edges``: series_id -> bucket starts where a feeding collection starts or stops)."""
    fmt = "%Y-%m-%d" if bucket != "hour" else "%Y-%m-%d %H:%M"
    step = pd.Timedelta(days=_BUCKET_DAYS[bucket])
    lines = []
    inner = gaps[gaps["kind"] == "gap"]
    if len(inner):
        parts = []
        for (s, e, d), g in inner.groupby(["gap_start", "gap_end", "days"], sort=True):
            parts.append(f"{s.strftime(fmt)} – {(e - step).strftime(fmt)} ({d:g} days: "
                         + ", ".join(g["series_id"]) + ")")
        lines.append(f"Collection gaps ({zone}): no collected post from any collection feeding the "
                     "series in " + "; ".join(parts) + ". These are periods the data does not cover, "
                     "not silence: change points are sought within the covered periods only and "
                     "before/after tests leave these days out.")
    outer = gaps[gaps["kind"] != "gap"]
    if len(outer):
        parts = []
        for sid, g in outer.groupby("series_id", sort=True):
            spans = [f"{s.strftime(fmt)} – {(e - step).strftime(fmt)}"
                     for s, e in zip(g["gap_start"], g["gap_end"], strict=True)]
            parts.append(f"{sid} ({', '.join(spans)})")
        lines.append(f"Outside collection ({zone}): these series' collections do not cover the whole "
                     "period; the days outside are masked like gaps: " + "; ".join(parts) + ".")
    inside = {k: v for k, v in edges.items() if v}
    if inside:
        parts = [f"{sid} ({', '.join(t.strftime(fmt) for t in v)})" for sid, v in sorted(inside.items())]
        lines.append("Collection edges: these series combine collections covering different periods; "
                     "no change point is sought across the day a collection starts or stops, and "
                     "before/after tests do not compare across it: " + "; ".join(parts) + ".")
    return lines


def same_piece(daily: pd.DataFrame, at: pd.Timestamp) -> pd.DataFrame:
    """The rows of one daily series (columns bucket_start, n_posts, piece) that a before/after window
    around local time ``at`` may use: those of the coverage piece holding the day of ``at``, so that
    both sides are counted over the same collections; none when that day is not covered; the covered
    rows when the day lies outside the series' grid. Without a ``piece`` column, ``daily`` as is."""
    if "piece" not in daily.columns:
        return daily
    here = daily.loc[daily["bucket_start"] == at.normalize(), "piece"]
    if not len(here):
        return daily[daily["piece"] >= 0]
    return daily[daily["piece"] == here.iloc[0]] if here.iloc[0] >= 0 else daily.iloc[0:0]


def norm_key(key: tuple) -> tuple:
    """A slice key with every missing value as None (group keys carry NaN, SQL rows None)."""
    return tuple(None if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in key)


def files_by_slice(src: pd.DataFrame, dims: tuple[str, ...]) -> dict[tuple, list[str]]:
    """Slice key (:func:`norm_key`) -> the input files feeding the slice, from the rows of
    :func:`ioscope.analyses.shifts.series.slice_sources` (columns ``dims``, source_file)."""
    out: dict[tuple, list[str]] = {}
    for row in src[[*dims, "source_file"]].itertuples(index=False, name=None):
        out.setdefault(norm_key(row[:-1]), []).append(row[-1])
    return out


def with_pieces(df: pd.DataFrame, dims: tuple[str, ...], cov: Coverage,
                files: dict[tuple, list[str]]) -> pd.DataFrame:
    """``df`` (zero-filled counts per slice of ``dims``) sorted by slice and bucket_start, with the
    coverage ``piece`` of each row's bucket for its slice (:meth:`Coverage.pieces`; -1 where
    the slice's collections do not cover it)."""
    parts = []
    groups = df.groupby(list(dims), dropna=False, sort=True) if dims else ([((), df)] if len(df) else [])
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        g = g.sort_values("bucket_start", kind="stable")
        grid = pd.DatetimeIndex(g["bucket_start"].unique()).sort_values()
        piece = cov.pieces(grid, files.get(norm_key(key), ()))
        parts.append(g.assign(piece=piece[grid.get_indexer(g["bucket_start"])]))
    if not parts:
        return df.assign(piece=pd.Series(dtype="int64"))
    return pd.concat(parts, ignore_index=True)
