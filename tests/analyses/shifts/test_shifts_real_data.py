"""Shifts on real data (../shared/data; skipped when absent). Each change point asserted here was
checked by looking at the daily counts; the comment says what they are."""

from __future__ import annotations

import csv
import glob
from collections import Counter

import pandas as pd
import pytest
from shifts_dipromats import TRUCE, load, seed_case

from ioscope.analyses.shifts import Shifts
from ioscope.ingest import ingest
from ioscope.store import Store

pytestmark = pytest.mark.shared


def test_cgtn_xinhua_daily_series_and_change_point(shared_data, tmp_path):
    folder = shared_data / "covid-state-media-cgtn-xinhua-vs-western" / "disaggregated"
    files = sorted(glob.glob(str(folder / "*_2020012*.csv")))  # the 2020-01-22 -> 02-22 files
    store = Store(tmp_path / "s.duckdb")
    ingest(store, files)
    store.set_actors([
        dict(platform="twitter", handle=h, name=h, country="CN", actor_type="state_media", overt=True,
             source="test") for h in ("CGTNOfficial", "XHNews")])
    res = Shifts(by="country", kinds=("original", "quote", "reply", "repost"), start="2020-01-22",
                 end="2020-02-22", min_posts=1).run(store)
    s = res.tables["series"]
    cn = s[s["series_id"] == "country=CN"]
    assert len(cn) == 31  # 2020-01-22 .. 2020-02-21, one row per UTC day, zero-filled
    cp = res.tables["change_points"]
    cn_cp = cp[(cp["series_id"] == "country=CN") & cp["significant"]]
    # By hand (SELECT count(*) per UTC day of CGTNOfficial + XHNews posts): 460 posts from 01-22 to
    # 02-02 (12 days, 38.3 a day; XHNews 72 of them, about 6 a day), then 40-55 a day from 02-03 on
    # as Xinhua's coronavirus/Wuhan output doubled (12-15 a day in the week of 02-03). The first
    # level change of the CN series is therefore on 2020-02-03, from 38.3 a day.
    first = cn_cp.sort_values("at").iloc[0]
    assert first["at"] == pd.Timestamp("2020-02-03")
    assert first["level_before"] == pytest.approx(460 / 12)
    assert first["direction"] == "up"
    store.close()


def test_ira_account_gap_is_a_collection_gap(shared_data, tmp_path):
    path = shared_data / "ira-russian-troll-tweets-by-author" / "tweets" / "MissouriNewsUS.csv"
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [path])
    # Independent count with the csv module: MissouriNewsUS ("local news" persona) posts nothing
    # from 2016-01-26 to 2016-02-11 (17 days), then resumes on 2016-02-12. The publish_date column
    # is UTC per the 538 README.
    per_day = Counter(r["publish_date"][:10] for r in csv.DictReader(open(path, encoding="utf-8")))
    gap = pd.date_range("2016-01-26", "2016-02-11").strftime("%Y-%m-%d")
    assert all(per_day[d] == 0 for d in gap) and per_day["2016-01-25"] > 0
    assert per_day["2016-02-12"] > 0
    # The store holds this one account, so its 17 silent days are a run of days with no post from
    # any account: a collection gap (default min_gap_days 7), reported, and not a change point.
    res = Shifts(by=(), kinds=("original", "quote", "reply", "repost"), min_posts=1,
                 n_permutations=199).run(store)
    gaps = res.tables["collection_gaps"]
    row = gaps[gaps["gap_start"] == pd.Timestamp("2016-01-26")].iloc[0]
    assert (row["gap_end"], row["n_buckets"]) == (pd.Timestamp("2016-02-12"), 17)
    cp = res.tables["change_points"]
    assert not cp["at"].isin([pd.Timestamp("2016-01-26"), pd.Timestamp("2016-02-12")]).any()
    # With gap detection off (min_gap_days=0), the gap's edges come back as change points to zero
    # and back up: what the coverage-aware series avoids.
    res0 = Shifts(by=(), kinds=("original", "quote", "reply", "repost"), min_posts=1,
                  n_permutations=199, min_gap_days=0).run(store)
    cp0 = res0.tables["change_points"]
    sig = cp0[cp0["significant"]].set_index("at")
    assert sig.loc[pd.Timestamp("2016-01-26"), "level_after"] == 0
    assert sig.loc[pd.Timestamp("2016-02-12"), "direction"] == "up"
    assert res0.tables["collection_gaps"].empty
    store.close()


