"""Co-actions on tiny hand-written inputs whose edges are worked out by hand (see each test)."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from coord_helpers import post

from ioscope.analyses.coordination import Coordination
from ioscope.errors import AnalysisError

# Count every co-action, test nothing: the pure co-action definition.
PLAIN = dict(min_actions=1, min_coactions=1, p_value=None, min_cosine=None, attach=False,
             max_evidence_per_edge=10_000)


def pairs_of(result) -> set[tuple[str, str]]:
    e = result.tables["edges"]
    return set(zip(e["account_a"], e["account_b"], strict=True))


def test_window_is_inclusive_and_crosses_bucket_boundaries(make_store):
    # One object X reposted at t = 59 (A), 119 (B), 120 (C), 180.5 (D), plus A again at 59.5.
    # Window 60 s: A-B differ by 60 (inclusive: a co-action; buckets 0 and 1), B-C by 1, A-C by 61 and
    # C-D by 60.5 (no), A-A is the same account (never a co-action). B-D: 61.5 (no).
    s = make_store([post("1", "A", 59, kind="repost", ref="X"), post("2", "B", 119, kind="repost", ref="X"),
                    post("3", "C", 120, kind="repost", ref="X"), post("4", "D", 180.5, kind="repost", ref="X"),
                    post("5", "A", 59.5, kind="repost", ref="X")])
    r = Coordination(behaviours=("co_repost",), window_s=60, **PLAIN).run(s)
    assert pairs_of(r) == {("A", "B"), ("B", "C")}
    e = r.tables["edges"].set_index(["account_a", "account_b"])
    # A-B: posts 1 (t=59) and 5 (t=59.5) of A are both within 60 s of B's post 2: two co-actions.
    assert e.loc[("A", "B"), "n_coactions"] == 2 and e.loc[("A", "B"), "n_objects"] == 1
    ev = r.tables["evidence"]
    ab = ev[(ev.account_a == "A") & (ev.account_b == "B")].sort_values("post_a")
    assert list(ab["post_a"]) == ["1", "5"] and list(ab["delta_s"]) == [60.0, 59.5]
    assert set(ab["object"]) == {"twitter:X"}


def _random_actions(seed: int, n: int = 120) -> list[dict]:
    rng = random.Random(seed)
    return [post(f"{k:04d}", f"u{rng.randrange(25):02d}", round(rng.uniform(0, 900), 1), kind="repost",
                 ref=f"o{rng.randrange(4)}") for k in range(n)]


def _brute_force(rows: list[dict], window: float, cap: int | None) -> set[tuple[str, str]]:
    """Every pair of actions on one object by two accounts within ``window`` (inclusive); with ``cap``,
    only pairs at most ``cap`` apart in the object's order by (time, account, post)."""
    out = set()
    by_obj: dict[str, list[dict]] = {}
    for r in rows:
        by_obj.setdefault(r["ref_post_id"], []).append(r)
    for acts in by_obj.values():
        acts.sort(key=lambda r: (r["created_at"], r["account_id"], r["post_id"]))
        for i, j in itertools.combinations(range(len(acts)), 2):
            x, y = acts[i], acts[j]
            if x["account_id"] == y["account_id"]:
                continue
            if (y["created_at"] - x["created_at"]).total_seconds() > window:
                continue
            if cap is not None and j - i > cap:
                continue
            out.add(tuple(sorted((x["post_id"], y["post_id"]))))
    return out


@pytest.mark.parametrize(("window", "cap"), [(60, 10_000), (7, 10_000), (300, 10_000), (60, 3), (300, 5)])
def test_bucketed_join_equals_the_definition(make_store, window, cap):
    rows = _random_actions(seed=window + cap)
    s = make_store(rows)
    r = Coordination(behaviours=("co_repost",), window_s=window, max_pairs_per_action=cap, **PLAIN).run(s)
    ev = r.tables["evidence"]
    got = {tuple(sorted(p)) for p in zip(ev["post_a"], ev["post_b"], strict=True)}
    assert got == _brute_force(rows, window, cap if cap < 10_000 else None)
    assert (r.summary["n_capped_objects"] > 0) == (cap < 10_000 and got != _brute_force(rows, window, None))


