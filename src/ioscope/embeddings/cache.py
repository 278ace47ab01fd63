"""The embedding cache in the store: each distinct text is embedded once per model, ever.

Table ``embeddings(model VARCHAR, text_hash VARCHAR, vector FLOAT[])``, created with
``CREATE TABLE IF NOT EXISTS`` on first use. ``text_hash`` is the hex MD5 of the UTF-8 text (DuckDB's
``md5(text)``, equal to Python's ``hashlib.md5(text.encode()).hexdigest()``); ``model`` is the
embedder's ``name`` (``#query`` appended for query vectors). A repost's ``text`` is the reposted text,
so it hashes like its original and reuses the original's vector. Back ends whose vectors depend on a
fitted corpus (``cacheable = False``, e.g. TF-IDF) are embedded in memory and never stored. A store
opened read-only is read from but not written to.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa

from ioscope.embeddings.base import Embedder
from ioscope.store import Store

CREATE_SQL = ("CREATE TABLE IF NOT EXISTS embeddings "
              "(model VARCHAR, text_hash VARCHAR, vector FLOAT[])")

_TEXT_OK = "text IS NOT NULL AND length(trim(text)) > 0"


def text_hash(text: str) -> str:
    """Hex MD5 of the UTF-8 text: the cache key, equal to DuckDB's ``md5(text)``."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def ensure_table(store: Store) -> None:
    """Create the ``embeddings`` table if missing (no-op on a read-only store)."""
    if not store.read_only:
        store.con.execute(CREATE_SQL)


def _has_table(store: Store) -> bool:
    # fetchall, not fetchone: DuckDB 2 refuses new work on a connection with an unfinished result
    return bool(store.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'embeddings'"
    ).fetchall()[0][0])


def _model_key(embedder: Embedder, kind: str) -> str:
    if kind not in ("passage", "query"):
        raise ValueError(f"kind must be 'passage' or 'query', not {kind!r}")
    return embedder.name if kind == "passage" else embedder.name + "#query"


def _embed(embedder: Embedder, texts: list[str], kind: str) -> np.ndarray:
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    f = embedder.embed_passages if kind == "passage" else embedder.embed_queries
    return np.asarray(f(texts), dtype=np.float32)


def _lookup(store: Store, model: str, hashes: pd.Series) -> tuple[list[str], np.ndarray]:
    """Cached (hashes found, their vectors) among ``hashes``."""
    if not _has_table(store) or hashes.empty:
        return [], np.zeros((0, 0), dtype=np.float32)
    con = store.con.cursor()  # own registrations; unaffected by a pending result on store.con
    con.register("_ioscope_hashes", pd.DataFrame({"text_hash": hashes.astype(str)}))
    try:
        tbl = con.sql(
            """SELECT e.text_hash, any_value(e.vector) AS vector FROM embeddings e
               JOIN _ioscope_hashes h USING (text_hash) WHERE e.model = ?
               GROUP BY e.text_hash""", params=[model]).to_arrow_table()
    finally:
        con.unregister("_ioscope_hashes")
        con.close()
    return _unpack(tbl)


def _unpack(tbl: pa.Table) -> tuple[list[str], np.ndarray]:
    found = tbl.column("text_hash").to_pylist()
    if not found:
        return [], np.zeros((0, 0), dtype=np.float32)
    vec = tbl.column("vector").combine_chunks()
    flat = vec.flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    return found, flat.reshape(len(found), -1)


def _insert(store: Store, model: str, hashes: list[str], vectors: np.ndarray) -> None:
    if store.read_only or not hashes:
        return
    ensure_table(store)
    flat = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).ravel())
    offsets = pa.array(np.arange(0, vectors.size + 1, vectors.shape[1], dtype=np.int32))
    batch = pa.table({"model": pa.array([model] * len(hashes)), "text_hash": pa.array(hashes),
                      "vector": pa.ListArray.from_arrays(offsets, flat)})
    con = store.con.cursor()
    con.register("_ioscope_vectors", batch)
    try:
        con.execute("INSERT INTO embeddings SELECT model, text_hash, vector FROM _ioscope_vectors")
    finally:
        con.unregister("_ioscope_vectors")
        con.close()


