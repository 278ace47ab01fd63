"""Cascades (ioscope.analyses.cascade) on the hand-written scenario of conftest.py and on the demo."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from rich.console import Console

from ioscope.analyses.cascade import cascade
from ioscope.errors import AnalysisError
from ioscope.outputs.cascade_view import print_cascade


def test_cascade_of_post_100(scenario_store):
    c = cascade(scenario_store, "100")
    # 101, 102, 103 reposts, 104 quote, 105 reply by accounts 2-6; 107 is account 1's self-repost
    s = c.summary
    assert (s["n_amplifications"], s["n_reposts"], s["n_quotes"], s["n_replies"]) == (5, 3, 1, 1)
    assert (s["n_amplifiers"], s["n_tracked_amplifiers"], s["n_self_amplifications"]) == (5, 4, 1)
    # lags 60, 120, 300, 600, 1200 s: first 60, median 300
    assert (s["time_to_first_s"], s["time_to_median_s"]) == (60.0, 300.0)
    assert (s["like_count"], s["share_count"], s["view_count"]) == (50, 4, None)
    amp = c.tables["amplifications"]
    assert amp["post_id"].tolist() == ["107", "101", "102", "104", "103", "105"]   # time order
    assert amp.set_index("post_id").loc["107", "self_amplification"]
    groups = c.tables["groups"].set_index("actor_type")
    # three CN embassies (2, 3, 4), first after 60 s; one RU state medium; one untracked
    assert groups.loc["embassy", "n_accounts"] == 3 and groups.loc["embassy", "first_lag_s"] == 60.0
    assert groups.loc["state_media", "country"] == "RU"
    assert groups.loc["untracked", "n_replies"] == 1
    size = c.tables["size_over_time"]
    assert size["n_accounts"].tolist() == [1, 2, 3, 4, 5]
    assert size["n_tracked_accounts"].tolist() == [1, 2, 3, 4, 4]   # the last (105) is untracked
    w = c.tables["windows"]
    all_1h = w[(w.window_s == 3600) & (w.actor_type == "(all)")].iloc[0]
    assert all_1h.n_accounts == 5          # all within 1200 s
    assert c.root["permalink"] == "https://x.com/SpoxCN/status/100"


def test_tree_follows_quotes_and_replies(make_store, scenario):
    post, T0 = scenario.post, scenario.T0
    s = dt.timedelta(seconds=1)
    rows = [post("1", "1", text="root"),
            post("2", "2", "quote", T0 + 10 * s, ref=("1", "1")),
            post("3", "3", "repost", T0 + 20 * s, ref=("2", "2")),     # repost of the quote
            post("4", "4", "reply", T0 + 30 * s, ref=("3", "3")),      # reply to that repost
            post("5", "5", "repost", T0 + 40 * s, ref=("1", "1")),
            post("6", "6", "repost", T0 + 50 * s, ref=("9", "9"))]     # another cascade
    c = cascade(make_store(rows), "1")
    tree = c.tables["tree"]
    assert list(zip(tree.parent_post_id, tree.post_id, tree.depth, tree.n_children, strict=True)) == [
        ("1", "2", 1, 1), ("1", "5", 1, 0), ("2", "3", 2, 1), ("3", "4", 3, 0)]
    assert (c.summary["n_deeper"], c.summary["max_depth"]) == (2, 3)
    assert c.tables["amplifications"].set_index("post_id").loc["3", "parent_lag_s"] == 10.0


def test_root_not_in_store_and_errors(make_store, scenario):
    post, T0 = scenario.post, scenario.T0
    store = make_store([post("2", "2", "repost", T0, ref=("404", "1"))])
    c = cascade(store, "404")
    assert c.summary["n_reposts"] == 1 and c.root["account_id"] == "1"
    assert pd.isna(c.tables["amplifications"]["lag_s"].iloc[0]) and c.notes
    with pytest.raises(AnalysisError, match="neither in the store"):
        cascade(store, "999")
    with pytest.raises(AnalysisError, match="max_depth"):
        cascade(store, "404", max_depth=0)


def test_print_is_safe(make_store, scenario):
    post, T0 = scenario.post, scenario.T0
    evil = "\x1b[31mred[/] [link=https://evil.example]x[/link]"
    store = make_store([post("1", "1", text=evil), post("2", "2", "repost", T0, ref=("1", "1"))])
    console = Console(record=True, width=200, force_terminal=False)
    print_cascade(cascade(store, "1"), console)
    out = console.export_text()
    assert "\x1b" not in out and "[link=https://evil.example]x[/link]" in out   # shown, not interpreted
    assert "1 amplifying posts by 1 accounts" in out


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    from ioscope.actors import read_actors_csv
    from ioscope.demo import generate
    from ioscope.ingest import ingest
    from ioscope.store import Store

    tmp = tmp_path_factory.mktemp("demo_cascade")
    files = generate(tmp / "in", scale=0.2)
    store = Store(tmp / "s.duckdb")
    ingest(store, files.tweet_files)
    store.set_actors(read_actors_csv(files.actors_csv))
    truth = json.loads(files.ground_truth.read_text(encoding="utf-8"))
    yield store, truth
    store.close()


def test_demo_spokesperson_cascade_has_the_planted_numbers(demo_store):
    store, truth = demo_store
    t = truth["spokesperson_cascade"]
    c = cascade(store, t["post_id"])
    s = c.summary
    assert (s["n_reposts"], s["n_quotes"], s["n_replies"]) == (t["n_reposts_total"], t["n_quotes"], t["n_replies"])
    g = c.tables["groups"]
    emb = g[(g.country == "CN") & (g.actor_type == "embassy")].iloc[0]
    assert emb.n_accounts == len(t["embassy_amplifier_ids"]) and emb.n_reposts == t["n_embassy_reposts"]
    cov = g[g.actor_type == "suspected_covert"].iloc[0]
    assert cov.n_reposts == t["n_covert_reposts"]
    ordinary = g[g.actor_type == "untracked"].iloc[0]
    assert ordinary.n_reposts == t["n_ordinary_reposts"]
    amp = c.tables["amplifications"]
    embassy_ids = set(amp[(amp.actor_type == "embassy") & (amp.country == "CN")]["account_id"])
    assert embassy_ids == set(t["embassy_amplifier_ids"])
    cross = set(amp[amp.country.isin(["RU", "IR"])]["account_id"])
    assert cross == set(t["cross_country_amplifier_ids"])
