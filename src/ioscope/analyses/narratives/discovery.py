"""Discovery: two levels of narratives from text embeddings: sub-narratives (one claim, said many ways,
in many languages) grouped into narratives (claims pushed together).

Method (BERTopic's embed → cluster → label pipeline, Grootendorst 2022, with a graph clustering and a
second level for state-media data):

1. **Language centring.** Multilingual encoders place texts of one language near each other whatever
   they say; subtracting each language's mean vector removes most of that offset, so a claim in
   Chinese lands next to the same claim in English (Libovický, Rosa & Fraser 2020, "On the language
   neutrality of pre-trained multilingual representations"). Vectors are then L2-normalised again.
   In this space unrelated texts have cosine about 0.
2. **Sub-narratives: Leiden on a k-nearest-neighbour graph** (Traag, Waltman & van Eck 2019): every
   text is linked to its ``n_neighbors`` most similar texts (cosine; exact, blockwise matrix
   products), links weaker than ``edge_similarity`` (default 0.3) are dropped, and Leiden maximises
   modularity (``resolution``, seeded; ``graspologic-native``, MIT). Communities smaller than
   ``min_cluster_size`` texts are noise (-1). A kNN graph follows density like HDBSCAN, but a
   minority-language text keeps links to its translations in other languages, so sub-narratives
   cross languages. The edge floor matters: a kNN list always has k entries, however far, so
   without it a handful of texts unlike anything else (in the demo, seven variants of "Q&A with
   students ...", posted hundreds of times) was absorbed into the nearest narrative (post-level
   purity 0.82 instead of 0.99).
3. **Narratives: size-weighted average linkage of sub-narratives** (UPGMA, Sokal & Michener 1958):
   groups merge while the mean cosine over *all text pairs* across two groups reaches
   ``narrative_similarity`` (default 0.15, in the centred space, where unrelated texts average about
   0). Average linkage needs the whole groups to be similar, so one borderline pair does not chain
   two narratives together (single linkage on centroids did), and a mean over text pairs, unlike the
   cosine of two centroids, does not grow when sub-narratives are large and diverse (the centroid
   of a broad cluster keeps only what its texts share, so two broad neighbouring narratives had
   centroid cosines of 0.38 in the demo at 1,500 texts, above most within-narrative pairs). The 95th
   percentile of sub-narrative centroid cosines is reported as ``pair_cosine_p95`` for diagnosis.
4. **A deterministic sample for scale.** Steps 2–3 run on at most ``max_cluster_texts`` distinct texts:
   the ones with the smallest text hash, a pseudo-random but *stable* sample (adding data keeps most
   of it). Every other text joins the nearest sub-narrative centroid when its cosine reaches that
   sub-narrative's floor (the ``floor_quantile`` of its members' cosines), otherwise noise (-1). Time
   and memory stay flat at a million posts.

Everything is deterministic for a given input order and ``seed``; inputs are ordered by text hash.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ioscope.embeddings.base import l2_normalise


@dataclass
class Clustering:
    """Result of :func:`discover`.

    ``labels`` (n_texts,) int: narrative, -1 = noise, numbered 0..k-1 by size (largest first);
    ``centroids`` (k, dim) float32 unit rows (centred space); ``similarity`` (n_texts,) float32:
    cosine of each text to its narrative centroid (NaN for noise); ``sublabels`` (n_texts,) int:
    sub-narrative, -1 = noise, numbered 0..m-1 grouped by narrative then by size; ``sub_parent`` (m,)
    int: the narrative of each sub-narrative; ``sub_centroids`` (m, dim) float32; ``vectors``: the
    centred, normalised vectors (n_texts, dim); ``pair_cosine_p95``: 95th percentile of the cosines
    between sub-narrative centroids of the sample (NaN with fewer than 2).
    """

    labels: np.ndarray
    centroids: np.ndarray
    similarity: np.ndarray
    vectors: np.ndarray
    sublabels: np.ndarray
    sub_parent: np.ndarray
    sub_centroids: np.ndarray
    pair_cosine_p95: float = float("nan")


def language_means(x: np.ndarray, langs: np.ndarray, min_texts: int = 20) -> dict[str, np.ndarray]:
    """Mean vector of each language key with at least ``min_texts`` rows (None/NaN -> ``und``)."""
    keys = _keys(langs)
    return {lang: x[keys == lang].mean(axis=0) for lang in sorted(set(keys))
            if (keys == lang).sum() >= min_texts}


def centre_like(y: np.ndarray, means: dict[str, np.ndarray]) -> np.ndarray:
    """Centre rows of unknown language (e.g. catalog examples): each row loses the language mean it is
    most similar to (language means identify the language well). Returns unit rows, float32."""
    if not means or not len(y):
        return l2_normalise(y)
    m = np.stack(list(means.values()))
    return l2_normalise(y - m[(y @ m.T).argmax(axis=1)])


def _keys(langs: np.ndarray) -> np.ndarray:
    return np.array(["und" if k is None or k != k else str(k) for k in langs], dtype=object)


def centre_by_language(x: np.ndarray, langs: np.ndarray) -> np.ndarray:
    """Subtract each language's mean vector from its rows, then L2-normalise the rows.

    ``x``: (n, dim) float32; ``langs``: (n,) language keys (any hashable; NULL/None counts as one
    language ``und``). Languages with fewer than 20 texts use the global mean instead (too few to
    estimate an offset). Returns (n, dim) float32.
    """
    keys = _keys(langs)
    out = np.empty_like(x, dtype=np.float32)
    global_mean = x.mean(axis=0) if len(x) else np.zeros(x.shape[1], np.float32)
    for lang in sorted(set(keys)):
        idx = np.flatnonzero(keys == lang)
        mean = x[idx].mean(axis=0) if len(idx) >= 20 else global_mean
        out[idx] = x[idx] - mean
    return l2_normalise(out)


def knn_edges(v: np.ndarray, n_neighbors: int, block_rows: int = 2048, min_similarity: float = 0.0
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Undirected k-nearest-neighbour edges of unit rows ``v`` (n, dim) by cosine, exact.

    Each row links to its ``n_neighbors`` most similar other rows; an edge found from both ends is
    kept once; edges with cosine <= ``min_similarity`` (default 0) are dropped. Memory: ``block_rows`` x n floats at a time.
    Returns (a, b, weight) arrays with a < b, sorted by (a, b); weight float64 cosine.
    """
    n = len(v)
    k = int(min(n_neighbors, n - 1))
    if k < 1:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    src, dst, wt = [], [], []
    for lo in range(0, n, block_rows):
        s = v[lo:lo + block_rows] @ v.T
        rows = np.arange(lo, lo + len(s))
        s[rows - lo, rows] = -np.inf  # no self-loops
        idx = np.argpartition(-s, k - 1, axis=1)[:, :k]
        src.append(np.repeat(rows, k))
        dst.append(idx.ravel())
        wt.append(np.take_along_axis(s, idx, axis=1).ravel())
    a, b, w = np.concatenate(src), np.concatenate(dst), np.concatenate(wt).astype(np.float64)
    keep = w > max(min_similarity, 0.0)
    lo_, hi_ = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    key = lo_.astype(np.int64) * n + hi_
    key, first = np.unique(key, return_index=True)
    return lo_[first], hi_[first], w[keep][first]