def test_several_windows_in_one_run(make_store):
    # A and B co-repost X (5 s apart) and Y (40 s apart): at 10 s one co-action, at 60 s two.
    s = make_store([post("1", "A", 0, kind="repost", ref="X"), post("2", "B", 5, kind="repost", ref="X"),
                    post("3", "A", 1000, kind="repost", ref="Y"), post("4", "B", 1040, kind="repost", ref="Y")])
    r = Coordination(behaviours=("co_repost",), window_s={"co_repost": [10, 60]}, **PLAIN).run(s)
    layers = r.tables["layers"].set_index("window_s")
    assert list(layers.index) == [10.0, 60.0]
    assert layers.loc[10.0, "n_coactions"] == 1 and layers.loc[60.0, "n_coactions"] == 2
    el = r.tables["edge_layers"].set_index("window_s")
    assert el.loc[10.0, "n_coactions"] == 1 and el.loc[60.0, "n_coactions"] == 2
    # fused: the co-action on X found at both windows counts once
    e = r.tables["edges"].iloc[0]
    assert e["n_coactions"] == 2 and e["layers"] == ["co_repost@10s", "co_repost@60s"]
    assert r.summary["windows_s"] == {"co_repost": [10.0, 60.0]}
    ev = r.tables["evidence"].set_index("post_a")
    assert ev.loc["1", "window_s"] == 10.0 and ev.loc["3", "window_s"] == 60.0


def test_leader_follower_and_symmetry(make_store):
    # A reposts 4 objects, B follows 5 s later each time: A leads all 4 (share 1.0), symmetric (4/4).
    # H reposts object Z three times (t = 0, 10, 20 + 5000) and C once at 25 + 5000: C-H has three
    # co-actions, with 3 distinct posts of H and 1 of C: symmetry 1/3; H acted first in all three.
    rows = []
    for k in range(4):
        rows += [post(f"a{k}", "A", 100 * k, kind="repost", ref=f"O{k}"),
                 post(f"b{k}", "B", 100 * k + 5, kind="repost", ref=f"O{k}")]
    rows += [post(f"h{k}", "H", 5000 + 10 * k, kind="repost", ref="Z") for k in range(3)]
    rows += [post("c0", "C", 5025, kind="repost", ref="Z")]
    r = Coordination(behaviours=("co_repost",), window_s=60, **PLAIN).run(make_store(rows))
    e = r.tables["edges"].set_index(["account_a", "account_b"])
    assert (e.loc[("A", "B"), "leader"], e.loc[("A", "B"), "leader_share"]) == ("A", 1.0)
    assert e.loc[("A", "B"), "symmetry"] == 1.0
    assert e.loc[("C", "H"), "n_coactions"] == 3
    assert e.loc[("C", "H"), "symmetry"] == pytest.approx(1 / 3)
    assert (e.loc[("C", "H"), "leader"], e.loc[("C", "H"), "leader_share"]) == ("H", 1.0)


def test_automatic_window_as_coornet(make_store):
    # Ten objects with shares at offsets (0, k, 3k, 7k), k = 1..10. Second-share times are 1..10 s; the
    # 0.1 quantile (type 7) is 1.9 s, so only k = 1 counts as "fast". Its shares beyond 50% of its total
    # (ranks 3 and 4) start 3 s after the first: the median of {3} is 3 s.
    rows = []
    for k in range(1, 11):
        for j, off in enumerate((0, k, 3 * k, 7 * k)):
            rows.append(post(f"{k}-{j}", f"u{j}", 10_000 * k + off, kind="repost", ref=f"O{k}"))
    r = Coordination(behaviours=("co_repost",), window_s="auto", **PLAIN).run(make_store(rows))
    assert r.summary["auto_windows_s"] == {"co_repost": 3.0}
    assert r.tables["layers"]["auto"].tolist() == [True]
    assert any("3 s" in n for n in r.notes)


