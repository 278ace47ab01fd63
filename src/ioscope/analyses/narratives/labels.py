"""Labelling: each narrative's top terms (class-based TF-IDF) and its most central posts per language.

**c-TF-IDF** (Grootendorst 2022, BERTopic): all texts of a narrative form one document; a term's
weight in narrative c is ``tf(t, c) / tokens(c) * ln(1 + A / f(t))``, where ``f(t)`` is the term's
count over all narratives and noise and ``A`` the mean tokens per narrative. Distinct texts count once
(a repost flood does not choose the label).

**Script-aware tokens**, computed in SQL (RE2 Unicode classes): URLs and @mentions are removed and
text lower-cased; Chinese/Japanese runs (Han, Hiragana, Katakana) become overlapping character
bigrams (they are written without spaces); words of Latin, Cyrillic, Greek, Arabic-script (Persian,
Arabic, Urdu) and Hangul letters are kept whole with their combining marks and the Persian
zero-width non-joiner (U+200C), so ``می‌دهد`` stays one token; Arabic tatweel is dropped and Russian
``ё`` folds to ``е``; tokens shorter than 2 characters and a short multilingual stop-word list
(:data:`STOPWORDS`) are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ioscope.store import Store

STOPWORDS = frozenset("""
the a an and or but of to in on at for from by with about as is are was were be been being it its
this that these those there their they them he she his her we our you your i me my not no do does did
has have had will would can could should may might must what who whom which when where why how all
any more most some such than too very just also into over after before up down out so if then only
new says said via rt amp https http www com co
el la los las un una unos unas y o de del al en con por para que se su sus es son lo le les como más
pero ya este esta estos estas ese esa ha han fue ser sin sobre entre muy también
le la les des du de et en un une est pour pas que qui dans sur au aux par plus ce cette ne se
der die das und ist nicht mit von zu den dem ein eine auf für im
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было
вот от меня еще нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас нибудь
это этот эта эти их чем при для без где есть также
و در به از که این را با است آن برای تا یا هم بر شد می‌شود نیز اما یک ما شده باید هر خود کرد
في من على إلى عن أن إن هذا هذه التي الذي ما لا كان قد مع هو هي
的 了 是 在 和 也 就 都 而 及 与 着 或 一个 我们 你们 他们 这个 那个 没有
""".split())
"""Terms never used as labels (frequent function words in en, es, fr, de, ru, fa, ar, zh)."""

TOKEN_SQL = r"""
WITH src AS (
    SELECT narrative, replace(replace(lower(regexp_replace(text, '(https?://|www\.)\S+|[@＠]\w+', ' ', 'g')),
                                      'ё', 'е'), 'ـ', '') AS t
    FROM _nar_texts
),
words AS (
    SELECT narrative, unnest(regexp_extract_all(t,
        '[\p{Han}\p{Hiragana}\p{Katakana}]+|[\p{Latin}\p{Cyrillic}\p{Greek}\p{Arabic}\p{Hangul}\p{M}\x{200C}]+'
    )) AS w FROM src
),
toks AS (
    SELECT narrative, unnest(CASE
        WHEN regexp_matches(w, '^[\p{Han}\p{Hiragana}\p{Katakana}]+$')
        THEN [substring(w, i, 2) FOR i IN range(1, greatest(length(w), 2))]
        ELSE [trim(w, chr(8204))] END) AS term
    FROM words
)
SELECT narrative, term, count(*) AS n FROM toks
WHERE length(term) >= 2 AND term NOT IN (SELECT term FROM _nar_stop)
GROUP BY narrative, term
"""

CTFIDF_SQL = """
WITH c AS ({tokens}),
tot AS (SELECT narrative, sum(n) AS n_tokens FROM c GROUP BY narrative),
f AS (SELECT term, sum(n) AS f FROM c GROUP BY term),
a AS (SELECT avg(n_tokens) AS a FROM tot WHERE narrative >= 0),
w AS (
    SELECT c.narrative, c.term, c.n,
           c.n / tot.n_tokens * ln(1 + a.a / f.f) AS weight
    FROM c JOIN tot USING (narrative) JOIN f USING (term) CROSS JOIN a
    WHERE c.narrative >= 0
)
SELECT narrative, term, n, weight,
       row_number() OVER (PARTITION BY narrative ORDER BY weight DESC, term) AS rank
FROM w QUALIFY rank <= $top_terms
ORDER BY narrative, rank
"""


def top_terms(store: Store, texts: pd.DataFrame, labels: np.ndarray, *, top_terms: int = 10
              ) -> pd.DataFrame:
    """c-TF-IDF top terms of each cluster.

    ``texts``: distinct texts (column ``text``) aligned with ``labels`` (int, -1 = noise; noise texts
    count in ``f(t)`` only). Returns a table narrative (int), term, n (occurrences in the cluster's
    distinct texts), weight (c-TF-IDF), rank (1 = best; ties by term), ordered by narrative, rank.
    """
    df = pd.DataFrame({"narrative": labels.astype("int64"), "text": texts["text"].values})
    stop = pd.DataFrame({"term": sorted(STOPWORDS)})
    con = store.con.cursor()  # own registrations; unaffected by a pending result on store.con
    con.register("_nar_texts", df)
    con.register("_nar_stop", stop)
    try:
        return con.execute(CTFIDF_SQL.format(tokens=TOKEN_SQL), {"top_terms": top_terms}).df()
    finally:
        con.unregister("_nar_texts")
        con.unregister("_nar_stop")


def central_texts(texts: pd.DataFrame, labels: np.ndarray, similarity: np.ndarray, *,
                  per_language: int = 3) -> pd.DataFrame:
    """The texts closest to each cluster's centroid, ``per_language`` per language.

    ``texts``: distinct texts with columns text_hash, text, lang, n_posts; ``labels`` and
    ``similarity`` (cosine to the centroid) aligned with it. Returns narrative, lang, rank (1 = most
    central), text_hash, text, similarity, n_posts; ordered by narrative, lang, rank.
    """
    df = texts[["text_hash", "text", "lang", "n_posts"]].assign(
        narrative=labels, similarity=similarity)
    df = df[df["narrative"] >= 0].copy()
    df["lang"] = df["lang"].fillna("und")
    df = df.sort_values(["narrative", "lang", "similarity", "text_hash"],
                        ascending=[True, True, False, True], kind="mergesort")
    df["rank"] = df.groupby(["narrative", "lang"]).cumcount() + 1
    df = df[df["rank"] <= per_language]
    return df[["narrative", "lang", "rank", "text_hash", "text", "similarity", "n_posts"]] \
        .reset_index(drop=True)