def leiden_labels(n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray, *, resolution: float = 1.0,
                  seed: int = 0) -> np.ndarray:
    """Leiden communities (modularity, Traag et al. 2019) of the weighted graph on nodes 0..n-1.

    Returns (n,) int community per node, -1 for nodes without an edge. Needs graspologic-native
    (MIT); raises ImportError naming the pip command when it is missing.
    """
    try:
        import graspologic_native as gn
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("narrative discovery needs graspologic-native: "
                          "pip install graspologic-native") from exc
    out = np.full(n, -1, dtype=np.int64)
    if not len(a):
        return out
    edges = list(zip(a.astype(str).tolist(), b.astype(str).tolist(), w.tolist()))
    _, part = gn.leiden(edges, resolution=float(resolution), seed=int(seed), iterations=2,
                        use_modularity=True)
    for node, c in part.items():
        out[int(node)] = c
    return out


def group_average(means: np.ndarray, sizes: np.ndarray, min_similarity: float) -> np.ndarray:
    """Size-weighted average-linkage (UPGMA, Sokal & Michener 1958) groups of sub-narratives.

    ``means``: (m, dim) *unnormalised* mean vectors of unit rows, so that ``means[a] @ means[b]`` is
    the mean cosine over all text pairs of a and b; ``sizes``: (m,) texts per sub-narrative. The two
    groups with the highest mean pairwise text cosine merge (their means combine weighted by size)
    until none reaches ``min_similarity``. Returns (m,) int group per row, numbered 0.. in order of
    first row. Time O(m^2) per merge.
    """
    m = len(means)
    if m < 2:
        return np.zeros(m, dtype=np.int64)
    mu = means.astype(np.float64).copy()
    w = sizes.astype(np.float64).copy()
    s = mu @ mu.T
    np.fill_diagonal(s, -np.inf)
    group = np.arange(m)
    while True:
        flat = int(np.argmax(s))
        i, j = divmod(flat, m)
        if not s[i, j] >= min_similarity:
            break
        i, j = min(i, j), max(i, j)
        mu[i] = (w[i] * mu[i] + w[j] * mu[j]) / (w[i] + w[j])
        w[i] += w[j]
        group[group == j] = i
        s[j, :] = -np.inf
        s[:, j] = -np.inf
        row = mu @ mu[i]
        alive = np.isfinite(s[:, i]) | (np.arange(m) == i)
        row[~alive] = -np.inf
        row[i] = -np.inf
        s[i, :] = row
        s[:, i] = row
    _, first = np.unique(group, return_index=True)
    order = {int(group[i]): r for r, i in enumerate(sorted(first))}
    return np.array([order[int(x)] for x in group], dtype=np.int64)