def test_tfidf_cosine_by_hand(make_store):
    # A: X, Y, Z; B: X, Y; C: X, W; D: W, Z (one repost each). N = 4 accounts; df(X) = 3, others 2.
    # idf = ln((1 + N)/(1 + df)) + 1; tf = 1. A and B co-act (5 s apart) on X and Y only.
    # windowed cosine = (w_X^2 + w_Y^2) / (|A| |B|) with |A|^2 = w_X^2 + 2 w_2^2, |B|^2 = w_X^2 + w_2^2.
    rows = [post("a1", "A", 0, kind="repost", ref="X"), post("a2", "A", 1000, kind="repost", ref="Y"),
            post("a3", "A", 2000, kind="repost", ref="Z"), post("b1", "B", 5, kind="repost", ref="X"),
            post("b2", "B", 1005, kind="repost", ref="Y"), post("c1", "C", 5000, kind="repost", ref="X"),
            post("c2", "C", 6000, kind="repost", ref="W"), post("d1", "D", 9000, kind="repost", ref="W"),
            post("d2", "D", 9500, kind="repost", ref="Z")]
    r = Coordination(behaviours=("co_repost",), window_s=60, **PLAIN).run(make_store(rows))
    wx, w2 = math.log(5 / 4) + 1, math.log(5 / 3) + 1
    expected = (wx**2 + w2**2) / math.sqrt((wx**2 + 2 * w2**2) * (wx**2 + w2**2))
    e = r.tables["edges"]
    assert pairs_of(r) == {("A", "B")}
    assert e["tfidf_cosine"].iloc[0] == pytest.approx(expected)  # 0.7896
    assert e["weight"].iloc[0] == pytest.approx(expected)


def test_p_value_is_one_when_timing_cannot_tell(make_store):
    # The time-shuffle null (null="shuffle", the default). A and B each act only inside one
    # 10-second stretch: every shuffle of their own times keeps all three co-actions (q = 1, so
    # p = P(X >= 3 | Binomial(3, 1)) = 1; by Monte Carlo every replicate reaches it: (1 + 99) / 100).
    rows = []
    for k in range(3):
        rows += [post(f"a{k}", "A", k, kind="repost", ref=f"O{k}"),
                 post(f"b{k}", "B", k + 2, kind="repost", ref=f"O{k}")]
    kw = dict(PLAIN, p_value=0.01, min_cosine=None, strong_cosine=None, null="shuffle")
    r = Coordination(behaviours=("co_repost",), window_s=60, **kw).run(make_store(rows))
    assert r.tables["edges"].empty  # not significant and no cosine route
    r = Coordination(behaviours=("co_repost",), window_s=60, **dict(kw, strong_cosine=0.8)).run(make_store(rows, name="t"))
    # ... but their behaviour is identical (cosine 1), so the cosine route keeps it, with p = 1 shown
    e = r.tables["edges"].iloc[0]
    assert e["p_value"] == 1.0 and e["tfidf_cosine"] == pytest.approx(1.0)


def test_p_values_small_for_repeated_co_timing_and_reproducible(make_store):
    # The time-shuffle null (null="shuffle", the default). A and B co-repost 8 objects, 3 s apart,
    # on 8 different days; each also reposts 8 other objects
    # alone on other days. Shuffling each account's times almost never lines them up 8 times.
    rows = []
    for k in range(8):
        rows += [post(f"a{k}", "A", 86400 * k, kind="repost", ref=f"O{k}"),
                 post(f"b{k}", "B", 86400 * k + 3, kind="repost", ref=f"O{k}"),
                 post(f"x{k}", "A", 86400 * k + 40000, kind="repost", ref=f"P{k}"),
                 post(f"y{k}", "B", 86400 * k + 60000, kind="repost", ref=f"Q{k}"),
                 post(f"z{k}", "C", 86400 * k + 40010, kind="repost", ref=f"P{k}"),
                 post(f"w{k}", "C", 86400 * k + 60020, kind="repost", ref=f"Q{k}")]
    s = make_store(rows)
    a = Coordination(behaviours=("co_repost",), window_s=60, min_coactions=2, null="shuffle").run(s)
    b = Coordination(behaviours=("co_repost",), window_s=60, min_coactions=2, null="shuffle").run(s)
    ea = a.tables["edges"].set_index(["account_a", "account_b"])
    # Worked out: A's 16 times and B's 16 times have 8 pairs within 60 s (day k: 0 and 3 s), so
    # q = 8 / (16 * 16) = 1/32; 8 trials (O0..O7, once each), 8 co-actions: p = q^8 = 2^-40; with
    # Bonferroni over the 3 pairs of N = 3 accounts (the shuffle's default for co_repost):
    # 3 * 2^-40 = 2.73e-12; unadjusted with correction="none".
    assert ea.loc[("A", "B"), "p_value"] == pytest.approx(3 * 2.0**-40, rel=1e-9)
    assert a.summary["correction"] == "bonferroni"
    raw = Coordination(behaviours=("co_repost",), window_s=60, min_coactions=2,
                       correction="none").run(s).tables["edges"]
    assert raw.set_index(["account_a", "account_b"]).loc[("A", "B"), "p_value"] == pytest.approx(
        2.0**-40, rel=1e-9)
    el = a.tables["edge_layers"].set_index(["account_a", "account_b"])
    assert el.loc[("A", "B"), "expected_coactions"] == pytest.approx(8 / 32)
    assert a.tables["edges"].equals(b.tables["edges"])
    assert a.tables["clusters"].equals(b.tables["clusters"])
    # The same null by Monte Carlo (null="shuffle_mc", 99 seeded replicates): no replicate reached
    # 8 co-actions, so p = 1 / (1 + 99), its smallest value, the same on a rerun.
    mc = [Coordination(behaviours=("co_repost",), window_s=60, min_coactions=2,
                       null="shuffle_mc").run(s) for _ in range(2)]
    assert mc[0].tables["edges"].set_index(["account_a", "account_b"]).loc[("A", "B"), "p_value"] == 0.01
    assert mc[0].tables["edges"].equals(mc[1].tables["edges"])


