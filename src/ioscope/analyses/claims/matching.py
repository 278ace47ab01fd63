"""Match distinct post texts to claims: embed, retrieve top-k, re-score against each claim's null,
keep what passes the calibrated threshold.

Steps (see docs/analyses/claims.md for the why):

1. **Units.** Each distinct post text is one unit; a text longer than ``chunk_chars`` (an article) is
   split into sentence-aligned chunks of about ``chunk_chars`` characters, each a unit. Texts with
   fewer than ``min_letters`` letters once URLs, @mentions and ``RT @x:`` are removed (emoji-only
   posts, bare links) are not matched.
2. **Vectors** from the embedding interface (:mod:`ioscope.embeddings`, store cache): claims as
   passages; posts as passages (default) or queries (``post_mode``).
3. **Retrieval**: the ``top_k`` claims of each unit by cosine, exact (:func:`.retrieval.exact_top_k`)
   up to ``exact_max_pairs`` unit×claim pairs, an IVF index beyond (:class:`.retrieval.IVFIndex`).
4. **Re-scoring** (``rerank_score``): a z-score of the cosine against the claim's null distribution
   *among posts of the same language* — a normal fitted to the lower tail of the claim's cosines to
   a seeded sample of up to ``null_sample`` units of that language (:func:`.retrieval.claim_null_stats`;
   languages with fewer than 20 units use the
   pooled sample). Multilingual e5 gives same-language pairs higher cosines than translations
   (a Spanish claim is closer to any Spanish COVID post than its own Chinese translation is to it);
   the per-language null removes that bias and the per-claim null removes "hub" claims that are close
   to every post on the topic. A unit's score for a claim is the maximum over its chunks.
5. **Keep** a (text, claim) pair when ``rerank_score >= threshold`` (rule ``z>=<threshold>``), or
   when at least ``lexical_min`` of the claim's character 5-gram shingles occur in the post (rule
   ``lexical``: near-verbatim repeats in the claim's own language).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ioscope.analyses.claims.retrieval import IVFIndex, claim_null_stats, exact_top_k
from ioscope.embeddings import Embedder, embed_texts

_NOISE = re.compile(r"^RT @\w+:\s*|https?://\S+|(?<!\w)@\w+")
_SENT = re.compile(r"(?<=[.!?。！？])\s+|\n+")
MIN_NULL_PER_LANG = 20
"""A language needs this many units to get its own null; fewer use the pooled sample."""


@dataclass(frozen=True)
class MatchParams:
    """Matching parameters (validated by the analysis): see :class:`ioscope.analyses.claims.Claims`."""

    top_k: int = 5
    threshold: float = 5.0
    post_mode: str = "passage"
    chunk_chars: int = 400
    min_letters: int = 15
    lexical_min: float = 0.6
    exact_max_pairs: int = 200_000_000
    null_sample: int = 3000
    seed: int = 0


def clean(text: str) -> str:
    """Text without a leading ``RT @x:``, URLs and @mentions, whitespace collapsed."""
    return " ".join(_NOISE.sub(" ", text or "").split())


def n_letters(text: str) -> int:
    """Letters (any script) in :func:`clean` ``(text)``."""
    return sum(ch.isalpha() for ch in clean(text))


def chunks(text: str, size: int) -> list[str]:
    """``text`` itself when it has at most ``size`` characters, else sentence-aligned chunks of about
    ``size`` characters (a sentence longer than ``size`` is cut)."""
    if len(text) <= size:
        return [text]
    out, cur = [], ""
    for sent in (s.strip() for s in _SENT.split(text)):
        while len(sent) > size:
            out.append(sent[:size])
            sent = sent[size:]
        if cur and len(cur) + 1 + len(sent) > size:
            out.append(cur)
            cur = sent
        else:
            cur = f"{cur} {sent}".strip()
    if cur:
        out.append(cur)
    return [c for c in out if c]


def shingles(text: str, n: int = 5) -> set[str]:
    """Character ``n``-grams of the lower-cased text with non-word characters squeezed to one space."""
    s = " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())
    return {s[i:i + n] for i in range(max(1, len(s) - n + 1))} if s else set()


def match_texts(store, embedder: Embedder, texts: pd.DataFrame, claims: pd.DataFrame,
                p: MatchParams) -> tuple[pd.DataFrame, dict]:
    """Matches of distinct texts to claims.

    ``texts``: text_hash, text, lang (one row per distinct text); ``claims``: claim_id, text.
    Returns (DataFrame text_hash, claim_id, score (max cosine over the text's chunks), rerank_score,
    rule, rank (1 = the text's best kept claim); info dict: n_units, n_texts_matched_eligible,
    index ("exact"|"ivf"), null_langs). Empty inputs give an empty frame.
    """
    cols = ["text_hash", "claim_id", "score", "rerank_score", "rule", "rank"]
    info = {"n_units": 0, "n_texts_eligible": 0, "index": "exact", "null_langs": []}
    if texts.empty or claims.empty:
        return pd.DataFrame(columns=cols), info
    eligible = texts[texts["text"].map(n_letters) >= p.min_letters].reset_index(drop=True)
    info["n_texts_eligible"] = len(eligible)
    if eligible.empty:
        return pd.DataFrame(columns=cols), info
    unit_text, unit_of = [], []
    for i, t in enumerate(eligible["text"]):
        parts = chunks(t, p.chunk_chars)
        unit_text += parts
        unit_of += [i] * len(parts)
    unit_of = np.asarray(unit_of)
    info["n_units"] = len(unit_text)
    cvec = embed_texts(store, embedder, claims[["text"]], kind="passage")
    uvec = embed_texts(store, embedder, pd.DataFrame({"text": unit_text}), kind=p.post_mode)
    n_pairs = len(unit_text) * len(claims)
    if n_pairs <= p.exact_max_pairs:
        idx, cos = exact_top_k(uvec, cvec, p.top_k)
    else:
        info["index"] = "ivf"
        idx, cos = IVFIndex(cvec, seed=p.seed).search(uvec, p.top_k)
    langs = eligible["lang"].fillna("und").to_numpy()[unit_of]
    z = np.full(cos.shape, -np.inf, dtype=np.float32)
    rng = np.random.default_rng(p.seed)
    pooled = uvec[rng.permutation(len(uvec))[:p.null_sample]]
    pooled_stats = claim_null_stats(pooled, cvec)
    for lang in np.unique(langs):
        rows = np.flatnonzero(langs == lang)
        if len(rows) >= MIN_NULL_PER_LANG:
            med, sd = claim_null_stats(uvec[rng.permutation(rows)[:p.null_sample]], cvec)
            info["null_langs"].append(str(lang))
        else:
            med, sd = pooled_stats
        valid = idx[rows] >= 0
        safe = np.where(valid, idx[rows], 0)
        z[rows] = np.where(valid, (cos[rows] - med[safe]) / sd[safe], -np.inf)
    cand = pd.DataFrame({"text_i": np.repeat(unit_of, idx.shape[1]), "claim_i": idx.ravel(),
                         "score": cos.ravel().astype(float), "rerank_score": z.ravel().astype(float)})
    cand = cand[cand["claim_i"] >= 0]
    cand = cand.groupby(["text_i", "claim_i"], as_index=False).agg(score=("score", "max"),
                                                                    rerank_score=("rerank_score", "max"))
    claim_sh = [shingles(t) for t in claims["text"]]
    lex = [_containment(claim_sh[c], eligible["text"].iat[t])
           for t, c in zip(cand["text_i"], cand["claim_i"], strict=True)]
    cand["lexical"] = lex
    keep_z = cand["rerank_score"] >= p.threshold
    keep_lex = cand["lexical"] >= p.lexical_min
    cand = cand[keep_z | keep_lex].copy()
    cand["rule"] = np.where(keep_z[cand.index], f"z>={p.threshold:g}", "lexical")
    cand["text_hash"] = eligible["text_hash"].to_numpy()[cand["text_i"]]
    cand["claim_id"] = claims["claim_id"].to_numpy()[cand["claim_i"]]
    cand = cand.sort_values(["text_hash", "rerank_score", "claim_id"], ascending=[True, False, True])
    cand["rank"] = cand.groupby("text_hash").cumcount() + 1
    return cand[cols].reset_index(drop=True), info


def _containment(claim_shingles: set[str], text: str) -> float:
    """Share of the claim's shingles found in ``text`` (0 when the claim has none)."""
    if not claim_shingles:
        return 0.0
    return len(claim_shingles & shingles(clean(text))) / len(claim_shingles)
