"""Near-duplicate text: group texts that are almost the same, so each group becomes one object.

Input: the normalised texts of ``_co_posts.norm_text`` (leading @mentions and URLs removed, lower-cased,
white space collapsed; see :func:`.actions.normalise_text_sql`). Texts identical after normalisation
are one text. Each distinct text is cut into overlapping character shingles of ``shingle_chars``
characters (characters, not words, so Chinese, Persian or Russian texts without spaces work the same
way), summarised by a MinHash signature of ``num_perm`` permutations (datasketch ``MinHash.bulk``; shingles
hashed with CRC-32 so signatures are the same in every process and run) and looked up in an LSH
banding index (:func:`lsh_bands`); a candidate is accepted when the estimated Jaccard similarity (share
of equal signature values) is at least ``threshold``.

Grouping runs in time order: each text joins the group of the most similar *earlier* text whose
estimated Jaccard similarity is at least ``threshold``, or starts a group of its own; the object of a
post is its group's first text. Every text is thus linked to its group by a verified near-duplicate
link (edits such as a swapped word, punctuation, an emoji or a leading mention), though two variants
of one template may differ more from each other than from the variant that links them.

Cost: one MinHash per *distinct* text (datasketch, about 25k texts per second on one core), then the
grouping, vectorised over all texts (:func:`leaders`: sorts per band, candidate pairs as integer
codes, an exact 8-bit pre-filter of the signature comparisons); an index bucket keeps at most
``MAX_BUCKET`` (16) texts, so all pairs of texts are never enumerated, even for a template posted in
50,000 variants. Method: Broder 1997 (MinHash), Leskovec, Rajaraman & Ullman,
*Mining of Massive Datasets* ch. 3 (LSH banding); CooRTweet's ``detect_similar_text`` uses the same
MinHash/LSH approach with word n-grams.
"""

from __future__ import annotations

import os
import zlib
from concurrent.futures import ThreadPoolExecutor

import duckdb
import numpy as np
import pandas as pd

from ioscope.analyses.coordination.actions import store_actions
from ioscope.errors import AnalysisError


MAX_BUCKET = 16
"""Texts an LSH bucket keeps (the earliest): a text is compared with at most ``bands × MAX_BUCKET``
earlier texts. Crowded buckets come from common shingles that hold the minimum of a band's
permutations in many unrelated texts; at 1,000,000 bench posts (637,467 distinct texts) a cap of
64 gave 138 million candidate pairs and 16 gave 61 million, with the same groups."""

_CHUNK = 20_000
"""Texts hashed per MinHash.bulk call (bounds the memory of MinHash objects and shingles)."""


def _crc32(data: bytes) -> int:
    return zlib.crc32(data)


def shingles(text: str, k: int) -> list[bytes]:
    """The distinct character ``k``-shingles of ``text`` as UTF-8 bytes (the text itself if shorter)."""
    if len(text) <= k:
        return [text.encode("utf-8")]
    return list({text[j:j + k].encode("utf-8") for j in range(len(text) - k + 1)})


def lsh_bands(num_perm: int, threshold: float) -> tuple[int, int]:
    """(bands, rows per band) for ``num_perm`` permutations: the banding whose S-curve midpoint
    ``(1/b)^(1/r)`` is closest to ``threshold - 0.1`` from below, so that texts at the threshold become
    candidates with probability about 0.99 (0.6 -> 32 bands of 4 rows); every candidate is then
    checked against the threshold."""
    threshold = max(threshold - 0.1, 0.05)
    best = (1, num_perm)
    best_gap = None
    for r in range(1, num_perm + 1):
        b = num_perm // r
        mid = (1.0 / b) ** (1.0 / r)
        if mid <= threshold and (best_gap is None or threshold - mid < best_gap):
            best, best_gap = (b, r), threshold - mid
    return best


def group_texts(texts: list[str], threshold: float, shingle_chars: int, num_perm: int,
                seed: int, max_bucket: int = MAX_BUCKET) -> list[int]:
    """Leader index (into ``texts``) of each text's near-duplicate group; ``texts`` in time order.

    Signatures: datasketch ``MinHash.bulk``. Index: LSH banding (band keys computed with numpy for all
    texts at once); a bucket keeps its first ``max_bucket`` texts only, so one text is compared with
    at most ``bands × max_bucket`` signatures however many variants a template has (:func:`leaders`).
    """
    try:
        from datasketch import MinHash
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise AnalysisError(
            "coordination: near_text needs datasketch; install it with `pip install datasketch`"
        ) from exc
    if not texts:
        return []
    # in chunks, so that only one chunk's MinHash objects and shingles are alive at a time
    sig = np.vstack([
        np.vstack([m.hashvalues for m in MinHash.bulk(
            (shingles(t, shingle_chars) for t in texts[lo:lo + _CHUNK]), num_perm=num_perm,
            seed=seed + 1, hashfunc=_crc32)]).astype(np.uint64)
        for lo in range(0, len(texts), _CHUNK)])
    b, r = lsh_bands(num_perm, threshold)
    mult = np.random.default_rng(seed).integers(1, 2**63 - 1, size=r, dtype=np.uint64) | np.uint64(1)
    with np.errstate(over="ignore"):
        keys = np.stack([(sig[:, j * r:(j + 1) * r] * mult).sum(axis=1) for j in range(b)], axis=1)
    # datasketch's values are below 2^32 (its _max_hash): 32 bits halve the comparisons' memory
    return leaders(keys, sig.astype(np.uint32), threshold, max_bucket)


