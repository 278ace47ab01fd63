"""Match distinct post texts to claims: embed, retrieve top-k, re-score against each claim's null,
keep what passes the calibrated threshold.

Steps (see docs/analyses/claims.md for the why):

1. **Units.** Each distinct post text is one unit; a text longer than ``chunk_chars`` (an article) is
   split into sentence-aligned chunks of about ``chunk_chars`` characters, each a unit, after the
   outlet boilerplate shared by long texts is removed (:func:`strip_boilerplate`). Texts with
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
5. **Keep** a (text, claim) pair when one unit of the post repeats the claim near-verbatim (rule
   ``lexical``, which wins when both rules keep a pair), or when ``rerank_score >= threshold`` (rule
   ``z>=<threshold>``). The lexical rule (:class:`LexicalRule`): at least ``lexical_min`` of the claim's IDF-weighted character 5-gram
   shingles occur in the unit inside verbatim runs of at least ``LEXICAL_RUN`` consecutive shingles;
   claims with fewer than ``lexical_min_shingles`` distinct shingles are never matched this way, and
   a truncated claim ("…", "...") needs ``lexical_min_truncated``.
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
BOILERPLATE_MIN_TEXTS = 3
"""A sentence found in this many distinct long texts is boilerplate (:func:`strip_boilerplate`)."""
BOILERPLATE_MIN_CHARS = 25
"""Shorter repeated sentences ("The U.S.", "Share this story!") are never removed as boilerplate."""
LEXICAL_RUN = 4
"""A claim shingle is lexical evidence only inside a run of this many consecutive claim shingles all
found in the unit (a verbatim fragment of at least 8 characters), not as a stray 5-gram."""
LEXICAL_DF_SAMPLE = 20_000
"""Units in the seeded sample on which shingle document frequencies are counted (with all claims)."""
_TRUNCATED = re.compile(r"(?:…|‥|\.{2,})\s*$")


@dataclass(frozen=True)
class MatchParams:
    """Matching parameters (validated by the analysis): see :class:`ioscope.analyses.claims.Claims`."""

    top_k: int = 5
    threshold: float = 5.0
    post_mode: str = "passage"
    chunk_chars: int = 400
    min_letters: int = 15
    lexical_min: float = 0.85
    lexical_min_shingles: int = 30
    lexical_min_truncated: float = 0.9
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
    ``size`` characters (a sentence longer than ``size`` is cut). A last chunk shorter than
    ``size // 2`` is joined to the one before it: a lone closing sentence ("It will continue to be a
    family affair.") is as short as a claim and got spurious cosines of 0.87 to unrelated claims on the
    ReCOVery articles."""
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
    out = [c for c in out if c]
    if len(out) > 1 and len(out[-1]) < size // 2:
        out[-2:] = [f"{out[-2]} {out[-1]}"]
    return out