def embed_texts(store: Store, embedder: Embedder, texts_df: pd.DataFrame, *,
                kind: str = "passage") -> np.ndarray:
    """Vectors for the rows of ``texts_df`` (column ``text``; optional ``text_hash``), through the cache.

    Returns (len(texts_df), embedder.dim) float32 with unit rows, row i for row i of ``texts_df``;
    each distinct text is embedded at most once, and only when not already cached for this model.
    ``kind``: ``passage`` (default) or ``query``. Raises KeyError without a ``text`` column,
    ValueError for another ``kind``.
    """
    texts = texts_df["text"].fillna("").astype(str)
    hashes = texts_df["text_hash"] if "text_hash" in texts_df else texts.map(text_hash)
    distinct = pd.DataFrame({"text_hash": hashes.values, "text": texts.values}) \
        .drop_duplicates("text_hash").reset_index(drop=True)
    vecs = _distinct_vectors(store, embedder, distinct, kind)
    pos = pd.Index(distinct["text_hash"]).get_indexer(hashes)
    return vecs[pos] if len(pos) else np.zeros((0, embedder.dim), dtype=np.float32)


def _distinct_vectors(store: Store, embedder: Embedder, distinct: pd.DataFrame,
                      kind: str) -> np.ndarray:
    """Vectors of ``distinct`` (text_hash, text; unique hashes), in its row order."""
    model = _model_key(embedder, kind)
    if not embedder.cacheable:
        return _embed(embedder, distinct["text"].tolist(), kind)
    found, cached = _lookup(store, model, distinct["text_hash"])
    index = pd.Index(distinct["text_hash"])
    out = np.zeros((len(distinct), embedder.dim), dtype=np.float32)
    if found:
        out[index.get_indexer(found)] = cached
    missing_mask = ~distinct["text_hash"].isin(set(found)).to_numpy()
    if missing_mask.any():
        todo = distinct[missing_mask]
        new = _embed(embedder, todo["text"].tolist(), kind)
        out[np.flatnonzero(missing_mask)] = new
        _insert(store, model, todo["text_hash"].tolist(), new)
    return out


def text_vectors(store: Store, embedder: Embedder, where_sql: str | None = None
                 ) -> tuple[pd.DataFrame, np.ndarray]:
    """Vectors of the distinct non-empty post texts (passages), through the cache.

    ``where_sql``: an optional SQL condition over ``posts`` columns written by code, never by an end
    user (e.g. ``"collected AND created_at >= '2020-01-01'"``). Returns (DataFrame text_hash, text,
    n_posts, first_at (UTC time of the earliest post with that text), ordered by text_hash; matrix
    (n_texts, dim) float32 aligned with it).
    """
    cond = _TEXT_OK + (f" AND ({where_sql})" if where_sql else "")
    distinct = store.query(
        f"""SELECT md5(text) AS text_hash, any_value(text) AS text, count(*) AS n_posts,
                   min(created_at) AS first_at
            FROM posts WHERE {cond} GROUP BY md5(text) ORDER BY text_hash""")
    if distinct.empty:
        return distinct, np.zeros((0, embedder.dim), dtype=np.float32)
    ensure_table(store)
    return distinct, _distinct_vectors(store, embedder, distinct[["text_hash", "text"]], "passage")


def post_vectors(store: Store, embedder: Embedder, where_sql: str | None = None
                 ) -> tuple[pd.DataFrame, np.ndarray]:
    """One vector per post with a non-empty text, through the cache (distinct texts embedded once).

    ``where_sql`` as in :func:`text_vectors`. Returns (DataFrame platform, post_id, text_hash ordered
    by platform, post_id; matrix (n_posts, dim) float32, row i for post i). Reposts share their
    original's vector.
    """
    cond = _TEXT_OK + (f" AND ({where_sql})" if where_sql else "")
    ids = store.query(f"""SELECT platform, post_id, md5(text) AS text_hash FROM posts
                          WHERE {cond} ORDER BY platform, post_id""")
    distinct, vecs = text_vectors(store, embedder, where_sql)
    if ids.empty:
        return ids, vecs
    pos = pd.Index(distinct["text_hash"]).get_indexer(ids["text_hash"])
    return ids, vecs[pos]
