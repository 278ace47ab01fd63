"""Stable identities of discovered narratives across runs.

The centroids of the last run (per embedding model) are kept in the store table
``narrative_centroids(model VARCHAR, narrative_id VARCHAR, centroid FLOAT[], n_texts BIGINT,
run_at TIMESTAMPTZ)``. A new run matches its clusters to them one-to-one by cosine (Hungarian
assignment, Kuhn 1955, on the cosine matrix; scipy's ``linear_sum_assignment``); a pair with cosine
>= ``match_similarity`` keeps the old id. Unmatched clusters get fresh ids ``D<n>`` numbered after the
highest id ever stored for the model, in size order. So a rerun on the same data and seed gives the
same ids, and a run on more data keeps the ids of the narratives it finds again instead of
renumbering. Centroids are means of the *raw* (not language-centred) unit vectors, which move less
when data is added.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa

from ioscope.store import Store

CREATE_SQL = ("CREATE TABLE IF NOT EXISTS narrative_centroids (model VARCHAR, narrative_id VARCHAR, "
              "centroid FLOAT[], n_texts BIGINT, run_at TIMESTAMPTZ)")
_NUM = re.compile(r"D(\d+)$")


def previous(store: Store, model: str) -> tuple[list[str], np.ndarray]:
    """Ids and centroids (k, dim) stored by the last run for ``model`` (empty when none). Retired
    ids (kept only so that their numbers are never reused) are listed by :func:`used_ids`."""
    has = store.con.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_name = 'narrative_centroids'").fetchall()[0][0]
    if not has:
        return [], np.zeros((0, 0), np.float32)
    tbl = store.con.sql("SELECT narrative_id, centroid FROM narrative_centroids WHERE model = ? "
                        "AND len(centroid) > 0 ORDER BY narrative_id", params=[model]).to_arrow_table()
    ids = tbl.column("narrative_id").to_pylist()
    if not ids:
        return [], np.zeros((0, 0), np.float32)
    flat = tbl.column("centroid").combine_chunks().flatten().to_numpy(zero_copy_only=False)
    return ids, flat.astype(np.float32).reshape(len(ids), -1)


def used_ids(store: Store, model: str) -> list[str]:
    """Every id stored for ``model``, including retired ones."""
    has = store.con.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_name = 'narrative_centroids'").fetchall()[0][0]
    if not has:
        return []
    rows = store.con.execute("SELECT DISTINCT narrative_id FROM narrative_centroids "
                             "WHERE model = ?", [model]).fetchall()
    return sorted(r[0] for r in rows)


def match_ids(centroids: np.ndarray, prev_ids: list[str], prev_centroids: np.ndarray, *,
              match_similarity: float = 0.9, used: list[str] = ()) -> tuple[list[str], np.ndarray]:
    """Ids for new ``centroids`` (k, dim; in size order), given the previous run's ids and centroids
    and every id ever ``used``. Returns (ids, matched cosine per cluster, NaN for new ones). See the
    module docstring."""
    k = len(centroids)
    ids: list[str | None] = [None] * k
    cos = np.full(k, np.nan, dtype=np.float32)
    if k and prev_ids and prev_centroids.shape[1] == centroids.shape[1]:
        from scipy.optimize import linear_sum_assignment  # lazy: keeps `import ioscope.analyses` cheap

        sim = centroids @ prev_centroids.T
        rows, cols = linear_sum_assignment(-sim)
        for r, c in zip(rows, cols, strict=True):
            if sim[r, c] >= match_similarity:
                ids[r], cos[r] = prev_ids[c], sim[r, c]
    nums = [int(m.group(1)) for i in [*prev_ids, *used] if (m := _NUM.match(i))]
    nxt = max(nums, default=0) + 1
    for i in range(k):
        if ids[i] is None:
            ids[i] = f"D{nxt}"
            nxt += 1
    return [str(i) for i in ids], cos


def save(store: Store, model: str, ids: list[str], centroids: np.ndarray, n_texts: np.ndarray
         ) -> None:
    """Replace the stored centroids of ``model`` with this run's (no-op on a read-only store)."""
    if store.read_only:
        return
    store.con.execute(CREATE_SQL)
    now = dt.datetime.now(dt.timezone.utc)
    # keep the highest id ever used, so that fresh ids are never reused
    keep = [i for i in used_ids(store, model) if i not in ids]
    flat = pa.array(np.ascontiguousarray(centroids, dtype=np.float32).ravel())
    dim = centroids.shape[1] if len(centroids) else 0
    offsets = pa.array(np.arange(len(ids) + 1, dtype=np.int32) * dim)
    batch = pa.table({"model": [model] * len(ids), "narrative_id": ids,
                      "centroid": pa.ListArray.from_arrays(offsets, flat),
                      "n_texts": pa.array(np.asarray(n_texts, dtype=np.int64)),
                      "run_at": pa.array([now] * len(ids), pa.timestamp("us", tz="UTC"))})
    con = store.con.cursor()
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM narrative_centroids WHERE model = ?", [model])
        con.register("_nar_centroids", batch)
        con.execute("INSERT INTO narrative_centroids SELECT * FROM _nar_centroids")
        con.unregister("_nar_centroids")
        if keep:  # retired ids stay as empty markers so their numbers are not reused
            con.executemany("INSERT INTO narrative_centroids VALUES (?, ?, [], 0, ?)",
                            [[model, i, now] for i in keep if _NUM.match(i)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def centroid_table(ids: list[str], n_texts: np.ndarray, cos: np.ndarray) -> pd.DataFrame:
    """Table narrative_id, n_texts, matched_previous (bool), match_cosine (NaN when new)."""
    return pd.DataFrame({"narrative_id": ids, "n_texts": np.asarray(n_texts, dtype=np.int64),
                         "matched_previous": ~np.isnan(cos), "match_cosine": cos})
