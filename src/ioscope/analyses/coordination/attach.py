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
    # Candidate events first: (object, cluster) where at least two members of the cluster acted and
    # they are at least half of the object's accounts. Only co-actions on them can count, so the
    # weak pairs are read on those objects only (a viral post's thousands of pairs never are).
    tables = sorted({lay.actions_table for lay in layers if lay.behaviour != "sync"})
    if tables:
        acts = " UNION ALL ".join(f"SELECT {t} AS ti, oid, aid FROM _co_act_{t}" for t in tables)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _co_evobj AS
                WITH a AS (SELECT DISTINCT ti, oid, aid FROM ({acts}) x),
                     nm AS (SELECT a.ti, a.oid, m.cluster_id, count(*) AS nm
                            FROM a JOIN _co_members m USING (aid)
                            GROUP BY a.ti, a.oid, m.cluster_id HAVING count(*) >= 2),
                     n AS (SELECT ti, oid, count(*) AS n FROM a SEMI JOIN nm USING (ti, oid)
                           GROUP BY ti, oid)
                SELECT nm.ti, nm.oid, nm.cluster_id FROM nm JOIN n USING (ti, oid)
                WHERE nm.nm >= 0.5 * n.n"""
        )
    parts = []
    for lay in layers:
        on_events = ("" if lay.behaviour == "sync" else
                     " SEMI JOIN _co_evobj e ON e.ti = w.ti AND e.oid = w.oid AND e.cluster_id = w.cluster_id")
        parts.append(
            f"""SELECT w.* FROM (
                    SELECT '{lay.behaviour}' AS behaviour, {lay.window_s} AS window_s,
                           {lay.actions_table} AS ti, p.a, p.b, p.oid, p.pa, p.pb, p.ta, p.tb,
                           coalesce(ma.cluster_id, mb.cluster_id) AS cluster_id,
                           CASE WHEN ma.aid IS NULL THEN p.a ELSE p.b END AS u,
                           CASE WHEN ma.aid IS NULL THEN p.pa ELSE p.pb END AS up,
                           CASE WHEN ma.aid IS NULL THEN p.b ELSE p.a END AS m
                    FROM _co_pairs_{lay.index} p LEFT JOIN _co_members ma ON ma.aid = p.a
                    LEFT JOIN _co_members mb ON mb.aid = p.b
                    WHERE (ma.aid IS NULL) <> (mb.aid IS NULL)) w{on_events}""")
    con.execute("CREATE OR REPLACE TEMP TABLE _co_weak AS " + " UNION ALL ".join(parts))
    found = con.execute(
        """WITH ev AS (SELECT w.u, w.cluster_id, w.ti, w.oid, count(DISTINCT w.m) AS n_mem,
                              list(DISTINCT w.up) AS ups
                       FROM _co_weak w GROUP BY w.u, w.cluster_id, w.ti, w.oid),
                agg AS (SELECT u, cluster_id,
                               count(DISTINCT up) AS n_events, sum(n_mem) AS n_links
                        FROM (SELECT u, cluster_id, unnest(ups) AS up, n_mem FROM ev WHERE n_mem >= 2)
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
    con.execute("DROP TABLE IF EXISTS _co_evobj")
    return new
