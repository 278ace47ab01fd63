"""Attachment: accounts that joined a coordinated group's actions without a strong tie to any one member.

A group that posts near-identical texts in a few bursts (each account in two or three of them) gives
many account pairs only one co-action: pair by pair, nothing passes ``min_coactions``, yet the account
acted with several members of the group on several occasions. After the communities are found, an
account that is in no cluster joins cluster C when at least ``min_coactions`` of its posts took part in
C's *events*. An event is an object that is C's own — at least half of the accounts that ever acted on
it are members of C (a copypasta template, a campaign link; not a viral post or a popular template
text) — on which the account co-acted (in any layer, before the edge tests) with at least two members
of C within the window. Posts, not objects, are counted, so one post found by two behaviours (co_text
and near_text) is one occasion. An account that qualifies for several clusters joins the one with the
most events, then the most co-actions with members, then the lowest cluster id.

The co-actions behind an attachment are added to the evidence (``_co_ev``) as edges to those members,
flagged ``kept_by = "attachment"`` in the edges table (weight 0: they did not pass the edge tests and
take no part in the community detection). Works in DuckDB on the pair tables of every layer.
"""

from __future__ import annotations

import duckdb

from ioscope.analyses.coordination.layers import Layer


def attach(con: duckdb.DuckDBPyConnection, layers: list[Layer], members: dict[int, int],
           min_objects: int) -> dict[int, int]:
    """New members: account aid -> cluster id. Adds their co-actions with that cluster to ``_co_ev``."""
    if not members or not layers:
        return {}
    union = " UNION ALL ".join(
        f"""SELECT '{lay.behaviour}' AS behaviour, {lay.window_s} AS window_s, {lay.actions_table} AS ti,
                   p.a, p.b, p.oid, p.pa, p.pb, p.ta, p.tb
            FROM _co_pairs_{lay.index} p"""
        for lay in layers)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_weak AS
            WITH p AS ({union})
            SELECT p.*, coalesce(ma.cluster_id, mb.cluster_id) AS cluster_id,
                   CASE WHEN ma.aid IS NULL THEN p.a ELSE p.b END AS u,
                   CASE WHEN ma.aid IS NULL THEN p.pa ELSE p.pb END AS up,
                   CASE WHEN ma.aid IS NULL THEN p.b ELSE p.a END AS m
            FROM p LEFT JOIN _co_members ma ON ma.aid = p.a LEFT JOIN _co_members mb ON mb.aid = p.b
            WHERE (ma.aid IS NULL) <> (mb.aid IS NULL)"""
    )
    # Share of each candidate event object's accounts that are members of the cluster.
    tables = sorted({lay.actions_table for lay in layers if lay.behaviour != "sync"})
    acts = " UNION ALL ".join(f"SELECT {t} AS ti, oid, aid FROM _co_act_{t}" for t in tables)
    share = "1.0"
    if acts:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _co_objshare AS
                WITH o AS (SELECT DISTINCT ti, oid, cluster_id FROM _co_weak),
                     a AS (SELECT x.* FROM ({acts}) x SEMI JOIN o USING (ti, oid))
                SELECT o.ti, o.oid, o.cluster_id,
                       count(DISTINCT a.aid) FILTER (WHERE m.cluster_id = o.cluster_id)::DOUBLE
                         / count(DISTINCT a.aid) AS share
                FROM o JOIN a USING (ti, oid) LEFT JOIN _co_members m ON m.aid = a.aid
                GROUP BY o.ti, o.oid, o.cluster_id"""
        )
        share = "coalesce(s.share, 1.0)"
    found = con.execute(
        f"""WITH ev AS (SELECT w.u, w.cluster_id, w.ti, w.oid, count(DISTINCT w.m) AS n_mem,
                               list(DISTINCT w.up) AS ups, any_value({share}) AS share
                        FROM _co_weak w
                        {"LEFT JOIN _co_objshare s USING (ti, oid, cluster_id)" if acts else ""}
                        GROUP BY w.u, w.cluster_id, w.ti, w.oid),
                agg AS (SELECT u, cluster_id,
                               count(DISTINCT up) AS n_events, sum(n_mem) AS n_links
                        FROM (SELECT u, cluster_id, unnest(ups) AS up, n_mem FROM ev
                              WHERE n_mem >= 2 AND share >= 0.5)
                        GROUP BY u, cluster_id)
            SELECT u, cluster_id FROM agg WHERE n_events >= $k
            QUALIFY row_number() OVER (PARTITION BY u ORDER BY n_events DESC, n_links DESC,
                                       cluster_id) = 1""",
        {"k": int(min_objects)},
    ).fetchall()
    new = {int(u): int(c) for u, c in found}
    if new:
        # readable objects are joined only for the attached accounts' co-actions (not for every pair)
        objs = " UNION ALL ".join(f"SELECT {t} AS ti, oid, object FROM _co_obj_{t}"
                                  for t in sorted({lay.actions_table for lay in layers}))
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _co_attached AS
               SELECT * FROM (VALUES """ + ", ".join(f"({u}, {c})" for u, c in new.items()) + ") t(u, c)"
        )
        con.execute(
            """INSERT INTO _co_ev
               SELECT w.behaviour, w.window_s, w.a, w.b, w.oid, o.object, w.pa, w.pb, w.ta, w.tb
               FROM _co_weak w JOIN _co_attached t ON t.u = w.u AND t.c = w.cluster_id
               JOIN (""" + objs + """) o ON o.ti = w.ti AND o.oid = w.oid"""
        )
    con.execute("DROP TABLE _co_weak")
    con.execute("DROP TABLE IF EXISTS _co_objshare")
    return new
