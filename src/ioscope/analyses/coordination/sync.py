"""Synchronised activity: accounts whose posting is concentrated in the same time bins.

A simpler first version of the "synchronised actions" trace of Pacheco, Flammini & Menczer 2021
(ICWSM): every collected post (any kind) is an action on its time bin ``floor(t / bin_s)``; each
account is a TF-IDF vector over bins (binary TF; smoothed IDF, so a bin in which everybody posts counts
little); two accounts are linked when the cosine of their vectors is at least ``min_cosine`` and they
share at least ``min_coactions`` active bins. The products run as a sparse matrix product (scipy),
never as a Python loop over pairs.

Limits of this version (documented in docs/analyses/coordination.md): no null model (``p_value`` is
NaN for these edges); bins in which more than ``max_accounts_per_bin`` accounts are active are dropped
before the product (they carry almost no information and would make the product dense); it does not
look at what was posted, only when.

The result is written as ``_co_obj_{i}`` (oid = bin number, object = bin start as ISO-8601 UTC) and
``_co_pairs_{layer}`` (one row per shared bin: the first post of each account in that bin) so that the
edge statistics, evidence and clusters treat it like any other behaviour.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from ioscope.errors import AnalysisError


def build_sync(con: duckdb.DuckDBPyConnection, i: int, layer: int, bin_s: float, min_actions: int,
               min_coactions: int, min_cosine: float, max_accounts_per_bin: int) -> pd.DataFrame:
    """Sync edges: DataFrame (a, b, tfidf_cosine) with cosine >= ``min_cosine``; fills the tables."""
    try:
        from scipy import sparse
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise AnalysisError("coordination: sync needs scipy; install it with `pip install scipy`") from exc
    width = float(bin_s)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_fp_{i} AS
            SELECT aid, floor(t / {width})::BIGINT AS bin, arg_min(pidx, t) AS pidx, min(t) AS t
            FROM _co_posts GROUP BY aid, bin"""
    )
    cells = con.execute(
        f"""WITH acc AS (SELECT aid FROM _co_posts GROUP BY aid HAVING count(*) >= $m),
                 f AS (SELECT x.aid, x.bin FROM _co_fp_{i} x SEMI JOIN acc USING (aid)),
                 b AS (SELECT bin FROM f GROUP BY bin HAVING count(*) BETWEEN 2 AND $cap)
            SELECT f.aid, f.bin FROM f SEMI JOIN b USING (bin)""",
        {"m": int(min_actions), "cap": int(max_accounts_per_bin)},
    ).df()
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_obj_{i} AS
            SELECT DISTINCT bin::INTEGER AS oid,
                   strftime(to_timestamp(bin * {width}), '%Y-%m-%dT%H:%M:%SZ') AS object
            FROM _co_fp_{i}"""
    )
    empty = pd.DataFrame({"a": pd.Series(dtype="int64"), "b": pd.Series(dtype="int64"),
                          "tfidf_cosine": pd.Series(dtype="float64")})
    if cells.empty:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _co_pairs_{layer} AS "
                    "SELECT 0 AS oid, 0 AS a, 0 AS b, 0::BIGINT AS pa, 0::BIGINT AS pb, "
                    "0.0 AS ta, 0.0 AS tb WHERE false")
        return empty
    acc_codes, acc_index = pd.factorize(cells["aid"], sort=True)
    bin_codes, _ = pd.factorize(cells["bin"], sort=True)
    n_acc, n_bin = len(acc_index), int(bin_codes.max()) + 1
    ones = np.ones(len(cells), dtype=np.float64)
    x = sparse.csr_matrix((ones, (acc_codes, bin_codes)), shape=(n_acc, n_bin))
    df = np.asarray(x.sum(axis=0)).ravel()
    idf = np.log((1.0 + n_acc) / (1.0 + df)) + 1.0
    w = x.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(w.multiply(w).sum(axis=1)).ravel())
    w = sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ w
    cos = sparse.triu(w @ w.T, k=1).tocoo()
    shared = sparse.triu(x @ x.T, k=1).tocsr()
    keep = cos.data >= min_cosine
    rows, cols, vals = cos.row[keep], cos.col[keep], cos.data[keep]
    n_shared = np.asarray(shared[rows, cols]).ravel() if len(rows) else np.array([])
    keep2 = n_shared >= min_coactions
    aids = np.asarray(acc_index)
    edges = pd.DataFrame({"a": aids[rows[keep2]].astype("int64"), "b": aids[cols[keep2]].astype("int64"),
                          "tfidf_cosine": np.minimum(vals[keep2], 1.0)})
    con.register("_co_sync_df", edges[["a", "b"]])
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_pairs_{layer} AS
            SELECT x.bin::INTEGER AS oid, k.a, k.b, x.pidx AS pa, y.pidx AS pb, x.t AS ta, y.t AS tb
            FROM _co_sync_df k JOIN _co_fp_{i} x ON x.aid = k.a
            JOIN _co_fp_{i} y ON y.aid = k.b AND y.bin = x.bin"""
    )
    con.unregister("_co_sync_df")
    return edges if len(edges) else empty
