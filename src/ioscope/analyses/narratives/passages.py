"""Passages: long documents (articles, long channel posts) are split into tweet-sized passages before
embedding and clustering, and a document carries the narratives of its passages.

Why: a multilingual sentence encoder turns a 2,000-character article into one vector dominated by the
outlet's register and the article's many topics, so articles cluster with articles of the same outlet
rather than with the short posts that make the same claim (measured on real data, see
docs/analyses/narratives.md, "Long documents"). A passage of a few sentences has the length and the
focus of a post, so the claim it makes can meet the same claim made elsewhere. This is the
passage-retrieval practice of dense retrieval (e.g. Karpukhin et al. 2020, DPR, 100-word passages;
e5, Wang et al. 2022, is trained on passages of that size).

Steps, for every distinct text longer than ``long_chars`` characters:

1. **Sentences**: split after ``.``, ``!``, ``?``, ``…`` and their CJK / Arabic-script forms
   (``。！？؟``) and at line breaks.
2. **Boilerplate**: a sentence is dropped when its key (lower-cased letters and digits of its last 80
   characters, so that "NA/PA All content by ..." and "MH/PA All content by ..." are one sentence)
   occurs in at least ``boilerplate_share`` of the long documents of the same account and in at
   least 3 of them: licence lines, standard background paragraphs, bylines.
3. **Passages**: consecutive sentences are packed greedily into passages of at most
   ``passage_chars`` characters (a longer sentence is one passage, cut at ``passage_chars * 2``); at
   most ``max_passages`` per document (the first ones: title and lead come first in news articles).

Shorter texts are their own single passage, with their own text hash, so the embedding cache is
shared with every other analysis.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ioscope.embeddings import text_hash

_SENTENCE_END = re.compile(r"(?<=[.!?…。！？؟])[\"'”’)\]]*\s+|\n+")
_KEY_DROP = re.compile(r"[\W_]+", re.UNICODE)


def sentences(text: str) -> list[str]:
    """Sentences of ``text`` (stripped, non-empty), split as described in the module docstring."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s and s.strip()]


def _key(sentence: str) -> str:
    return _KEY_DROP.sub(" ", sentence[-80:].lower()).strip()


def pack(sents: list[str], passage_chars: int, max_passages: int) -> list[str]:
    """Pack consecutive ``sents`` into passages of at most ``passage_chars`` characters (a longer
    sentence alone, cut at twice that); at most ``max_passages`` passages, the first ones."""
    out: list[str] = []
    cur = ""
    for s in sents:
        if cur and len(cur) + 1 + len(s) > passage_chars:
            out.append(cur)
            cur = ""
            if len(out) >= max_passages:
                return out
        cur = f"{cur} {s}" if cur else s[: passage_chars * 2]
    if cur and len(out) < max_passages:
        out.append(cur)
    return out


def split_texts(texts: pd.DataFrame, accounts: pd.DataFrame | None = None, *,
                long_chars: int = 1000, passage_chars: int = 500, max_passages: int = 10,
                boilerplate_share: float = 0.1) -> pd.DataFrame:
    """The passages of the distinct texts ``texts`` (columns text_hash, text, lang, n_posts).

    ``accounts``: optional (text_hash, account) pairs naming who posted each text, for the
    per-account boilerplate rule (without it, all long texts count as one account). Texts of at most
    ``long_chars`` characters (default 1,000) are one passage each; longer ones are split (module
    docstring) into passages of at most ``passage_chars`` (default 500) characters, at most
    ``max_passages`` (default 10) per text, after dropping sentences found in at least
    ``boilerplate_share`` (default 0.1, and at least 3) of the same account's long texts.

    Returns a DataFrame with one row per (passage, text): passage_hash (MD5 of the passage, equal to
    ``text_hash`` for a text kept whole), text_hash (the text it comes from), passage (its text),
    part (0-based position in the text), lang, n_posts (of the text), long (the text was split);
    ordered by passage_hash then
    text_hash. A text whose sentences are all boilerplate keeps its first ``passage_chars``
    characters as one passage. Raises KeyError when a column is missing.
    """
    t = texts[["text_hash", "text", "lang", "n_posts"]]
    long_mask = t["text"].str.len().to_numpy() > long_chars
    rows = [pd.DataFrame({"passage_hash": t["text_hash"][~long_mask].to_numpy(),
                          "text_hash": t["text_hash"][~long_mask].to_numpy(),
                          "passage": t["text"][~long_mask].to_numpy(), "part": 0,
                          "lang": t["lang"][~long_mask].to_numpy(),
                          "n_posts": t["n_posts"][~long_mask].to_numpy(), "long": False})]
    longs = t[long_mask]
    if len(longs):
        acc = longs["text_hash"].map(
            accounts.drop_duplicates("text_hash").set_index("text_hash")["account"]) \
            if accounts is not None and len(accounts) else pd.Series("", index=longs.index)
        acc = acc.fillna("").astype(str)
        split = [sentences(x) for x in longs["text"]]
        boiler = _boilerplate(split, acc.tolist(), boilerplate_share)
        out = []
        for (h, text, lang, n), ss, a in zip(longs.itertuples(index=False, name=None), split,
                                             acc.tolist(), strict=True):
            kept = [s for s in ss if (a, _key(s)) not in boiler]
            parts = pack(kept, passage_chars, max_passages) or [text[:passage_chars]]
            out.extend((text_hash(p), h, p, i, lang, n, True) for i, p in enumerate(parts))
        rows.append(pd.DataFrame(out, columns=["passage_hash", "text_hash", "passage", "part",
                                               "lang", "n_posts", "long"]))
    df = pd.concat(rows, ignore_index=True)
    return df.sort_values(["passage_hash", "text_hash"], kind="mergesort").reset_index(drop=True)


