"""One layer = one behaviour at one window: its candidate edges, their weights and which are kept.

The rule that keeps an edge of a layer (each part can be switched off):

1. ``n_coactions >= min_coactions``, both accounts having ``min_actions`` actions in the behaviour;
2. ``tfidf_cosine >= min_cosine`` (default 0.1): the shared objects are a real part of both accounts'
   behaviour, so a hyperactive account or a viral object does not create edges by itself;
3. ``p_value <= p_value`` (null model ``null``, :mod:`.weights`; the default ``shuffle`` keeps each
   account's rhythm, ``relabel`` each object's timing and each account's activity; adjusted by
   ``correction``, by default none for the shuffles and Bonferroni for the others) **or** (``tfidf_cosine >=
   strong_cosine`` (default 0.8) on at least two distinct objects). The cosine route keeps accounts
   whose whole activity in the behaviour fits in one window (a burst of copy-pasted texts): timing
   cannot be tested for them (p = 1), but their behaviour is nearly identical. It needs two objects
   because two accounts that only ever act on one object (a popular template text posted again and
   again) have a cosine of 1 whatever the object's popularity. ``p_value=None`` switches part 3 off;
   for ``sync`` parts 2–3 are ``tfidf_cosine >= sync_min_cosine``;
4. with ``weight_percentile=q``: ``weight`` strictly above the ``q`` quantile of the weights of the
   layer's candidate edges (CooRTweet's ``edge_weight`` threshold; Giglietto et al. 2020 use 0.9).

Which route of part 3 kept an edge is its ``kept_by`` (:data:`KEPT_BY`): ``"p_value"`` (p <= p_value,
whatever the cosine), ``"cosine"`` (p above p_value or not computed, kept by the strong-cosine route;
for ``sync``, which has no p-value, by ``sync_min_cosine``) or ``"no_test"`` (``p_value=None``: no
null model, only parts 1, 2 and 4). A fused edge takes the first of these over its kept layers
(``"attachment"`` when it passed in no layer, :mod:`.attach`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from ioscope.analyses.coordination import coaction, weights
from ioscope.analyses.coordination.sync import build_sync


KEPT_BY = ("p_value", "cosine", "no_test")
"""Values of ``kept_by`` for an edge kept in a layer, by precedence (a fused edge takes the first
value found among its kept layers)."""


@dataclass
class Layer:
    """A behaviour at one window: ``edges`` holds its candidate edges (see :func:`run_layer`)."""

    index: int
    behaviour: str
    window_s: float
    actions_table: int
    edges: pd.DataFrame
    stats: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        """``behaviour@window`` with the window in seconds, e.g. ``co_repost@60s``."""
        return f"{self.behaviour}@{self.window_s:g}s"


def _weight(edges: pd.DataFrame, weight: str) -> pd.Series:
    col = {"tfidf": "tfidf_cosine", "coactions": "n_coactions", "objects": "n_objects"}[weight]
    return edges[col].astype("float64")


def run_layer(con: duckdb.DuckDBPyConnection, a, layer: int, behaviour: str, i: int,
              window_s: float) -> Layer:
    """Compute the candidate edges of one layer with columns of :func:`coaction.edge_stats` plus
    tfidf_cosine, p_value and expected (expected co-actions under the null; NaN when not computed),
    weight, kept (bool), kept_by (the route of part 3 that passed, one of :data:`KEPT_BY`; ``""``
    when neither route passed). ``a``: the analysis (params)."""
    stats: dict = {}
    if behaviour == "sync":
        sync_edges = build_sync(con, i, layer, window_s, a.min_actions, a.min_coactions,
                                a.sync_min_cosine, a.max_pairs_per_action)
        edges = coaction.edge_stats(con, layer, a.min_coactions)
        edges = edges.merge(sync_edges, on=["a", "b"], how="inner")
        edges["p_value"] = np.nan
        edges["expected"] = np.nan
        stats["n_coactions"] = int(edges["n_coactions"].sum()) if len(edges) else 0
        edges["weight"] = _weight(edges, a.weight)
        edges["kept"] = _percentile_pass(edges, a.weight_percentile)
        edges["kept_by"] = "cosine"  # build_sync returns only pairs with cosine >= sync_min_cosine
        return Layer(layer, behaviour, window_s, i, edges, stats)
    stats["n_coactions"] = coaction.build_pairs(con, i, layer, window_s, a.max_pairs_per_action)
    stats["n_capped_objects"] = coaction.n_capped_objects(con, i, window_s, a.max_pairs_per_action)
    edges = coaction.edge_stats(con, layer, a.min_coactions)
    stats["n_candidates"] = len(edges)
    if len(edges):
        weights.register_candidates(con, layer, edges)
        edges = edges.merge(weights.tfidf_cosine(con, i, layer), on=["a", "b"], how="left")
        edges["tfidf_cosine"] = edges["tfidf_cosine"].fillna(0.0)
        if a.p_value is not None:
            # the null model runs only on candidates that can still be kept (part 2 of the rule):
            # the others' p-values could not change the outcome (they stay NaN, "not computed")
            testable = edges if a.min_cosine is None else edges[edges["tfidf_cosine"] >= a.min_cosine]
            if len(testable) < len(edges):
                weights.register_candidates(con, layer, testable)
            if len(testable):
                p = weights.null_p_values(con, i, layer, window_s, a.max_pairs_per_action, a.n_null,
                                          a.seed, a.null, a.correction, behaviour)
                edges = edges.merge(p, on=["a", "b"], how="left")
            else:
                edges["p_value"] = np.nan
        else:
            edges["p_value"] = np.nan
    else:
        edges["tfidf_cosine"] = pd.Series(dtype="float64")
        edges["p_value"] = pd.Series(dtype="float64")
    if "expected" not in edges:
        edges["expected"] = np.nan
    edges["expected"] = edges["expected"].astype("float64")
    edges["tfidf_cosine"] = edges["tfidf_cosine"].fillna(0.0)
    edges["weight"] = _weight(edges, a.weight)
    floor = (edges["tfidf_cosine"] >= a.min_cosine) if a.min_cosine is not None else True
    if a.p_value is None:
        sig = pd.Series(True, index=edges.index)
        edges["kept_by"] = "no_test"
    else:
        by_p = edges["p_value"] <= a.p_value  # NaN (not computed) compares False
        by_cos = pd.Series(False, index=edges.index)
        if a.strong_cosine is not None:
            by_cos = (edges["tfidf_cosine"] >= a.strong_cosine) & (edges["n_objects"] >= 2)
        sig = by_p | by_cos
        edges["kept_by"] = np.where(by_p, "p_value", np.where(by_cos, "cosine", ""))
    edges["kept"] = sig & floor & _percentile_pass(edges, a.weight_percentile)
    return Layer(layer, behaviour, window_s, i, edges, stats)


def _percentile_pass(edges: pd.DataFrame, q: float | None) -> pd.Series:
    if q is None or edges.empty:
        return pd.Series(True, index=edges.index)
    return edges["weight"] > weights.percentile_threshold(edges["weight"], q)
