"""The one small interface every embedding back end implements (after BERTopic's swappable stages).

An :class:`Embedder` turns texts into float32 matrices with L2-normalised rows, so that a dot product
is a cosine similarity. Posts and claims are *passages*; analyst searches and catalog examples may be
embedded as *queries* (models such as e5 are trained with distinct prefixes for the two; models
without prefixes return the same vectors for both).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np


class Embedder(ABC):
    """Base class of embedding back ends.

    Attributes: ``name`` (str, the cache key of the model: two embedders with the same name must give
    the same vector for the same text), ``dim`` (int, columns of the returned matrices), ``cacheable``
    (bool, default True: whether vectors may be stored in the store's ``embeddings`` table; False for
    back ends whose vectors depend on the corpus they were fitted on), ``lexical`` (bool, default False:
    True for back ends that compare surface character n-grams, not meaning, and so match neither
    paraphrases nor translations).
    """

    name: str
    dim: int
    cacheable: bool = True
    lexical: bool = False

    @abstractmethod
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed documents (posts, articles, claims). Returns (len(texts), dim) float32, rows of
        L2 norm 1 (a zero row only for a text with nothing to embed)."""

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed search queries; same shape as :meth:`embed_passages`. Default: the passage vectors."""
        return self.embed_passages(texts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dim={self.dim})"


def l2_normalise(x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` divided by their L2 norm (zero rows stay zero); returns float32."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32, copy=False)