def test_seed_case_dipromats(shared_data, tmp_path):
    """The analysts' claim: after the Trump-Xi call (2020-03-26), China would throttle back public
    disinformation through its Foreign Ministry and embassies. DIPROMATS holds a sample of Chinese
    diplomats' tweets; the numbers below are what the data shows (see docs/analyses/shifts.md)."""
    store = Store(tmp_path / "s.duckdb")
    assert load(store, shared_data / "dipromats-2023-diplomat-propaganda-tweets") == 14528
    events = tmp_path / "events.csv"
    events.write_text(f"date,label,scope\n{TRUCE},Trump–Xi call: tentative truce,\n", encoding="utf-8")
    res = seed_case(store, events)
    et = res.tables["event_tests"].set_index("series_id")
    origin = et.loc["country=CN|narrative=origin"]
    # Origin narrative by Chinese diplomats: 10 posts in the 14 days before the call (03-12..03-25),
    # none in the 14 days from it; exact conditional test, Binomial(10, 1/2): p = 2/1024.
    assert origin["mean_before"] * 14 == pytest.approx(10)
    assert origin["mean_after"] == 0
    assert origin["p_value"] == pytest.approx(2 / 1024)
    covid = et.loc["country=CN|narrative=covid"]
    # COVID posts by Chinese diplomats: 292 before (20.9 a day), 169 after (12.1 a day).
    assert covid["mean_before"] * 14 == pytest.approx(292)
    assert covid["mean_after"] * 14 == pytest.approx(169)
    assert covid["rate_ratio"] < 0.7 and covid["p_value"] < 0.01
    # ... while EU diplomats' COVID posts rose over the same window: not a sample-wide drop.
    assert et.loc["country=EU|narrative=covid", "rate_ratio"] > 1.2
    cp = res.tables["change_points"]
    cn = cp[(cp["series_id"] == "country=CN|narrative=covid") & cp["significant"]].set_index("at")
    # The data dates the fall one day before the call: 2020-03-25 (UTC).
    assert cn.loc[pd.Timestamp("2020-03-25"), "direction"] == "down"
    store.close()


@pytest.mark.slow
def test_cgtn_xinhua_collection_gaps(shared_data, tmp_path):
    folder = shared_data / "covid-state-media-cgtn-xinhua-vs-western" / "disaggregated"
    files = sorted(glob.glob(str(folder / "CGTNOfficial_*.csv")) + glob.glob(str(folder / "XHNews_*.csv")))
    store = Store(tmp_path / "s.duckdb")
    ingest(store, files)
    store.set_actors([
        dict(platform="twitter", handle=h, name=h, country="CN", actor_type="state_media", overt=True,
             source="test") for h in ("CGTNOfficial", "XHNews")])
    # Independent count with pandas: the UTC days holding any row of the files, and the runs of at
    # least 7 days between the first and the last with no row at all. The files were collected in
    # windows (2020-01-22 -> 02-22 and 2020-09-20 -> 10-22; the 2021 files are not in the copy), so
    # there is one gap: 2020-02-22 .. 2020-09-19 (211 days).
    created = pd.concat([pd.read_csv(f, usecols=["created_at"], dtype=str) for f in files])["created_at"]
    days = pd.to_datetime(created, format="%a %b %d %H:%M:%S %z %Y", utc=True).dt.tz_localize(None)
    per_day = days.dt.normalize().value_counts()
    grid = pd.date_range(per_day.index.min(), per_day.index.max())
    empty = ~grid.isin(per_day.index)
    runs, i = [], 0
    while i < len(grid):
        j = i
        while j < len(grid) and empty[j]:
            j += 1
        if j - i >= 7:
            runs.append((grid[i], grid[j - 1] + pd.Timedelta(days=1), j - i))
        i = max(j, i + 1)
    assert runs == [(pd.Timestamp("2020-02-22"), pd.Timestamp("2020-09-20"), 211)]
    res = Shifts(by="country", kinds=("original", "quote", "reply", "repost"), min_posts=1,
                 n_permutations=199).run(store)
    gaps = res.tables["collection_gaps"]
    assert list(gaps[["gap_start", "gap_end", "n_buckets"]].itertuples(index=False, name=None)) == runs
    assert "2020-02-22 – 2020-09-19 (211 days: country=CN)" in res.notes[0]
    cp = res.tables["change_points"]
    assert len(cp)  # the covered windows still have their changes (02-03: Xinhua's output doubles)
    assert pd.Timestamp("2020-02-03") in set(cp.loc[cp["significant"], "at"])
    # No change point at, or within a minimum segment (7 days) of, the gap's start or end.
    week = pd.Timedelta(days=7)
    for gap_start, gap_end, _ in runs:
        assert ((cp["at"] <= gap_start - week) | (cp["at"] >= gap_end + week)).all()
    # Blind to coverage (min_gap_days=0), the gap's edges are the strongest "changes" of the series.
    cp0 = Shifts(by="country", kinds=("original", "quote", "reply", "repost"), min_posts=1,
                 n_permutations=199, min_gap_days=0).run(store).tables["change_points"]
    assert {pd.Timestamp("2020-02-22"), pd.Timestamp("2020-09-20")} <= set(cp0["at"])
    store.close()
