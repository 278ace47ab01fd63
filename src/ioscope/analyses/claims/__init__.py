"""Claims: which posts repeat an already fact-checked claim, who posted them, and whether posting went
on after the debunk.

Claims come from the store's ``claims`` table (``ioscope claims import``, :mod:`ioscope.claims`);
matching is :mod:`.matching` (embeddings + top-k retrieval + per-claim, per-language null
calibration), aggregation is SQL (:mod:`.aggregates`). Matches are written to the store's
``claim_matches`` table for the dashboard and exports. See docs/analyses/claims.md.
"""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from ioscope.analyses.base import Analysis, Result
from ioscope.analyses.claims import aggregates
from ioscope.analyses.claims.matching import MatchParams, match_texts
from ioscope.claims.store import ensure_tables, has_table, replace_matches
from ioscope.errors import AnalysisError
from ioscope.store import Store

__all__ = ["Claims"]

POST_MODES = ("passage", "query")


class Claims(Analysis):
    """Posts that repeat fact-checked claims, across languages, and who spreads them.

    Parameters (stored unchanged; :meth:`run` validates them and raises AnalysisError):

    * ``model`` (default ``"e5-small"``): embedding model name for :func:`ioscope.embeddings.get_embedder`.
    * ``top_k`` (5): candidate claims retrieved per post text (or chunk).
    * ``threshold`` (5.0): minimum ``rerank_score`` — a z-score of the cosine against the claim's
      null among posts of the same language (a normal fitted to the lower tail); *not* a
      probability. Calibrated on the demo: at 5.0, 83% of the planted claim's distinct texts are
      kept and 1 of 5,509 ordinary texts is matched (docs/analyses/claims.md, bench/claims.py).
    * ``post_mode`` ("passage"): e5 prefix for posts — "passage" or "query" (claims are passages).
    * ``kinds`` (("original", "quote", "reply", "repost")): post kinds matched; a repost carries the
      reposted text, so it matches when its original does (at no extra embedding cost).
    * ``sources`` (None): claim sources to use (``claims.source`` values, e.g. ``("poynter",
      "euvsdisinfo")``); None = all. ``ratings`` (("false", "misleading", "unproven")):
      ``rating_normalized`` values used.
    * ``chunk_chars`` (400), ``min_letters`` (15), ``exact_max_pairs`` (200,000,000 text×claim pairs;
      beyond: IVF index), ``null_sample`` (3,000), ``seed`` (0): see :mod:`.matching`.
    * ``lexical_min`` (0.85): IDF-weighted share of the claim's character 5-gram shingles a unit must
      repeat in verbatim runs for the ``lexical`` rule (:class:`.matching.LexicalRule`);
      ``lexical_min_shingles`` (30): claims with fewer distinct shingles (after a truncation mark is
      removed) are never matched by that rule; ``lexical_min_truncated`` (0.9): the share needed for a
      claim text cut by its source ("…", "..."). Set on DIPROMATS tweets × Poynter/EUvsDisinfo claims
      (docs/analyses/claims.md, "The lexical rule").
    * ``cluster_table`` ("coordination_cluster_members"): a store table (platform, account_id,
      cluster_id) naming coordination clusters; used when it exists.
    * ``write`` (True): replace this model's rows of ``claim_matches`` (skipped on a read-only store).

    Tables (times UTC):

    * ``matches``: claim_id, platform, post_id, account_id, handle, actor_name, country, actor_type, kind,
      created_at, lang, text (first 280 characters), score (cosine), rerank_score (z), rule, rank,
      review_date, after_review (bool: posted after the fact-check).
    * ``claims_summary``: one row per matched claim: claim_id, claim_text, rating, rating_normalized,
      reviewer, review_date, review_url, source, n_posts, n_reposts, n_texts, n_accounts,
      n_actor_accounts, countries, actor_types, cluster_ids (lists), first_post_at, last_post_at,
      first_handle, n_posts_after_review, n_actor_posts_after_review.
    * ``claim_daily``: claim_id, day (UTC midnight), n_posts, n_accounts, n_actor_posts.
    * ``claim_actors``: claim_id, platform, account_id, handle, actor_name, country, actor_type, overt,
      n_posts, first_at, last_at — tracked actors only.
    * ``claim_clusters``: claim_id, cluster_id, n_posts, n_accounts, first_at, last_at (empty without
      a cluster table).
    * ``group_share``: country, actor_type ("untracked" for accounts not in the registry), n_posts,
      n_matching (posts matching a claim rated false/misleading), share_matching.

    Summary: n_claims, n_texts, n_texts_eligible, n_units, n_matched_texts, n_matched_posts,
    n_matched_claims, index, null_langs, seconds_matching.
    """

    name = "claims"
    title = "Debunked claims"

    def __init__(self, model: str = "e5-small", top_k: int = 5, threshold: float = 5.0,
                 post_mode: str = "passage",
                 kinds: tuple[str, ...] = ("original", "quote", "reply", "repost"),
                 sources: tuple[str, ...] | None = None,
                 ratings: tuple[str, ...] = ("false", "misleading", "unproven"),
                 chunk_chars: int = 400, min_letters: int = 15, lexical_min: float = 0.85,
                 lexical_min_shingles: int = 30, lexical_min_truncated: float = 0.9,
                 exact_max_pairs: int = 200_000_000, null_sample: int = 3000, seed: int = 0,
                 cluster_table: str = "coordination_cluster_members", write: bool = True):
        self.model = model
        self.top_k = top_k
        self.threshold = threshold
        self.post_mode = post_mode
        self.kinds = kinds
        self.sources = sources
        self.ratings = ratings
        self.chunk_chars = chunk_chars
        self.min_letters = min_letters
        self.lexical_min = lexical_min
        self.lexical_min_shingles = lexical_min_shingles
        self.lexical_min_truncated = lexical_min_truncated
        self.exact_max_pairs = exact_max_pairs
        self.null_sample = null_sample
        self.seed = seed
        self.cluster_table = cluster_table
        self.write = write

    def _validate(self) -> MatchParams:
        def pos_int(name: str) -> int:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise AnalysisError(f"claims: {name} must be an integer >= 1, got {v!r}")
            return v
        for name in ("top_k", "chunk_chars", "exact_max_pairs", "null_sample"):
            pos_int(name)
        if not isinstance(self.threshold, (int, float)) or isinstance(self.threshold, bool):
            raise AnalysisError(f"claims: threshold must be a number, got {self.threshold!r}")
        for name in ("lexical_min", "lexical_min_truncated"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 1:
                raise AnalysisError(f"claims: {name} must be a number in (0, 1], got {v!r}")
        v = self.lexical_min_shingles
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise AnalysisError(f"claims: lexical_min_shingles must be an integer >= 0, got {v!r}")
        if self.post_mode not in POST_MODES:
            raise AnalysisError(f"claims: post_mode must be one of {POST_MODES}, got {self.post_mode!r}")
        return MatchParams(top_k=self.top_k, threshold=float(self.threshold), post_mode=self.post_mode,
                           chunk_chars=self.chunk_chars, min_letters=int(self.min_letters),
                           lexical_min=float(self.lexical_min),
                           lexical_min_shingles=self.lexical_min_shingles,
                           lexical_min_truncated=float(self.lexical_min_truncated),
                           exact_max_pairs=self.exact_max_pairs,
                           null_sample=self.null_sample, seed=int(self.seed))

    def run(self, store: Store) -> Result:
        """Match posts in ``store`` to its claims and aggregate (see the class docstring). Raises
        AnalysisError for bad parameters or a store without claims."""
        mp = self._validate()
        from ioscope.embeddings import get_embedder

        ensure_tables(store)
        if not has_table(store, "claims"):
            raise AnalysisError("claims: the store has no claims; run `ioscope claims import FILE` first")
        claims = store.query(
            "SELECT claim_id, text FROM claims WHERE list_contains($r, rating_normalized)"
            + (" AND list_contains($s, source)" if self.sources else "") + " ORDER BY claim_id",
            {"r": list(self.ratings), **({"s": list(self.sources)} if self.sources else {})})
        texts = store.query(
            """SELECT md5(text) AS text_hash, any_value(text) AS text, mode(lang) AS lang
               FROM posts WHERE collected AND list_contains($k, kind) AND text IS NOT NULL
                 AND length(trim(text)) > 0
               GROUP BY md5(text) ORDER BY text_hash""", {"k": list(self.kinds)})
        embedder = get_embedder(self.model)
        started = time.perf_counter()
        text_matches, info = match_texts(store, embedder, texts, claims, mp)
        seconds = time.perf_counter() - started
        lexical_model = embedder.lexical
        if lexical_model:
            # A corpus-fitted lexical model (tfidf) puts every COVID post near every COVID claim: its
            # z-scores are not calibrated, so only the near-verbatim overlap rule keeps a match.
            text_matches = text_matches[text_matches["rule"] == "lexical"].reset_index(drop=True)
        store.con.register("_claims_tm", text_matches)
        try:
            post_matches = store.query(
                """SELECT p.platform, p.post_id, t.claim_id, t.score, t.rerank_score, t.rule, t.rank,
                          c.rating_normalized
                   FROM _claims_tm t JOIN posts p ON md5(p.text) = t.text_hash
                   JOIN claims c ON c.claim_id = t.claim_id
                   WHERE p.collected AND list_contains($k, p.kind)
                   ORDER BY p.platform, p.post_id, t.rank""", {"k": list(self.kinds)})
        finally:
            store.con.unregister("_claims_tm")
        if self.write and not store.read_only:
            replace_matches(store, post_matches, embedder.name)
        tables = self._aggregate(store, post_matches)
        summary: dict[str, Any] = {
            "n_claims": len(claims), "n_texts": len(texts), "n_texts_eligible": info["n_texts_eligible"],
            "n_units": info["n_units"], "n_matched_texts": int(text_matches["text_hash"].nunique()),
            "n_matched_posts": int(len(post_matches[["platform", "post_id"]].drop_duplicates())),
            "n_matched_claims": int(post_matches["claim_id"].nunique()), "index": info["index"],
            "null_langs": info["null_langs"], "model": embedder.name,
            "seconds_matching": round(seconds, 3),
        }
        notes = [
            "A match means a post's text is unusually close to a fact-checked claim for that claim and "
            "the post's language (robust z-score >= threshold); it is a lead for an analyst to read, "
            "not a finding that the post is false. Scores are not probabilities.",
            "Paraphrases that change the wording a lot, very short posts and posts in languages the "
            "model handles poorly can be missed.",
        ]
        if not len(claims):
            notes.append("No claims with the chosen sources and ratings are in the store.")
        if lexical_model:
            notes.append(f"Model {embedder.name!r} is lexical: only near-verbatim repeats of a claim "
                         "(rule 'lexical') are kept; paraphrases and translations are not matched. "
                         "Use the default e5-small model for claim matching.")
        return Result(name=self.name, params=self.get_params(), tables=tables, summary=summary,
                      notes=notes)

    def _aggregate(self, store: Store, post_matches: pd.DataFrame) -> dict[str, pd.DataFrame]:
        con = store.con
        has_clusters = bool(self.cluster_table) and has_table(store, self.cluster_table)
        con.register("m", post_matches)
        if has_clusters:
            con.execute(f'CREATE OR REPLACE TEMP VIEW cm AS SELECT platform, account_id, cluster_id '
                        f'FROM "{self.cluster_table}"')
        try:
            per_claim = aggregates.PER_CLAIM.format(
                cluster="cm.cluster_id" if has_clusters else "CAST(NULL AS BIGINT)",
                cluster_join=("LEFT JOIN cm ON cm.platform = p.platform AND cm.account_id = p.account_id"
                              if has_clusters else ""))
            tables = {
                "matches": store.query(aggregates.MATCHES),
                "claims_summary": store.query(per_claim),
                "claim_daily": store.query(aggregates.DAILY),
                "claim_actors": store.query(aggregates.ACTORS),
                "claim_clusters": (store.query(aggregates.CLUSTERS) if has_clusters else pd.DataFrame(
                    columns=["claim_id", "cluster_id", "n_posts", "n_accounts", "first_at", "last_at"])),
                "group_share": store.query(aggregates.GROUP_SHARE),
            }
        finally:
            con.unregister("m")
            if has_clusters:
                con.execute("DROP VIEW IF EXISTS cm")
        return tables