def discover(x: np.ndarray, langs: np.ndarray, *, seed: int = 0, min_cluster_size: int = 15,
             n_neighbors: int = 20, resolution: float = 1.0, max_cluster_texts: int = 20_000,
             narrative_similarity: float = 0.15, edge_similarity: float = 0.3,
             floor_quantile: float = 0.05,
             centre_languages: bool = True, block_rows: int = 2048) -> Clustering:
    """Cluster distinct texts into sub-narratives and narratives (see the module docstring).

    ``x``: (n_texts, dim) unit rows, in a fixed order (by text hash); ``langs``: (n_texts,) languages.
    ``min_cluster_size``: smallest sub-narrative, in distinct texts (default 15); ``n_neighbors``:
    kNN graph degree (default 20); ``resolution``: Leiden modularity resolution (default 1.0);
    ``max_cluster_texts``: texts clustered directly (default 20,000; the rest are assigned to
    centroids); ``narrative_similarity``: mean cosine over all text pairs of two groups (centred space) at which they
    merge (default 0.15); ``edge_similarity``: kNN edges with a lower cosine are dropped (default
    0.3); ``floor_quantile`` (default 0.05). Returns a
    :class:`Clustering`. Raises ValueError for a bad parameter; ImportError without graspologic-native.
    """
    if min_cluster_size < 2:
        raise ValueError("min_cluster_size must be >= 2")
    if n_neighbors < 1:
        raise ValueError("n_neighbors must be >= 1")
    n, dim = x.shape
    v = centre_by_language(x, langs) if centre_languages else l2_normalise(x)
    none = np.full(n, -1, dtype=np.int64)
    empty = Clustering(none, np.zeros((0, dim), np.float32), np.full(n, np.nan, np.float32), v,
                       none.copy(), np.zeros(0, np.int64), np.zeros((0, dim), np.float32))
    if n < max(min_cluster_size * 2, 10):
        return empty
    ns = min(n, max_cluster_texts)  # inputs are ordered by text hash: a stable sample
    a, b, w = knn_edges(v[:ns], n_neighbors, block_rows, edge_similarity)
    comm = leiden_labels(ns, a, b, w, resolution=resolution, seed=seed)
    sizes = np.bincount(comm[comm >= 0], minlength=1)
    kept = [c for c in range(len(sizes)) if sizes[c] >= min_cluster_size]
    if not kept:
        return empty
    sub = np.full(n, -1, dtype=np.int64)
    sub[:ns] = _relabel(comm, {c: i for i, c in enumerate(kept)})
    sub_c = _centroids(v, sub, len(kept))
    pairs = (sub_c @ sub_c.T)[~np.eye(len(kept), dtype=bool)]
    p95 = float(np.quantile(pairs, 0.95)) if len(pairs) else float("nan")
    # every text outside the sample joins its nearest sub-narrative above that one's floor
    floors = np.array([np.quantile(v[sub == c] @ sub_c[c], floor_quantile)
                       for c in range(len(kept))])
    for lo in range(ns, n, block_rows * 8):
        s = v[lo:lo + block_rows * 8] @ sub_c.T
        best = s.argmax(axis=1)
        sub[lo:lo + len(s)] = np.where(s[np.arange(len(s)), best] >= floors[best], best, -1)
    # narratives: group the sub-narratives, then number both levels by size
    parent = group_average(_means(v, sub, len(kept)), np.bincount(sub[sub >= 0]),
                           narrative_similarity)
    nar = np.where(sub >= 0, parent[np.maximum(sub, 0)], -1)
    n_counts = np.bincount(nar[nar >= 0], minlength=parent.max() + 1)
    n_first = _first_rows(nar, len(n_counts))
    n_order = sorted(range(len(n_counts)), key=lambda g: (-n_counts[g], n_first[g]))
    n_new = {g: i for i, g in enumerate(n_order)}
    s_counts = np.bincount(sub[sub >= 0], minlength=len(kept))
    s_first = _first_rows(sub, len(kept))
    s_order = sorted(range(len(kept)), key=lambda c: (n_new[int(parent[c])], -s_counts[c],
                                                      s_first[c]))
    s_order = [c for c in s_order if s_counts[c] > 0]
    sublabels = _relabel(sub, {c: i for i, c in enumerate(s_order)})
    sub_parent = np.array([n_new[int(parent[c])] for c in s_order], dtype=np.int64)
    labels = np.where(sublabels >= 0, sub_parent[np.maximum(sublabels, 0)], -1)
    k = int(labels.max(initial=-1)) + 1
    centroids = _centroids(v, labels, k)
    sim = np.full(n, np.nan, dtype=np.float32)
    member = labels >= 0
    sim[member] = np.einsum("ij,ij->i", v[member], centroids[labels[member]])
    return Clustering(labels, centroids, sim, v, sublabels, sub_parent,
                      _centroids(v, sublabels, len(s_order)), p95)


