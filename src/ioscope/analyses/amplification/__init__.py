"""Amplification: who reposts, quotes and replies to whom, across countries and actor types.

An *amplification* is a collected post of kind repost, quote or reply by account A whose referenced
account (``ref_account_id``) is account B, with A ≠ B. All aggregation runs as SQL in DuckDB; see
docs/analyses/amplification.md for the method and its caveats.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd
import pyarrow as pa

from ioscope.analyses.base import Analysis, Result
from ioscope.errors import AnalysisError
from ioscope.outputs.links import permalink
from ioscope.store import Store

from ioscope.analyses.amplification.baseline import baseline_table
from ioscope.analyses.amplification.echo import echo_tables
from ioscope.analyses.amplification.sites import site_tables
from ioscope.analyses.amplification.sql import _BASE, AMPLIFYING_KINDS, materialised_base

__all__ = ["AMPLIFYING_KINDS", "Amplification"]

_EDGES = """
SELECT platform, account_id AS amplifier_id,
       arg_max(amplifier_handle, created_at) FILTER (WHERE amplifier_handle IS NOT NULL)
           AS amplifier_handle,
       ref_account_id AS amplified_id,
       arg_max(amplified_handle, created_at) FILTER (WHERE amplified_handle IS NOT NULL)
           AS amplified_handle,
       kind, count(*) AS n_posts, min(created_at) AS first_at, max(created_at) AS last_at,
       any_value(amplifier_country) AS amplifier_country, any_value(amplifier_type) AS amplifier_type,
       any_value(amplified_country) AS amplified_country, any_value(amplified_type) AS amplified_type
FROM amp
GROUP BY platform, account_id, ref_account_id, kind
ORDER BY n_posts DESC, platform, amplifier_id, amplified_id, kind
"""

_TOP_POSTS = """
SELECT t.rank, t.platform, t.post_id, t.account_id, t.handle, f.country,
       CASE WHEN f.account_id IS NOT NULL THEN coalesce(f.actor_type, 'unknown') END AS actor_type,
       t.created_at, t.text, t.n_reposts, t.n_quotes, t.n_replies, t.n_amplifiers,
       t.n_tracked_amplifiers, t.tracked_amplifier_handles, t.first_amplified_at, t.median_lag_s,
       t.like_count, t.share_count
FROM (
    SELECT top.*, top.ref_post_id AS post_id,
           coalesce(o.account_id, top.ref_account_id) AS account_id,
           coalesce(acc.handle, o.account_handle, top.ref_handle) AS handle,
           o.created_at, coalesce(o.text, top.repost_text) AS text, o.like_count, o.share_count
    FROM top
    LEFT JOIN posts o ON o.platform = top.platform AND o.post_id = top.ref_post_id
    LEFT JOIN accounts acc ON acc.platform = top.platform
                          AND acc.account_id = coalesce(o.account_id, top.ref_account_id)
) t
LEFT JOIN actor_accounts f ON f.platform = t.platform AND f.account_id = t.account_id
ORDER BY t.rank
"""

_EVIDENCE = """
SELECT top.rank, amp.platform, amp.ref_post_id, amp.post_id, amp.account_id,
       amp.amplifier_handle AS handle, amp.amplifier_country AS country,
       amp.amplifier_type AS actor_type, amp.kind, amp.created_at, amp.lag_s
FROM amp JOIN top ON top.platform = amp.platform AND top.ref_post_id = amp.ref_post_id
ORDER BY top.rank, amp.created_at, amp.post_id
"""

_MATRIX = """
SELECT {a} AS {a}, {b} AS {b}, count(*) AS n_amplifications,
       count(DISTINCT (platform, account_id)) AS n_amplifiers,
       count(DISTINCT (platform, ref_account_id)) AS n_amplified_accounts