def strip_boilerplate(texts: list[str], size: int, min_texts: int = BOILERPLATE_MIN_TEXTS) -> list[str]:
    """``texts`` with the outlet boilerplate of long texts removed: a sentence (split as in
    :func:`chunks`) of at least ``BOILERPLATE_MIN_CHARS`` characters that occurs in at least
    ``min_texts`` distinct texts longer than ``size`` characters is dropped from those texts
    (disclaimers such as "The views and opinions expressed in the article do not necessarily reflect
    those of Sputnik.", which matched the EUvsDisinfo case "There are no lies coming from Sputnik" in
    11 unrelated ReCOVery articles). Texts of at most ``size`` characters (posts) are returned
    unchanged; a text that would become empty is kept as it was. Sentences are re-joined with spaces.
    The length floor keeps fragments cut at abbreviations ("The U.S.", "Dr.") inside their sentence."""
    long = [i for i, t in enumerate(texts) if len(t) > size]
    count: dict[str, int] = {}
    for i in long:
        for sent in {x.strip() for x in _SENT.split(texts[i]) if x.strip()}:
            count[sent] = count.get(sent, 0) + 1
    common = {x for x, n in count.items() if n >= min_texts and len(x) >= BOILERPLATE_MIN_CHARS}
    if not common:
        return list(texts)
    out = list(texts)
    for i in long:
        kept = [x for x in (y.strip() for y in _SENT.split(texts[i])) if x and x not in common]
        if kept:
            out[i] = " ".join(kept)
    return out


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
    for i, t in enumerate(strip_boilerplate(list(eligible["text"]), p.chunk_chars)):
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
    cand = pd.DataFrame({"unit_i": np.repeat(np.arange(len(unit_text)), idx.shape[1]),
                         "claim_i": idx.ravel(), "score": cos.ravel().astype(float),
                         "rerank_score": z.ravel().astype(float)})
    cand = cand[cand["claim_i"] >= 0]
    # evidence is measured per unit (chunk): a long article holds most 5-grams of a short claim
    # somewhere, which made the whole-text measure keep 909 spurious pairs on the ReCOVery articles
    lexical = LexicalRule.from_corpus(list(claims["text"]), [clean(t) for t in unit_text],
                                      sample=LEXICAL_DF_SAMPLE, seed=p.seed)
    profiles = {c: lexical.profile(claims["text"].iat[c]) for c in cand["claim_i"].unique()}
    unit_sh: dict[int, set[str]] = {}
    lex = []
    for u, c in zip(cand["unit_i"], cand["claim_i"], strict=True):
        if u not in unit_sh:
            unit_sh[u] = shingles(clean(unit_text[u]))
        lex.append(lexical.coverage(profiles[c], unit_sh[u], p.lexical_min_shingles))
    cand["lexical"] = lex
    cand["text_i"] = unit_of[cand["unit_i"].to_numpy()]
    cand = cand.groupby(["text_i", "claim_i"], as_index=False).agg(
        score=("score", "max"), rerank_score=("rerank_score", "max"), lexical=("lexical", "max"))
    keep_z = cand["rerank_score"] >= p.threshold
    need = {c: max(p.lexical_min, p.lexical_min_truncated) if profiles[c].truncated else p.lexical_min
            for c in profiles}
    keep_lex = cand["lexical"] >= cand["claim_i"].map(need)
    cand = cand[keep_z | keep_lex].copy()
    # A pair both rules keep is labelled ``lexical``: verbatim evidence is the stronger reason, and
    # a lexical embedding model (tfidf) keeps only ``lexical`` pairs.
    cand["rule"] = np.where(keep_lex[cand.index], "lexical", f"z>={p.threshold:g}")
    cand["text_hash"] = eligible["text_hash"].to_numpy()[cand["text_i"]]
    cand["claim_id"] = claims["claim_id"].to_numpy()[cand["claim_i"]]
    cand = cand.sort_values(["text_hash", "rerank_score", "claim_id"], ascending=[True, False, True])
    cand["rank"] = cand.groupby("text_hash").cumcount() + 1
    return cand[cols].reset_index(drop=True), info


def lexical_text(claim: str) -> tuple[str, bool]:
    """(claim text without a trailing truncation mark, whether it had one). EUvsDisinfo titles are cut
    by the source ("For the first time in the history of NATO’s strategic…", 1,887 of the 10,892 cases
    in ``posts.csv``): what is left is the claim's opening, often a stock phrase, and the distinctive
    rest is missing. Marks: "…", "‥", or two or more full stops at the end."""
    text = claim or ""
    cut = _TRUNCATED.sub("", text)
    return cut, cut != text


def shingle_seq(text: str, n: int = 5) -> list[str]:
    """The character ``n``-grams of :func:`shingles`, in text order, repeats kept."""
    s = " ".join(re.sub(r"[^\w]+", " ", (text or "").lower()).split())
    return [s[i:i + n] for i in range(max(1, len(s) - n + 1))] if s else []


