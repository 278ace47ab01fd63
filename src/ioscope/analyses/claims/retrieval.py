"""Nearest claims for many post vectors: exact blocked cosine, an IVF index beyond, and per-claim
null statistics for calibration.

All vectors are float32 with unit rows (cosine = dot product). Nothing here touches the store.

* :func:`exact_top_k` — multiplies posts by the claim matrix in row blocks (``block_rows`` posts at a
  time, so memory is ``block_rows × n_claims × 4`` bytes) and keeps the ``k`` best claims per post
  (``np.argpartition``). Exact.
* :class:`IVFIndex` — an inverted-file index (Jégou et al. 2011, "Product quantization for nearest
  neighbor search", the IVF-Flat variant): claims clustered by spherical k-means into ``n_lists``
  cells; a post is scored exactly against the claims of its ``n_probe`` nearest cells only.
  Approximate: a true neighbour in an unprobed cell is missed (bench/claims.py measures recall@k
  against the exact search).
* :func:`claim_null_stats` — for each claim, a normal fitted to the lower part of its cosines to a
  seeded sample of post vectors: the claim's *null* (most posts do not repeat a given claim).
  ``z = (cos − location) / scale`` then says how unusual a post's cosine is *for that claim*, which
  corrects "hub" claims that are close to every post on the topic.
"""

from __future__ import annotations

import numpy as np

def exact_top_k(posts: np.ndarray, claims: np.ndarray, k: int, *,
                block_rows: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most similar claims of each post, exactly.

    ``posts``: (n, d); ``claims``: (m, d). Returns (indices (n, k') int64, cosines (n, k') float32),
    k' = min(k, m), each row sorted by decreasing cosine (ties: lower claim index first).
    """
    n, m = posts.shape[0], claims.shape[0]
    kk = min(k, m)
    idx = np.zeros((n, kk), dtype=np.int64)
    sc = np.zeros((n, kk), dtype=np.float32)
    if n == 0 or kk == 0:
        return idx, sc
    ct = np.ascontiguousarray(claims.T)
    for start in range(0, n, block_rows):
        s = posts[start:start + block_rows] @ ct
        part = np.argpartition(-s, kk - 1, axis=1)[:, :kk] if kk < m else np.tile(np.arange(m), (len(s), 1))
        vals = np.take_along_axis(s, part, axis=1)
        order = np.lexsort((part, -vals), axis=1)
        idx[start:start + len(s)] = np.take_along_axis(part, order, axis=1)
        sc[start:start + len(s)] = np.take_along_axis(vals, order, axis=1)
    return idx, sc


def _spherical_kmeans(x: np.ndarray, n_lists: int, seed: int, n_iter: int = 12) -> np.ndarray:
    """Unit centroids (n_lists, d) of ``x`` by spherical k-means (seeded, k-means++-free init)."""
    rng = np.random.default_rng(seed)
    cent = x[rng.choice(len(x), size=n_lists, replace=False)].copy()
    for _ in range(n_iter):
        assign = exact_top_k(x, cent, 1)[0][:, 0]
        sums = np.zeros_like(cent)
        np.add.at(sums, assign, x)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        cent = np.where(empty[:, None], cent, sums / np.where(norms == 0, 1, norms))
    return cent.astype(np.float32)


class IVFIndex:
    """Approximate top-k search over claim vectors (IVF-Flat with spherical k-means cells).

    ``IVFIndex(claims, n_lists=None, n_probe=8, seed=0)``: ``n_lists`` defaults to about
    ``4·sqrt(m)`` (at most m); building costs a few k-means passes over the claims. :meth:`search`
    has the signature and result shape of :func:`exact_top_k`.
    """

    def __init__(self, claims: np.ndarray, *, n_lists: int | None = None, n_probe: int = 8,
                 seed: int = 0):
        m = claims.shape[0]
        self.claims = claims
        self.n_lists = max(1, min(m, n_lists or int(4 * np.sqrt(m))))
        self.n_probe = max(1, min(n_probe, self.n_lists))
        self.centroids = _spherical_kmeans(claims, self.n_lists, seed)
        assign = exact_top_k(claims, self.centroids, 1)[0][:, 0]
        order = np.argsort(assign, kind="stable")
        self._members = np.split(order, np.searchsorted(assign[order], np.arange(1, self.n_lists)))

    def search(self, posts: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The (approximately) ``k`` most similar claims of each post (see :func:`exact_top_k`).
        Rows with fewer than ``k`` candidates in the probed cells are padded with index -1, cosine
        -inf."""
        n = posts.shape[0]
        kk = min(k, self.claims.shape[0])
        idx = np.full((n, kk), -1, dtype=np.int64)
        sc = np.full((n, kk), -np.inf, dtype=np.float32)
        cells = exact_top_k(posts, self.centroids, self.n_probe)[0]
        # One matrix product per cell: the posts that probe it against its claims, merged into the
        # running top-k of those posts.
        flat_cells = cells.ravel()
        flat_posts = np.repeat(np.arange(n), cells.shape[1])
        order = np.argsort(flat_cells, kind="stable")
        bounds = np.searchsorted(flat_cells[order], np.arange(self.n_lists + 1))
        for c in range(self.n_lists):
            who = flat_posts[order[bounds[c]:bounds[c + 1]]]
            members = self._members[c]
            if not len(who) or not len(members):
                continue
            s = posts[who] @ self.claims[members].T
            all_idx = np.concatenate([idx[who], np.broadcast_to(members, s.shape)], axis=1)
            all_sc = np.concatenate([sc[who], s], axis=1)
            top = np.argsort(-all_sc, axis=1, kind="stable")[:, :kk]
            idx[who] = np.take_along_axis(all_idx, top, axis=1)
            sc[who] = np.take_along_axis(all_sc, top, axis=1)
        return idx, sc


def claim_null_stats(sample: np.ndarray, claims: np.ndarray, *,
                     block_claims: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Per-claim (location, scale) of the null distribution of cosines to the rows of ``sample``.

    The null is fitted as a normal distribution to the *lower* part of the claim's cosines only:
    with q10 and q30 the 10th and 30th percentiles, ``scale = (q30 − q10) / 0.7572`` and
    ``location = q30 + 0.5244 · scale`` (0.7572 and 0.5244 are the distances between those normal
    quantiles and from the 30th to the 50th). Posts that repeat the claim sit in the upper tail, so
    the fit stays close to the true null even when a sizeable share of the sample (a third, say, in a
    corpus collected around one narrative) is near the claim; a median/MAD fit would not.
    ``sample``: (s, d) post vectors; ``claims``: (m, d). Returns two float32 arrays of length m; the
    scale is floored at 0.01 so that a degenerate null (tiny sample) cannot give huge z-scores.
    """
    m = claims.shape[0]
    loc = np.zeros(m, dtype=np.float32)
    scale = np.ones(m, dtype=np.float32)
    if sample.shape[0] == 0:
        return loc, scale
    for start in range(0, m, block_claims):
        s = sample @ claims[start:start + block_claims].T
        q10, q30 = np.quantile(s, [0.10, 0.30], axis=0)
        sc = (q30 - q10) / 0.7572
        loc[start:start + len(sc)] = q30 + 0.5244 * sc
        scale[start:start + len(sc)] = sc
    return loc, np.maximum(scale, 0.01)
