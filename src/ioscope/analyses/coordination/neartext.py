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

Cost: one MinHash and one index lookup per *distinct* text (about 10k texts per second on one core);
an index bucket keeps at most 64 texts, so pairs of texts are never enumerated, even for a template
posted in 50,000 variants. Method: Broder 1997 (MinHash), Leskovec, Rajaraman & Ullman,
*Mining of Massive Datasets* ch. 3 (LSH banding); CooRTweet's ``detect_similar_text`` uses the same
MinHash/LSH approach with word n-grams.
"""

from __future__ import annotations

import zlib

import duckdb
import numpy as np
import pandas as pd

from ioscope.analyses.coordination.actions import store_actions
from ioscope.errors import AnalysisError


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
                seed: int, max_bucket: int = 64) -> list[int]:
    """Leader index (into ``texts``) of each text's near-duplicate group; ``texts`` in time order.

    Signatures: datasketch ``MinHash.bulk``. Index: LSH banding (band keys computed with numpy for all
    texts at once); a bucket keeps its first ``max_bucket`` texts only, so one lookup compares at most
    ``bands × max_bucket`` signatures however many variants a template has.
    """
    try:
        from datasketch import MinHash
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise AnalysisError(
            "coordination: near_text needs datasketch; install it with `pip install datasketch`"
        ) from exc
    if not texts:
        return []
    mh = MinHash.bulk((shingles(t, shingle_chars) for t in texts), num_perm=num_perm,
                      seed=seed + 1, hashfunc=_crc32)
    sig = np.vstack([m.hashvalues for m in mh]).astype(np.uint64)
    b, r = lsh_bands(num_perm, threshold)
    mult = np.random.default_rng(seed).integers(1, 2**63 - 1, size=r, dtype=np.uint64) | np.uint64(1)
    with np.errstate(over="ignore"):
        keys = np.stack([(sig[:, j * r:(j + 1) * r] * mult).sum(axis=1) for j in range(b)], axis=1)
    buckets: list[dict[int, list[int]]] = [{} for _ in range(b)]
    leader = list(range(len(texts)))
    for i in range(len(texts)):
        row = keys[i].tolist()
        cands: set[int] = set()
        for j in range(b):
            hit = buckets[j].get(row[j])
            if hit:
                cands.update(hit)
        if cands:
            idx = np.fromiter(sorted(cands), dtype=np.int64, count=len(cands))
            sims = (sig[idx] == sig[i]).mean(axis=1)
            k = int(np.argmax(sims))  # first maximum: the earliest text among equals
            if sims[k] >= threshold:
                leader[i] = leader[int(idx[k])]
        for j in range(b):
            bucket = buckets[j].setdefault(row[j], [])
            if len(bucket) < max_bucket:
                bucket.append(i)
    return leader


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
