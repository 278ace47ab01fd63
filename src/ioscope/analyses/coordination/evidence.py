"""Evidence: the co-actions behind every kept edge, and the fused (all-behaviour) edge statistics.

``collect`` gathers the co-actions of the kept edges of every layer into ``_co_ev`` (behaviour,
window_s, a, b, oid, object, pa, pb, ta, tb). A co-action found at two windows of the same behaviour
is one co-action. Fused co-action counts are over distinct pairs of posts (post_a, post_b): two
posts that match as identical text (co_text) and as near-identical text (near_text), or that share
two links, are one co-action of the two accounts; objects are counted per (behaviour, object).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from ioscope.analyses.coordination.layers import Layer
from ioscope.outputs.links import permalink


def collect(con: duckdb.DuckDBPyConnection, layers: list[Layer]) -> int:
    """Build ``_co_ev`` from the kept edges of ``layers``; returns its number of distinct co-actions."""
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _co_ev (behaviour VARCHAR, window_s DOUBLE, a INTEGER,
             b INTEGER, oid INTEGER, object VARCHAR, pa BIGINT, pb BIGINT, ta DOUBLE, tb DOUBLE)"""
    )
    for layer in layers:
        kept = layer.edges.loc[layer.edges["kept"], ["a", "b"]]
        if kept.empty:
            continue
        con.register("_co_kept_df", kept)
        con.execute(
            f"""INSERT INTO _co_ev
                SELECT $beh, $w, p.a, p.b, p.oid, o.object, p.pa, p.pb, p.ta, p.tb
                FROM _co_pairs_{layer.index} p SEMI JOIN _co_kept_df k USING (a, b)
                JOIN _co_obj_{layer.actions_table} o USING (oid)""",
            {"beh": layer.behaviour, "w": layer.window_s},
        )
        con.unregister("_co_kept_df")
    return con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT pa, pb FROM _co_ev)"
    ).fetchone()[0]


def fused_stats(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per kept account pair over all layers: a, b, n_coactions (distinct pairs of posts), n_objects
    (distinct (behaviour, object)), symmetry, a_first, b_first (over the distinct pairs of posts),
    first_t, last_t, behaviours (sorted list of behaviour names)."""
    return con.execute(
        """WITH p AS (SELECT DISTINCT a, b, pa, pb, ta, tb FROM _co_ev),
                c AS (SELECT a, b, count(*) AS n_coactions,
                             count(*) FILTER (WHERE ta < tb) AS a_first,
                             count(*) FILTER (WHERE tb < ta) AS b_first,
                             least(count(DISTINCT pa), count(DISTINCT pb))::DOUBLE
                               / greatest(count(DISTINCT pa), count(DISTINCT pb)) AS symmetry,
                             min(least(ta, tb)) AS first_t, max(greatest(ta, tb)) AS last_t
                      FROM p GROUP BY a, b),
                o AS (SELECT a, b, count(DISTINCT (behaviour, object)) AS n_objects,
                             list(DISTINCT behaviour ORDER BY behaviour) AS behaviours
                      FROM _co_ev GROUP BY a, b)
           SELECT c.a, c.b, c.n_coactions, o.n_objects, c.symmetry, c.a_first, c.b_first,
                  c.first_t, c.last_t, o.behaviours
           FROM c JOIN o USING (a, b) ORDER BY c.a, c.b"""
    ).df()


def leader_columns(frame: pd.DataFrame, acc: pd.DataFrame) -> pd.DataFrame:
    """Add ``leader`` (account_id of the account that acted first in most co-actions; '' on a tie) and
    ``leader_share`` (share of the co-actions with a strict order in which the leader was first; NaN
    when every co-action was simultaneous) from columns a_first, b_first."""
    af, bf = frame["a_first"].astype(float), frame["b_first"].astype(float)
    total = af + bf
    ids = acc["account_id"]
    lead_a = frame["a"].map(ids).where(af > bf)
    lead_b = frame["b"].map(ids).where(bf > af)
    frame["leader"] = lead_a.fillna(lead_b).fillna("").astype(str)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["leader_share"] = np.where(total > 0, np.maximum(af, bf) / total.replace(0, np.nan), np.nan)
    return frame


def to_utc(seconds: pd.Series) -> pd.Series:
    """Seconds since the epoch -> tz-aware UTC timestamps."""
    return pd.to_datetime(seconds, unit="s", utc=True)


def evidence_rows(con: duckdb.DuckDBPyConnection, acc: pd.DataFrame, max_per_edge: int,
                  members: dict[int, int] | None = None) -> pd.DataFrame:
    """The co-actions behind each kept edge, earliest first, at most ``max_per_edge`` per edge; rows
    ordered by cluster (edges in no cluster last), then edge, then time.

    Columns: cluster_id (the edge's cluster, -1 = none), account_a, account_b (account IDs; a/b as in
    ``edges``), handle_a, handle_b, behaviour,
    window_s (seconds; the smallest window that found it), object, post_a, time_a, post_b, time_b (post
    IDs and UTC times), delta_s (time_b - time_a, seconds: positive when B acted after A), url_a, url_b
    (post permalinks, None when no public link can be built), platform_a, platform_b.
    """
    ev = con.execute(
        """WITH d AS (SELECT a, b, behaviour, min(window_s) AS window_s, object, pa, pb,
                             any_value(ta) AS ta, any_value(tb) AS tb
                      FROM _co_ev GROUP BY a, b, behaviour, object, pa, pb),
                r AS (SELECT *, row_number() OVER (PARTITION BY a, b
                                                   ORDER BY least(ta, tb), behaviour, pa, pb) AS rn
                      FROM d)
           SELECT r.a, r.b, r.behaviour, r.window_s, r.object, x.post_id AS post_a, r.ta,
                  y.post_id AS post_b, r.tb
           FROM r JOIN _co_posts x ON x.pidx = r.pa JOIN _co_posts y ON y.pidx = r.pb
           WHERE r.rn <= $n ORDER BY r.a, r.b, r.rn""",
        {"n": int(max_per_edge)},
    ).df()
    members = members or {}
    ca, cb = ev["a"].map(members).fillna(-1), ev["b"].map(members).fillna(-2)
    cluster = ca.where(ca == cb, -1).astype("int64")
    out = pd.DataFrame({
        "cluster_id": cluster,
        "account_a": ev["a"].map(acc["account_id"]), "account_b": ev["b"].map(acc["account_id"]),
        "handle_a": ev["a"].map(acc["handle"]), "handle_b": ev["b"].map(acc["handle"]),
        "behaviour": ev["behaviour"], "window_s": ev["window_s"], "object": ev["object"],
        "post_a": ev["post_a"], "time_a": to_utc(ev["ta"]),
        "post_b": ev["post_b"], "time_b": to_utc(ev["tb"]),
        "delta_s": (ev["tb"] - ev["ta"]).astype("float64"),
        "platform_a": ev["a"].map(acc["platform"]), "platform_b": ev["b"].map(acc["platform"]),
    })
    out["url_a"] = [permalink(p, i, h) for p, i, h in
                    zip(out["platform_a"], out["post_a"], out["handle_a"], strict=True)]
    out["url_b"] = [permalink(p, i, h) for p, i, h in
                    zip(out["platform_b"], out["post_b"], out["handle_b"], strict=True)]
    order = out.assign(_none=out["cluster_id"] < 0, _k=range(len(out)))
    order = order.sort_values(["_none", "cluster_id", "_k"], kind="stable")
    return out.loc[order.index].reset_index(drop=True)