def test_hyperactive_account_does_not_create_edges_by_itself(make_store):
    # H reposts 400 popular posts, each also reposted by two ordinary accounts at random times hours
    # later. Twelve ordinary accounts happen to repost 2 of H's posts 10 s after H. Their windowed
    # TF-IDF cosine with H is about 2 / sqrt(400 * 4) = 0.05 < min_cosine (0.1): no edge, no cluster.
    rng = random.Random(7)
    rows, k = [], 0
    for j in range(400):
        t0 = 3600.0 * j
        rows.append(post(f"h{j}", "H", t0, kind="repost", ref=f"O{j}"))
        for _ in range(2):
            k += 1
            rows.append(post(f"o{k}", f"org{rng.randrange(200)}", t0 + rng.uniform(3600, 20000),
                             kind="repost", ref=f"O{j}"))
    for u in range(12):
        for j in rng.sample(range(400), 2):
            k += 1
            rows.append(post(f"f{k}", f"fast{u}", 3600.0 * j + 10, kind="repost", ref=f"O{j}"))
    r = Coordination(behaviours=("co_repost",)).run(make_store(rows))
    e = r.tables["edges"]
    assert not ((e["account_a"] == "H") | (e["account_b"] == "H")).any()
    assert r.tables["clusters"].empty


def test_link_canonicalisation_and_what_is_not_a_link(make_store):
    # A and B share two campaign URLs 5 s apart, each copy with its own tracking suffix (and B's
    # second copy over http://): one co_link edge with 2 objects. C and D post an empty URL cell and a tweet permalink 5 s apart, three times:
    # neither is an external link, so no co_link edge (an empty cell shared by everyone would make a
    # large false network).
    rows = []
    for k in range(2):
        rows += [post(f"a{k}", "A", 1000 * k, urls=[f"https://Camp.example/Story_({k})?utm_source=a{k}"]),
                 # B alternates schemes and hosts: http:// and www. are read as the same link
                 post(f"b{k}", "B", 1000 * k + 5,
                      urls=[f"{'http' if k else 'https'}://www.camp.example/Story_({k})?utm_campaign=b&fbclid=z"])]
    for k in range(3):
        rows += [post(f"c{k}", "C", 5000 + 100 * k, urls=["", "https://twitter.com/someone/status/123"]),
                 post(f"d{k}", "D", 5005 + 100 * k, urls=["  ", "https://x.com/i/web/status/123"])]
    r = Coordination(behaviours=("co_link",), window_s=60, **PLAIN).run(make_store(rows))
    assert pairs_of(r) == {("A", "B")}
    assert sorted(r.tables["evidence"]["object"]) == ["https://camp.example/Story_(0)",
                                                      "https://camp.example/Story_(1)"]


def test_co_text_excludes_reposts_and_short_texts(make_store):
    # A and B post the same 40-character text twice (originals): a co_text edge. C reposts it (not a
    # copy). D and E post "ok!" (shorter than min_text_chars = 20) twice: no edge.
    text = "This invented claim is false, share it"
    rows = [post("a1", "A", 0, text=text), post("b1", "B", 30, text=text.upper()),
            post("a2", "A", 5000, text="@x " + text), post("b2", "B", 5030, text=text + " https://t.co/x"),
            post("c1", "C", 10, kind="repost", ref="a1", text=text),
            post("d1", "D", 0, text="ok!"), post("e1", "E", 1, text="ok!"),
            post("d2", "D", 900, text="ok!"), post("e2", "E", 901, text="ok!")]
    r = Coordination(behaviours=("co_text",), **PLAIN).run(make_store(rows))
    assert pairs_of(r) == {("A", "B")}
    assert r.tables["edges"]["n_coactions"].iloc[0] == 2
    assert set(r.tables["evidence"]["object"]) == {"this invented claim is false, share it"}