def _bucket_pairs(key: np.ndarray, max_bucket: int) -> np.ndarray:
    """Candidate pairs of one band as int64 codes ``i * n + c`` (unsorted, distinct): text ``i`` and
    each earlier text ``c`` among the first ``max_bucket`` texts of its bucket (same band key)."""
    n = len(key)
    order = np.lexsort((np.arange(n), key))  # by key, then by text index (time order)
    ks = key[order]
    start = np.empty(n, dtype=bool)
    start[0] = True
    start[1:] = ks[1:] != ks[:-1]
    first = np.flatnonzero(start)
    grp_first = first[np.cumsum(start) - 1]
    pos = np.arange(n) - grp_first               # position of each text inside its bucket
    cnt = np.minimum(pos, max_bucket)            # earlier texts the bucket holds for it
    has = cnt > 0
    if not has.any():
        return np.empty(0, dtype=np.int64)
    cnt, members, starts = cnt[has], order[has], grp_first[has]
    offs = np.repeat(np.cumsum(cnt) - cnt, cnt)
    q = np.arange(int(cnt.sum()), dtype=np.int64) - offs
    cands = order[np.repeat(starts, cnt) + q]
    return np.repeat(members, cnt).astype(np.int64) * n + cands


def leaders(keys: np.ndarray, sig: np.ndarray, threshold: float, max_bucket: int = MAX_BUCKET,
            chunk: int = 50_000) -> list[int]:
    """Leader index of each text from its LSH band ``keys`` (texts × bands, time order) and MinHash
    signatures ``sig`` (texts × permutations): text ``i``'s candidates are the texts before it among
    the first ``max_bucket`` of each bucket it falls in; it joins the group of the candidate with
    the highest estimated Jaccard similarity (share of equal signature values; ties: the earliest)
    when that is at least ``threshold``. Vectorised over all texts (sorts per band, no Python loop
    over texts); the same result as inserting the texts one by one into capped buckets. ``chunk``:
    candidate pairs compared per step (bounds memory: a step holds two ``chunk × permutations``
    matrices per thread). Returns a list of ``len(keys)`` indices."""
    n = keys.shape[0]
    codes = np.sort(np.concatenate([np.empty(0, dtype=np.int64)]
                                   + [_bucket_pairs(keys[:, j], max_bucket) for j in range(keys.shape[1])]))
    if len(codes):  # distinct (sort + mask: numpy 2.4's np.unique is ~100x slower on 8M int64)
        codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
    parent = np.arange(n, dtype=np.int64)
    if len(codes):
        pi, pc = codes // n, codes % n
        need = int(np.ceil(threshold * sig.shape[1] - 1e-9))  # equal values a pair needs
        low = sig.astype(np.uint8)  # equal values have equal low bytes: an exact pre-filter

        def count(lo: int) -> tuple[np.ndarray, np.ndarray]:
            """Pairs of one chunk at or above the threshold: (their positions, their equal counts)."""
            a, c = pi[lo:lo + chunk], pc[lo:lo + chunk]
            keep = np.flatnonzero((low[a] == low[c]).sum(axis=1) >= need)
            eq = (sig[a[keep]] == sig[c[keep]]).sum(axis=1)  # exact, on the pre-filter's survivors
            ok = eq / sig.shape[1] >= threshold  # the estimated Jaccard, compared as the definition
            return lo + keep[ok], eq[ok]

        # numpy releases the GIL in the gathers and comparisons: chunks run on two threads; only
        # one chunk's comparison matrices per thread are alive at a time
        with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
            parts = list(pool.map(count, range(0, len(codes), chunk)))
        kept = np.concatenate([np.empty(0, dtype=np.int64)] + [k for k, _ in parts])
        sims = np.concatenate([np.empty(0, dtype=np.int64)] + [e for _, e in parts]) / sig.shape[1]
        pi, pc = pi[kept], pc[kept]  # count() kept only pairs at or above the threshold
        order = np.lexsort((pc, -sims, pi))      # per text: highest similarity, then earliest
        pi, pc = pi[order], pc[order]
        best = np.ones(len(pi), dtype=bool)
        best[1:] = pi[1:] != pi[:-1]
        parent[pi[best]] = pc[best]
    lead = parent
    while True:                                  # parents are earlier texts: follow them to the root
        nxt = lead[lead]
        if np.array_equal(nxt, lead):
            return lead.tolist()
        lead = nxt


def build_near_actions(con: duckdb.DuckDBPyConnection, i: int, threshold: float, shingle_chars: int,
                       num_perm: int, seed: int) -> tuple[int, int]:
    """``_co_act_{i}`` / ``_co_obj_{i}`` for near_text. Returns (actions, texts in multi-text groups)."""
    frame = con.execute(
        """SELECT norm_text, min(t) AS t0 FROM _co_posts WHERE norm_text IS NOT NULL
           GROUP BY norm_text ORDER BY t0, norm_text"""
    ).df()
    texts = frame["norm_text"].tolist()
    leader = group_texts(texts, threshold, shingle_chars, num_perm, seed)
    mapping = pd.DataFrame({"norm_text": pd.Series(texts, dtype=object),
                            "object": pd.Series([texts[j] for j in leader], dtype=object)})
    n_grouped = int(sum(1 for k, j in enumerate(leader) if j != k))
    con.register("_co_nearmap_df", mapping)
    con.execute("CREATE OR REPLACE TEMP TABLE _co_nearmap AS SELECT * FROM _co_nearmap_df")
    con.unregister("_co_nearmap_df")
    store_actions(
        con,
        """SELECT DISTINCT p.aid, m.object, p.t, p.pidx
           FROM _co_posts p JOIN _co_nearmap m USING (norm_text)""",
        i,
    )
    return con.execute(f"SELECT count(*) FROM _co_act_{i}").fetchone()[0], n_grouped
