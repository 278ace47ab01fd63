"""The coortweet source and CooRTweet's Russian retweet data at CooRTweet's documented defaults.

CooRTweet (Righetti & Balluff; R package, MIT): ``detect_groups(x, time_window = 10,
min_participation = 2)`` then ``generate_coordinated_network(result, edge_weight = 0.5)``: edges are
account pairs that shared the same object within 10 s (inclusive), weight = number of such pairs of
shares, and ``weight_threshold`` marks edges whose weight is above the median (R quantile type 7). The
package documents no figures for this data set, so the reference below re-implements those two
functions on the same rows (R/detect_groups.R, R/generate_coordinated_network.R) and the figures are
the ones worked out with it.
"""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

import ioscope.sources.coortweet  # noqa: F401  (registers the coortweet source)
from ioscope.analyses.coordination import Coordination
from ioscope.ingest import ingest
from ioscope.sources import registry
from ioscope.sources.base import Bad, SourceOptions
from ioscope.store import Store

RETWEETS = """object_id,account_id,content_id,timestamp_share
o1,acc1,c1,1623881091.0
o1,acc2,c2,1623881095
o2,acc1,c3,not-a-time
,acc3,c4,1623881099.0
"""

MULTIMODAL = """account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp
tw_1,10,5,,7,,1629589836.0
fb_2,11,5,3,7,,1629589840.0
tw_1,10,,3,,,1629589836.0
tw_1,10,6,,8,99,1629589836.0
fb_2,,,,,,1629589840.0
zz_9,12,,,,,1629589850.0
"""


def _read(path):
    src = registry.detect(path)
    assert src.name == "coortweet"
    return list(src.read(path, SourceOptions()))


def test_retweet_layout_mapping(tmp_path):
    path = tmp_path / "rt.csv"
    path.write_text(RETWEETS, encoding="utf-8")
    items = _read(path)
    assert [type(i).__name__ for i in items] == ["Record", "Record", "Bad", "Bad"]
    p = items[0].posts[0]
    assert (p["post_id"], p["account_id"], p["kind"], p["ref_post_id"], p["platform"]) == \
        ("c1", "acc1", "repost", "o1", "twitter")
    assert p["created_at"].isoformat() == "2021-06-16T22:04:51+00:00"
    assert "timestamp_share" in items[2].reason and "required" in items[3].reason


@pytest.mark.parametrize("compress", [False, True])
def test_multimodal_layout_mapping(tmp_path, compress):
    path = tmp_path / ("mm.csv.gz" if compress else "mm.csv")
    data = MULTIMODAL.encode("utf-8")
    path.write_bytes(gzip.compress(data) if compress else data)
    items = _read(path)
    # one item per row, in order; a post's later rows are empty Records; the row without post_id is Bad
    assert [i.line for i in items] == [2, 3, 4, 5, 6, 7]
    assert isinstance(items[4], Bad)
    tw = items[0].posts[0]
    assert (tw["platform"], tw["post_id"], tw["account_id"], tw["kind"]) == ("twitter", "anon:10", "tw_1", "original")
    assert tw["urls"] == ["anon-url:5", "anon-url:6"]
    assert tw["domains"] == ["anon-domain-7.invalid", "anon-domain-8.invalid"]
    assert tw["hashtags"] == ["h3"]
    assert items[2].posts == [] and items[3].posts == []
    fb = items[1].posts[0]
    assert (fb["platform"], fb["urls"], fb["hashtags"]) == ("facebook", ["anon-url:5"], ["h3"])
    assert items[5].posts[0]["platform"] == "unknown"


def test_multimodal_cross_platform_co_link(tmp_path):
    # The Twitter and the Facebook post share anonymised URL 5 four seconds apart: one co_link
    # co-action across platforms (and one co_domain, one co_hashtag).
    path = tmp_path / "mm.csv"
    path.write_text(MULTIMODAL, encoding="utf-8")
    s = Store(tmp_path / "mm.duckdb")
    ingest(s, [path])
    r = Coordination(behaviours=("co_link", "co_domain", "co_hashtag"), min_actions=1, min_coactions=1,
                     p_value=None, min_cosine=None, attach=False).run(s)
    e = r.tables["edges"].iloc[0]
    assert (e["platform_a"], e["account_a"], e["platform_b"], e["account_b"]) == ("facebook", "fb_2", "twitter", "tw_1")
    assert e["behaviours"] == ["co_domain", "co_hashtag", "co_link"]
    assert set(r.tables["evidence"]["url_a"]) == {None}  # anonymised IDs never become links
    s.close()


