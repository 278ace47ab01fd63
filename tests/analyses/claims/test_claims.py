"""The claims analysis on a hand-written store (fake bag-of-words embedder; answers worked out by hand).

Store: 60 ordinary English posts by untracked accounts (distinct everyday texts), plus

    post  account (actor)        time (UTC)         text
    c1    1 SpoxCN  (CN official) 2020-03-12 10:00   the claim, verbatim + "!!"
    c2    2 EmbCN_A (CN embassy)  2020-03-15 10:00   the claim, verbatim
    c3    6 random_user           2020-03-16 10:00   repost of c1 (same text as c1)

Claim K1 "Fort Detrick engineered the virus and army athletes carried it to Wuhan", reviewed
2020-03-14; claim K2 "Garlic soup cures coronavirus overnight" (no post repeats it).
"""

from __future__ import annotations

import datetime as dt

import pytest

from ioscope.analyses.claims import Claims
from ioscope.claims import import_claims
from ioscope.errors import AnalysisError

UTC = dt.timezone.utc
CLAIM = "Fort Detrick engineered the virus and army athletes carried it to Wuhan"
WORDS = ["bread", "garden", "football", "music", "rain", "coffee", "train", "movie", "cat", "lunch",
         "bike", "beach", "dinner", "book", "walk", "phone", "game", "party", "school", "shop"]


def build(make_store, scenario, tmp_path):
    P = scenario.post
    t = lambda d: dt.datetime(2020, 3, d, 10, tzinfo=UTC)  # noqa: E731
    posts = [P(str(1000 + i), "6", created_at=t(1 + i % 20),
               text=f"my {WORDS[i % 20]} plus {WORDS[(i * 7 + 3) % 20]} today, {WORDS[(i * 3 + 1) % 20]} later")
             for i in range(60)]
    posts += [P("1", "1", created_at=t(12), text=CLAIM + " !!"),
              P("2", "2", created_at=t(15), text=CLAIM),
              P("3", "6", "repost", t(16), ref=("1", "1"), text=CLAIM + " !!")]
    _, accounts, actors = scenario.scenario_rows()
    store = make_store(posts, accounts, actors)
    f = tmp_path / "claims.csv"
    f.write_text("claim_id,claim_text,lang,rating,reviewer,review_date,review_url\n"
                 f"K1,{CLAIM},en,False,Desk,2020-03-14,https://x.example/k1\n"
                 "K2,Garlic soup cures coronavirus overnight,en,False,Desk,2020-02-01,https://x.example/k2\n")
    import_claims(store, [f])
    return store


def test_matches_and_aggregates(make_store, scenario, tmp_path, fake_embedder):
    store = build(make_store, scenario, tmp_path)
    r = Claims(threshold=5.0).run(store)
    m = r.tables["matches"]
    # exactly the three claim posts (two distinct texts) match K1; no ordinary post shares its words
    assert sorted(m["post_id"]) == ["1", "2", "3"] and set(m["claim_id"]) == {"K1"}
    s = r.tables["claims_summary"].set_index("claim_id").loc["K1"]
    # 3 posts, 1 repost, 2 texts, 3 accounts of which 2 tracked actors (SpoxCN, EmbCN_A), both CN
    assert (s.n_posts, s.n_reposts, s.n_texts, s.n_accounts, s.n_actor_accounts) == (3, 1, 2, 3, 2)
    assert list(s.countries) == ["CN"] and s.first_handle == "SpoxCN"
    # reviewed 03-14: c2 (03-15) and c3 (03-16) came after; of those only c2 is by a tracked actor
    assert (s.n_posts_after_review, s.n_actor_posts_after_review) == (2, 1)
    share = r.tables["group_share"].set_index(["country", "actor_type"])
    # only the scenario's registry and accounts are loaded, not its posts: SpoxCN (CN official) has one
    # post here, c1, and it matches; the untracked group has 60 ordinary posts + c3, of which c3 matches
    assert share.loc[("CN", "official"), ["n_posts", "n_matching"]].tolist() == [1, 1]
    assert share.loc[("untracked", "untracked"), ["n_posts", "n_matching"]].tolist() == [61, 1]
    # the table the dashboard reads
    assert store.scalar("SELECT count(*) FROM claim_matches WHERE model = 'fake-bow'") == 3
    assert r.summary["n_matched_claims"] == 1


def test_rerun_replaces_matches_and_bad_params(make_store, scenario, tmp_path, fake_embedder):
    store = build(make_store, scenario, tmp_path)
    Claims().run(store)
    Claims().run(store)
    # matches are replaced per model, not appended
    assert store.scalar("SELECT count(*) FROM claim_matches") == 3
    with pytest.raises(AnalysisError):
        Claims(top_k=0).run(store)
    with pytest.raises(AnalysisError):
        Claims(post_mode="doc").run(store)


def test_article_chunks_and_boilerplate():
    from ioscope.analyses.claims.matching import chunks, strip_boilerplate

    # sentences of 250, 250 and 170 characters, size 400: 250 + 1 + 250 > 400, so each of the first
    # two is a chunk; 250 + 1 + 170 > 400, so the third would stand alone, but 170 < 400 // 2: it is
    # joined to the second chunk (a short closing chunk got spurious cosines on real articles)
    s = ["a" * 249 + ".", "b" * 249 + ".", "c" * 169 + "."]
    assert chunks(" ".join(s), 400) == [s[0], f"{s[1]} {s[2]}"]
    # a text up to the size is one chunk, however short
    assert chunks("Short post.", 400) == ["Short post."]
    # the 52-character disclaimer is in 3 long texts: removed from them; "The U.S." (8 characters,
    # under the 25-character floor) and the short post are kept
    disc = "Views expressed here are not those of the outlet."
    longs = [f"{'x' * 300} {i}. The U.S. said so.\n{disc}" for i in range(3)]
    out = strip_boilerplate(longs + [disc], 100)
    assert out[:3] == [f"{'x' * 300} {i}. The U.S. said so." for i in range(3)]
    assert out[3] == disc


def test_lexical_model_keeps_verbatim_repeats_that_also_pass_z(make_store, scenario, tmp_path):
    # With the lexical (tfidf) model only near-verbatim matches count. Posts 1 and 2 repeat K1 word
    # for word. A threshold of 0 lets every retrieved pair pass the z rule too (on real data a
    # tfidf z >= 5 is common: a user trial saw 5,226 such pairs). A pair that passes both must be
    # kept (labelled lexical), not dropped because its first label was z — the trial lost every
    # verbatim repeat this way — while the unrelated pairs stay out.
    store = build(make_store, scenario, tmp_path)
    m = Claims(model="tfidf", threshold=0.0).run(store).tables["matches"]
    got = sorted(zip(m["post_id"], m["claim_id"], m["rule"], strict=True))
    assert ("1", "K1", "lexical") in got and ("2", "K1", "lexical") in got
    assert {c for _, c, _ in got} == {"K1"}