def _means(v: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Mean row of each label 0..k-1 (k, dim) float32 (not normalised)."""
    from scipy.sparse import csr_matrix

    idx = np.flatnonzero(labels >= 0)
    counts = np.maximum(np.bincount(labels[idx], minlength=k), 1).astype(np.float32)
    onehot = csr_matrix((1.0 / counts[labels[idx]], (labels[idx], idx)), shape=(k, len(v)))
    return np.asarray(onehot @ v, dtype=np.float32)


def _centroids(v: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Unit mean row of each label 0..k-1 (k, dim) float32."""
    if k == 0:
        return np.zeros((0, v.shape[1]), np.float32)
    return l2_normalise(_means(v, labels, k))


def _first_rows(labels: np.ndarray, k: int) -> np.ndarray:
    """Index of the first row of each label 0..k-1 (len(labels) when absent)."""
    first = np.full(k, len(labels), dtype=np.int64)
    idx = np.flatnonzero(labels >= 0)
    np.minimum.at(first, labels[idx], idx)
    return first


def _relabel(labels: np.ndarray, mapping: dict[int, int]) -> np.ndarray:
    """``labels`` with each key of ``mapping`` replaced by its value; others (and -1) become -1."""
    size = max([int(labels.max(initial=-1)), *mapping]) + 2
    table = np.full(size, -1, dtype=np.int64)  # the last slot answers label -1
    for old, new in mapping.items():
        table[old] = new
    return table[labels]
