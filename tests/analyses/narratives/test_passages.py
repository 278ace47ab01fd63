"""Passages of long documents: sentence split, boilerplate, packing, lifting back to texts.

Inputs are small hand-written texts; every expected value is counted by hand in the comments.
"""

from __future__ import annotations

import pandas as pd

from ioscope.analyses.narratives import passages
from ioscope.embeddings import text_hash


def test_sentences_split_latin_cjk_arabic_and_lines():
    # four sentence ends: '.', '。', '؟' and a line break
    got = passages.sentences("Sanctions kill. 病毒来自美国。 هل هذا صحيح؟ Title line\nBody")
    assert got == ["Sanctions kill.", "病毒来自美国。", "هل هذا صحيح؟", "Title line", "Body"]


def test_pack_is_greedy_and_bounded():
    s = ["a" * 40, "b" * 40, "c" * 40, "d" * 130]
    # 40 + 1 + 40 = 81 <= 100, adding c would make 122 > 100: [ab], [c], then d alone (130 chars,
    # under the 200-character cut)
    assert [len(p) for p in passages.pack(s, 100, 10)] == [81, 40, 130]
    assert len(passages.pack(s, 100, 2)) == 2  # max_passages keeps the first ones


def _texts(rows):
    return pd.DataFrame({"text_hash": [text_hash(t) for t in rows], "text": rows,
                         "lang": "en", "n_posts": 1})


def test_boilerplate_of_one_account_is_dropped_and_short_texts_stay_whole():
    lic = ("All Content by Mehr News Agency is licensed under a Creative Commons Attribution 4.0 "
           "International License.")  # 107 characters: the last 80 do not see a desk prefix
    claim = "The US must lift its sanctions on Iran during the pandemic, the minister said."
    fill = "Officials met in Tehran on Monday to discuss the outbreak and its consequences. " * 3
    longs = [f"Title {i}\n\n{claim if i == 0 else 'Other news of the day.'} {fill}"
             f"{'XY/PA ' if i % 2 else ''}{lic}" for i in range(4)]
    t = _texts([*longs, "Short tweet: lift the sanctions now!"])
    acc = pd.DataFrame({"text_hash": t["text_hash"], "account": "web:outlet"})
    p = passages.split_texts(t, acc, long_chars=200, passage_chars=120, max_passages=10,
                             boilerplate_share=0.5)
    # the licence line ends all 4 long texts (2 with a desk prefix: same key, its last 80 chars):
    # 4 >= max(3, 0.5 * 4), so it is boilerplate; so is the 'Officials met ...' sentence (4 of 4)
    assert not p["passage"].str.contains("Mehr News").any()
    assert not p["passage"].str.contains("Officials met").any()
    # the claim (1 of 4 texts) stays, as does each title
    first = p[(p["text_hash"] == t["text_hash"][0])].sort_values("part")["passage"].tolist()
    assert first == [f"Title 0 {claim}"]  # 8 + 78 = 86 chars <= 120: one passage
    # the short text is one passage whose hash is its own text hash (shared embedding cache)
    short = p[p["text_hash"] == t["text_hash"][4]]
    assert short["passage_hash"].tolist() == [t["text_hash"][4]]
    # without the account table nothing changes here (all long texts count as one account)
    q = passages.split_texts(t, None, long_chars=200, passage_chars=120, boilerplate_share=0.5)
    assert q["passage"].tolist() == p["passage"].tolist()


def test_to_texts_keeps_best_passage_per_narrative():
    parts = pd.DataFrame({"passage_hash": ["p1", "p2", "p3", "t2"],
                          "text_hash": ["t1", "t1", "t1", "t2"], "part": [0, 1, 2, 0]})
    assign = pd.DataFrame({"text_hash": ["p1", "p2", "p3", "t2"], "source": "discovered",
                           "narrative_id": ["D1", "D1", "D2", "D1"],
                           "subnarrative_id": ["D1.1", "D1.2", "D2.1", "D1.1"],
                           "score": [0.4, 0.7, 0.5, 0.9]})
    out = passages.to_texts(parts, assign).sort_values(["text_hash", "narrative_id"])
    # t1 carries D1 (best passage p2: 0.7, D1.2; two passages) and D2 (p3); t2 carries D1
    assert out[["text_hash", "narrative_id", "subnarrative_id", "score", "n_passages"]] \
        .values.tolist() == [["t1", "D1", "D1.2", 0.7, 2], ["t1", "D2", "D2.1", 0.5, 1],
                             ["t2", "D1", "D1.1", 0.9, 1]]


def test_units_merge_a_passage_shared_by_two_texts():
    parts = pd.DataFrame({"passage_hash": ["a", "b", "b", "c"], "text_hash": ["t1", "t1", "t2", "t3"],
                          "passage": ["A", "B", "B", "C"], "part": [0, 1, 0, 0],
                          "lang": ["en", "en", "es", "es"], "n_posts": [2, 2, 5, 1],
                          "long": [True, True, True, False]})
    u = passages.units(parts)
    # 'b' is in t1 (2 posts) and t2 (5 posts): one unit with 7 posts; languages en/es tie, and
    # pandas' mode returns the sorted values, so 'en' comes first
    assert u.values.tolist() == [["a", "A", "en", 2, True], ["b", "B", "en", 7, True],
                                 ["c", "C", "es", 1, False]]
