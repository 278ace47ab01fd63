"""Windowed co-actions: pairs of actions by two accounts on the same object within ``window_s`` seconds.

A co-action is two actions (account A's post, account B's post) on the same object, by different
accounts, at most ``window_s`` seconds apart (inclusive, as in the QUT toolkit and CooRTweet). The
self-join runs in DuckDB and never compares all pairs of an object:

* **time blocking** — each action gets the bucket ``floor(t / width)`` with ``width = max(window_s,
  1)``; two actions within the window are in the same or in adjacent buckets, so the join is an equi-
  join on (object, bucket) with the later action looked up in its own and the previous bucket
  (LIBRARIES.md: 5M actions at 60 s took about 10 s this way, 25–49 s as a band join);
* **rank blocking (the cap)** — the actions of an object are ranked by time; an action is paired with
  at most the ``max_pairs_per_action`` actions that follow it (rank blocks of that size are joined in
  the same way). Pairs per object are therefore at most ``n_actions × max_pairs_per_action`` however
  many accounts act on it at once: an object reposted by 50,000 accounts within one window yields at
  most 50,000 × 200 candidate pairs instead of 1.25 billion. The cap drops only pairs of actions that
  are more than ``max_pairs_per_action`` ranks apart *inside one window*; objects where this happened
  are counted and reported (``n_capped_objects``).

Each unordered pair of actions is produced exactly once: the earlier action (by time, then account,
then post) is on the left, and the (time-bucket, rank-block) offsets 0/1 of the later action are
disjoint cases of one equi-join.
"""

from __future__ import annotations

import duckdb
import pandas as pd


def eligible(con: duckdb.DuckDBPyConnection, i: int, min_actions: int) -> int:
    """``_co_elig_{i}``: actions of ``_co_act_{i}`` by accounts with at least ``min_actions`` actions
    in this behaviour, on objects acted on by at least two such accounts. Returns its row count."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_elig_{i} AS
            WITH acc AS (SELECT aid FROM _co_act_{i} GROUP BY aid HAVING count(*) >= $m),
                 a AS (SELECT x.* FROM _co_act_{i} x SEMI JOIN acc USING (aid)),
                 obj AS (SELECT oid FROM a GROUP BY oid HAVING count(DISTINCT aid) >= 2)
            SELECT a.* FROM a SEMI JOIN obj USING (oid)""",
        {"m": int(min_actions)},
    )
    return con.execute(f"SELECT count(*) FROM _co_elig_{i}").fetchone()[0]


def pairs_sql(src: str, window_s: float, max_pairs_per_action: int, part: tuple[str, ...] = (),
              same_account: bool = False) -> str:
    """SELECT of the co-action pairs among the actions in table ``src`` (aid, oid, t, pidx[, part]).

    Columns: [part...,] oid, a, b (aid, a < b), pa, pb (pidx of a's and b's post), ta, tb (seconds).
    ``part``: extra columns that must also match (e.g. the replicate of a null model).
    ``same_account``: also pair two actions of one account (a = b; the null models count every pair
    of action slots within the window, whoever holds them).
    """
    width = max(float(window_s), 1.0)
    k = int(max_pairs_per_action)
    pcols = "".join(f"{c}, " for c in part)
    pjoin = "".join(f" AND y.{c} = x.{c}" for c in part)
    pout = "".join(f"x.{c}, " for c in part)
    return f"""
        WITH r AS (
            SELECT {pcols}aid, oid, t, pidx,
                   row_number() OVER (PARTITION BY {pcols}oid ORDER BY t, aid, pidx) AS rk
            FROM {src}),
        x AS (SELECT *, floor(t / {width})::BIGINT AS tb_, rk // {k} AS rb_ FROM r),
        y AS (SELECT x.*, x.tb_ - d.dt AS jt, x.rb_ - d.dr AS jr
              FROM x, (VALUES (0, 0), (0, 1), (1, 0), (1, 1)) d(dt, dr))
        SELECT {pout}x.oid,
               least(x.aid, y.aid) AS a, greatest(x.aid, y.aid) AS b,
               CASE WHEN x.aid < y.aid THEN x.pidx ELSE y.pidx END AS pa,
               CASE WHEN x.aid < y.aid THEN y.pidx ELSE x.pidx END AS pb,
               CASE WHEN x.aid < y.aid THEN x.t ELSE y.t END AS ta,
               CASE WHEN x.aid < y.aid THEN y.t ELSE x.t END AS tb
        FROM x JOIN y ON y.oid = x.oid AND y.jt = x.tb_ AND y.jr = x.rb_{pjoin}
        WHERE y.rk > x.rk AND y.rk - x.rk <= {k} AND y.t - x.t <= {float(window_s)}
          {"" if same_account else "AND y.aid <> x.aid"}"""


