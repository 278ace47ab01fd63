"""The lexical rule on a real false positive (user trial): EUvsDisinfo's truncated title "For the first
time in the history of NATO’s strategic…" was matched near-verbatim to two DIPROMATS diplomats' tweets
that share only the stock phrase "for the first time in the history of":

* @ciieonline (China, 2020-03-17): "The third edition of the China International Import Expo (#CIIE)
  will introduce new topics such as public health, organic food and non-bank finance for the first
  time in the history of the expo. …"
* @rusembuganda (Russia, 2020-08-17): "🚢 #OTD in 1977, the Soviet nuclear-powered icebreaker
  ‘Arktika’ reached the North Pole for the first time in the history of navigation. …"

Setup as in the trial (``Claims(model="tfidf")``: the lexical rule is the only one kept): the Poynter
``data.csv`` and EUvsDisinfo ``posts.csv`` claims, and DIPROMATS ``train_t1_en.json`` cut to the two
tweets plus 600 others drawn with ``random.Random(5)`` (to keep the tf-idf fit short).
"""

from __future__ import annotations

import random

import pytest

from ioscope.analyses.claims import Claims
from ioscope.analyses.claims.matching import LexicalRule, clean, shingles
from ioscope.claims import import_claims
from ioscope.ingest import ingest
from ioscope.store import Store

pytestmark = [pytest.mark.shared, pytest.mark.slow]

NATO = "euvsdisinfo:for-the-first-time-in-the-history-of-natos-strategic"


def test_truncated_stock_phrase_claim_not_matched(shared_data, tmp_path, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    store = Store(tmp_path / "s.duckdb")
    import_claims(store, [shared_data / "poynter-coronavirusfacts-scrape" / "data.csv",
                          shared_data / "euvsdisinfo-cases-2021-02" / "posts.csv"])
    claim = store.query("SELECT text FROM claims WHERE claim_id = ?", [NATO])["text"].iat[0]
    assert claim == "For the first time in the history of NATO’s strategic…"
    ingest(store, [shared_data / "dipromats-2023-diplomat-propaganda-tweets" / "train_t1_en.json"])
    hits = store.query("""SELECT post_id, account_handle, text FROM posts
                          WHERE text ILIKE '%for the first time in the history of%' ORDER BY post_id""")
    # the two tweets of the trial, found by their text
    assert list(hits["account_handle"]) == ["ciieonline", "rusembuganda"]
    ciie, ice = hits["text"]
    ids = sorted(store.query("SELECT post_id FROM posts")["post_id"])
    keep = set(random.Random(5).sample(ids, 600)) | set(hits["post_id"])
    store.con.execute("DELETE FROM posts WHERE NOT list_contains(?, post_id)", [sorted(keep)])

    # the old rule: plain containment of the claim's 48 distinct 5-grams ("for the first time in the
    # history of nato s strategic", 53 characters, 49 5-grams with " the " twice). Both tweets hold the
    # 32 distinct 5-grams of "for the first time in the history of " (33 positions, " the " twice);
    # the icebreaker also " of n" and "of na" (from "of navigation"): 32/48 = 0.667 and 34/48 = 0.708,
    # both over the old 0.6 -- the trial's false positive
    c = shingles(claim)
    assert len(c) == 48
    assert round(len(c & shingles(clean(ciie))) / 48, 3) == 0.667
    assert round(len(c & shingles(clean(ice))) / 48, 3) == 0.708

    r = Claims(model="tfidf").run(store)
    m = r.tables["matches"]
    assert not len(m[m["claim_id"] == NATO])
    assert not set(m["post_id"]) & set(hits["post_id"])

    # the new evidence: the claim is truncated ("…"), so it needs 0.9 (not 0.85); and the shared run
    # is a stock phrase whose 5-grams are common among the 18,811 claims and 602 tweets (N = 19,413):
    # " the " weighs 1 + ln(19414 / (1 + df)) = 1.72, the missing "o s s" (of "NATO’s strategic") 8.48.
    # The found run carries 172.4 of the claim's 276.8 weight for CIIE (0.623; its shingles 1.72-7.83)
    # and 184.2 for the icebreaker (0.666, with " of n" and "of na"): under 0.85, and under 0.9
    units = [clean(t) for t in store.query("SELECT text FROM posts ORDER BY post_id")["text"]]
    claims = list(store.query("SELECT text FROM claims WHERE list_contains(['false', 'misleading', "
                              "'unproven'], rating_normalized) ORDER BY claim_id")["text"])
    rule = LexicalRule.from_corpus(claims, units)
    prof = rule.profile(claim)
    assert prof.truncated and len(prof.weights) == 48
    cov = [rule.coverage(prof, shingles(clean(t)), 30) for t in (ciie, ice)]
    assert round(sum(prof.weights.values()), 1) == 276.8
    assert round(prof.weights[" the "], 2) == 1.72 and round(prof.weights["o s s"], 2) == 8.48
    assert [round(x, 3) for x in cov] == [0.623, 0.666]
    store.close()