def _boilerplate(split: list[list[str]], accounts: list[str], share: float) -> set[tuple[str, str]]:
    """(account, sentence key) pairs found in >= ``share`` (and >= 3) of that account's texts."""
    docs: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    for ss, a in zip(split, accounts, strict=True):
        docs[a] = docs.get(a, 0) + 1
        for k in {_key(s) for s in ss}:
            if k:
                seen[(a, k)] = seen.get((a, k), 0) + 1
    return {ak for ak, c in seen.items() if c >= max(3, share * docs[ak[0]])}


def units(passages: pd.DataFrame) -> pd.DataFrame:
    """Distinct passages (the units that are embedded and clustered): text_hash (the passage's
    hash), text (the passage), lang (most common among its texts), n_posts (summed over its texts),
    long (it comes from a split text); ordered by passage hash (a stable order: discovery samples the
    first rows)."""
    dup = passages["passage_hash"].duplicated(keep=False).to_numpy()
    one = passages[~dup]  # the common case (every post-sized text): nothing to aggregate
    out = [pd.DataFrame({"text_hash": one["passage_hash"].to_numpy(),
                         "text": one["passage"].to_numpy(), "lang": one["lang"].to_numpy(),
                         "n_posts": one["n_posts"].to_numpy(), "long": one["long"].to_numpy()})]
    if dup.any():  # a passage shared by several texts (a quoted paragraph, a reprinted lead)
        g = passages[dup].groupby("passage_hash", sort=True)
        out.append(pd.DataFrame({"text_hash": g["passage"].first().index.to_numpy(),
                                 "text": g["passage"].first().to_numpy(),
                                 "lang": g["lang"].agg(_mode).to_numpy(),
                                 "n_posts": g["n_posts"].sum().to_numpy(),
                                 "long": g["long"].any().to_numpy()}))
    df = pd.concat(out, ignore_index=True)
    return df.sort_values("text_hash", kind="mergesort").reset_index(drop=True)


def _mode(s: pd.Series):
    v = s.dropna()
    return v.mode().iloc[0] if len(v) else None


def to_texts(passages: pd.DataFrame, unit_assign: pd.DataFrame) -> pd.DataFrame:
    """Lift passage assignments to texts: a text carries every narrative one of its passages carries.

    ``unit_assign``: rows (text_hash = passage hash, narrative_id, score, [subnarrative_id], ...)
    from discovery or the catalog. Returns the same columns with text_hash the text's hash, one row
    per (text, source, narrative_id): the best-scoring passage's score and sub-narrative, plus
    n_passages (how many of the text's passages carry the narrative).
    """
    if unit_assign.empty:
        return unit_assign.assign(n_passages=pd.Series(dtype="int64"))
    m = passages[["passage_hash", "text_hash"]].merge(
        unit_assign.rename(columns={"text_hash": "passage_hash"}), on="passage_hash")
    keys = ["text_hash", "source", "narrative_id"]
    m = m.sort_values(keys + ["score", "passage_hash"], ascending=[True, True, True, False, True],
                      kind="mergesort")
    n = m.groupby(keys, sort=False).size().rename("n_passages")
    best = m.drop_duplicates(keys).drop(columns="passage_hash").set_index(keys)
    out = best.join(n).reset_index()
    out["n_passages"] = out["n_passages"].astype(np.int64)
    return out[[*unit_assign.columns, "n_passages"]]
