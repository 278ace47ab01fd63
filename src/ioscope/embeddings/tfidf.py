"""The fast lexical fallback: character n-gram TF-IDF reduced by truncated SVD (latent semantic
analysis, Deerwester et al. 1990), for runs too large for a neural model.

**Language-blind.** It compares spellings, not meanings: a Chinese and a Russian post of the same claim
share no n-grams and end up far apart; near-copies, templates and shared URLs/hashtags come out close.
Character n-grams (``char_wb``, 2–4 characters) need no tokeniser, so every script works.

The model is *fitted* to a corpus (vocabulary, IDF and SVD basis), so its vectors depend on that
corpus: ``cacheable`` is False and ``name`` carries a fingerprint of the fit. Fitting happens on the
first :meth:`TfidfSVD.embed_passages` call (or an explicit :meth:`TfidfSVD.fit`), on at most
``fit_max_docs`` texts drawn with ``seed``; later calls, including queries, reuse that fit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from ioscope.embeddings.base import Embedder, l2_normalise


class TfidfSVD(Embedder):
    """Character n-gram TF-IDF + SVD (``get_embedder("tfidf")``).

    Parameters: ``dim`` (default 256 SVD components; fewer when the corpus is tiny), ``ngram_range``
    (default (2, 4) characters), ``max_features`` (default 2**18 n-grams), ``min_df`` (default 2
    documents, 1 for corpora under 50 texts), ``fit_max_docs`` (default 100,000 texts sampled for the
    fit), ``seed`` (default 0), ``batch_size`` (default 50,000 texts transformed at a time).
    Needs scikit-learn (BSD-3).
    """

    cacheable = False
    lexical = True

    def __init__(self, *, dim: int = 256, ngram_range: tuple[int, int] = (2, 4),
                 max_features: int = 2**18, min_df: int = 2, fit_max_docs: int = 100_000,
                 seed: int = 0, batch_size: int = 50_000):
        self.dim = dim
        self.ngram_range = tuple(ngram_range)
        self.max_features = max_features
        self.min_df = min_df
        self.fit_max_docs = fit_max_docs
        self.seed = seed
        self.batch_size = batch_size
        self.name = "tfidf"
        self._vec = None
        self._svd = None

    def fit(self, texts: Sequence[str]) -> TfidfSVD:
        """Fit vocabulary, IDF and SVD on ``texts`` (a seeded sample of at most ``fit_max_docs``).
        Returns self; sets ``name`` to ``tfidf-<dim>-<fingerprint>``. Raises ValueError when no text
        holds any n-gram."""
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [t or "" for t in texts]
        if len(texts) > self.fit_max_docs:
            rng = np.random.default_rng(self.seed)
            idx = np.sort(rng.choice(len(texts), self.fit_max_docs, replace=False))
            texts = [texts[i] for i in idx]
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=self.ngram_range, lowercase=True,
                              sublinear_tf=True, min_df=self.min_df if len(texts) >= 50 else 1,
                              max_features=self.max_features, dtype=np.float32)
        x = vec.fit_transform(texts)
        k = max(1, min(self.dim, x.shape[1] - 1, x.shape[0] - 1))
        svd = TruncatedSVD(n_components=k, random_state=self.seed, algorithm="randomized", n_iter=5)
        svd.fit(x)
        self._vec, self._svd = vec, svd
        self.dim = k
        h = hashlib.sha1()
        h.update(repr((self.ngram_range, self.max_features, self.min_df, self.seed, k)).encode())
        for t in texts:
            h.update(hashlib.md5(t.encode("utf-8")).digest())
        self.name = f"tfidf-{k}-{h.hexdigest()[:12]}"
        return self

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Transform ``texts`` (fitting on them first if not fitted); (n, dim) float32, unit rows."""
        texts = [t or "" for t in texts]
        if self._vec is None:
            self.fit(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch_size):
            chunk = texts[i : i + self.batch_size]
            out[i : i + len(chunk)] = self._svd.transform(self._vec.transform(chunk))
        return l2_normalise(out)
