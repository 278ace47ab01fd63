"""Any sentence-transformers model from a local path or the local Hugging Face cache (an extra:
``pip install ioscope[st]``, which pins a CPU build of torch).

Never touches the network: ``HF_HUB_OFFLINE=1`` and ``TRANSFORMERS_OFFLINE=1`` are set before the
import, so a model that is not on disk fails with a clear error instead of a download. Models of the
e5 family get their ``query: ``/``passage: `` prefixes automatically; others get none unless given.
Source: Reimers & Gurevych 2019, "Sentence-BERT".
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from ioscope.embeddings.base import Embedder, l2_normalise


class SentenceTransformerEmbedder(Embedder):
    """A local sentence-transformers model (``get_embedder("st:<path or cache name>")``).

    Parameters: ``model`` (a directory or a name already in the local cache, e.g.
    ``paraphrase-multilingual-MiniLM-L12-v2``), ``query_prefix``/``passage_prefix`` (default: the e5
    prefixes when the name contains ``e5``, else empty), ``batch_size`` (default 64), ``threads``
    (default 1 torch thread). ``name`` is ``st:<model>``. Raises ImportError naming
    ``pip install ioscope[st]`` when sentence-transformers is missing, and OSError (from
    sentence-transformers) when the model is not on disk.
    """

    def __init__(self, model: str, *, query_prefix: str | None = None,
                 passage_prefix: str | None = None, batch_size: int = 64, threads: int = 1):
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ImportError(
                "sentence-transformers models need the 'st' extra: pip install 'ioscope[st]'"
            ) from exc
        torch.set_num_threads(threads)
        is_e5 = "e5" in model.lower()
        self.query_prefix = ("query: " if is_e5 else "") if query_prefix is None else query_prefix
        self.passage_prefix = ("passage: " if is_e5 else "") if passage_prefix is None \
            else passage_prefix
        self.batch_size = batch_size
        self._model = SentenceTransformer(model, device="cpu")
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self.name = f"st:{model}"

    def _embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        x = self._model.encode([prefix + (t or "") for t in texts], batch_size=self.batch_size,
                               normalize_embeddings=True, convert_to_numpy=True,
                               show_progress_bar=False)
        return l2_normalise(x)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with the passage prefix; (n, dim) float32, unit rows."""
        return self._embed(list(texts), self.passage_prefix)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with the query prefix; (n, dim) float32, unit rows."""
        return self._embed(list(texts), self.query_prefix)