def test_real_multimodal_file_head(shared_data, tmp_path):
    src = shared_data / "coortweet-russian-coord-tweets-and-german-elections" / "german_elections.csv.gz"
    if not src.exists():
        pytest.skip("german_elections.csv.gz is absent")
    head = tmp_path / "german_head.csv.gz"
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(5001)]
    head.write_bytes(gzip.compress("".join(lines).encode("utf-8")))
    s = Store(tmp_path / "de.duckdb")
    rep = ingest(s, [head])
    assert rep.files[0].format == "coortweet" and rep.total("n_read") == 5000
    platforms = set(s.query("SELECT DISTINCT platform FROM posts")["platform"])
    assert platforms <= {"twitter", "facebook", "instagram"} and "facebook" in platforms
    s.close()


# -- the Russian retweet data --------------------------------------------------------------------


def coortweet_reference(rows: pd.DataFrame, window: float = 10, min_participation: int = 2,
                        q: float = 0.5) -> tuple[pd.DataFrame, float]:
    """CooRTweet 2.x detect_groups + generate_coordinated_network, on (object_id, account_id,
    content_id, t): edges (a, b, weight) and the weight threshold."""
    x = rows[rows.groupby("account_id")["account_id"].transform("size") >= min_participation]
    m = x.merge(x, on="object_id", suffixes=("", "_y"))
    m = m[(m.content_id < m.content_id_y) & ((m.t - m.t_y).abs() <= window)]  # each pair of shares once
    m = m[m.account_id != m.account_id_y]  # remove loops
    cids = set(m.content_id) | set(m.content_id_y)  # filter_min_participation
    xx = x[x.content_id.isin(cids)]
    keep = set(xx[xx.groupby("account_id")["account_id"].transform("size") >= min_participation].content_id)
    m = m[m.content_id.isin(keep) | m.content_id_y.isin(keep)]
    pairs = pd.DataFrame({"a": np.minimum(m.account_id, m.account_id_y),
                          "b": np.maximum(m.account_id, m.account_id_y)})
    w = pairs.groupby(["a", "b"]).size().rename("weight").reset_index()
    return w, float(w["weight"].quantile(q))


@pytest.fixture(scope="module")
def russian(shared_data, tmp_path_factory):
    path = shared_data / "coortweet-russian-coord-tweets-and-german-elections" / "russian_coord_tweets.csv"
    if not path.exists():
        pytest.skip("russian_coord_tweets.csv is absent")
    s = Store(tmp_path_factory.mktemp("ru") / "ru.duckdb")
    rep = ingest(s, [path])
    # 35,125 rows; 40 repeat a content_id (39 with another object): the store keeps the first copy
    assert (rep.total("n_read"), rep.total("n_stored"), rep.total("n_duplicate")) == (35125, 35085, 40)
    raw = pd.read_csv(path, dtype=str)
    raw["t"] = raw["timestamp_share"].astype(float)
    yield s, raw.drop_duplicates("content_id", keep="first")
    s.close()


def test_russian_data_at_coortweet_defaults(russian):
    s, rows = russian
    ref, threshold = coortweet_reference(rows)
    # Worked out with the reference: 441 edges in CooRTweet's full network (719 pairs before its
    # min_participation filter on coordinated shares); weights {1: 437, 2: 3, 3: 1}; the median is 1,
    # so 4 edges are above it, between 8 accounts: 4 separate pairs.
    assert len(ref) == 441 and threshold == 1.0
    assert ref["weight"].value_counts().to_dict() == {1: 437, 2: 3, 3: 1}
    above = ref[ref["weight"] > threshold]
    r = Coordination(behaviours=("co_repost",), window_s=10, min_actions=2, min_coactions=1,
                     p_value=None, min_cosine=None, weight="coactions", weight_percentile=0.5,
                     attach=False).run(s)
    layer = r.tables["layers"].iloc[0]
    assert (layer["n_candidates"], layer["n_kept"]) == (719, 4)
    e = r.tables["edges"]
    ours = {(a, b): w for a, b, w in zip(e["account_a"], e["account_b"], e["n_coactions"], strict=True)}
    assert ours == {(a, b): w for a, b, w in zip(above["a"], above["b"], above["weight"], strict=True)}
    assert sorted(ours.values()) == [2, 2, 2, 3]
    assert r.summary["n_clusters"] == 4 and r.summary["n_accounts_in_clusters"] == 8
    assert r.tables["clusters"]["n_accounts"].tolist() == [2, 2, 2, 2]


def test_russian_data_automatic_window(russian):
    s, _ = russian
    r = Coordination(behaviours=("co_repost",), window_s=["auto", 10], p_value=None).run(s)
    # CooRnet's estimate on these retweets: 1471 s (about 25 minutes)
    assert r.summary["auto_windows_s"] == {"co_repost": 1471.0}
    assert r.summary["windows_s"] == {"co_repost": [1471.0, 10.0]}