def test_co_text_folds_persian_and_arabic_letter_variants(make_store):
    # The same Persian sentence typed with Persian ی/ک (A), with Arabic ي/ك and a tatweel (B), and
    # vocalised with a fatha (C), twice each, 30 s apart: one object, so A-B, A-C and B-C are co-text
    # pairs with 2 co-actions each. D posts another sentence at the same times: no edge.
    persian = "ویروس کرونا در آزمایشگاه نظامی ساخته شد"
    arabic = persian.replace("ی", "ي").replace("ک", "ك").replace("نظامي", "نظـامي")
    vocal = persian.replace("ساخته", "سَاخته")
    rows = []
    for k, t0 in enumerate((0, 5000)):
        rows += [post(f"a{k}", "A", t0, text=persian), post(f"b{k}", "B", t0 + 30, text=arabic),
                 post(f"c{k}", "C", t0 + 60, text=vocal),
                 post(f"d{k}", "D", t0 + 30, text="جمله‌ای دیگر درباره هوای امروز و بازار")]
    assert arabic != persian and "ـ" in arabic
    r = Coordination(behaviours=("co_text",), **PLAIN).run(make_store(rows))
    assert pairs_of(r) == {("A", "B"), ("A", "C"), ("B", "C")}
    assert set(r.tables["edges"]["n_coactions"]) == {2}
    # one folded object; the evidence points at each post, whose own text the store keeps as posted
    ev = r.tables["evidence"]
    assert ev["object"].nunique() == 1
    assert {tuple(sorted((a, b))) for a, b in zip(ev["post_a"], ev["post_b"], strict=True)} >= {("a0", "b0")}


def test_hashtag_behaviours(make_store):
    # A and B post #One #Two (in that order) with different texts 30 s apart, twice: co_hashtag edge
    # (2 hashtags x 2 times = 4 co-actions, 2 objects) and hashtag_seq edge (2 co-actions, object
    # "one two"). C posts #Two #One at the same times: same hashtags (co_hashtag) but another sequence.
    rows = []
    for k in range(2):
        rows += [post(f"a{k}", "A", 1000 * k, text=f"text a {k}", hashtags=["One", "Two"]),
                 post(f"b{k}", "B", 1000 * k + 30, text=f"text b {k}", hashtags=["one", "TWO"]),
                 post(f"c{k}", "C", 1000 * k + 31, text=f"text c {k}", hashtags=["Two", "One"])]
    r = Coordination(behaviours=("co_hashtag", "hashtag_seq"), window_s=60, **PLAIN).run(make_store(rows))
    el = r.tables["edge_layers"].set_index(["account_a", "account_b", "behaviour"])
    assert el.loc[("A", "B", "co_hashtag"), "n_coactions"] == 4
    assert el.loc[("A", "B", "hashtag_seq"), "n_coactions"] == 2
    assert ("A", "C", "hashtag_seq") not in el.index and ("A", "C", "co_hashtag") in el.index
    seq = r.tables["evidence"]
    assert set(seq.loc[seq.behaviour == "hashtag_seq", "object"]) == {"one two"}


def test_quote_reply_and_domain_behaviours(make_store):
    # A and B quote post Q and reply to post R 10 s apart, twice each, and share links to the same
    # domain: one edge per behaviour.
    rows = []
    for k in range(2):
        rows += [post(f"qa{k}", "A", 1000 * k, kind="quote", ref=f"Q{k}", domains=["site.example"]),
                 post(f"qb{k}", "B", 1000 * k + 10, kind="quote", ref=f"Q{k}", domains=["SITE.example"]),
                 post(f"ra{k}", "A", 5000 + 1000 * k, kind="reply", ref=f"R{k}"),
                 post(f"rb{k}", "B", 5010 + 1000 * k, kind="reply", ref=f"R{k}")]
    r = Coordination(behaviours=("co_quote", "co_reply", "co_domain"), window_s=60, **PLAIN).run(make_store(rows))
    assert sorted(r.tables["edges"]["behaviours"].iloc[0]) == ["co_domain", "co_quote", "co_reply"]


