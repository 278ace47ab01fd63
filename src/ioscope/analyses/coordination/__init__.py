"""Coordination: which accounts act together more often than chance allows?

A co-action is two accounts doing the same thing to the same object within a time window (reposting
the same post, sharing the same canonical URL, posting the same or a nearly identical text, ...). The
analysis finds co-actions per behaviour and window (:mod:`.coaction`), weighs and tests each account
pair (:mod:`.weights`), keeps the pairs that pass (:mod:`.layers`), fuses the behaviours into one
network, finds groups with Leiden/CPM (:mod:`.communities`) and keeps, for every edge, the co-actions
behind it (:mod:`.evidence`). Detection is evidence for an analyst, never a verdict: every edge links
to the posts behind it. See docs/analyses/coordination.md for methods, sources and caveats.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ioscope.analyses.base import Analysis, Result
from ioscope.analyses.coordination import (
    actions, clusters, coaction, communities, evidence, params, weights)
from ioscope.analyses.coordination.attach import attach as attach_accounts
from ioscope.analyses.coordination.layers import KEPT_BY, Layer, run_layer
from ioscope.analyses.coordination.neartext import build_near_actions
from ioscope.store import Store

__all__ = ["Coordination"]

DEFAULT_BEHAVIOURS = ("co_repost", "co_link", "co_text", "near_text")
NUM_PERM = 128
"""MinHash permutations for near_text (estimated Jaccard standard error about 0.04)."""


class Coordination(Analysis):
    """Coordinated accounts, their groups and the evidence behind every link.

    Parameters (stored unchanged; :meth:`run` validates them and raises AnalysisError):

    * ``behaviours`` (default ``("co_repost", "co_link", "co_text", "near_text")``): any of co_repost,
      co_quote, co_reply, co_link, co_domain, co_hashtag, hashtag_seq, co_text, near_text, sync
      (definitions in :mod:`.actions`).
    * ``window_s`` (default None = per behaviour: co_repost, co_quote, co_reply, co_link, co_domain,
      co_hashtag 60 s; hashtag_seq, co_text, near_text 600 s; sync bins of 600 s): seconds; a number or
      ``"auto"`` for every behaviour, a list of them (several windows in one run), or a dict behaviour
      -> number | "auto" | list. ``"auto"`` estimates the window from the data as CooRnet does
      (:func:`.actions.estimate_window`); the value chosen is in the summary (``auto_windows_s``),
      and one over :data:`.params.MAX_AUTO_WINDOW_S` (1 day) adds a warning note
      (:func:`.params.auto_window_warnings`; kept, not capped).
    * ``min_actions`` (2): an account needs this many actions in a behaviour to be paired in it.
    * ``min_coactions`` (2): an edge needs this many co-actions in a layer.
    * ``p_value`` (0.01): significance level of the null model (:mod:`.weights`; None: no null
      model). ``null`` ("shuffle"): "shuffle" — each account's times permuted among its own actions,
      computed in closed form (trials within the window ~ Binomial, :func:`.weights.
      shuffle_analytic_p_values`); "shuffle_mc" — the same null by ``n_null`` (99) seeded Monte
      Carlo replicates (smallest p 1/(n_null + 1), never adjusted); "relabel" — account labels
      permuted over the behaviour's actions, each object keeping its action times (its cascade) and
      each account its number of actions, exact Poisson tail; "object" — labels permuted inside each
      object (incidence kept; same computation). ``correction`` (None = the default of the null and
      behaviour, :func:`.weights.default_correction`: for "shuffle", "bonferroni" on the object
      behaviours and "none" on co_text/near_text; "none" for shuffle_mc; "bonferroni" for
      relabel/object; else "bonferroni", "fdr" — Benjamini–Hochberg q-values — or "none", over all
      account pairs of the behaviour). Trade-off measured in docs/analyses/coordination.md: on the
      200,000-post bench the uncorrected shuffle keeps 4,970 ordinary co-repost edges, with
      "bonferroni" 147, "relabel" 7; "bonferroni" keeps DIPROMATS' and IRA's official pairs
      (relabel does not) but loses copypasta groups whose pairs share only 2–4 texts, hence "none"
      for the text behaviours.
    * ``min_cosine`` (0.1): windowed TF-IDF cosine every kept edge needs (None: off);
      ``strong_cosine`` (0.8): a cosine that keeps an edge with co-actions on two or more objects
      without the p-value (None: off). The rule: n_coactions >= min_coactions and cosine >=
      min_cosine and (p <= p_value or (cosine >= strong_cosine and n_objects >= 2)) (:mod:`.layers`).
    * ``weight`` ("tfidf"): the edge ``weight`` — "tfidf" (windowed TF-IDF cosine; fused: summed over
      behaviours), "coactions" or "objects"; ``weight_percentile`` (None): also require weight above
      this quantile of a layer's candidate weights (CooRTweet: 0.5; CooRnet: 0.9).
    * ``resolution`` (0.02): CPM resolution of Leiden (average link weight per pair a group needs);
      ``seed`` (0): seeds the null model, MinHash and Leiden.
    * ``max_pairs_per_action`` (200): cap on the actions each action is paired with inside one window
      (:mod:`.coaction`); sync drops bins with more active accounts than this.
    * ``min_text_chars`` (20): shorter normalised texts are not co_text / near_text actions;
      ``near_text_threshold`` (0.6, Jaccard of character shingles); ``shingle_chars`` (5).
    * ``min_cluster_size`` (2), ``max_evidence_per_edge`` (100), ``timeline_bin_s`` (3600 s),
      ``sync_min_cosine`` (0.8), ``top_n`` (5: objects and domains listed per cluster).
    * ``attach`` (True): an account in no cluster joins one whose events it took part in
      (:mod:`.attach`).

    Tables (times tz-aware UTC; durations in seconds; a/b order of a pair is by (platform, account_id)):

    * ``edges`` — one row per kept account pair, all behaviours fused: account_a, account_b,
      platform_a, platform_b, handle_a, handle_b, behaviours (list), layers (list of
      ``behaviour@window``), n_coactions (distinct co-actions: pairs of posts, counted once
      when two behaviours or objects match the same two posts),
      n_objects (distinct (behaviour, object)), weight, tfidf_cosine (max over layers), symmetry
      (min/max of the two accounts' distinct posts in the co-actions; 1 = balanced), p_value (min over
      layers; NaN when not computed), leader (account_id that acted first in most co-actions; '' on a
      tie), leader_share (share of ordered co-actions led by the leader), first_at, last_at, cluster_id
      (-1 = none), kept_by (why the edge is there: "p_value" — p <= p_value in at least one layer;
      else "cosine" — kept in a layer by the strong-cosine route with p above p_value or not computed
      (for sync, by sync_min_cosine); else "no_test" — kept with ``p_value=None``, no null model;
      "attachment" — passed in no layer, an attached account's co-actions, weight 0; see attach).
    * ``edge_layers`` — one row per kept pair and layer: account_a, account_b, handle_a, handle_b,
      behaviour, window_s, n_coactions, n_objects, n_posts_a, n_posts_b, weight, tfidf_cosine,
      symmetry, p_value, expected_coactions (expected under the null; NaN for "shuffle_mc" or when not
      computed), leader, leader_share, mean_delta_s, first_at, last_at.
    * ``evidence`` — the co-actions of every edge (:func:`.evidence.evidence_rows`): cluster_id,
      account_a, account_b, handle_a, handle_b, behaviour, window_s, object, post_a, time_a, post_b, time_b,
      delta_s, url_a, url_b, platform_a, platform_b.
    * ``clusters`` — cluster_id (1 = largest), n_accounts, n_edges, n_coactions (inside the cluster),
      members (handles, else IDs, by degree), countries, actor_types (tracked-actor labels), behaviours,
      top_objects, top_domains (lists, most frequent first), first_at, last_at.
    * ``cluster_members`` — cluster_id, platform, account_id, handle, actor_name, country, actor_type,
      overt, degree, strength (sum of weights inside the cluster), n_coactions, attached (bool).
    * ``cluster_timeline`` — cluster_id, bin_start, n_coactions, n_accounts, behaviours per
      ``timeline_bin_s`` bin.
    * ``layers`` — behaviour, window_s, auto (bool), n_actions, n_coactions, n_candidates, n_kept,
      n_capped_objects.

    Graph ``coordination``: the fused network (:func:`.clusters.build_graph`). Summary: n_posts,
    n_accounts, n_edges, n_clusters, n_accounts_in_clusters, windows_s (behaviour -> windows used),
    auto_windows_s (behaviour -> estimated window), n_capped_objects, n_attached, null, correction
    (the one applied, :func:`.weights.corrections_used`: one name, or one per behaviour when the
    defaults differ — ``"bonferroni for co_repost; none for co_text"``). Raises
    AnalysisError for a bad parameter (unknown behaviour or window key included).
    """

    name = "coordination"
    title = "Coordination"

    def __init__(self, behaviours: tuple[str, ...] = DEFAULT_BEHAVIOURS, window_s: Any = None,
                 min_actions: int = 2, min_coactions: int = 2, p_value: float | None = 0.01,
                 null: str = "shuffle", correction: str | None = None, n_null: int = 99,
                 min_cosine: float | None = 0.1,
                 strong_cosine: float | None = 0.8, weight: str = "tfidf",
                 weight_percentile: float | None = None, resolution: float = 0.02, seed: int = 0,
                 max_pairs_per_action: int = 200, min_text_chars: int = 20,
                 near_text_threshold: float = 0.6, shingle_chars: int = 5, min_cluster_size: int = 2,
                 max_evidence_per_edge: int = 100, timeline_bin_s: float = 3600.0,
                 sync_min_cosine: float = 0.8, top_n: int = 5, attach: bool = True):
        self.behaviours = behaviours
        self.window_s = window_s
        self.min_actions = min_actions
        self.min_coactions = min_coactions
        self.p_value = p_value
        self.null = null
        self.correction = correction
        self.n_null = n_null
        self.min_cosine = min_cosine
        self.strong_cosine = strong_cosine
        self.weight = weight
        self.weight_percentile = weight_percentile
        self.resolution = resolution
        self.seed = seed
        self.max_pairs_per_action = max_pairs_per_action
        self.min_text_chars = min_text_chars
        self.near_text_threshold = near_text_threshold
        self.shingle_chars = shingle_chars
        self.min_cluster_size = min_cluster_size
        self.max_evidence_per_edge = max_evidence_per_edge
        self.timeline_bin_s = timeline_bin_s
        self.sync_min_cosine = sync_min_cosine
        self.top_n = top_n
        self.attach = attach

    def run(self, store: Store) -> Result:
        """Detect coordination in ``store``; returns a Result (tables, graph and summary above)."""
        behaviours, plan = params.validate(self)
        con = store.con.cursor()
        try:
            return self._run(con, behaviours, plan)
        finally:
            con.close()

    # -- steps ---------------------------------------------------------------------------------------

    def _run(self, con, behaviours, plan) -> Result:
        n_posts, n_accounts = actions.load_posts(
            con, self.min_text_chars, texts=bool({"co_text", "near_text"} & set(behaviours)))
        notes = ["Coordination edges are evidence for an analyst, not a verdict: read the co-actions "
                 "in the evidence table (with post links) before drawing conclusions."]
        layers, layer_table, used, auto = self._layers(con, behaviours, plan, notes)
        capped = int(layer_table["n_capped_objects"].sum()) if len(layer_table) else 0
        if capped:
            notes.append(f"{capped} object(s) had more than {self.max_pairs_per_action} actions inside "
                         "one window; each action was paired with its next "
                         f"{self.max_pairs_per_action} actions only (max_pairs_per_action).")
        evidence.collect(con, layers)
        acc = self._accounts(con)
        kept, edge_layers = _kept_layers(layers, acc)
        agg = _pair_weights(kept)
        members = self._members(agg)
        attached: dict[int, int] = {}
        if self.attach:
            clusters.register_members(con, members)
            attached = attach_accounts(con, layers, members, self.min_coactions)
            members.update(attached)
            members = _renumber(members, acc)
            attached = {a: members[a] for a in attached}
        edges = _fused(con, agg, acc)
        tables = clusters.cluster_tables(con, edges, members, acc, self.top_n, self.timeline_bin_s)
        tables["cluster_members"]["attached"] = tables["cluster_members"]["account_id"].isin(
            acc.loc[list(attached), "account_id"]) if attached else False
        edges["cluster_id"] = [members.get(a, -1) if members.get(a, -1) == members.get(b, -2) else -1
                               for a, b in zip(edges["a"], edges["b"], strict=True)]
        graph = clusters.build_graph(edges, acc, members)
        ev = evidence.evidence_rows(con, acc, self.max_evidence_per_edge, members)
        summary = {
            "n_posts": int(n_posts), "n_accounts": int(n_accounts), "n_edges": len(edges),
            "n_clusters": len(tables["clusters"]),
            "n_accounts_in_clusters": int(tables["clusters"]["n_accounts"].sum()),
            "windows_s": used, "auto_windows_s": auto, "n_capped_objects": capped,
            "n_attached": len(attached), "null": self.null,
            "correction": weights.corrections_used(self.null, self.correction, list(used)),
        }
        if auto:
            notes.append("Automatic windows (CooRnet's estimate): "
                         + ", ".join(f"{b} {w:,.0f} s" for b, w in auto.items()) + ".")
            notes.extend(params.auto_window_warnings(auto))
        out = {"edges": _public_edges(edges), "edge_layers": edge_layers, "evidence": ev, **tables,
               "layers": layer_table}
        return Result(name=self.name, params=self.get_params(), tables=out,
                      graphs={"coordination": graph}, summary=summary, notes=notes)

    def _layers(self, con, behaviours, plan, notes: list[str]):
        """Run every (behaviour, window) layer: (layers, layer table, windows used, auto windows)."""
        layers: list[Layer] = []
        layer_rows, used, auto = [], {}, {}
        for i, behaviour in enumerate(behaviours):
            n_actions = self._actions(con, behaviour, i)
            for w in plan[behaviour]:
                window = w
                if w == params.AUTO:
                    est = actions.estimate_window(con, i)
                    window = est if est is not None else actions.DEFAULT_WINDOWS_S[behaviour]
                    auto[behaviour] = window
                    if est is None:
                        notes.append(f"{behaviour}: no object was acted on twice, so no automatic "
                                     f"window; used the default {window:g} s.")
                if any(lay.behaviour == behaviour and lay.window_s == window for lay in layers):
                    continue
                layer = run_layer(con, self, len(layers), behaviour, i, float(window))
                layers.append(layer)
                used.setdefault(behaviour, []).append(float(window))
                layer_rows.append({
                    "behaviour": behaviour, "window_s": float(window), "auto": w == params.AUTO,
                    "n_actions": n_actions, "n_coactions": layer.stats.get("n_coactions", 0),
                    "n_candidates": len(layer.edges), "n_kept": int(layer.edges["kept"].sum()),
                    "n_capped_objects": layer.stats.get("n_capped_objects", 0),
                    "correction": ("" if behaviour == "sync" or self.p_value is None else
                                   self.correction or weights.default_correction(self.null, behaviour))})
        return layers, pd.DataFrame(layer_rows), used, auto

    def _actions(self, con, behaviour: str, i: int) -> int:
        if behaviour == "sync":
            return int(con.execute("SELECT count(*) FROM _co_posts").fetchone()[0])
        if behaviour == "near_text":
            n, _ = build_near_actions(con, i, self.near_text_threshold, self.shingle_chars, NUM_PERM,
                                      self.seed)
        else:
            n = actions.build_actions(con, behaviour, i)
        coaction.eligible(con, i, self.min_actions)
        return int(n)

    def _accounts(self, con) -> pd.DataFrame:
        return con.execute(
            """SELECT a.aid, a.platform, a.account_id, a.handle, aa.actor_name, aa.country,
                      aa.actor_type, aa.overt
               FROM _co_accounts a LEFT JOIN actor_accounts aa USING (platform, account_id)"""
        ).df().set_index("aid")

    def _members(self, agg: pd.DataFrame) -> dict[int, int]:
        positive = agg[agg["weight"] > 0]
        parts = communities.leiden_cpm(positive[["a", "b", "weight"]], self.resolution, self.seed)
        sizes = pd.Series(parts).value_counts()
        big = sorted(c for c, n in sizes.items() if n >= self.min_cluster_size)
        renumber = {c: k + 1 for k, c in enumerate(big)}
        return {a: renumber[c] for a, c in parts.items() if c in renumber}


def _renumber(members: dict[int, int], acc: pd.DataFrame) -> dict[int, int]:
    """Cluster ids 1..K by size (largest first), then by the smallest (platform, account_id)."""
    if not members:
        return members
    frame = pd.DataFrame({"aid": list(members), "c": list(members.values())})
    frame["key"] = frame["aid"].map(acc["platform"]) + ":" + frame["aid"].map(acc["account_id"])
    order = frame.groupby("c").agg(n=("aid", "size"), first=("key", "min")).sort_values(
        ["n", "first"], ascending=[False, True])
    new = {c: k + 1 for k, c in enumerate(order.index)}
    return {a: new[c] for a, c in members.items()}


def _kept_layers(layers: list[Layer], acc: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kept edges of every layer (internal columns) and the public ``edge_layers`` table."""
    parts = []
    for layer in layers:
        k = layer.edges[layer.edges["kept"]].copy()
        k["behaviour"], k["window_s"], k["layer"] = layer.behaviour, layer.window_s, layer.name
        parts.append(k)
    cols = ["a", "b", "behaviour", "window_s", "layer", "n_coactions", "n_objects", "n_posts_a",
            "n_posts_b", "weight", "tfidf_cosine", "symmetry", "p_value", "expected", "a_first",
            "b_first", "mean_delta_s", "first_t", "last_t", "kept_by"]
    kept = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
    kept = evidence.leader_columns(kept, acc)
    edge_layers = _with_accounts(kept, acc).rename(columns={"expected": "expected_coactions"})
    edge_layers["expected_coactions"] = edge_layers["expected_coactions"].astype("float64")
    edge_layers = edge_layers[[
        "account_a", "account_b", "handle_a", "handle_b", "behaviour", "window_s", "n_coactions",
        "n_objects", "n_posts_a", "n_posts_b", "weight", "tfidf_cosine", "symmetry", "p_value",
        "expected_coactions", "leader", "leader_share", "mean_delta_s", "first_at", "last_at"]]
    return kept, edge_layers


def _pair_weights(kept: pd.DataFrame) -> pd.DataFrame:
    """Per pair over its kept layers: weight (max over a behaviour's windows, summed over behaviours),
    tfidf_cosine (max), p_value (min), layers (sorted names), kept_by (the first of
    :data:`.layers.KEPT_BY` among the layers: "p_value" if any layer kept it by p-value, ...)."""
    if kept.empty:
        return pd.DataFrame({"a": pd.Series(dtype="int64"), "b": pd.Series(dtype="int64"),
                             "weight": pd.Series(dtype="float64"),
                             "tfidf_cosine": pd.Series(dtype="float64"),
                             "p_value": pd.Series(dtype="float64"), "layers": pd.Series(dtype=object),
                             "kept_by": pd.Series(dtype=object)})
    per_beh = kept.groupby(["a", "b", "behaviour"], as_index=False)["weight"].max()
    agg = per_beh.groupby(["a", "b"], as_index=False)["weight"].sum()
    return agg.merge(kept.groupby(["a", "b"], as_index=False).agg(
        tfidf_cosine=("tfidf_cosine", "max"), p_value=("p_value", "min"),
        layers=("layer", lambda x: sorted(set(x))),
        kept_by=("kept_by", lambda x: next(k for k in KEPT_BY if k in set(x)))), on=["a", "b"])


def _fused(con, agg: pd.DataFrame, acc: pd.DataFrame) -> pd.DataFrame:
    """Fused edges from all the evidence; pairs not in ``agg`` came from attachment (weight 0)."""
    fused = evidence.fused_stats(con).merge(agg, on=["a", "b"], how="left")
    fused["kept_by"] = fused["kept_by"].where(fused["weight"].notna(), "attachment").astype(object)
    fused["weight"] = fused["weight"].astype("float64").fillna(0.0)
    fused["layers"] = [x if isinstance(x, list) else [] for x in fused["layers"]]
    fused = evidence.leader_columns(fused, acc)
    return _with_accounts(fused, acc)


def _with_accounts(frame: pd.DataFrame, acc: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for side in ("a", "b"):
        frame[f"account_{side}"] = frame[side].map(acc["account_id"])
        frame[f"platform_{side}"] = frame[side].map(acc["platform"])
        frame[f"handle_{side}"] = frame[side].map(acc["handle"])
    frame["first_at"] = evidence.to_utc(frame["first_t"].astype("float64"))
    frame["last_at"] = evidence.to_utc(frame["last_t"].astype("float64"))
    return frame


def _public_edges(edges: pd.DataFrame) -> pd.DataFrame:
    cols = ["account_a", "account_b", "platform_a", "platform_b", "handle_a", "handle_b", "behaviours",
            "layers", "n_coactions", "n_objects", "weight", "tfidf_cosine", "symmetry", "p_value",
            "leader", "leader_share", "first_at", "last_at", "cluster_id", "kept_by"]
    out = edges[cols].copy()
    out["behaviours"] = [list(x) for x in out["behaviours"]]
    out["p_value"] = out["p_value"].astype("float64")
    out["weight"] = out["weight"].astype("float64").fillna(0.0)
    out["tfidf_cosine"] = out["tfidf_cosine"].astype("float64").fillna(0.0)
    out["_none"] = out["cluster_id"] < 0
    out["_w"] = out["weight"].round(9)  # sums may differ in the last bits between thread counts
    out = out.sort_values(["_none", "cluster_id", "_w", "account_a", "account_b"],
                          ascending=[True, True, False, True, True])
    return out.drop(columns=["_none", "_w"]).reset_index(drop=True)
