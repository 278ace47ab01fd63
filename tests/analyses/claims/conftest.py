"""A deterministic stand-in embedder for tests of the claims analysis's bookkeeping.

``FakeEmbedder`` hashes lower-cased words into 65,536 dimensions (bag of words, unit rows): identical
texts get cosine 1 and texts without shared words cosine 0, so matches in hand-written stores are
known in advance. It is not cacheable (nothing is written to the embeddings table).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest

from ioscope.embeddings import Embedder


class FakeEmbedder(Embedder):
    name = "fake-bow"
    dim = 1 << 16
    cacheable = False

    def embed_passages(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w+", t.lower()):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


@pytest.fixture
def fake_embedder(monkeypatch):
    """Make ``get_embedder`` return :class:`FakeEmbedder` whatever the model name."""
    import ioscope.embeddings as emb

    monkeypatch.setattr(emb, "get_embedder", lambda name="e5-small", **kw: FakeEmbedder())
    return FakeEmbedder()