def test_synchronised_activity(make_store):
    # A and B post in the same ten 10-minute bins (a few seconds apart); C posts at other times.
    rows = []
    for k in range(10):
        t = 7200.0 * k + 100
        rows += [post(f"a{k}", "A", t, text=f"a text {k}"), post(f"b{k}", "B", t + 30, text=f"b text {k}"),
                 post(f"c{k}", "C", t + 3000, text=f"c text {k}")]
    r = Coordination(behaviours=("sync",), **dict(PLAIN, min_coactions=3)).run(make_store(rows))
    e = r.tables["edges"]
    assert pairs_of(r) == {("A", "B")}
    assert e["n_coactions"].iloc[0] == 10 and e["tfidf_cosine"].iloc[0] == pytest.approx(1.0)
    assert math.isnan(e["p_value"].iloc[0])
    assert e["kept_by"].iloc[0] == "cosine"  # sync has no p-value: kept by sync_min_cosine
    assert len(r.tables["evidence"]) == 10


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(behaviours=("co_retweet",)), "unknown behaviour"),
    (dict(behaviours="co_repost"), "non-empty list"),
    (dict(behaviours=("co_repost", "co_repost")), "twice"),
    (dict(window_s={"co_reposts": 10}), "unknown behaviour 'co_reposts'"),
    (dict(window_s={"co_quote": 10}), "not in behaviours"),
    (dict(window_s=-5), "number of seconds > 0"),
    (dict(window_s=[60, "fast"]), "number of seconds > 0"),
    (dict(min_coactions=0), "min_coactions"),
    (dict(p_value=0), "p_value"),
    (dict(weight="sum"), "weight must be one of"),
    (dict(resolution=0), "resolution"),
    (dict(attach="yes"), "attach"),
])
def test_bad_parameters_are_errors(make_store, kwargs, message):
    s = make_store([post("1", "A", 0, kind="repost", ref="X")])
    with pytest.raises(AnalysisError, match=message):
        Coordination(**kwargs).run(s)


def test_empty_store_gives_empty_tables(make_store):
    r = Coordination().run(make_store([post("1", "A", 0, text="just one post, nobody else here")]))
    assert r.summary["n_edges"] == 0 and r.summary["n_clusters"] == 0
    for name in ("edges", "edge_layers", "evidence", "clusters", "cluster_members", "cluster_timeline"):
        assert r.tables[name].empty, name
    assert r.graphs["coordination"].number_of_nodes() == 0


def test_attachment_of_an_account_with_one_shared_item_per_partner(make_store):
    # Copypasta bursts on separate days, every post within 5 minutes of its burst. A, B, C and D post
    # six templates together (B1..B6); X joins A and B on template B7 and C and D on template B8.
    # Pair by pair X has one co-action with each member (below min_coactions), so no edge of X passes
    # the test; but two of X's posts took part in events of the cluster {A, B, C, D} (objects where X
    # co-acted with two members, and most accounts on them are members): X is attached, its
    # co-actions become edges with kept_by "attachment". A-B share 7 of their 7 templates (cosine 1);
    # A-C 6 of 7 (cosine 6/7 >= strong_cosine 0.8).
    bursts = {f"B{k}": ["A", "B", "C", "D"] for k in range(1, 7)}
    bursts["B7"], bursts["B8"] = ["A", "B", "X"], ["C", "D", "X"]
    rows = []
    for day, (name, accounts) in enumerate(sorted(bursts.items())):
        text = f"template {name}: the invented claim number {day} is true, share it everywhere now"
        for j, acc in enumerate(accounts):
            rows.append(post(f"{name}-{acc}", acc, 86400 * day + 60 * j, text=text))
    kw = dict(behaviours=("co_text",), min_actions=2, min_coactions=2)
    r = Coordination(**kw, attach=False).run(make_store(rows))
    assert set(r.tables["cluster_members"]["account_id"]) == {"A", "B", "C", "D"}
    r = Coordination(**kw).run(make_store(rows, name="t"))
    m = r.tables["cluster_members"].set_index("account_id")
    assert set(m.index) == {"A", "B", "C", "D", "X"} and bool(m.loc["X", "attached"])
    e = r.tables["edges"]
    x_edges = e[(e["account_a"] == "X") | (e["account_b"] == "X")]
    assert len(x_edges) == 4 and set(x_edges["kept_by"]) == {"attachment"}
    assert (x_edges["weight"] == 0).all() and (x_edges["n_coactions"] == 1).all()
    # the members' own edges passed the test: each pair posts 6 or 7 templates together on separate
    # days, one minute apart (p ~1e-6), so they are kept by the p-value
    others = e[(e["account_a"] != "X") & (e["account_b"] != "X")]
    assert len(others) == 6 and set(others["kept_by"]) == {"p_value"}
    assert r.summary["n_attached"] == 1


