"""Amplification on the hand-written scenario of conftest.py (see its docstring for every post)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ioscope.analyses.amplification import Amplification
from ioscope.errors import AnalysisError


def _rows(df: pd.DataFrame, cols: list[str]) -> list[tuple]:
    return [tuple(None if not isinstance(v, list) and pd.isna(v) else v for v in row)
            for row in df[cols].itertuples(index=False)]


MATRIX = ["n_amplifications", "n_amplifiers", "n_amplified_accounts"]


def test_country_matrix(scenario_store):
    t = Amplification().run(scenario_store).tables["country_matrix"]
    assert _rows(t, ["amplifier_country", "amplified_country", *MATRIX]) == [
        # 3 CN embassies (2, 3, 4) repost the CN spokesperson's post 100
        ("CN", "CN", 3, 3, 1),
        # CN embassy 2 reposts RU post 200 (201); CN embassy 3 replies to it (202, whose ref account
        # is missing and is taken from post 200's author, 5) -> 2 amplifications by 2 accounts
        ("CN", "RU", 2, 2, 1),
        # 1 RU account quotes post 100 (104)
        ("RU", "CN", 1, 1, 1),
        # the untracked reply 105 has no country: not in the matrix; self-repost 107 excluded
    ]


def test_group_matrix(scenario_store):
    t = Amplification().run(scenario_store).tables["group_matrix"]
    assert _rows(t, ["amplifier_type", "amplified_type", *MATRIX]) == [
        ("embassy", "official", 3, 3, 1),       # 101, 102, 103
        ("embassy", "state_media", 2, 2, 1),    # 201, 202
        ("state_media", "official", 1, 1, 1),   # 104
    ]


def test_top_posts(scenario_store):
    t = Amplification().run(scenario_store).tables["top_posts"]
    first = t.iloc[0]
    assert list(t["post_id"]) == ["100", "200"]
    # post 100 amplified by accounts 2, 3, 4 (reposts), 5 (quote), 6 (reply): 5 accounts, 4 tracked;
    # account 1's self-repost 107 does not count
    assert (first.n_amplifiers, first.n_tracked_amplifiers) == (5, 4)
    assert (first.n_reposts, first.n_quotes, first.n_replies) == (3, 1, 1)
    assert first.tracked_amplifier_handles == ["EmbCN_A", "EmbCN_B", "EmbCN_C", "RUmedia"]
    # lags 60, 120, 300, 600, 1200 s -> median 300 s
    assert first.median_lag_s == 300.0
    # first amplification 101 at 10:01 (the self-repost at 10:00:30 is not one)
    assert first.first_amplified_at == pd.Timestamp("2024-03-01 10:01", tz="UTC")
    assert (first.handle, first.country, first.actor_type) == ("SpoxCN", "CN", "official")
    assert first.permalink == "https://x.com/SpoxCN/status/100"
    assert (first.like_count, first.share_count) == (50, 4)
    assert first.text == "Hello <script>alert(1)</script> #Truth"   # raw in the table; escaped in HTML
    second = t.iloc[1]
    # post 200: repost 201 (+3600 s) and reply 202 (+7200 s) -> median 5400 s; both tracked
    assert (second.n_amplifiers, second.n_tracked_amplifiers, second.median_lag_s) == (2, 2, 5400.0)
    assert pd.isna(second.like_count)   # not collected -> NULL, not 0


def test_top_posts_evidence_lists_every_amplifying_post(scenario_store):
    t = Amplification().run(scenario_store).tables["top_posts_evidence"]
    cols = ["rank", "ref_post_id", "post_id", "handle", "country", "actor_type", "kind", "lag_s"]
    assert _rows(t, cols) == [
        # ordered by time within each top post; 107 (self-repost) is not evidence
        (1, "100", "101", "EmbCN_A", "CN", "embassy", "repost", 60.0),
        (1, "100", "102", "EmbCN_B", "CN", "embassy", "repost", 120.0),
        (1, "100", "104", "RUmedia", "RU", "state_media", "quote", 300.0),
        (1, "100", "103", "EmbCN_C", "CN", "embassy", "repost", 600.0),
        (1, "100", "105", "random_user", None, None, "reply", 1200.0),
        (2, "200", "201", "EmbCN_A", "CN", "embassy", "repost", 3600.0),
        (2, "200", "202", "EmbCN_B", "CN", "embassy", "reply", 7200.0),
    ]
    assert t.iloc[0].permalink == "https://x.com/EmbCN_A/status/101"


def test_account_edges_and_self_amplification_excluded(scenario_store):
    result = Amplification().run(scenario_store)
    t = result.tables["account_edges"]
    pairs = set(zip(t["amplifier_id"], t["amplified_id"], t["kind"], strict=False))
    # 7 amplifications, each its own (amplifier, amplified, kind): no 1 -> 1 edge
    assert pairs == {("2", "1", "repost"), ("3", "1", "repost"), ("4", "1", "repost"),
                     ("5", "1", "quote"), ("6", "1", "reply"), ("2", "5", "repost"),
                     ("3", "5", "reply")}
    assert t["n_posts"].tolist() == [1] * 7
    untracked = t[t["amplifier_id"] == "6"].iloc[0]
    assert untracked.amplifier_handle == "random_user"
    assert pd.isna(untracked.amplifier_country) and pd.isna(untracked.amplifier_type)
    assert (untracked.amplified_country, untracked.amplified_type) == ("CN", "official")
    # the original headline numbers (keys added later: baseline and echo counts, tested elsewhere)
    assert {k: result.summary[k] for k in list(result.summary)[:6]} == {
        "n_amplifications": 7,          # 101-105, 201, 202
        "n_amplifiers": 5,              # accounts 2-6
        "n_amplified_accounts": 2,      # 1 and 5
        "n_self_amplifications": 1,     # 107
        "n_unresolved": 0,              # 202's missing ref account was resolved from post 200
        "top_post_id": "100",
    }


def test_graph(scenario_store):
    g = Amplification().run(scenario_store).graphs["amplification"]
    # nodes: accounts 1-6 (7 only wrote a context post); 7 edges as above
    assert sorted(g.nodes) == [f"twitter:{i}" for i in range(1, 7)]
    assert g.number_of_edges() == 7
    assert g.nodes["twitter:6"] == {"label": "random_user", "platform": "twitter", "account_id": "6",
                                    "country": "", "actor_type": "untracked", "overt": False,
                                    "tracked": False}
    assert g.nodes["twitter:4"]["label"] == "EmbCN_C" and g.nodes["twitter:4"]["tracked"] is True
    e = g.edges["twitter:5", "twitter:1"]
    assert (e["weight"], e["n_repost"], e["n_quote"], e["n_reply"]) == (1, 0, 1, 0)
    assert not g.has_edge("twitter:1", "twitter:1")
    for _, attrs in g.nodes(data=True):
        assert None not in attrs.values()


def test_kinds_parameter(scenario_store):
    result = Amplification(kinds=("repost",)).run(scenario_store)
    t = result.tables["country_matrix"]
    # reposts only: 101-103 (CN -> CN) and 201 (CN -> RU); quote 104 and reply 202 drop out
    assert _rows(t, ["amplifier_country", "amplified_country", "n_amplifications"]) == [
        ("CN", "CN", 3), ("CN", "RU", 1)]
    assert result.summary["n_self_amplifications"] == 1   # 107 is a self-repost
    assert {k: result.params[k] for k in ("top_n", "kinds")} == {"top_n": 20, "kinds": ("repost",)}


def test_top_n(scenario_store):
    tables = Amplification(top_n=1).run(scenario_store).tables
    assert tables["top_posts"]["post_id"].tolist() == ["100"]
    assert set(tables["top_posts_evidence"]["ref_post_id"]) == {"100"}   # 5 posts of rank 1 only
    assert len(tables["top_posts_evidence"]) == 5


def test_context_and_unresolved_posts_are_not_amplification(make_store, scenario):
    post, T0 = scenario.post, scenario.T0

    rows = [
        post("1", "1", text="orig"),
        # a repost seen only embedded in another record (collected=false) is not an amplification
        post("2", "2", "repost", T0 + dt.timedelta(seconds=5), ref=("1", "1"), collected=False),
        # a reply to a post that is not in the store and without a ref account: unresolved
        post("3", "3", "reply", T0 + dt.timedelta(seconds=9), ref=("404", None)),
        # a quote of a post not in the store, but with its author: counted, lag unknown
        post("4", "3", "quote", T0 + dt.timedelta(seconds=9), ref=("405", "1")),
    ]
    result = Amplification().run(make_store(rows))
    assert result.summary["n_amplifications"] == 1
    assert result.summary["n_unresolved"] == 1
    top = result.tables["top_posts"].iloc[0]
    assert top.post_id == "405" and top.account_id == "1" and pd.isna(top.median_lag_s)


@pytest.mark.parametrize("params", [{"top_n": 0}, {"kinds": ()}, {"kinds": ("like",)},
                                    {"kinds": ("repost", "original")}])
def test_bad_params_raise_analysis_error(scenario_store, params):
    with pytest.raises(AnalysisError, match="amplification"):
        Amplification(**params).run(scenario_store)


def test_country_baseline_on_the_scenario(scenario_store):
    result = Amplification().run(scenario_store)
    t = result.tables["country_baseline"].set_index(["amplifier_country", "amplified_country"])
    # only 1 untracked amplification (105) < 20: the reference is every account outside the target group
    assert result.summary["baseline_reference"] == "others"
    # collected posts: CN accounts 1-4 -> 8 (100, 107, 101, 108, 201, 102, 202, 103), RU 2 (104, 200),
    # untracked 1 (105). Target CN: amplified by RU (104) and untracked (105): 2 amplifications in 3
    # posts -> rate 2/3; CN -> CN expected 8 * 2/3 = 5.33 for 3 observed
    cn_cn = t.loc[("CN", "CN")]
    assert cn_cn.n_posts_amplifier == 8 and cn_cn.reference_rate == pytest.approx(2 / 3)
    assert cn_cn.expected_n == pytest.approx(16 / 3) and cn_cn.ratio == pytest.approx(9 / 16)
    # target RU: amplified by CN twice (201, 202) in the 9 posts of CN + untracked -> rate 2/9
    cn_ru = t.loc[("CN", "RU")]
    assert cn_ru.expected_n == pytest.approx(16 / 9) and cn_ru.n_amplifications == 2
    from scipy.stats import binom
    assert cn_ru.p_value == pytest.approx(binom.sf(1, 8, 2 / 9))
    assert not t["excess"].any()                       # nothing is far above expectation here
    assert ("(untracked)", "CN") in t.index            # shown for comparison


def test_echoes_text_and_link_with_first_poster(make_store, scenario):
    post, actor, T0 = scenario.post, scenario.actor, scenario.T0
    s = pd.Timedelta(seconds=1)
    text = "The virus may have come from a foreign military lab, says our ministry"
    rows = [
        post("1", "1", text=text + " https://t.co/a", urls=["https://www.globalresearch.ca/x?utm_source=a"]),
        post("2", "5", created_at=T0 + 90 * s, text="the  virus may have come from a FOREIGN military lab, "
             "says our ministry", urls=["https://globalresearch.ca/x"]),
        post("3", "2", "repost", T0 + 30 * s, ref=("1", "1"), text=text),   # reposts are not echoes
        post("4", "3", created_at=T0 + 10 * 86400 * s, text=text),          # outside the 3-day window
        post("5", "6", created_at=T0 + 60 * s, text=text),                  # untracked: not an actor
        post("6", "2", created_at=T0, text="Thank you!"),
        post("7", "3", created_at=T0, text="Thank you!"),                   # too short
    ]
    actors = [actor("1", "SpoxCN", "CN", "official"), actor("2", None, "CN", "embassy"),
              actor("3", None, "CN", "embassy"), actor("5", "RUmedia", "RU", "state_media")]
    tables = Amplification().run(make_store(rows, actors=actors)).tables
    e = tables["echoes"]
    # two echoes (text and canonical link), both by account 1 (CN, first) and 5 (RU, 90 s later)
    assert sorted(e["item_type"]) == ["text", "url"]
    for row in e.itertuples():
        assert (row.n_accounts, row.countries, row.first_handle, row.cross_country) == (2, ["CN", "RU"], "SpoxCN", True)
        assert row.span_s == 90.0 and row.median_lag_s == 90.0
    assert e.set_index("item_type").loc["url", "item"] == "https://globalresearch.ca/x"
    p = tables["echo_posts"]
    assert p[p.is_first]["post_id"].tolist() == ["1", "1"]
    assert set(p["post_id"]) == {"1", "2"}


def test_domain_amplification_and_top_accounts(scenario_store):
    tables = Amplification().run(scenario_store).tables
    d = tables["domain_amplification"].set_index("domain")
    # post 100 links news.example; reposted by 2, 3, 4 and quoted by 5 (all tracked: CN, CN, CN, RU)
    assert (d.loc["news.example", "n_amplifications"], d.loc["news.example", "n_tracked_amplifiers"]) == (4, 4)
    assert d.loc["news.example", "tracked_countries"].tolist() == ["CN", "RU"]
    acc = tables["top_accounts"]
    # account 1 amplified by 5 accounts (2-6), account 5 by 2 (2, 3)
    assert acc["account_id"].tolist()[:2] == ["1", "5"] and acc["n_amplifiers"].tolist()[:2] == [5, 2]
    g = tables["top_by_group"]
    assert g.iloc[0].post_id == "100" and pd.Timestamp(g.iloc[0].month) == pd.Timestamp("2024-03-01")


def test_base_selection_materialised_once_then_dropped(scenario_store):
    from ioscope.analyses.amplification.sql import TEMP_TABLES, materialised_base

    con = scenario_store.con
    with materialised_base(scenario_store, ["repost", "quote", "reply"], 20):
        n_r, n_amp, n_top = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TEMP_TABLES)
    # by hand from the scenario: collected reposts/quotes/replies 101, 102, 103, 104, 105, 107, 201,
    # 202 = 8 candidates; 107 is a self-repost -> 7 amplifications; amplified posts 100 and 200 -> 2
    assert (n_r, n_amp, n_top) == (8, 7, 2)
    Amplification().run(scenario_store)
    # after the block and after a run, no temporary table is left on the store's connection
    left = con.execute("SELECT count(*) FROM information_schema.tables "
                       "WHERE starts_with(table_name, '_amp_')").fetchone()[0]
    assert left == 0
