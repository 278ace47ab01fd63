"""Attachment: accounts that joined a coordinated group's actions without a strong tie to any one member.

A group that posts near-identical texts in a few bursts (each account in two or three of them) gives
many account pairs only one co-action: pair by pair, nothing passes ``min_coactions``, yet the account
acted with several members of the group on several occasions. After the communities are found, an
account that is in no cluster joins cluster C when its co-actions (any layer, any count, before the
edge tests) with members of C cover at least ``min_coactions`` distinct objects *and* at least two
distinct members. An account that qualifies for several clusters joins the one with the most objects,
then the most members, then the lowest cluster id.

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
        f"""SELECT '{lay.behaviour}' AS behaviour, {lay.window_s} AS window_s, p.a, p.b, p.oid,
                   o.object, p.pa, p.pb, p.ta, p.tb
            FROM _co_pairs_{lay.index} p JOIN _co_obj_{lay.actions_table} o USING (oid)"""
        for lay in layers)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_weak AS
            WITH p AS ({union})
            SELECT p.*, coalesce(ma.cluster_id, mb.cluster_id) AS cluster_id,
                   CASE WHEN ma.aid IS NULL THEN p.a ELSE p.b END AS u,
                   CASE WHEN ma.aid IS NULL THEN p.b ELSE p.a END AS m
            FROM p LEFT JOIN _co_members ma ON ma.aid = p.a LEFT JOIN _co_members mb ON mb.aid = p.b
            WHERE (ma.aid IS NULL) <> (mb.aid IS NULL)"""
    )
    found = con.execute(
        """SELECT u, cluster_id FROM (
               SELECT u, cluster_id, count(DISTINCT (behaviour, object)) AS n_obj,
                      count(DISTINCT m) AS n_mem
               FROM _co_weak GROUP BY u, cluster_id)
           WHERE n_obj >= $k AND n_mem >= 2
           QUALIFY row_number() OVER (PARTITION BY u ORDER BY n_obj DESC, n_mem DESC, cluster_id) = 1""",
        {"k": int(min_objects)},
    ).fetchall()
    new = {int(u): int(c) for u, c in found}
    if new:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _co_attached AS
               SELECT * FROM (VALUES """ + ", ".join(f"({u}, {c})" for u, c in new.items()) + ") t(u, c)"
        )
        con.execute(
            """INSERT INTO _co_ev
               SELECT w.behaviour, w.window_s, w.a, w.b, w.oid, w.object, w.pa, w.pb, w.ta, w.tb
               FROM _co_weak w JOIN _co_attached t ON t.u = w.u AND t.c = w.cluster_id"""
        )
    con.execute("DROP TABLE _co_weak")
    return new