def build_pairs(con: duckdb.DuckDBPyConnection, i: int, layer: int, window_s: float,
                max_pairs_per_action: int) -> int:
    """``_co_pairs_{layer}`` from ``_co_elig_{i}``: every co-action within ``window_s`` (see module).
    Returns the number of co-actions."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _co_pairs_{layer} AS "
        + pairs_sql(f"_co_elig_{i}", window_s, max_pairs_per_action)
    )
    return con.execute(f"SELECT count(*) FROM _co_pairs_{layer}").fetchone()[0]


def n_capped_objects(con: duckdb.DuckDBPyConnection, i: int, window_s: float,
                     max_pairs_per_action: int) -> int:
    """Objects of ``_co_elig_{i}`` where more than ``max_pairs_per_action`` actions followed one action
    within ``window_s`` (so some of their pairs were dropped by the cap)."""
    k = int(max_pairs_per_action)
    return con.execute(
        f"""SELECT count(DISTINCT oid) FROM (
                SELECT oid, t, lead(t, {k}) OVER (PARTITION BY oid ORDER BY t, aid, pidx) AS tk
                FROM _co_elig_{i}) WHERE tk - t <= {float(window_s)}"""
    ).fetchone()[0]


def edge_stats(con: duckdb.DuckDBPyConnection, layer: int, min_coactions: int) -> pd.DataFrame:
    """Per account pair of ``_co_pairs_{layer}`` with at least ``min_coactions`` co-actions.

    Columns: a, b (aid, a < b); n_coactions (co-action pairs of posts); n_objects (distinct objects);
    n_posts_a, n_posts_b (distinct posts of each side in those co-actions); symmetry
    (min(n_posts_a, n_posts_b) / max(...), CooRTweet's edge_symmetry_score: 1 = both contribute
    equally); a_first, b_first (co-actions in which a, resp. b, acted strictly first); mean_delta_s
    (mean |t_b - t_a|, seconds); first_t, last_t (seconds since the epoch, UTC: earliest and latest
    action in the co-actions). Pairs are counted first and the distinct counts run on the candidates
    only (distinct aggregates over millions of one-off pairs would cost gigabytes).
    """
    return con.execute(
        f"""WITH c AS (SELECT a, b FROM _co_pairs_{layer} GROUP BY a, b HAVING count(*) >= $m),
                 p AS (SELECT * FROM _co_pairs_{layer} SEMI JOIN c USING (a, b))
            SELECT a, b, count(*) AS n_coactions, count(DISTINCT oid) AS n_objects,
                   count(DISTINCT pa) AS n_posts_a, count(DISTINCT pb) AS n_posts_b,
                   least(count(DISTINCT pa), count(DISTINCT pb))::DOUBLE
                     / greatest(count(DISTINCT pa), count(DISTINCT pb)) AS symmetry,
                   count(*) FILTER (WHERE ta < tb) AS a_first,
                   count(*) FILTER (WHERE tb < ta) AS b_first,
                   avg(abs(tb - ta)) AS mean_delta_s,
                   min(least(ta, tb)) AS first_t, max(greatest(ta, tb)) AS last_t
            FROM p GROUP BY a, b ORDER BY a, b""",
        {"m": int(min_coactions)},
    ).df()
