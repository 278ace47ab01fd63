"""Coverage per collection: a series fed by a collection that covers only part of the period gets no
change point at that collection's edges, its uncovered days are reported per series, and the
before/after tests do not compare across an edge."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ioscope.analyses.shifts import Shifts
from ioscope.analyses.shifts.changepoints import detect_pieces
from ioscope.analyses.shifts.coverage import collection_name, covered_span, pieces_of

UTC = dt.timezone.utc
FEB, MAR, MAR10 = pd.Timestamp("2024-02-01"), pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-10")


def test_units_spans_and_pieces():
    assert collection_name("/data/a/x.jsonl", "dataset") == "/data/a"
    assert collection_name("C:\\data\\b\\y.csv", "dataset") == "C:\\data\\b"
    assert collection_name("-", "dataset") == "" and collection_name("/x.csv", "dataset") == "/"
    assert collection_name("/data/a/x.jsonl", "file") == "/data/a/x.jsonl"
    # posts on buckets 2..4 and 9..10: span 2..10, minus the 4-bucket run 5..8 when min_gap <= 4
    has = np.array([0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0], dtype=bool)
    assert covered_span(has, 4).astype(int).tolist() == [0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0]
    assert covered_span(has, 5).astype(int).tolist() == [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]
    # two collections: A covers 0..5, B covers 3..7; none covers 8: pieces {A} {A,B} {B} none
    a = [1, 1, 1, 1, 1, 1, 0, 0, 0]
    b = [0, 0, 0, 1, 1, 1, 1, 1, 0]
    assert pieces_of(np.array([a, b], dtype=bool)).tolist() == [0, 0, 0, 1, 1, 1, 2, 2, -1]


def test_detect_pieces_never_at_an_edge():
    # 20 buckets at 4 (one collection), 20 at 24 (a second collection joins), 20 at 4 again: the two
    # jumps are the second collection's edges. In one piece each, nothing is found (each piece is
    # constant); blind to the pieces, both edges are change points.
    x = np.array([4] * 20 + [24] * 20 + [4] * 20)
    assert detect_pieces(x, np.repeat([0, 1, 2], 20), n_perm=199) == []
    assert [c.index for c in detect_pieces(x, np.zeros(60, dtype=int), n_perm=199)] == [20, 40]
    with pytest.raises(ValueError):
        detect_pieces(x, np.zeros(3, dtype=int))


def _posts(scenario, prefix, account, days, per_day, source_file):
    rows = []
    for d in days:
        for h in range(per_day):
            row = scenario.post(f"{prefix}{d:%m%d}{h:02d}", account,
                                created_at=d.to_pydatetime().replace(hour=h, tzinfo=UTC))
            rows.append({**row, "source_file": source_file})
    return rows


def _two_sources(scenario, make_store, folder_a, folder_b):
    """Collection A (``folder_a/full.jsonl``): SpoxCN (CN) posts on every day of 2024-01-01 ..
    03-30 (90 days), 4 a day until 03-09 and 10 a day from 03-10 on (a real change). Collection B
    (``folder_b/window.jsonl``), gathered in February only (02-01 .. 02-29, 29 days): CGTN (CN) 20 a
    day, BBC (GB) 5 a day."""
    year = pd.date_range("2024-01-01", "2024-03-30")
    feb = pd.date_range("2024-02-01", "2024-02-29")
    posts = (_posts(scenario, "a", "1", year[year < MAR10], 4, f"{folder_a}/full.jsonl")
             + _posts(scenario, "a", "1", year[year >= MAR10], 10, f"{folder_a}/full.jsonl")
             + _posts(scenario, "b", "2", feb, 20, f"{folder_b}/window.jsonl")
             + _posts(scenario, "g", "3", feb, 5, f"{folder_b}/window.jsonl"))
    actors = [scenario.actor("1", "SpoxCN", "CN", "official"),
              scenario.actor("2", "CGTN", "CN", "state_media"),
              scenario.actor("3", "BBC", "GB", "media")]
    return make_store(posts, actors=actors)


def _run(store, **kw):
    return Shifts(by="country", n_permutations=199, tactic=False, min_posts=1, events=[
        {"date": "2024-02-01", "label": "B starts"}, {"date": "2024-02-15", "label": "mid B"}], **kw
    ).run(store)


def test_two_collections(make_store, scenario):
    store = _two_sources(scenario, make_store, "/data/a", "/data/b")
    res = _run(store)
    cp = res.tables["change_points"]
    # CN = 4 a day in January (A only), 4 + 20 = 24 in February (A and B), 4 then 10 from 03-10 (A
    # only). The February rise and fall are B's edges: no change point there; the one change found
    # is the real one inside A's March, 03-10, from 4 (9 days) to 10 (21 days).
    assert cp[["series_id", "at", "level_before", "level_after", "n_buckets_before",
               "n_buckets_after"]].values.tolist() == [["country=CN", MAR10, 4.0, 10.0, 9, 21]]
    assert res.summary["n_change_points"] == len(cp) == 1
    assert res.summary["n_significant_change_points"] == int(cp["significant"].sum()) == 1
    s = res.tables["series"].set_index(["series_id", "bucket_start"])
    cn = s.loc["country=CN"]
    assert cn.index[cn["collection_edge"]].tolist() == [FEB, MAR]
    assert not cn["collection_gap"].any() and cn.loc[FEB, "level"] == 24.0
    # GB (BBC, collection B only): covered 02-01 .. 02-29; before (31 January days) and after (30
    # March days) are masked and reported; its February is constant, so no change point
    gaps = res.tables["collection_gaps"]
    assert gaps[["series_id", "country", "gap_start", "gap_end", "n_buckets", "kind",
                 "collections"]].values.tolist() == [
        ["country=GB", "GB", pd.Timestamp("2024-01-01"), FEB, 31, "before", "/data/b"],
        ["country=GB", "GB", MAR, pd.Timestamp("2024-03-31"), 30, "after", "/data/b"]]
    gb = s.loc["country=GB"]
    assert int(gb["collection_gap"].sum()) == 61 and np.isnan(gb.loc[MAR, "level"])
    assert res.summary["n_collection_gaps"] == 0 and res.summary["n_collection_edges"] == 2
    assert any(n.startswith("Collection edges: ") and "country=CN (2024-02-01, 2024-03-01)" in n
               for n in res.notes)
    assert any("country=GB (2024-01-01 – 2024-01-31, 2024-03-01 – 2024-03-30)" in n for n in res.notes)
    # before/after at B's start: the 14 January days are another piece (A alone) -> left out, no
    # test; in mid-February both sides are February days (A and B): 24 a day each side, ratio 1
    et = res.tables["event_tests"].set_index(["series_id", "label"])
    assert et.loc[("country=CN", "B starts"), ["n_days_before", "n_days_after", "method"]].tolist() == [
        0, 14, "window outside the data"]
    mid = et.loc[("country=CN", "mid B")]
    assert (mid["n_days_before"], mid["mean_before"], mid["mean_after"]) == (14, 24.0, 24.0)
    assert mid["rate_ratio"] == pytest.approx(1.0)


def test_coverage_blind_or_one_folder(make_store, scenario):
    # Blind to coverage (min_gap_days=0), CN gets change points at B's edges: up on 02-01 (4 -> 24),
    # down on 03-01; GB is compared with its empty January and March.
    store = _two_sources(scenario, make_store, "/data/a", "/data/b")
    cp = _run(store, min_gap_days=0).tables["change_points"]
    cn = cp[cp["series_id"] == "country=CN"]
    assert cn[["at", "level_before", "level_after"]].values.tolist()[:2] == [
        [FEB, 4.0, 24.0], [MAR, 24.0, 4.0]]
    assert {FEB, MAR} <= set(cp.loc[cp["series_id"] == "country=GB", "at"])
    # Both files in one folder are one data set by default, covering 01-01 .. 03-30: the edges come
    # back; coverage_by="file" tells the two files apart again.
    one = _two_sources(scenario, make_store, "/data/x", "/data/x")
    assert {FEB, MAR} <= set(_run(one).tables["change_points"]["at"])
    by_file = _run(one, coverage_by="file").tables["change_points"]
    assert by_file[["series_id", "at"]].values.tolist() == [["country=CN", MAR10]]
