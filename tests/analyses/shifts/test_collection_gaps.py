"""Collection gaps: runs of days with no collected post from any account are reported, split the series
for change-point detection, and are left out of the before/after tests; a quiet actor group among
active ones is not a gap."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ioscope.analyses.shifts import Shifts
from ioscope.analyses.shifts.changepoints import detect, detect_covered
from ioscope.analyses.shifts.coverage import gap_runs, min_gap_buckets
from ioscope.errors import AnalysisError
from ioscope.outputs.report import render_report

UTC = dt.timezone.utc
GAP_START, GAP_END = pd.Timestamp("2024-01-22"), pd.Timestamp("2024-02-11")  # end exclusive


def test_min_gap_buckets_and_runs():
    # 7 days = 168 hours = 1 week (rounded up); 1.5 days = 2 day buckets; 0 turns detection off
    assert [min_gap_buckets(7, b) for b in ("hour", "day", "week")] == [168, 7, 1]
    assert (min_gap_buckets(1.5, "day"), min_gap_buckets(3, "week"), min_gap_buckets(0, "day")) == (2, 1, 0)
    covered = np.array([1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], dtype=bool)
    # empty runs [1, 3) (2 buckets), [4, 7) (3), [8, 11) (3, at the end of the grid)
    assert gap_runs(covered, 3) == [(4, 7), (8, 11)]
    assert gap_runs(covered, 2) == [(1, 3), (4, 7), (8, 11)]
    assert gap_runs(covered, 0) == []


def test_detect_covered_splits_at_the_gap():
    # covered run A: 10 days at 2 then 10 at 12; gap of 30 empty days; covered run B: 10 at 12, 10 at 4
    x = np.array([2] * 10 + [12] * 10 + [0] * 30 + [12] * 10 + [4] * 10)
    in_gap = np.array([False] * 20 + [True] * 30 + [False] * 20)
    found = detect_covered(x, in_gap, n_perm=199)
    # the two real changes, each at 10 buckets into its run (indexes 10 and 50 + 10), levels = the
    # segment means; nothing at the gap's edges (20, 50)
    assert [(c.index, c.level_before, c.level_after, c.n_before, c.n_after) for c in found] == [
        (10, 2.0, 12.0, 10, 10), (60, 12.0, 4.0, 10, 10)]
    assert all(c.p_value < 0.05 for c in found)
    # blind to the gap, the same counts get change points at the gap's edges
    assert {20, 50} <= {c.index for c in detect(x, n_perm=199)}


@pytest.fixture
def gap_store(make_store, scenario):
    """Two collection windows, 2024-01-01..01-21 and 2024-02-11..03-02 (21 days each); nothing at all
    from 2024-01-22 to 2024-02-10 (20 days). SpoxCN (CN) posts 4 a day on every covered day; RUmedia
    (RU) posts 3 a day on 01-01..01-14, is silent 01-15..01-21 while SpoxCN posts (a quiet group, not a
    gap), and posts 3 a day again from 02-11."""
    days = [*pd.date_range("2024-01-01", "2024-01-21"), *pd.date_range("2024-02-11", "2024-03-02")]
    posts = []
    for d in days:
        for h in range(4):
            posts.append(scenario.post(f"cn{d:%m%d}{h}", "1", created_at=d.to_pydatetime().replace(
                hour=8 + h, tzinfo=UTC)))
        if d < pd.Timestamp("2024-01-15") or d >= GAP_END:
            for h in range(3):
                posts.append(scenario.post(f"ru{d:%m%d}{h}", "5", created_at=d.to_pydatetime().replace(
                    hour=9 + h, tzinfo=UTC)))
    actors = [scenario.actor("1", "SpoxCN", "CN", "official"),
              scenario.actor("5", "RUmedia", "RU", "state_media")]
    return make_store(posts, actors=actors)


def _run(store, **kw):
    return Shifts(by="country", n_permutations=199, tactic=False,
                  events=[{"date": "2024-02-11", "label": "collection resumes"}], **kw).run(store)


def test_gap_reported_and_not_a_change_point(gap_store, tmp_path):
    res = _run(gap_store)
    gaps = res.tables["collection_gaps"]
    # one gap, 01-22 .. 02-10 = 10 + 10 = 20 empty days (end exclusive 02-11), in each series: both
    # are fed by the one input file of the store, which has no post at all on those days
    assert gaps[["series_id", "gap_start", "gap_end", "n_buckets", "days", "kind"]].values.tolist() == [
        ["country=CN", GAP_START, GAP_END, 20, 20.0, "gap"],
        ["country=RU", GAP_START, GAP_END, 20, 20.0, "gap"]]
    assert set(gaps["collections"]) == {"/test"}  # the folder of /test/input.jsonl
    assert res.summary["n_collection_gaps"] == 2
    cp = res.tables["change_points"]
    # CN: constant 4 a day in both windows -> no change point; RU: 3 a day for 14 days, then 0 for 7
    # days while CN posts (a real zero) -> one change on 01-15 from 3 to 0; nothing at the gap's edges
    assert cp[["series_id", "at", "level_before", "level_after"]].values.tolist() == [
        ["country=RU", pd.Timestamp("2024-01-15"), 3.0, 0.0]]
    assert bool(cp["significant"].iloc[0])
    s = res.tables["series"].set_index(["series_id", "bucket_start"])
    assert int(s["collection_gap"].sum()) == 2 * 20  # 20 gap days in each of the two series
    assert np.isnan(s.loc[("country=CN", GAP_START), "level"])
    # levels between change points and gaps: RU 3 before 01-15, 0 on 01-15..01-21, 3 after the gap
    assert s.loc[("country=RU", pd.Timestamp("2024-01-14")), "level"] == 3.0
    assert s.loc[("country=RU", pd.Timestamp("2024-01-21")), "level"] == 0.0
    assert s.loc[("country=RU", GAP_END), "level"] == 3.0
    # the 14 days before the event (01-28..02-10) all lie in the gap: left out, so no test
    et = res.tables["event_tests"].set_index("series_id")
    assert et.loc["country=CN", "n_days_before"] == 0 and et.loc["country=CN", "n_days_after"] == 14
    assert et.loc["country=CN", "method"] == "window outside the data"
    # the report section carries the warning line
    html = render_report([res], tmp_path / "r.html").read_text(encoding="utf-8")
    assert ("Collection gaps (UTC): no collected post from any collection feeding the series in "
            "2024-01-22 – 2024-02-10 (20 days: country=CN, country=RU)") in html
    assert "Collection gaps</h3>" in html


def test_without_gap_detection_the_edges_are_change_points(gap_store):
    res = _run(gap_store, min_gap_days=0)
    cp = res.tables["change_points"]
    cn = cp[cp["series_id"] == "country=CN"]
    # CN: 4, 0 over the gap, 4 again -> down on 01-22, up on 02-11: the artefact the gaps remove
    assert cn[["at", "level_before", "level_after"]].values.tolist() == [
        [GAP_START, 4.0, 0.0], [GAP_END, 0.0, 4.0]]
    assert res.tables["collection_gaps"].empty
    # the before/after test then compares 14 empty gap days with 14 days of 4 posts
    et = res.tables["event_tests"].set_index("series_id")
    assert (et.loc["country=CN", "n_days_before"], et.loc["country=CN", "mean_before"]) == (14, 0.0)


def test_min_gap_days_validated(gap_store):
    with pytest.raises(AnalysisError, match="min_gap_days"):
        Shifts(min_gap_days=-1).run(gap_store)
