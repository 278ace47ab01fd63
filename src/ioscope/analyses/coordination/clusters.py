"""Cluster tables (what each coordinated group did, who is in it, when) and the fused network graph.

Only co-actions *inside* a cluster (both accounts members of it) count towards its behaviours, objects,
domains, first/last co-action and timeline. Membership comes from :mod:`.communities`; accounts left in
communities smaller than ``min_cluster_size`` get cluster -1 (no cluster).
"""

from __future__ import annotations

import duckdb
import networkx as nx
import numpy as np
import pandas as pd

from ioscope.analyses.coordination.evidence import to_utc

_INTERNAL = """
    internal AS (
        SELECT DISTINCT ma.cluster_id, e.a, e.b, e.behaviour, e.object, e.pa, e.pb, e.ta, e.tb
        FROM _co_ev e JOIN _co_members ma ON ma.aid = e.a
        JOIN _co_members mb ON mb.aid = e.b AND mb.cluster_id = ma.cluster_id)"""


def register_members(con: duckdb.DuckDBPyConnection, members: dict[int, int]) -> None:
    """``_co_members`` (aid, cluster_id) for the accounts in kept clusters."""
    frame = pd.DataFrame({"aid": list(members), "cluster_id": list(members.values())},
                         dtype="int64")
    con.register("_co_members_df", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE _co_members AS SELECT * FROM _co_members_df")
    con.unregister("_co_members_df")


def _label(acc: pd.DataFrame, aid: int) -> str:
    h = acc.at[aid, "handle"]
    return str(h) if isinstance(h, str) and h else str(acc.at[aid, "account_id"])


def cluster_tables(con: duckdb.DuckDBPyConnection, edges: pd.DataFrame, members: dict[int, int],
                   acc: pd.DataFrame, top_n: int, timeline_bin_s: float) -> dict[str, pd.DataFrame]:
    """``clusters``, ``cluster_members`` and ``cluster_timeline`` (columns in the analysis docstring).
    ``edges``: fused kept edges with a, b, weight; ``acc``: account info indexed by aid."""
    register_members(con, members)
    per = con.execute(
        f"""WITH {_INTERNAL}
            SELECT cluster_id, count(DISTINCT (pa, pb)) AS n_coactions,
                   list(DISTINCT behaviour ORDER BY behaviour) AS behaviours,
                   min(least(ta, tb)) AS first_t, max(greatest(ta, tb)) AS last_t
            FROM internal GROUP BY cluster_id"""
    ).df().set_index("cluster_id")
    top_obj = con.execute(
        f"""WITH {_INTERNAL},
            o AS (SELECT cluster_id, object, count(*) AS n FROM internal GROUP BY cluster_id, object),
            r AS (SELECT *, row_number() OVER (PARTITION BY cluster_id ORDER BY n DESC, object) AS rk
                  FROM o)
            SELECT cluster_id, list(left(object, 200) ORDER BY rk) AS top_objects FROM r
            WHERE rk <= $n GROUP BY cluster_id""",
        {"n": int(top_n)},
    ).df().set_index("cluster_id")
    top_dom = con.execute(
        f"""WITH {_INTERNAL},
            posts AS (SELECT DISTINCT cluster_id, pa AS pidx FROM internal
                      UNION SELECT DISTINCT cluster_id, pb FROM internal),
            d AS (SELECT cluster_id, lower(dom) AS domain, count(*) AS n
                  FROM (SELECT p.cluster_id, unnest(cp.domains) AS dom
                        FROM posts p JOIN _co_posts cp USING (pidx))
                  WHERE dom IS NOT NULL AND dom <> '' GROUP BY cluster_id, lower(dom)),
            r AS (SELECT *, row_number() OVER (PARTITION BY cluster_id ORDER BY n DESC, domain) AS rk
                  FROM d)
            SELECT cluster_id, list(domain ORDER BY rk) AS top_domains FROM r WHERE rk <= $n
            GROUP BY cluster_id""",
        {"n": int(top_n)},
    ).df().set_index("cluster_id")
    mem = pd.DataFrame({"aid": list(members), "cluster_id": list(members.values())})
    mem = mem.join(acc, on="aid")
    e = edges.copy()
    e["ca"], e["cb"] = e["a"].map(members), e["b"].map(members)
    inner = e[e["ca"].notna() & (e["ca"] == e["cb"])]
    deg = pd.concat([inner[["a", "weight", "n_coactions"]].rename(columns={"a": "aid"}),
                     inner[["b", "weight", "n_coactions"]].rename(columns={"b": "aid"})])
    deg = deg.groupby("aid").agg(degree=("weight", "size"), strength=("weight", "sum"),
                                 n_coactions=("n_coactions", "sum"))
    mem = mem.join(deg, on="aid")
    rows = []
    for cid, g in mem.groupby("cluster_id", sort=True):
        g = g.sort_values(["degree", "account_id"], ascending=[False, True])
        info = per.loc[cid] if cid in per.index else None
        rows.append({
            "cluster_id": int(cid), "n_accounts": len(g),
            "n_edges": int((inner["ca"] == cid).sum()),
            "n_coactions": int(info["n_coactions"]) if info is not None else 0,
            "members": [_label(acc, a) for a in g["aid"]],
            "countries": sorted({c for c in g["country"] if isinstance(c, str) and c}),
            "actor_types": sorted({t for t in g["actor_type"] if isinstance(t, str) and t}),
            "behaviours": list(info["behaviours"]) if info is not None else [],
            "top_objects": list(top_obj.at[cid, "top_objects"]) if cid in top_obj.index else [],
            "top_domains": list(top_dom.at[cid, "top_domains"]) if cid in top_dom.index else [],
            "first_t": info["first_t"] if info is not None else np.nan,
            "last_t": info["last_t"] if info is not None else np.nan,
        })
    clusters = pd.DataFrame(rows, columns=[
        "cluster_id", "n_accounts", "n_edges", "n_coactions", "members", "countries", "actor_types",
        "behaviours", "top_objects", "top_domains", "first_t", "last_t"])
    clusters["first_at"] = to_utc(clusters.pop("first_t"))
    clusters["last_at"] = to_utc(clusters.pop("last_t"))
    cm = mem.sort_values(["cluster_id", "degree", "account_id"], ascending=[True, False, True])
    cluster_members = pd.DataFrame({
        "cluster_id": cm["cluster_id"].astype("int64"), "platform": cm["platform"],
        "account_id": cm["account_id"], "handle": cm["handle"], "actor_name": cm["actor_name"],
        "country": cm["country"], "actor_type": cm["actor_type"], "overt": cm["overt"],
        "degree": cm["degree"].fillna(0).astype("int64"), "strength": cm["strength"].fillna(0.0),
        "n_coactions": cm["n_coactions"].fillna(0).astype("int64"),
    }).reset_index(drop=True)
    timeline = con.execute(
        f"""WITH {_INTERNAL},
            x AS (SELECT cluster_id, floor(least(ta, tb) / $w) * $w AS bin_t, a, b, behaviour, pa, pb
                  FROM internal)
            SELECT cluster_id, bin_t, count(DISTINCT (pa, pb)) AS n_coactions,
                   count(DISTINCT acc) AS n_accounts,
                   list(DISTINCT behaviour ORDER BY behaviour) AS behaviours
            FROM (SELECT *, unnest([a, b]) AS acc FROM x) GROUP BY cluster_id, bin_t
            ORDER BY cluster_id, bin_t""",
        {"w": float(timeline_bin_s)},
    ).df()
    timeline["n_coactions"] = timeline["n_coactions"].astype("int64")
    timeline["behaviours"] = [list(x) for x in timeline["behaviours"]]
    timeline.insert(1, "bin_start", to_utc(timeline.pop("bin_t")))
    return {"clusters": clusters, "cluster_members": cluster_members, "cluster_timeline": timeline}


def _s(v: object) -> str:
    return v if isinstance(v, str) else ""


def _f(v: object, missing: float = -1.0) -> float:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return missing
    return missing if np.isnan(f) else f


def build_graph(edges: pd.DataFrame, acc: pd.DataFrame, members: dict[int, int]) -> nx.Graph:
    """The fused network (nx.Graph) for GEXF/GraphML: no attribute is ever None.

    Node key ``platform:account_id``; node attributes: label, platform, account_id, handle, actor_name,
    country, actor_type, overt ('true'/'false'/'' unknown), cluster (int, -1 = none). Edge attributes:
    weight, n_coactions, n_objects, tfidf_cosine, symmetry, p_value (-1 = not computed), behaviours
    (';'-joined), leader, leader_share (-1 = no strict order), first_at, last_at (ISO-8601 UTC).
    """
    g = nx.Graph(name="coordination")
    nodes = sorted(set(edges["a"]) | set(edges["b"]))
    key = {}
    for aid in nodes:
        r = acc.loc[aid]
        k = f"{r['platform']}:{r['account_id']}"
        key[aid] = k
        overt = r["overt"]
        g.add_node(k, label=_label(acc, aid), platform=_s(r["platform"]), account_id=str(r["account_id"]),
                   handle=_s(r["handle"]), actor_name=_s(r["actor_name"]), country=_s(r["country"]),
                   actor_type=_s(r["actor_type"]),
                   overt="" if overt is None or overt is pd.NA or (isinstance(overt, float) and np.isnan(overt))
                   else ("true" if bool(overt) else "false"),
                   cluster=int(members.get(aid, -1)))
    for r in edges.itertuples(index=False):
        g.add_edge(key[r.a], key[r.b], weight=_f(r.weight, 0.0), n_coactions=int(r.n_coactions),
                   n_objects=int(r.n_objects), tfidf_cosine=_f(r.tfidf_cosine, 0.0),
                   symmetry=_f(r.symmetry, 0.0), p_value=_f(r.p_value), behaviours=";".join(r.behaviours),
                   leader=_s(r.leader), leader_share=_f(r.leader_share),
                   first_at=r.first_at.isoformat(), last_at=r.last_at.isoformat())
    return g