FROM amp WHERE {where}
GROUP BY ALL
ORDER BY n_amplifications DESC, {a}, {b}
"""

_PAIRS = """
SELECT platform, account_id, ref_account_id, count(*) AS weight,
       count(*) FILTER (WHERE kind = 'repost') AS n_repost,
       count(*) FILTER (WHERE kind = 'quote') AS n_quote,
       count(*) FILTER (WHERE kind = 'reply') AS n_reply,
       min(created_at) AS first_at, max(created_at) AS last_at
FROM amp
GROUP BY platform, account_id, ref_account_id
ORDER BY platform, account_id, ref_account_id
"""

_NODES = """
SELECT n.platform, n.account_id, any_value(n.handle) FILTER (WHERE n.handle IS NOT NULL) AS handle,
       any_value(f.country) AS country, any_value(f.actor_type) AS actor_type,
       any_value(f.overt) AS overt, bool_or(f.account_id IS NOT NULL) AS tracked
FROM (SELECT platform, account_id, amplifier_handle AS handle FROM amp
      UNION ALL SELECT platform, ref_account_id, amplified_handle FROM amp) n
LEFT JOIN actor_accounts f ON f.platform = n.platform AND f.account_id = n.account_id
GROUP BY n.platform, n.account_id
ORDER BY n.platform, n.account_id
"""

_SUMMARY = """
SELECT (SELECT count(*) FROM amp) AS n_amplifications,
       (SELECT count(DISTINCT (platform, account_id)) FROM amp) AS n_amplifiers,
       (SELECT count(DISTINCT (platform, ref_account_id)) FROM amp) AS n_amplified_accounts,
       (SELECT count(*) FROM r WHERE ref_account_id = account_id) AS n_self_amplifications,
       (SELECT count(*) FROM r WHERE ref_account_id IS NULL) AS n_unresolved