def test_closed_form_shuffle_agrees_with_monte_carlo(make_store):
    # Two accounts each act 12 times on the same 12 objects (and nothing else) in two bursts of six
    # slots 60 s apart (slots at 0..300 s and 3 h + 0..300 s). A acts on object k in slot k; B acts
    # 20 s after slot k on object order_b[k].
    rows = []
    times = [60 * k for k in range(6)] + [10800 + 60 * k for k in range(6)]
    order_b = [0, 1, 2, 3, 7, 6, 9, 8, 11, 10, 5, 4]
    for k, t in enumerate(times):
        rows.append(post(f"a{k}", "A", t, kind="repost", ref=f"O{k}"))
        rows.append(post(f"b{k}", "B", t + 20, kind="repost", ref=f"O{order_b[k]}"))
    s = make_store(rows)
    kw = dict(behaviours=("co_repost",), window_s=60, min_cosine=None, strong_cosine=None,
              p_value=1.0, attach=False)
    closed = Coordination(**kw).run(s).tables["edge_layers"].iloc[0]
    mc = Coordination(null="shuffle_mc", n_null=1999, **kw).run(s).tables["edge_layers"].iloc[0]
    # Worked out. Co-actions (|t_B - t_A| <= 60 s on one object): objects 0-3 (B 20 s after A),
    # object 8 (A slot 8, B slot 7 + 20 s: 40 s before) and object 10 (A slot 10, B slot 9 + 20 s):
    # c = 6. Time pairs within 60 s: B's slot j vs A's slot i of one burst differ by 60 (j - i) + 20
    # s, within 60 s for j = i (6 per burst) and j = i - 1 (5): 22 of 12 x 12, q = 22/144. Trials:
    # 12 objects acted on once by each, n = 12. p = P(Binomial(12, 22/144) >= 6).
    assert closed["n_coactions"] == 6
    q = 22 / 144
    p = 1 - sum(math.comb(12, j) * q**j * (1 - q) ** (12 - j) for j in range(6))
    assert closed["expected_coactions"] == pytest.approx(12 * q)
    assert closed["p_value"] == pytest.approx(p, rel=1e-9)
    assert p == pytest.approx(0.0051, abs=1e-4)
    # The Monte Carlo version of the same null (1,999 seeded shuffles): 18 shuffles reach 6
    # co-actions, p = 19 / 2000 = 0.0095 (standard error about 0.002). The closed form treats the
    # trials as independent; shuffling one account's times moves its actions between the two bursts
    # together, a positive dependence that the binomial misses: here it is 1.9x too small. Same
    # order of magnitude, not the same value (docs/analyses/coordination.md).
    assert mc["p_value"] == pytest.approx(0.0095)
    assert p < mc["p_value"] < 2 * p


def test_fused_counts_a_pair_of_posts_once_across_behaviours(make_store):
    # A and B post the same 60-character text twice, 30 s apart: co_text and near_text each find the
    # same 2 pairs of posts (2 co-actions per layer, on different objects: a text and a text group).
    # Fused, they are 2 co-actions (not 4) on 4 (behaviour, object) objects; the cluster timeline too.
    text = "The laboratory story is true and they hide it from all of you!"
    other = "Another statement, posted by both, word for word, the next day."
    rows = [post("a1", "A", 0, text=text), post("b1", "B", 30, text=text),
            post("a2", "A", 86400, text=other), post("b2", "B", 86430, text=other)]
    r = Coordination(behaviours=("co_text", "near_text"), **PLAIN).run(make_store(rows))
    el = r.tables["edge_layers"]
    assert sorted(el["behaviour"]) == ["co_text", "near_text"]
    assert list(el["n_coactions"]) == [2, 2]
    e = r.tables["edges"]
    assert (int(e["n_coactions"].iloc[0]), int(e["n_objects"].iloc[0])) == (2, 4)
    assert sorted(e["behaviours"].iloc[0]) == ["co_text", "near_text"]
