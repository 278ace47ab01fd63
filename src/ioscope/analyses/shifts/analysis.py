"""Shifts over time: counts per time bucket for any slice, change points, before/after tests around the
analyst's events, and the named overt-to-covert tactic-shift check. See docs/analyses/shifts.md.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ioscope.analyses.base import Analysis, Result
from ioscope.analyses.shifts import changepoints as cpm
from ioscope.analyses.shifts import tactic
from ioscope.analyses.shifts.coverage import (
    COVERAGE_UNITS, Coverage, describe, files_by_slice, gaps_frame, min_gap_buckets, norm_key,
    same_piece, source_buckets, with_pieces,
)
from ioscope.analyses.shifts.events import (
    EVENT_COLUMNS, event_local_time, events_frame, scope_matches, window_test,
)
from ioscope.analyses.shifts.series import (
    BUCKETS, DIMENSIONS, DomainLabels, NarrativeSource, SliceSpec, bucketed_counts,
    check_regexes, series_key, slice_sources, table_exists,
)
from ioscope.errors import AnalysisError
from ioscope.schema import POST_KINDS
from ioscope.store import Store

DEFAULT_NARRATIVE_TABLE = "narrative_assignments"
DEFAULT_DOMAIN_TABLE = "domain_labels"
_BUCKET_DELTA = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7)}


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(str(v) for v in value)


class Shifts(Analysis):
    """Shifts over time in what tracked actors post.

    Parameters (stored unchanged; validated by :meth:`run`, which raises AnalysisError):

    * ``by`` (dimensions, default ``("country", "overt")``): any of country, actor_type, overt,
      platform, narrative, domain_label (a list or a comma-separated string);
    * ``bucket`` (``hour`` | ``day`` | ``week``, default ``day``) and ``zone`` (IANA zone, default
      ``UTC``): buckets are local wall-clock buckets in ``zone``;
    * ``narrative`` (id or list of ids, default None): keep these narratives (adds the narrative
      dimension); ``text_filter`` (dict narrative id -> list of regexes, case-insensitive RE2; adds
      the narrative dimension); ``narrative_table`` (default ``narrative_assignments``: used when the
      store has it; columns platform, post_id, narrative_id[, score]); ``min_narrative_score``;
    * ``domain_labels`` (table name with columns domain, label, or dict label -> domains; default: the
      ``domain_labels`` table when the store has it; columns domain or host, label) and
      ``low_credibility_labels`` (default ``("low_credibility", "low")``): the labels counted in the
      low-credibility share;
    * ``kinds`` (default ``("original", "quote", "reply")``: the author's own words; add ``repost``
      to count amplification);
    * ``events`` (events file path or list of dicts; default None) and ``window_days`` (default 14):
      days each side of an event in the before/after tests;
    * ``penalty`` (``"bic"`` or a number), ``method`` (``kernel`` | ``binseg``), ``min_segment``
      (buckets, default 7), ``n_permutations`` (default 999), ``alpha`` (default 0.05), ``seed``;
    * ``max_series`` (default 30): change points, tests and charts run on the largest series;
      ``min_posts`` (default 10): smaller series are left out; ``start``/``end`` (local ISO times in
      ``zone``, default the whole store); ``tactic`` (default True): run the tactic-shift check;
    * ``min_gap_days`` (days, default 7; 0 turns coverage off) and ``coverage_by`` (``dataset``, the
      folder of the input file, default; or ``file``): coverage is judged per collection
      (:mod:`ioscope.analyses.shifts.coverage`): a run of at least ``min_gap_days`` days with no
      collected post of a collection is a gap of it; a series is covered where any collection feeding
      it covers; its uncovered buckets (gaps, and before/after its collections' span) are masked and
      reported, and change points and before/after tests stay inside pieces covered by one set of
      collections, so no collection edge is taken for a shift.

    Tables (bucket_start / at are zone-less local times in ``zone``; every table says zone and bucket):

    * ``series``: series_id, the dimensions, bucket_start, zone, bucket, n_posts, level (mean of the
      segment between significant change points and collection edges; NaN where not covered),
      change_point (bucket starts a significant change), collection_gap (bucket not covered by the
      series' collections), collection_edge (the set of collections covering the series changes at
      this bucket), event_label (events whose time falls in the bucket, "; "-joined).
    * ``change_points``: series_id, dimensions, at, zone, bucket, level_before, level_after (mean posts per
      bucket), rate_ratio (after/before), direction, p_value (permutation), confidence (1 - p_value),
      significant (p_value <= alpha), at_low, at_high (90% bootstrap interval), n_buckets_before,
      n_buckets_after, nearest_event, days_from_event.
    * ``event_tests``: event_date, label, scope, at, series_id, dimensions, zone, window_days,
      n_days_before, n_days_after, mean_before, mean_after (posts per day), rate_ratio, ci_low, ci_high
      (95%), p_value (two-sided), method, dispersion, nearest_change_point, days_to_change_point.
    * ``ratios``: ratio (covert_share | low_credibility_share), series_id (the other dimensions),
      bucket_start, zone, bucket, numerator, denominator, share, event_label.
    * ``tactic_series`` and ``tactic_shift``: see :mod:`ioscope.analyses.shifts.tactic`.
    * ``events``: the events read (event_date, label, scope, source_line).
    * ``collection_gaps``: series_id, the dimensions, gap_start, gap_end (local times in ``zone``; end
      exclusive), n_buckets, days, kind (``gap`` | ``before`` | ``after``), zone, bucket, collections
      (the collections feeding the series, "; "-joined) -- one row per uncovered run of each series.

    Summary: n_change_points counts the rows of ``change_points`` (every change found),
    n_significant_change_points those with p_value <= alpha; n_collection_gaps the ``gap`` rows of
    ``collection_gaps``; n_collection_edges the edges between two covered pieces over all series.
    """

    name = "shifts"
    title = "Shifts over time"

    def __init__(self, by: Any = ("country", "overt"), bucket: str = "day", zone: str = "UTC",
                 narrative: Any = None, text_filter: dict[str, list[str]] | None = None,
                 narrative_table: str | None = DEFAULT_NARRATIVE_TABLE,
                 min_narrative_score: float | None = None, domain_labels: Any = None,
                 low_credibility_labels: Any = ("low_credibility", "low"),
                 kinds: Any = ("original", "quote", "reply"), events: Any = None,
                 window_days: int = 14, penalty: str | float = "bic", method: str = "kernel",
                 min_segment: int = 7, n_permutations: int = 999, alpha: float = 0.05,
                 max_series: int = 30, min_posts: int = 10, start: str | None = None,
                 end: str | None = None, tactic: bool = True, seed: int = 0,
                 min_gap_days: float = 7, coverage_by: str = "dataset"):
        self.by = by
        self.bucket = bucket
        self.zone = zone
        self.narrative = narrative
        self.text_filter = text_filter
        self.narrative_table = narrative_table
        self.min_narrative_score = min_narrative_score
        self.domain_labels = domain_labels
        self.low_credibility_labels = low_credibility_labels
        self.kinds = kinds
        self.events = events
        self.window_days = window_days
        self.penalty = penalty
        self.method = method
        self.min_segment = min_segment
        self.n_permutations = n_permutations
        self.alpha = alpha
        self.max_series = max_series
        self.min_posts = min_posts
        self.start = start
        self.end = end
        self.tactic = tactic
        self.seed = seed
        self.min_gap_days = min_gap_days
        self.coverage_by = coverage_by

    # -- validation -----------------------------------------------------------------------------------

    def _int(self, name: str, lo: int) -> int:
        v = getattr(self, name)
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            raise AnalysisError(f"shifts: {name} must be an integer >= {lo}, got {v!r}")
        return v

    def _spec(self, store: Store) -> SliceSpec:
        by = _as_tuple(self.by)
        bad = [d for d in by if d not in DIMENSIONS]
        if bad:
            raise AnalysisError(f"shifts: unknown dimension(s) in by: {', '.join(bad)}; "
                                f"known: {', '.join(DIMENSIONS)}")
        if self.bucket not in BUCKETS:
            raise AnalysisError(f"shifts: bucket must be one of {', '.join(BUCKETS)}, got {self.bucket!r}")
        try:
            zoneinfo.ZoneInfo(str(self.zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise AnalysisError(f"shifts: unknown time zone {self.zone!r} (use an IANA name such as "
                                "UTC or Asia/Shanghai)") from None
        kinds = _as_tuple(self.kinds)
        if not kinds or any(k not in POST_KINDS for k in kinds):
            raise AnalysisError(f"shifts: kinds must be among {', '.join(POST_KINDS)}, got {self.kinds!r}")
        for n in ("window_days", "min_segment", "n_permutations", "max_series"):
            self._int(n, 1)
        self._int("min_posts", 0)
        if (isinstance(self.min_gap_days, bool) or not isinstance(self.min_gap_days, (int, float))
                or not 0 <= self.min_gap_days < float("inf")):
            raise AnalysisError(f"shifts: min_gap_days must be a number of days >= 0 (0: coverage "
                                f"off), got {self.min_gap_days!r}")
        if self.coverage_by not in COVERAGE_UNITS:
            raise AnalysisError(f"shifts: coverage_by must be one of {', '.join(COVERAGE_UNITS)}, got "
                                f"{self.coverage_by!r}")
        if not isinstance(self.alpha, (int, float)) or not 0 < self.alpha < 1:
            raise AnalysisError(f"shifts: alpha must be between 0 and 1, got {self.alpha!r}")
        text_filter = self.text_filter or {}
        if not isinstance(text_filter, dict) or not all(
                isinstance(v, (list, tuple)) and v and all(isinstance(p, str) and p for p in v)
                for v in text_filter.values()):
            raise AnalysisError("shifts: text_filter must map narrative ids to non-empty lists of "
                                "regular expressions")
        check_regexes(store, {str(k): list(v) for k, v in text_filter.items()})
        table = self.narrative_table
        if table == DEFAULT_NARRATIVE_TABLE and not table_exists(store, table):
            table = None
        narratives = _as_tuple(self.narrative)
        dims = list(by)
        if (narratives or text_filter) and "narrative" not in dims:
            dims.append("narrative")
        dl = self.domain_labels
        if dl is None and table_exists(store, DEFAULT_DOMAIN_TABLE):
            dl = DEFAULT_DOMAIN_TABLE
        labels = (DomainLabels(table=dl) if isinstance(dl, str) else
                  DomainLabels(mapping={str(k): list(v) for k, v in dl.items()}) if isinstance(dl, dict)
                  else DomainLabels())
        return SliceSpec(
            dims=tuple(dims), kinds=kinds, zone=str(self.zone), narratives=narratives,
            narrative_source=NarrativeSource(table=table, min_score=self.min_narrative_score,
                                             text_filter={str(k): list(v) for k, v in text_filter.items()}),
            domain_labels=labels, start=self.start, end=self.end,
            low_credibility_labels=_as_tuple(self.low_credibility_labels),
        )

    # -- run --------------------------------------------------------------------------------------------

    def run(self, store: Store) -> Result:
        """Count, segment and test (tables as in the class docstring). Raises AnalysisError for bad
        parameters or a missing narrative/domain source, ConfigError for a bad events file."""
        spec = self._spec(store)
        events = events_frame(self.events)
        dims = spec.dims
        counts = bucketed_counts(store, spec, self.bucket, min_posts=self.min_posts)
        keys = self._top_keys(counts, dims)
        counts = _keep(counts, dims, keys)
        daily = counts if self.bucket == "day" else _keep(
            bucketed_counts(store, spec, "day", min_posts=self.min_posts), dims, keys)
        cov, cov_day = self._coverages(store)
        files = files_by_slice(slice_sources(store, spec), dims)
        counts = with_pieces(counts, dims, cov, files)
        daily = counts if self.bucket == "day" else with_pieces(daily, dims, cov_day, files)
        cps = self._change_points(counts, dims)
        tables: dict[str, pd.DataFrame] = {}
        tables["series"], gap_rows, edges = self._series_table(counts, dims, cps, events, cov, files)
        tables["change_points"] = self._cp_table(cps, dims, events)
        tables["event_tests"] = self._event_tests(daily, dims, events, tables["change_points"])
        tables["ratios"] = self._ratios(store, spec, events)
        notes = [
            f"Buckets are {self.bucket}s in {spec.zone}; times in the tables are local times in that "
            "zone. Counts are distinct collected posts of kinds " + ", ".join(spec.kinds) + ".",
            "A change point is evidence that a level moved, not of why: read the posts behind it.",
        ]
        gaps = gaps_frame(gap_rows, dims, {series_key(dict(zip(dims, k, strict=True)), dims):
                                           dict(zip(dims, k, strict=True)) for k in cps})
        notes[:0] = describe(gaps, edges, spec.zone, self.bucket)
        if self.tactic:
            tables["tactic_series"], tables["tactic_shift"] = self._tactic(
                store, spec, events, notes, cov, cov_day)
        tables["events"] = events[EVENT_COLUMNS].copy()
        tables["collection_gaps"] = gaps
        cp = tables["change_points"]
        summary = {
            "zone": spec.zone, "bucket": self.bucket,
            "n_series": int(len(keys)),
            "n_change_points": int(len(cp)),
            "n_significant_change_points": int(cp["significant"].sum()) if len(cp) else 0,
            "n_events": int(len(events)),
            "n_collection_gaps": int((gaps["kind"] == "gap").sum()),
            "n_collection_edges": int(sum(len(v) for v in edges.values())),
            "n_significant_event_tests": int((tables["event_tests"]["p_value"] <= self.alpha).sum()),
        }
        if "tactic_shift" in tables:
            summary["n_tactic_shifts"] = int(tables["tactic_shift"]["shift"].sum())
        if len(keys) < counts.attrs.get("n_all_series", len(keys)):
            notes.append(f"Only the {len(keys)} largest series (max_series) are analysed.")
        return Result(name=self.name, params=self.get_params(), tables=tables, summary=summary,
                      notes=notes)

    def _top_keys(self, counts: pd.DataFrame, dims: tuple[str, ...]) -> list[tuple]:
        if not dims:
            return [()] if len(counts) and counts["n_posts"].sum() > 0 else []
        tot = counts.groupby(list(dims), dropna=False, sort=False)["n_posts"].sum().reset_index()
        tot = tot.sort_values(["n_posts", *dims], ascending=[False] + [True] * len(dims),
                              na_position="last")
        counts.attrs["n_all_series"] = len(tot)
        return [tuple(r) for r in tot[list(dims)].head(self.max_series).itertuples(index=False)]

    def _coverages(self, store: Store) -> tuple[Coverage, Coverage]:
        """What each collection covers, in ``bucket`` buckets and in days (see :mod:`.coverage`)."""
        zone, unit = str(self.zone), str(self.coverage_by)

        def make(bucket: str) -> Coverage:
            return Coverage(source_buckets(store, zone, bucket),
                            min_gap_buckets(float(self.min_gap_days), bucket), zone, bucket, unit)

        cov = make(self.bucket)
        return cov, (cov if self.bucket == "day" else make("day"))

    def _detect(self, g: pd.DataFrame) -> list[cpm.ChangePoint]:
        """Change points of one series (rows sorted by bucket_start, with its coverage ``piece``),
        sought inside each covered piece on its own."""
        return cpm.detect_pieces(g["n_posts"].to_numpy(), g["piece"].to_numpy(),
                                 penalty=self.penalty, method=self.method, min_size=self.min_segment,
                                 n_perm=self.n_permutations, seed=self.seed)

    def _change_points(self, counts: pd.DataFrame, dims: tuple[str, ...]
                       ) -> dict[tuple, tuple[pd.DataFrame, list[cpm.ChangePoint]]]:
        return {key: (g, self._detect(g)) for key, g in _groups(counts, dims)}

    def _series_table(self, counts: pd.DataFrame, dims: tuple[str, ...], cps: dict,
                      events: pd.DataFrame, cov: Coverage, files: dict[tuple, list[str]]
                      ) -> tuple[pd.DataFrame, list[dict], dict[str, list[pd.Timestamp]]]:
        """The ``series`` table, the ``collection_gaps`` rows and the collection edges between
        covered pieces (series_id -> bucket starts) of every series."""
        parts, gap_rows, inner_edges = [], [], {}
        for key, (g, found) in cps.items():
            sid = series_key(dict(zip(dims, key, strict=True)), dims)
            sig = [cp.index for cp in found if cp.p_value <= self.alpha]
            y = g["n_posts"].to_numpy(dtype=float)
            piece = g["piece"].to_numpy()
            # segments: split at significant change points and wherever the covering collections change
            moved = np.concatenate(([False], piece[1:] != piece[:-1]))
            edges = moved.copy()
            edges[sig] = True
            level = pd.Series(y).groupby(np.cumsum(edges)).transform("mean").to_numpy()
            part = g.drop(columns="piece")
            part.insert(0, "series_id", sid)
            part["zone"], part["bucket"] = str(self.zone), self.bucket
            part["level"] = np.where(piece < 0, np.nan, level)
            part["change_point"] = np.isin(np.arange(len(y)), sig)
            part["collection_gap"] = piece < 0
            part["collection_edge"] = moved
            parts.append(part)
            gap_rows += cov.gaps(sid, g["bucket_start"], piece, files.get(norm_key(key), ()))
            inner = moved & (piece >= 0) & (np.concatenate(([-1], piece[:-1])) >= 0)
            inner_edges[sid] = list(g["bucket_start"].to_numpy()[inner].astype("datetime64[ns]"))
        cols = ["series_id", *dims, "bucket_start", "zone", "bucket", "n_posts", "level",
                "change_point", "collection_gap", "collection_edge"]
        df = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
        df["event_label"] = _event_labels(df["bucket_start"], events, str(self.zone), self.bucket)
        return df, gap_rows, {k: [pd.Timestamp(t) for t in v] for k, v in inner_edges.items()}

    def _cp_table(self, cps: dict, dims: tuple[str, ...], events: pd.DataFrame) -> pd.DataFrame:
        ev_times = [(event_local_time(e.event_date, str(self.zone)), e.label)
                    for e in events.itertuples(index=False)]
        rows = []
        for key, (g, found) in cps.items():
            starts = g["bucket_start"].reset_index(drop=True)
            for cp in found:
                at = starts[cp.index]
                near = min(ev_times, key=lambda e: abs((e[0] - at).total_seconds()), default=None)
                rows.append({
                    "series_id": series_key(dict(zip(dims, key, strict=True)), dims),
                    **dict(zip(dims, key, strict=True)), "at": at, "zone": str(self.zone),
                    "bucket": self.bucket, "level_before": cp.level_before,
                    "level_after": cp.level_after,
                    "rate_ratio": cp.level_after / cp.level_before if cp.level_before else np.nan,
                    "direction": "up" if cp.level_after > cp.level_before else "down",
                    "p_value": cp.p_value, "confidence": 1 - cp.p_value,
                    "significant": cp.p_value <= self.alpha,
                    "at_low": starts[cp.index_low], "at_high": starts[min(cp.index_high, len(starts) - 1)],
                    "n_buckets_before": cp.n_before, "n_buckets_after": cp.n_after,
                    "nearest_event": near[1] if near else None,
                    "days_from_event": (at - near[0]).total_seconds() / 86400 if near else np.nan,
                })
        cols = ["series_id", *dims, "at", "zone", "bucket", "level_before", "level_after",
                "rate_ratio", "direction", "p_value", "confidence", "significant", "at_low",
                "at_high", "n_buckets_before", "n_buckets_after", "nearest_event", "days_from_event"]
        return pd.DataFrame(rows, columns=cols)

    def _event_tests(self, daily: pd.DataFrame, dims: tuple[str, ...], events: pd.DataFrame,
                     cp: pd.DataFrame) -> pd.DataFrame:
        rows = []
        sig = cp[cp["significant"]] if len(cp) else cp
        for key, g in _groups(daily, dims):
            values = dict(zip(dims, key, strict=True))
            sid = series_key(values, dims)
            g = g.sort_values("bucket_start")
            mine = sig[sig["series_id"] == sid] if len(sig) else sig
            for ev in events.itertuples(index=False):
                if not scope_matches(ev.scope, values, dims):
                    continue
                at = event_local_time(ev.event_date, str(self.zone))
                res = window_test(same_piece(g, at), at, self.window_days)
                near, days = None, np.nan
                if len(mine):
                    d = (mine["at"] - at).dt.total_seconds() / 86400
                    i = d.abs().idxmin()
                    near, days = mine.loc[i, "at"], float(d.loc[i])
                rows.append({"event_date": ev.event_date, "label": ev.label, "scope": ev.scope,
                             "at": at, "series_id": sid, **values, "zone": str(self.zone),
                             "window_days": self.window_days, **res,
                             "nearest_change_point": near, "days_to_change_point": days})
        cols = ["event_date", "label", "scope", "at", "series_id", *dims, "zone", "window_days",
                "n_days_before", "n_days_after", "mean_before", "mean_after", "rate_ratio", "ci_low",
                "ci_high", "p_value", "method", "dispersion", "nearest_change_point",
                "days_to_change_point"]
        return pd.DataFrame(rows, columns=cols)

    def _ratios(self, store: Store, spec: SliceSpec, events: pd.DataFrame) -> pd.DataFrame:
        cols = ["ratio", "series_id", "bucket_start", "zone", "bucket", "numerator", "denominator",
                "share"]
        if not ("overt" in spec.dims or "domain_label" in spec.dims):
            return pd.DataFrame(columns=[*cols, "event_label"])
        parts = []
        dims = spec.dims
        if "overt" in dims:
            rest = tuple(d for d in dims if d != "overt")
            full = bucketed_counts(store, spec, self.bucket, min_posts=0)
            w = _pivot(full, rest, "overt")
            num, den = w.get("covert", 0), w.get("covert", 0) + w.get("overt", 0)
            parts.append(_ratio_frame("covert_share", w, rest, num, den))
        if "domain_label" in dims:
            rest = tuple(d for d in dims if d != "domain_label")
            full = bucketed_counts(store, replace(spec, dims=(*rest, "link_credibility")),
                                   self.bucket, min_posts=0)
            w = _pivot(full, rest, "link_credibility")
            low, other = w.get("low", 0), w.get("other", 0)
            parts.append(_ratio_frame("low_credibility_share", w, rest, low, low + other))
        df = pd.concat(parts, ignore_index=True)
        df["zone"], df["bucket"] = str(self.zone), self.bucket
        df = df[cols].reset_index(drop=True)
        df["event_label"] = _event_labels(df["bucket_start"], events, str(self.zone), self.bucket)
        return df

    def _tactic(self, store: Store, spec: SliceSpec, events: pd.DataFrame, notes: list[str],
                cov: Coverage, cov_day: Coverage) -> tuple[pd.DataFrame, pd.DataFrame]:
        group = tuple(d for d in spec.dims if d in ("country", "platform"))
        topic = ("narrative" if "narrative" in spec.dims else
                 "domain_label" if "domain_label" in spec.dims else None)
        dims = (*group, *((topic,) if topic else ()), "overt")
        tspec = SliceSpec(dims=dims, kinds=spec.kinds, zone=spec.zone, narratives=spec.narratives,
                          narrative_source=spec.narrative_source, domain_labels=spec.domain_labels,
                          start=spec.start, end=spec.end, only_tracked=True)
        def by_topic(df: pd.DataFrame) -> pd.DataFrame:
            if topic is None:
                df.insert(len(group), "topic", "all posts")
                return df
            if topic == "domain_label":
                df = df[~df["domain_label"].isin(["no link", "unlabelled"])]
            return df.rename(columns={topic: "topic"})

        counts = by_topic(bucketed_counts(store, tspec, self.bucket, min_posts=0))
        gdims = (*group, "topic")
        daily = counts if self.bucket == "day" else by_topic(
            bucketed_counts(store, tspec, "day", min_posts=0))
        # keep topics with enough tracked posts
        tot = counts.groupby(list(gdims), dropna=False)["n_posts"].sum()
        keep = [k if isinstance(k, tuple) else (k,) for k in tot[tot >= max(self.min_posts, 1)].index]
        counts, daily = _keep(counts, gdims, keep), _keep(daily, gdims, keep)
        if not len(counts) or not (counts["overt"] == "covert").any():
            notes.append("Tactic shift: no covert or suspected account (registry overt false) posted "
                         "in the slices analysed, so only the overt half of the claim can be tested.")
        # coverage: each overt/covert series by its own collections; the pair's windows by both
        files = files_by_slice(by_topic(slice_sources(store, tspec)), (*gdims, "overt"))
        pair_files: dict[tuple, list[str]] = {}
        for k, v in files.items():
            pair_files.setdefault(k[:-1], []).extend(v)
        counts = with_pieces(counts, (*gdims, "overt"), cov, files)
        cps: dict[tuple, list] = {}
        for key, g in _groups(counts, (*gdims, "overt")):
            s = g["bucket_start"].reset_index(drop=True)
            cps[key] = [(s[cp.index], cp) for cp in self._detect(g)]
        shift = tactic.check(with_pieces(daily, gdims, cov_day, pair_files), gdims, events,
                             str(self.zone), self.window_days, self.alpha, cps)
        w = _pivot(counts, gdims, "overt")
        ser = w.reset_index()
        ser["n_overt"] = w.get("overt", pd.Series(0, index=w.index)).to_numpy()
        ser["n_covert"] = w.get("covert", pd.Series(0, index=w.index)).to_numpy()
        ser = ser[[*gdims, "bucket_start", "n_overt", "n_covert"]].copy()
        tot = ser["n_overt"] + ser["n_covert"]
        ser["covert_share"] = np.where(tot > 0, ser["n_covert"] / tot.where(tot > 0, 1), np.nan)
        ser["zone"], ser["bucket"] = str(self.zone), self.bucket
        for side in ("overt", "covert"):
            marks = {(k[:-1], t) for k, v in cps.items() if k[-1] == side
                     for t, cp in v if cp.p_value <= self.alpha}
            ser[f"{side}_change"] = [((*r[:-1],), r[-1]) in marks for r in
                                     ser[[*gdims, "bucket_start"]].itertuples(index=False, name=None)]
        ser["event_label"] = _event_labels(ser["bucket_start"], events, str(self.zone), self.bucket)
        return ser.reset_index(drop=True), shift


def _groups(df: pd.DataFrame, dims: tuple[str, ...]):
    """(key tuple, sub-frame) per slice; one group with key () when there is no dimension."""
    if not dims:
        if len(df):
            yield (), df
        return
    for key, g in df.groupby(list(dims), dropna=False, sort=True):
        yield (key if isinstance(key, tuple) else (key,)), g


def _keep(df: pd.DataFrame, dims: tuple[str, ...], keys: list[tuple]) -> pd.DataFrame:
    if not dims:
        return df if keys else df.iloc[0:0]
    idx = pd.MultiIndex.from_frame(df[list(dims)].astype(object).where(df[list(dims)].notna(), None))
    wanted = pd.MultiIndex.from_tuples([tuple(None if pd.isna(v) else v for v in k) for k in keys],
                                       names=list(dims)) if keys else None
    if wanted is None:
        return df.iloc[0:0]
    return df[idx.isin(wanted)].reset_index(drop=True)


def _pivot(df: pd.DataFrame, rest: tuple[str, ...], col: str) -> pd.DataFrame:
    index = [*rest, "bucket_start"]
    frame = df.copy()
    for d in rest:
        frame[d] = frame[d].astype(object).where(frame[d].notna(), "none")
    return frame.pivot_table(index=index, columns=col, values="n_posts", aggfunc="sum", fill_value=0)


def _ratio_frame(name: str, w: pd.DataFrame, rest: tuple[str, ...], num: Any, den: Any) -> pd.DataFrame:
    out = w.index.to_frame(index=False)
    out["numerator"] = np.asarray(num, dtype=float) if not np.isscalar(num) else float(num)
    out["denominator"] = np.asarray(den, dtype=float) if not np.isscalar(den) else float(den)
    out["share"] = np.where(out["denominator"] > 0, out["numerator"] / out["denominator"].where(
        out["denominator"] > 0, 1), np.nan)
    out["series_id"] = [series_key(dict(zip(rest, r, strict=True)), rest)
                        for r in out[list(rest)].itertuples(index=False, name=None)] if rest else "all"
    out["ratio"] = name
    return out


def _event_labels(starts: pd.Series, events: pd.DataFrame, zone: str, bucket: str) -> list[str | None]:
    """For each bucket start, the labels of events whose local time falls in that bucket."""
    labels: list[str | None] = [None] * len(starts)
    if not len(events) or not len(starts):
        return labels
    delta = _BUCKET_DELTA[bucket]
    arr = pd.to_datetime(starts).to_numpy()
    for ev in events.itertuples(index=False):
        t = np.datetime64(event_local_time(ev.event_date, zone))
        hit = np.nonzero((arr <= t) & (t < arr + np.timedelta64(delta)))[0]
        for i in hit:
            labels[i] = ev.label if labels[i] is None else f"{labels[i]}; {ev.label}"
    return labels