"""


class Amplification(Analysis):
    """Who amplifies whom: reposts, quotes and replies between accounts, and the posts most amplified.

    An amplification is a *collected* post whose kind is in ``kinds`` by account A that refers to a
    post of account B (``ref_account_id``, or failing that the author of ``ref_post_id`` when that post
    is in the store), with A ≠ B. Self-amplifications (A = B: self-reposts, thread replies) are left
    out and counted in the summary. Labels (country, actor_type) come from ``actor_accounts``; they
    are NULL for accounts that are not tracked actors (a tracked actor with no type gets ``unknown``).

    Parameters (stored unchanged; validated by :meth:`run`, which raises AnalysisError):

    * ``top_n`` (int >= 1, default 20): number of most amplified posts in ``top_posts``;
    * ``kinds`` (tuple of ``repost``/``quote``/``reply``, default all three): which kinds count;
    * ``baseline_reference`` (``auto`` | ``untracked`` | ``others``, default ``auto``), ``alpha``
      (default 0.01, on the BH q-value), ``min_ratio`` (default 1.5): the baseline test;
    * ``echo_min_chars`` (default 40), ``echo_window_s`` (default 259,200 s = 3 days),
      ``max_echoes`` (default 200): echoes;
    * ``top_n_accounts`` (default 50), ``top_per_group`` (default 5).

    Tables (times tz-aware UTC; lags in seconds):

    * ``account_edges``: platform, amplifier_id, amplifier_handle, amplified_id, amplified_handle, kind,
      n_posts, first_at, last_at, amplifier_country, amplifier_type, amplified_country,
      amplified_type — one row per (amplifier, amplified, kind).
    * ``top_posts``: the ``top_n`` posts amplified by the most distinct accounts (ties: more
      amplifying posts, then platform and post_id): rank, platform, post_id, account_id, handle,
      country, actor_type (of its author), created_at, text (the original's, or the reposted text when
      the original is not in the store), permalink, n_reposts, n_quotes, n_replies, n_amplifiers,
      n_tracked_amplifiers, tracked_amplifier_handles (list of str, sorted), first_amplified_at,
      median_lag_s (median over the amplifying posts of seconds from the original's created_at; NULL
      when the original's time is unknown), like_count, share_count (as collected; NULL if unknown).
    * ``top_posts_evidence``: every amplifying post of each top post: rank, platform, ref_post_id,
      post_id, permalink, account_id, handle, country, actor_type, kind, created_at, lag_s.
    * ``country_matrix``: amplifier_country, amplified_country, n_amplifications, n_amplifiers,
      n_amplified_accounts — only amplifications between tracked actors with a country on both sides.
    * ``group_matrix``: amplifier_type, amplified_type and the same counts, between tracked actors.
    * ``country_baseline``, ``type_baseline``, ``overt_baseline``: observed vs expected amplification
      between groups (country; actor type; ``overt``/``covert``), ``(untracked)`` amplifiers included
      for comparison: amplifier_<g>, amplified_<g>, n_amplifications, n_posts_amplifier (collected
      posts of the amplifier group), reference_rate, expected_n, ratio, p_value, q_value, excess
      (bool). Model: :mod:`ioscope.analyses.amplification.baseline` (activity null model, binomial
      tail, Benjamini–Hochberg).
    * ``echoes``: the same text or link in own posts of ≥ 2 tracked accounts within ``echo_window_s``:
      echo_id, item_type (``text``/``url``), item, n_posts, n_accounts, n_countries, countries (list),
      handles (list, first poster first), first_post_id, first_permalink, first_handle,
      first_country, first_at, last_at, span_s, median_lag_s (of the followers), cross_country.
      ``echo_posts``: echo_id, item_type, platform, post_id, permalink, account_id, handle, country,
      actor_type, created_at, lag_s (after the first), is_first.
      Method: :mod:`ioscope.analyses.amplification.echo`.
    * ``domain_amplification``: registered domains linked by reposted or quoted posts: domain,
      n_posts_linking, n_amplifications, n_amplifiers, n_tracked_amplifications,
      n_tracked_amplifiers, tracked_countries (list).
    * ``top_accounts``: the ``top_n_accounts`` most amplified accounts: platform, account_id, handle,
      country, actor_type, n_amplifications, n_amplifiers, n_tracked_amplifiers, n_amplifier_countries.
    * ``top_by_group``: per UTC month of the original and author group (tracked authors), the
      ``top_per_group`` posts by distinct amplifiers: month, country, actor_type, rank, platform,
      post_id, account_id, handle, n_amplifiers, n_tracked_amplifiers, n_amplifications, permalink.

    Graph ``amplification`` (networkx DiGraph): node key ``"{platform}:{account_id}"`` with attributes
    label (handle, or the ID when unknown), platform, account_id, country ("" when none), actor_type
    ("untracked" when not a tracked actor), overt (bool; false when untracked or unknown), tracked
    (bool); edges amplifier → amplified with weight (amplifying posts, int), n_repost, n_quote,
    n_reply, first_at and last_at (ISO 8601 UTC strings).

    Summary: n_amplifications, n_amplifiers, n_amplified_accounts, n_self_amplifications,
    n_unresolved (posts of the chosen kinds whose referenced account is unknown), top_post_id.
    """

    name = "amplification"
    title = "Amplification"

    def __init__(self, top_n: int = 20, kinds: tuple[str, ...] = AMPLIFYING_KINDS,
                 baseline_reference: str = "auto", alpha: float = 0.01, min_ratio: float = 1.5,
                 echo_min_chars: int = 40, echo_window_s: float = 259200, max_echoes: int = 200,
                 top_n_accounts: int = 50, top_per_group: int = 5):
        self.top_n = top_n
        self.kinds = kinds
        self.baseline_reference = baseline_reference
        self.alpha = alpha
        self.min_ratio = min_ratio
        self.echo_min_chars = echo_min_chars
        self.echo_window_s = echo_window_s
        self.max_echoes = max_echoes
        self.top_n_accounts = top_n_accounts
        self.top_per_group = top_per_group

    def _validate(self) -> list[str]:
        if isinstance(self.top_n, bool) or not isinstance(self.top_n, int) or self.top_n < 1:
            raise AnalysisError(f"amplification: top_n must be an integer >= 1, got {self.top_n!r}")
        kinds = [self.kinds] if isinstance(self.kinds, str) else list(self.kinds)
        bad = [k for k in kinds if k not in AMPLIFYING_KINDS]
        if not kinds or bad:
            raise AnalysisError(
                f"amplification: kinds must be a non-empty subset of {AMPLIFYING_KINDS}, got {self.kinds!r}"
            )
        if self.baseline_reference not in ("auto", "untracked", "others"):
            raise AnalysisError("amplification: baseline_reference must be auto, untracked or others, "
                                f"got {self.baseline_reference!r}")
        for name in ("echo_min_chars", "max_echoes", "top_n_accounts", "top_per_group"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise AnalysisError(f"amplification: {name} must be an integer >= 1, got {v!r}")
        if not (0 < float(self.alpha) < 1) or float(self.min_ratio) < 0 or float(self.echo_window_s) < 0:
            raise AnalysisError("amplification: alpha must be in (0, 1), min_ratio and echo_window_s >= 0")
        return kinds

    def run(self, store: Store) -> Result:
        """Measure amplification in ``store`` and return a Result (see the class docstring)."""
        params = {"kinds": self._validate(), "top_n": self.top_n}
        # r, amp and top are computed once, as temporary tables, for all the queries below.
        with materialised_base(store, params["kinds"], self.top_n):
            tables, graph, summary_row, reference = self._tables(store, params)
        return self._result(tables, graph, summary_row, reference)

    def _tables(self, store: Store, params: dict[str, Any]
                ) -> tuple[dict[str, pd.DataFrame], nx.DiGraph, pd.Series, str]:
        """Every table, the graph, the summary counts and the baseline reference used (the temporary
        tables of :func:`~ioscope.analyses.amplification.sql.materialised_base` must exist)."""

        def q(sql: str) -> pd.DataFrame:
            full = _BASE + sql
            return store.query(full, {k: v for k, v in params.items() if f"${k}" in full})

        edges = q(_EDGES)
        top = q(_TOP_POSTS)
        top.insert(top.columns.get_loc("text") + 1, "permalink",
                   _permalinks(top, "platform", "post_id", "handle"))
        top["tracked_amplifier_handles"] = top["tracked_amplifier_handles"].map(
            lambda v: [str(h) for h in v] if v is not None else [])
        # Parquet types that hold even when the table is empty (see ioscope.outputs.exports).
        top.attrs["arrow_types"] = {"permalink": pa.string(),
                                    "tracked_amplifier_handles": pa.list_(pa.string())}
        evidence = q(_EVIDENCE)
        evidence.insert(evidence.columns.get_loc("post_id") + 1, "permalink",
                        _permalinks(evidence, "platform", "post_id", "handle"))
        evidence.attrs["arrow_types"] = {"permalink": pa.string()}
        tables = {
            "account_edges": edges,
            "top_posts": top,
            "top_posts_evidence": evidence,
            "country_matrix": q(_MATRIX.format(
                a="amplifier_country", b="amplified_country",
                where="amplifier_country IS NOT NULL AND amplified_country IS NOT NULL")),
            "group_matrix": q(_MATRIX.format(
                a="amplifier_type", b="amplified_type",
                where="amplifier_tracked AND amplified_tracked")),
        }
        reference = None
        for grouping in ("country", "type", "overt"):
            table, reference = baseline_table(
                store, params, grouping, reference=self.baseline_reference, alpha=float(self.alpha),
                min_ratio=float(self.min_ratio))
            tables[f"{grouping}_baseline"] = table
        tables.update(echo_tables(store, min_chars=self.echo_min_chars,
                                  window_s=float(self.echo_window_s), max_echoes=self.max_echoes))
        tables.update(site_tables(store, params, top_accounts_n=self.top_n_accounts,
                                  per_group=self.top_per_group))
        for name in ("echoes",):
            tables[name].attrs["arrow_types"] = {"countries": pa.list_(pa.string()),
                                                 "handles": pa.list_(pa.string())}
        tables["domain_amplification"].attrs["arrow_types"] = {"tracked_countries": pa.list_(pa.string())}
        graph = _graph(q(_PAIRS), q(_NODES))
        return tables, graph, q(_SUMMARY).iloc[0], reference

    def _result(self, tables: dict[str, pd.DataFrame], graph: nx.DiGraph, row: pd.Series,
                reference: str) -> Result:
        top = tables["top_posts"]
        summary: dict[str, Any] = {k: int(row[k]) for k in row.index}
        summary["top_post_id"] = str(top["post_id"].iloc[0]) if len(top) else None
        cb = tables["country_baseline"]
        summary["baseline_reference"] = reference
        summary["n_excess_country_pairs"] = int(cb["excess"].sum())
        summary["n_echoes"] = len(tables["echoes"])
        summary["n_cross_country_echoes"] = int(tables["echoes"]["cross_country"].sum())
        notes = [
            "Amplification is evidence of who pushed whose posts, not proof of coordination or of "
            "state direction; open the amplifying posts before drawing conclusions.",
        ]
        notes.append(
            f"Baselines compare each group with the {reference} accounts' amplification per post "
            "(activity null model); 'excess' means significantly more than that, not coordination.")
        if summary["n_unresolved"]:
            notes.append(f"{summary['n_unresolved']} posts of the chosen kinds name no referenced "
                         "account and are left out.")
        return Result(name=self.name, params=self.get_params(), tables=tables,
                      graphs={"amplification": graph}, summary=summary, notes=notes)


def _permalinks(df: pd.DataFrame, platform: str, post_id: str, handle: str) -> pd.Series:
    """Permalinks of the (few) rows of ``df`` (None when a post has no public link)."""
    links = [permalink(p, i, h if isinstance(h, str) else None)
             for p, i, h in zip(df[platform], df[post_id], df[handle], strict=False)]
    return pd.Series(links, index=df.index, dtype=object)


def _graph(pairs: pd.DataFrame, nodes: pd.DataFrame) -> nx.DiGraph:
    """The amplifier → amplified DiGraph from the pair and node tables (see Amplification)."""
    g = nx.DiGraph()
    g.add_nodes_from(
        (f"{n.platform}:{n.account_id}", _node_attrs(n)) for n in nodes.itertuples(index=False)
    )
    g.add_edges_from(
        (f"{e.platform}:{e.account_id}", f"{e.platform}:{e.ref_account_id}",
         {"weight": int(e.weight), "n_repost": int(e.n_repost), "n_quote": int(e.n_quote),
          "n_reply": int(e.n_reply), "first_at": _iso(e.first_at), "last_at": _iso(e.last_at)})
        for e in pairs.itertuples(index=False)
    )
    return g


def _node_attrs(n: Any) -> dict[str, Any]:
    tracked = bool(n.tracked)
    return {
        "label": n.handle if isinstance(n.handle, str) else str(n.account_id),
        "platform": str(n.platform),
        "account_id": str(n.account_id),
        "country": n.country if isinstance(n.country, str) else "",
        "actor_type": ((n.actor_type if isinstance(n.actor_type, str) else "unknown")
                       if tracked else "untracked"),
        "overt": bool(n.overt) if tracked and not pd.isna(n.overt) else False,
        "tracked": tracked,
    }


def _iso(ts: Any) -> str:
    return "" if ts is None or pd.isna(ts) else pd.Timestamp(ts).isoformat()
