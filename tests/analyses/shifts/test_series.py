"""Bucketed counts on hand-written rows: zones, zero-filling, narrative and domain slices, errors."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ioscope.analyses.shifts import Shifts
from ioscope.analyses.shifts.series import (
    DomainLabels, NarrativeSource, SliceSpec, bucketed_counts,
)
from ioscope.errors import AnalysisError

UTC = dt.timezone.utc


@pytest.fixture
def store(make_store, scenario):
    """Five posts (UTC):
    1  account 1 (CN overt)   2020-03-01 10:00  "Fort Detrick!"        links rt.com
    2  account 1              2020-03-01 23:30  "the weather"          (Shanghai: 03-02 07:30)
    3  account 2 (CN covert)  2020-03-03 12:00  "US ARMY in Wuhan"     links rt.com, cgtn.com
    4  account 6 (untracked)  2020-03-03 13:00  "patient zero?"        repost (not counted by default)
    5  account 2              2020-03-05 09:00  "hello"                links example.org
    """
    p = scenario.post

    def t(d, h, m=0):
        return dt.datetime(2020, 3, d, h, m, tzinfo=UTC)

    posts = [
        p("1", "1", created_at=t(1, 10), text="Fort Detrick!", domains=["rt.com"]),
        p("2", "1", created_at=t(1, 23, 30), text="the weather"),
        p("3", "2", created_at=t(3, 12), text="US ARMY in Wuhan", domains=["rt.com", "cgtn.com"]),
        p("4", "6", "repost", created_at=t(3, 13), text="patient zero?"),
        p("5", "2", created_at=t(5, 9), text="hello", domains=["example.org"]),
    ]
    actors = [scenario.actor("1", "SpoxCN", "CN", "diplomat"),
              scenario.actor("2", "EmbCN_A", "CN", "suspected_covert", overt=False)]
    return make_store(posts, actors=actors)


KINDS = ("original", "quote", "reply")


def test_daily_counts_zero_filled_in_utc(store):
    df = bucketed_counts(store, SliceSpec(dims=("overt",), kinds=KINDS), "day")
    # Grid 03-01..03-05 (first to last post); overt: 2 on 03-01; covert: 1 on 03-03, 1 on 03-05.
    overt = df[df["overt"] == "overt"].set_index("bucket_start")["n_posts"]
    covert = df[df["overt"] == "covert"].set_index("bucket_start")["n_posts"]
    assert list(overt) == [2, 0, 0, 0, 0]
    assert list(covert) == [0, 0, 1, 0, 1]
    assert overt.index[0] == pd.Timestamp("2020-03-01")


def test_zone_moves_a_late_post_to_the_next_local_day(store):
    # 2020-03-01 23:30 UTC is 2020-03-02 07:30 in Shanghai (UTC+8).
    df = bucketed_counts(store, SliceSpec(dims=("overt",), kinds=KINDS, zone="Asia/Shanghai"), "day")
    overt = df[df["overt"] == "overt"].set_index("bucket_start")["n_posts"]
    assert overt[pd.Timestamp("2020-03-01")] == 1 and overt[pd.Timestamp("2020-03-02")] == 1


def test_reposts_count_only_when_asked(store):
    base = bucketed_counts(store, SliceSpec(dims=(), kinds=KINDS), "week")
    with_rt = bucketed_counts(store, SliceSpec(dims=(), kinds=(*KINDS, "repost")), "week")
    # All posts fall in the week starting Monday 2020-03-02 except 03-01 (a Sunday, previous week).
    assert list(base["bucket_start"]) == [pd.Timestamp("2020-02-24"), pd.Timestamp("2020-03-02")]
    assert list(base["n_posts"]) == [2, 2] and list(with_rt["n_posts"]) == [2, 3]


def test_keyword_narrative(store):
    src = NarrativeSource(text_filter={"origin": ["fort detrick", r"us army", "patient zero"]})
    df = bucketed_counts(store, SliceSpec(dims=("narrative",), kinds=KINDS, narrative_source=src),
                         "day")
    # Case-insensitive: posts 1 and 3 (post 4 is a repost, not counted).
    assert df["n_posts"].sum() == 2 and set(df["narrative"]) == {"origin"}


def test_narrative_table_with_min_score(store):
    store.con.execute("CREATE TABLE narrative_assignments AS SELECT * FROM (VALUES "
                      "('twitter', '1', 'N1', 0.9), ('twitter', '5', 'N1', 0.2), "
                      "('twitter', '3', 'N2', 0.8)) t(platform, post_id, narrative_id, score)")
    src = NarrativeSource(table="narrative_assignments", min_score=0.5)
    df = bucketed_counts(store, SliceSpec(dims=("narrative",), kinds=KINDS, narrative_source=src),
                         "day")
    assert df.groupby("narrative")["n_posts"].sum().to_dict() == {"N1": 1, "N2": 1}


def test_domain_labels(store):
    labels = DomainLabels(mapping={"low": ["RT.com"], "state": ["cgtn.com"]})
    df = bucketed_counts(store, SliceSpec(dims=("domain_label",), kinds=KINDS, domain_labels=labels),
                         "day")
    # post 1: low; post 2: no link; post 3: low and state; post 5: unlabelled.
    assert df.groupby("domain_label")["n_posts"].sum().to_dict() == {
        "low": 2, "state": 1, "no link": 1, "unlabelled": 1}


def test_missing_sources_are_errors(store):
    with pytest.raises(AnalysisError, match="narrative slicing needs narratives"):
        bucketed_counts(store, SliceSpec(dims=("narrative",), kinds=KINDS), "day")
    with pytest.raises(AnalysisError, match="not in the store"):
        bucketed_counts(store, SliceSpec(dims=("narrative",), kinds=KINDS,
                                         narrative_source=NarrativeSource(table="nope")), "day")
    with pytest.raises(AnalysisError, match="bad regular expression"):
        Shifts(text_filter={"x": ["(unclosed"]}).run(store)
    with pytest.raises(AnalysisError, match="unknown time zone"):
        Shifts(zone="Mars/Olympus").run(store)
    with pytest.raises(AnalysisError, match="unknown dimension"):
        Shifts(by="colour").run(store)


def test_ratios_covert_share_and_low_credibility_share(store):
    res = Shifts(by="overt", domain_labels={"low": ["rt.com"]}, min_posts=1).run(store)
    r = res.tables["ratios"]
    cs = r[r["ratio"] == "covert_share"].set_index("bucket_start")
    # 03-01: 2 overt, 0 covert -> 0; 03-03: 1 covert -> 1.0; 03-02: no post -> NaN.
    assert cs.loc[pd.Timestamp("2020-03-01"), "share"] == 0.0
    assert cs.loc[pd.Timestamp("2020-03-03"), "share"] == 1.0
    assert pd.isna(cs.loc[pd.Timestamp("2020-03-02"), "share"])
    assert set(r["zone"]) == {"UTC"} and set(r["bucket"]) == {"day"}
    low = Shifts(by="domain_label", domain_labels={"low": ["rt.com"], "state": ["cgtn.com"]},
                 min_posts=1).run(store).tables["ratios"].set_index("bucket_start")
    # Share of posts with a link that link a "low" domain: 03-01 post 1 (low) -> 1/1; 03-03 post 3
    # (rt.com and cgtn.com: counted once, as low) -> 1/1; 03-05 post 5 (example.org) -> 0/1.
    assert list(low["ratio"].unique()) == ["low_credibility_share"]
    assert low.loc[pd.Timestamp("2020-03-03"), "share"] == 1.0
    assert low.loc[pd.Timestamp("2020-03-05"), "share"] == 0.0
    assert low.loc[pd.Timestamp("2020-03-03"), "denominator"] == 1


def test_domain_labels_table_with_host_column(store):
    # The layout `ioscope domains import` writes: (list_name, host, label, ...); 'none' rows ignored.
    store.con.execute("CREATE TABLE domain_labels AS SELECT * FROM (VALUES "
                      "('mbfc', 'rt.com', 'low_credibility'), ('user', 'cgtn.com', 'none')) "
                      "t(list_name, host, label)")
    res = Shifts(by="domain_label", min_posts=1, tactic=False).run(store)
    totals = res.tables["series"].groupby("domain_label")["n_posts"].sum().to_dict()
    # post 1 and 3 link rt.com (low_credibility; post 3's other domain, cgtn.com, has only 'none', and
    # a post with any label is not 'unlabelled'); post 5 (example.org) unlabelled; post 2 no link.
    assert totals == {"low_credibility": 2, "unlabelled": 1, "no link": 1}
    low = res.tables["ratios"]
    assert low.loc[low["bucket_start"] == pd.Timestamp("2020-03-01"), "share"].iloc[0] == 1.0