@dataclass(frozen=True)
class LexicalProfile:
    """A claim prepared for the lexical rule: ``seq`` (its shingles in order), ``weights`` (IDF per
    distinct shingle), ``truncated`` (the text ended in a truncation mark, removed from ``seq``)."""

    seq: tuple[str, ...]
    weights: dict
    truncated: bool


class LexicalRule:
    """The ``lexical`` rule's evidence: how much of a claim a unit (post or chunk) repeats verbatim.

    ``coverage(profile, unit_shingles, min_shingles)`` is the IDF-weighted share of the claim's distinct
    character 5-gram shingles (:func:`shingles`; :func:`lexical_text` removes a truncation mark first)
    that occur in the unit *inside a verbatim run*: a maximal run of consecutive claim shingles all found
    in the unit counts only when it is at least ``LEXICAL_RUN`` shingles long. It is 0.0 when the
    claim has fewer than ``min_shingles`` distinct shingles (too little evidence: "Crimea is Russian"
    shares most 5-grams with any tweet about Crimea and Russia). Weights are smoothed inverse document
    frequencies, ``w(s) = 1 + ln((1 + N) / (1 + df(s)))``, over a reference corpus of ``N`` documents:
    all claims in use plus a seeded sample of up to ``sample`` units (scikit-learn's ``smooth_idf``
    form; Spärck Jones 1972), so shingles of stock phrases found in many claims or posts ("for the
    first time in the history", " the ", "in th") count for little and a claim's rare words for much;
    on a tiny corpus the weights are nearly equal and coverage is plain containment. Document
    frequencies are counted only for the shingles of the claims later profiled (all claims' shingles
    are kept, so any claim can be profiled). Weights depend on the corpus: the same pair can score
    differently in another store.
    """

    def __init__(self, df: dict, n_docs: int):
        self.df = df
        self.n_docs = n_docs

    @classmethod
    def from_corpus(cls, claim_texts: list[str], unit_texts: list[str], sample: int = LEXICAL_DF_SAMPLE,
                    seed: int = 0) -> LexicalRule:
        """Document frequencies over ``claim_texts`` (after :func:`lexical_text`) and a seeded sample
        (``numpy`` ``default_rng(seed)`` permutation) of up to ``sample`` of ``unit_texts`` (cleaned
        unit texts). Each document counts a shingle once."""
        df: dict[str, int] = {}
        for t in claim_texts:
            for x in set(shingle_seq(lexical_text(t)[0])):
                df[x] = df.get(x, 0) + 1
        order = np.random.default_rng(seed).permutation(len(unit_texts))[:sample]
        for i in order:
            for x in shingles(unit_texts[i]):
                if x in df:
                    df[x] += 1
        return cls(df, len(claim_texts) + len(order))

    def weight(self, shingle: str) -> float:
        """``1 + ln((1 + N) / (1 + df))`` (df 0 for a shingle never seen)."""
        return 1.0 + float(np.log((1 + self.n_docs) / (1 + self.df.get(shingle, 0))))

    def profile(self, claim: str) -> LexicalProfile:
        """The claim's shingle sequence, weights and truncation flag."""
        text, truncated = lexical_text(claim)
        seq = tuple(shingle_seq(text))
        return LexicalProfile(seq, {x: self.weight(x) for x in set(seq)}, truncated)

    def coverage(self, profile: LexicalProfile, unit_shingles: set[str], min_shingles: int = 0) -> float:
        """Weighted share (0–1) of the claim's distinct shingles found in verbatim runs of at least
        ``LEXICAL_RUN`` consecutive claim shingles among ``unit_shingles``; 0.0 when the claim has
        fewer than ``min_shingles`` distinct shingles or no weight."""
        if len(profile.weights) < max(min_shingles, 1):
            return 0.0
        found: set[str] = set()
        run: list[str] = []
        for x in (*profile.seq, None):
            if x is not None and x in unit_shingles:
                run.append(x)
                continue
            if len(run) >= LEXICAL_RUN:
                found.update(run)
            run = []
        total = sum(profile.weights.values())
        return sum(profile.weights[x] for x in found) / total if total else 0.0
