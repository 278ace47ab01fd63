"""The narratives analysis: discover narratives, assign the analyst's catalog, track both by actor,
country, overt/covert and day. See docs/analyses/narratives.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ioscope.analyses.base import Analysis, Result
from ioscope.analyses.narratives import catalog as cat
from ioscope.analyses.narratives import identity, labels, passages, tracking
from ioscope.analyses.narratives.discovery import (
    centre_by_language,
    centre_like,
    discover,
    language_means,
)
from ioscope.embeddings import embed_texts, ensure_table, get_embedder, l2_normalise
from ioscope.errors import AnalysisError, ConfigError
from ioscope.store import Store

_TEXTS_SQL = """SELECT md5(text) AS text_hash, any_value(text) AS text, count(*) AS n_posts,
                       min(created_at) AS first_at, mode(lang) AS lang
                FROM posts WHERE text IS NOT NULL AND length(trim(text)) > 0 AND ({where})
                GROUP BY md5(text) ORDER BY text_hash"""
# who posted each long text (the boilerplate rule is per account)
_ACCOUNTS_SQL = """SELECT md5(text) AS text_hash, min(platform || ':' || account_id) AS account
                   FROM posts WHERE text IS NOT NULL AND length(text) > {long} AND ({where})
                   GROUP BY md5(text)"""


class Narratives(Analysis):
    """Narratives state actors push, across languages: discovered, watched (catalog) and tracked.

    Parameters (stored unchanged; validated by :meth:`run`, which raises AnalysisError):

    * ``model`` (str, default ``"e5-small"``): embedding back end (``e5-small``, ``tfidf``,
      ``st:<path or cache name>``; see docs/embeddings.md). Vectors are cached in the store.
    * ``catalog`` (path or None, default None): YAML catalog of watched narratives (ConfigError when
      invalid).
    * ``seed`` (int, default 0): seeds Leiden (and the TF-IDF fallback's SVD).
    * ``min_cluster_size`` (int >= 2, default 15): smallest sub-narrative, in distinct texts.
    * ``n_neighbors`` (int >= 1, default 20): degree of the text kNN graph.
    * ``resolution`` (float > 0, default 1.0): Leiden modularity resolution (higher: smaller
      sub-narratives).
    * ``max_cluster_texts`` (int, default 20,000): distinct texts clustered directly; others join the
      nearest sub-narrative centroid (keeps a million posts within memory and minutes).
    * ``narrative_similarity`` (float, default 0.15): mean cosine over all text pairs of two groups of
      sub-narratives (language-centred space) at which they merge into one narrative (size-weighted
      average linkage).
    * ``edge_similarity`` (float, default 0.3): kNN edges below this cosine (centred space) are
      dropped before Leiden, so that texts unlike everything else stay out of narratives.
    * ``match_similarity`` (float, default 0.9): centroid cosine at which a cluster keeps the id of
      the previous run's cluster.
    * ``catalog_threshold`` (float, default 0.5) and ``keyword_threshold`` (default 0.25):
      calibrated-score thresholds for catalog assignment (0 = typical unrelated text, 1 = as close as
      the catalog's examples are to one another).
    * ``min_text_chars`` (int, default 15): shorter texts take no part.
    * ``top_terms`` (int, default 10), ``examples_per_language`` (int, default 3).
    * ``discover_narratives`` (bool, default True): run discovery (False: catalog only).
    * ``long_text_chars`` (int, default 1,000; 0 = never split): texts longer than this (articles,
      long channel posts) are split into passages of at most ``passage_chars`` (default 500)
      characters, at most ``max_passages`` (default 10) per text, after dropping sentences that recur
      in at least ``boilerplate_share`` (default 0.1) of the same account's long texts (licence
      lines, standard background). Passages are embedded, clustered and matched to the catalog like
      posts; a text carries every narrative one of its passages carries (see
      :mod:`ioscope.analyses.narratives.passages`).

    Tables (times tz-aware UTC; ``source`` is ``discovered`` or ``catalog``):

    * ``subnarratives``: narrative_id, subnarrative_id (``<narrative_id>.<n>``, by size), label (top
      terms), n_texts (units clustered: texts, and each passage of a split long text),
      cosine_to_narrative (its centroid to its narrative's centroid).
    * ``narratives``: source, narrative_id, label (top terms, or the catalog name), n_texts (distinct
      texts), n_posts (collected posts incl. reposts), n_accounts, languages (list), first_at,
      matched_previous (discovered: the id came from the previous run), match_cosine.
    * ``narrative_terms``: narrative_id, rank, term, n, weight (c-TF-IDF; discovered narratives).
    * ``narrative_examples``: source, narrative_id, lang, rank, text (the passage, for a long
      text), similarity (cosine to the discovered centroid, or calibrated catalog score), n_posts,
      text_hash (of the whole text the passage comes from, = ``md5(posts.text)``).
    * ``catalog_calibration``: narrative_id, name, n_examples, background_cosine, agreement_cosine,
      threshold_cosine, keyword_threshold_cosine, n_texts_assigned.
    * ``post_narratives``, ``narrative_volume``, ``first_movers``, ``narrative_accounts``,
      ``contradictions``: see :func:`ioscope.analyses.narratives.tracking.track` (``posts``,
      ``volume``, ``first_movers``, ``accounts``, ``contradictions``).

    Side effects on a writable store: the ``embeddings`` cache, the ``narrative_centroids`` table, and
    ``narrative_assignments`` (platform, post_id, narrative_id, score, source: one row per post and
    narrative), which the shifts analysis slices by.
    """

    name = "narratives"
    title = "Narratives"

    def __init__(self, *, model: str = "e5-small", catalog: str | Path | None = None,
                 seed: int = 0, min_cluster_size: int = 15, n_neighbors: int = 20,
                 resolution: float = 1.0, max_cluster_texts: int = 20_000,
                 narrative_similarity: float = 0.15, edge_similarity: float = 0.3,
                 match_similarity: float = 0.9, catalog_threshold: float = 0.5,
                 keyword_threshold: float = 0.25, min_text_chars: int = 15, top_terms: int = 10,
                 examples_per_language: int = 3, discover_narratives: bool = True,
                 long_text_chars: int = 1000, passage_chars: int = 500,
                 max_passages: int = 10, boilerplate_share: float = 0.1,
                 centre_long_separately: bool = True):
        self.model = model
        self.catalog = catalog
        self.seed = seed
        self.min_cluster_size = min_cluster_size
        self.n_neighbors = n_neighbors
        self.resolution = resolution
        self.max_cluster_texts = max_cluster_texts
        self.narrative_similarity = narrative_similarity
        self.edge_similarity = edge_similarity
        self.match_similarity = match_similarity
        self.catalog_threshold = catalog_threshold
        self.keyword_threshold = keyword_threshold
        self.min_text_chars = min_text_chars
        self.top_terms = top_terms
        self.examples_per_language = examples_per_language
        self.discover_narratives = discover_narratives
        self.long_text_chars = long_text_chars
        self.passage_chars = passage_chars
        self.max_passages = max_passages
        self.boilerplate_share = boilerplate_share
        self.centre_long_separately = centre_long_separately

    def _validate(self) -> None:
        for name in ("min_cluster_size", "n_neighbors", "max_cluster_texts", "min_text_chars",
                     "top_terms", "examples_per_language", "long_text_chars", "passage_chars",
                     "max_passages"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < (2 if name == "min_cluster_size"
                                                                     else 0):
                raise AnalysisError(f"narratives: {name} must be a non-negative int, not {v!r}")
        for name in ("narrative_similarity", "edge_similarity", "match_similarity"):
            if not -1.0 <= float(getattr(self, name)) <= 1.0:
                raise AnalysisError(f"narratives: {name} must be a cosine in [-1, 1]")
        if not float(self.resolution) > 0:
            raise AnalysisError("narratives: resolution must be > 0")
        if self.passage_chars < 1 or self.max_passages < 1:
            raise AnalysisError("narratives: passage_chars and max_passages must be >= 1")
        if not 0.0 <= float(self.boilerplate_share) <= 1.0:
            raise AnalysisError("narratives: boilerplate_share must be in [0, 1]")

    def run(self, store: Store) -> Result:
        """Run on ``store``; see the class docstring for tables. Raises AnalysisError or
        ConfigError (bad catalog, unknown model)."""
        self._validate()
        catalog = cat.load_catalog(self.catalog) if self.catalog else []
        try:
            emb = get_embedder(self.model, seed=self.seed) if self.model == "tfidf" \
                else get_embedder(self.model)
        except ImportError as exc:
            raise ConfigError(f"narratives: {exc}") from exc
        where = f"collected AND length(trim(text)) >= {int(self.min_text_chars)}"
        p_where = f"p.collected AND length(trim(p.text)) >= {int(self.min_text_chars)}"
        texts = store.query(_TEXTS_SQL.format(where=where))
        notes: list[str] = []
        if texts.empty:
            raise AnalysisError("narratives: no collected post has a text to embed")
        # long documents are clustered as passages; a text carries its passages' narratives
        long_ = int(self.long_text_chars)
        accounts = store.query(_ACCOUNTS_SQL.format(long=long_, where=where)) \
            if long_ > 0 and (texts["text"].str.len() > long_).any() else None
        parts = passages.split_texts(texts, accounts, long_chars=long_ if long_ > 0 else 1 << 62,
                                     passage_chars=self.passage_chars,
                                     max_passages=self.max_passages,
                                     boilerplate_share=self.boilerplate_share)
        units = passages.units(parts)
        ensure_table(store)
        x = embed_texts(store, emb, units[["text_hash", "text"]])
        tables: dict[str, pd.DataFrame] = {}
        assigns: list[pd.DataFrame] = []
        examples: list[pd.DataFrame] = []
        summary: dict[str, Any] = {"model": emb.name, "n_distinct_texts": len(texts),
                                   "n_long_texts": int(parts.loc[parts["long"], "text_hash"]
                                                       .nunique()),
                                   "n_passages": len(units)}
        to_text = parts.sort_values(["passage_hash", "part"], kind="mergesort") \
            .drop_duplicates("passage_hash").set_index("passage_hash")["text_hash"]
        if self.discover_narratives:
            d_assign, d_tables, d_examples, d_summary = self._discover(store, emb.name, units, x)
            assigns.append(passages.to_texts(parts, d_assign))
            d_examples["text_hash"] = d_examples["text_hash"].map(to_text)
            examples.append(d_examples)
            tables.update(d_tables)
            summary.update(d_summary)
        if catalog:
            c_assign, cal, c_examples = self._catalog(store, emb, catalog, units, x)
            assigns.append(passages.to_texts(parts, c_assign))
            c_examples["text_hash"] = c_examples["text_hash"].map(to_text)
            examples.append(c_examples)
            tables["catalog_calibration"] = cal
            summary["catalog_narratives"] = len(catalog)
            notes.append("Catalog scores are calibrated similarities (0 = a typical unrelated text "
                         "of this data, 1 = as close as the catalog's examples are to one "
                         "another), not probabilities; see catalog_calibration for the raw "
                         "cosine thresholds.")
        assignments = pd.concat(assigns, ignore_index=True) if assigns else \
            pd.DataFrame(columns=["text_hash", "source", "narrative_id", "score"])
        pairs = cat.contradiction_pairs(catalog) if catalog else pd.DataFrame()
        tracked = tracking.track(store, assignments, pairs, where_sql=p_where)
        tables["narratives"] = self._overview(texts, assignments, tracked["posts"], catalog,
                                              tables.pop("_identity", None))
        if "narrative_terms" in tables:
            tables["narrative_terms"] = tables.pop("narrative_terms")
            tables["subnarratives"] = tables.pop("subnarratives")
        tables["narrative_examples"] = pd.concat(examples, ignore_index=True) if examples else \
            pd.DataFrame()
        tables["narrative_volume"] = tracked["volume"]
        tables["first_movers"] = tracked["first_movers"]
        tables["narrative_accounts"] = tracked["accounts"]
        tables["contradictions"] = tracked["contradictions"]
        tables["post_narratives"] = tracked["posts"]
        if not store.read_only:
            # The shifts analysis slices series by narrative through this table.
            store.save_result_table("narrative_assignments", tracked["posts"][
                ["platform", "post_id", "narrative_id", "score", "source"]])
        summary["n_posts_assigned"] = int(tracked["posts"][["platform", "post_id"]]
                                          .drop_duplicates().shape[0])
        summary["n_contradictions"] = len(tracked["contradictions"])
        if not emb.cacheable:
            notes.append(f"Model {self.model!r} is lexical (character n-grams): it does not match "
                         "a narrative across languages.")
        notes.append("A narrative is a cluster of similar texts: evidence for an analyst to read, "
                     "not a verdict. Every row links to the posts behind it (post_narratives).")
        return Result(self.name, self.get_params(), tables=tables, summary=summary, notes=notes)

    def _centre_keys(self, units: pd.DataFrame) -> np.ndarray:
        """Centring key per unit: its language, or ``<lang>/long`` for a passage of a split text
        when ``centre_long_separately`` (articles and posts differ in register as languages do)."""
        lang = units["lang"].fillna("und").astype(str).to_numpy(dtype=object)
        if not self.centre_long_separately or "long" not in units:
            return lang
        return np.where(units["long"].to_numpy(dtype=bool), lang + "/long", lang)

    # -- discovery -----------------------------------------------------------------------------------

    def _discover(self, store: Store, model: str, texts: pd.DataFrame, x: np.ndarray):
        cl = discover(x, self._centre_keys(texts), seed=self.seed,
                      min_cluster_size=self.min_cluster_size, n_neighbors=self.n_neighbors,
                      resolution=self.resolution, max_cluster_texts=self.max_cluster_texts,
                      narrative_similarity=self.narrative_similarity,
                      edge_similarity=self.edge_similarity)
        k = len(cl.centroids)
        member = cl.labels >= 0
        n_texts = np.bincount(cl.labels[member], minlength=k)
        raw_centroids = l2_normalise(np.stack([x[cl.labels == i].mean(axis=0) for i in range(k)])) \
            if k else np.zeros((0, x.shape[1]), np.float32)
        prev_ids, prev_c = identity.previous(store, model)
        ids, cos = identity.match_ids(raw_centroids, prev_ids, prev_c,
                                      match_similarity=self.match_similarity,
                                      used=identity.used_ids(store, model))
        identity.save(store, model, ids, raw_centroids, n_texts)
        id_arr = np.array(ids + [None], dtype=object)  # index -1 -> None
        nid = id_arr[cl.labels]
        terms = labels.top_terms(store, texts, cl.labels, top_terms=self.top_terms)
        terms.insert(0, "narrative_id", id_arr[terms.pop("narrative").to_numpy()])
        central = labels.central_texts(texts, cl.labels, cl.similarity,
                                       per_language=self.examples_per_language)
        central.insert(0, "narrative_id", id_arr[central.pop("narrative").to_numpy()])
        central.insert(0, "source", "discovered")
        # sub-narratives: <narrative_id>.<n>, numbered by size within their narrative
        rank = pd.Series(cl.sub_parent).groupby(cl.sub_parent).cumcount().to_numpy() + 1
        sub_ids = np.array([f"{ids[p]}.{r}" for p, r in zip(cl.sub_parent, rank, strict=True)]
                           + [None], dtype=object)
        assign = pd.DataFrame({"text_hash": texts["text_hash"][member].to_numpy(),
                               "source": "discovered", "narrative_id": nid[member],
                               "subnarrative_id": sub_ids[cl.sublabels[member]],
                               "score": cl.similarity[member]})
        sub_terms = labels.top_terms(store, texts, cl.sublabels, top_terms=5)
        subs = pd.DataFrame({
            "narrative_id": [ids[p] for p in cl.sub_parent], "subnarrative_id": sub_ids[:-1],
            "label": [", ".join(sub_terms.loc[sub_terms["narrative"] == j, "term"])
                      for j in range(len(cl.sub_parent))],
            "n_texts": np.bincount(cl.sublabels[cl.sublabels >= 0],
                                   minlength=len(cl.sub_parent)).astype(np.int64),
            "cosine_to_narrative": np.einsum("ij,ij->i", cl.sub_centroids,
                                             cl.centroids[cl.sub_parent]) if k else []})
        ident = identity.centroid_table(ids, n_texts, cos)
        ident["label"] = [", ".join(terms.loc[terms["narrative_id"] == i, "term"].head(5))
                          for i in ids]
        summary = {"discovered_narratives": k, "discovered_subnarratives": len(subs),
                   "texts_in_no_narrative": int((~member).sum()),
                   "narratives_matched_previous_run": int((~np.isnan(cos)).sum()),
                   "subnarrative_pair_cosine_p95": round(cl.pair_cosine_p95, 4)}
        return assign, {"narrative_terms": terms, "subnarratives": subs, "_identity": ident}, \
            central[["source", "narrative_id", "lang", "rank", "text", "similarity", "n_posts",
                     "text_hash"]], summary

    # -- catalog -------------------------------------------------------------------------------------

    def _catalog(self, store: Store, emb, catalog: list[cat.CatalogNarrative], texts: pd.DataFrame,
                 x: np.ndarray):
        # compare in the language-centred space (see discovery): raw e5 cosines favour texts in the
        # examples' own language over texts of the same narrative in other languages
        keys = self._centre_keys(texts)
        means = language_means(x, keys)
        xc = centre_by_language(x, keys)
        ex_vecs = [centre_like(embed_texts(store, emb, pd.DataFrame({"text": list(n.examples)})),
                               means) for n in catalog]
        m = cat.assign(catalog, ex_vecs, xc, texts["text"], threshold=self.catalog_threshold,
                       keyword_threshold=self.keyword_threshold)
        ok = np.array([v is not None for v in m.narrative], dtype=bool)
        assign = pd.DataFrame({"text_hash": texts["text_hash"][ok].to_numpy(), "source": "catalog",
                               "narrative_id": m.narrative[ok], "score": m.score[ok]})
        ex = texts[["text_hash", "text", "lang", "n_posts"]].assign(
            narrative=m.narrative, similarity=m.score)[ok]
        ex["lang"] = ex["lang"].fillna("und")
        ex = ex.sort_values(["narrative", "lang", "similarity", "text_hash"],
                            ascending=[True, True, False, True], kind="mergesort")
        ex["rank"] = ex.groupby(["narrative", "lang"]).cumcount() + 1
        ex = ex[ex["rank"] <= self.examples_per_language].rename(columns={"narrative": "narrative_id"})
        ex.insert(0, "source", "catalog")
        return assign, m.calibration, ex[["source", "narrative_id", "lang", "rank", "text",
                                          "similarity", "n_posts", "text_hash"]]

    # -- overview ------------------------------------------------------------------------------------

    @staticmethod
    def _overview(texts: pd.DataFrame, assignments: pd.DataFrame, posts: pd.DataFrame,
                  catalog: list[cat.CatalogNarrative], ident: pd.DataFrame | None) -> pd.DataFrame:
        cols = ["source", "narrative_id", "label", "n_texts", "n_posts", "n_accounts", "languages",
                "first_at", "matched_previous", "match_cosine"]
        if assignments.empty:
            return pd.DataFrame(columns=cols)
        n_texts = assignments.groupby(["source", "narrative_id"]).size().rename("n_texts")
        g = posts.groupby(["source", "narrative_id"])
        per = pd.DataFrame({
            "n_posts": g.size(),
            "n_accounts": g.apply(lambda d: d[["platform", "account_id"]].drop_duplicates().shape[0],
                                  include_groups=False),
            "languages": g["lang"].agg(lambda s: sorted(set(s.dropna()))),
            "first_at": g["created_at"].min(),
        }) if not posts.empty else pd.DataFrame(columns=["n_posts", "n_accounts", "languages",
                                                          "first_at"])
        out = pd.concat([n_texts, per], axis=1).reset_index()
        names = {n.id: n.name for n in catalog}
        out["label"] = out["narrative_id"].map(names).astype(object)
        out["matched_previous"] = None
        out["match_cosine"] = np.nan
        if ident is not None and not ident.empty:
            d = ident.set_index("narrative_id")
            disc = out["source"] == "discovered"
            out.loc[disc, "label"] = out.loc[disc, "narrative_id"].map(d["label"])
            out.loc[disc, "matched_previous"] = out.loc[disc, "narrative_id"].map(
                d["matched_previous"])
            out.loc[disc, "match_cosine"] = out.loc[disc, "narrative_id"].map(d["match_cosine"])
        out["n_posts"] = out["n_posts"].fillna(0).astype("int64")
        out = out.sort_values(["source", "n_posts", "narrative_id"], ascending=[True, False, True],
                              kind="mergesort")
        return out[cols].reset_index(drop=True)
