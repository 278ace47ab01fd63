"""Two real data sets in one store: DIPROMATS (diplomats' tweets, all of 2020) and the CGTN/Xinhua/
AP/BBC files (gathered in two windows). Coverage is judged per collection: the windows' edges are not
shifts of the series they feed, and the series fed by the windowed data set alone is masked outside
its windows and reported. Skipped without ../shared/data."""

from __future__ import annotations

import glob
import json

import pandas as pd
import pytest
from shifts_dipromats import FILES, load

from ioscope.analyses.shifts import Shifts
from ioscope.ingest import ingest
from ioscope.store import Store

pytestmark = [pytest.mark.shared, pytest.mark.slow]
KINDS = ("original", "quote", "reply", "repost")
DAY = pd.Timedelta(days=1)


def _covered_runs(days: pd.Series, min_gap: int = 7) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """(first, last) day of each run of days between holes of at least ``min_gap`` empty days."""
    seen = pd.DatetimeIndex(days.dt.normalize().unique()).sort_values()
    runs, start = [], seen[0]
    for prev, nxt in zip(seen[:-1], seen[1:], strict=True):
        if (nxt - prev).days - 1 >= min_gap:
            runs.append((start, prev))
            start = nxt
    return [*runs, (start, seen[-1])]


@pytest.fixture(scope="module")
def combined(shared_data, tmp_path_factory):
    dip = shared_data / "dipromats-2023-diplomat-propaganda-tweets"
    folder = shared_data / "covid-state-media-cgtn-xinhua-vs-western" / "disaggregated"
    files = sorted(glob.glob(str(folder / "*.csv")))
    store = Store(tmp_path_factory.mktemp("combined") / "s.duckdb")
    load(store, dip)
    ingest(store, files)
    extra = [dict(platform="twitter", handle=h, name=h, country=c, actor_type=t, overt=True, source="test")
             for h, c, t in (("CGTNOfficial", "CN", "state_media"), ("XHNews", "CN", "state_media"),
                             ("BBCWorld", "GB", "media"), ("AP", "US", "media"))]
    store.set_actors([*store.query("SELECT * FROM actors").to_dict("records"), *extra])
    # Independent counts with pandas: the UTC days of every row of each data set.
    csv_days = pd.to_datetime(pd.concat(
        [pd.read_csv(f, usecols=["created_at"], dtype=str) for f in files])["created_at"],
        format="%a %b %d %H:%M:%S %z %Y", utc=True).dt.tz_localize(None)
    dip_rows = pd.DataFrame([r for name in FILES for r in json.loads((dip / name).read_text("utf-8"))])
    dip_rows = dip_rows.drop_duplicates("tweet_id")
    dip_rows["t"] = pd.to_datetime(dip_rows["UTC"], utc=True).dt.tz_localize(None)
    yield store, csv_days, dip_rows
    store.close()


def test_collection_edges_are_not_shifts(combined):
    store, csv_days, dip_rows = combined
    # pandas: the CGTN/Xinhua/AP/BBC folder holds two windows, 2020-01-22..02-21 and 2020-09-20..
    # 10-21; DIPROMATS covers 2020-01-01..11-03 without a hole of 7 days or more.
    windows = _covered_runs(csv_days)
    assert windows == [(pd.Timestamp("2020-01-22"), pd.Timestamp("2020-02-21")),
                       (pd.Timestamp("2020-09-20"), pd.Timestamp("2020-10-21"))]
    assert _covered_runs(dip_rows["t"]) == [(pd.Timestamp("2020-01-01"), pd.Timestamp("2020-11-03"))]
    edges = [t for first, last in windows for t in (first, last + DAY)]  # 01-22 02-22 09-20 10-22
    lo, hi = dip_rows["t"].min().normalize(), dip_rows["t"].max().normalize()  # the series' grid

    blind = Shifts(by="country", kinds=KINDS, n_permutations=199, min_gap_days=0).run(store)
    res = Shifts(by="country", kinds=KINDS, n_permutations=199).run(store)
    cn_gb = ["country=CN", "country=GB"]
    # Blind to coverage (what a user saw): the CN series (diplomats + CGTN/Xinhua) jumps at all four
    # window edges, and its most significant fall is the 02-22 end of a window.
    b = blind.tables["change_points"]
    assert set(edges) <= set(b.loc[b["series_id"] == cn_gb[0], "at"])
    assert blind.tables["tactic_shift"].set_index("country").loc["CN", "at"] == edges[1]
    # Per collection: the edges are marked in the CN series, and no change point of CN or GB lies
    # within a minimum segment (7 days) of any of them.
    s = res.tables["series"]
    cn = s[s["series_id"] == cn_gb[0]]
    assert cn.loc[cn["collection_edge"], "bucket_start"].tolist() == edges
    assert not cn["collection_gap"].any()
    cp = res.tables["change_points"]
    mine = cp[cp["series_id"].isin(cn_gb)]
    assert len(mine)
    assert all(abs(t - e) >= pd.Timedelta(days=7) for t in mine["at"] for e in edges)
    assert res.summary["n_change_points"] == len(cp)
    assert res.summary["n_significant_change_points"] == int(cp["significant"].sum())
    # GB (BBC only, fed by the windowed folder alone): masked before, between and after the windows
    gaps = res.tables["collection_gaps"]
    assert gaps[["series_id", "gap_start", "gap_end", "n_buckets", "kind"]].values.tolist() == [
        [cn_gb[1], lo, edges[0], (edges[0] - lo).days, "before"],
        [cn_gb[1], edges[1], edges[2], 211, "gap"],
        [cn_gb[1], edges[3], hi + DAY, (hi + DAY - edges[3]).days, "after"]]
    assert gaps["collections"].str.endswith("covid-state-media-cgtn-xinhua-vs-western/disaggregated").all()
    assert res.summary["n_collection_gaps"] == 1
    assert "2020-02-22 – 2020-09-19 (211 days: country=GB)" in res.notes[0]
    assert any(n.startswith("Collection edges: ") and
               "country=CN (2020-01-22, 2020-02-22, 2020-09-20, 2020-10-22)" in n
               for n in res.notes)
    # The tactic check now tests CN's fall of 2020-03-25 (inside DIPROMATS alone, no CGTN file has
    # a March post): overt posts a day in the 14 days before = Chinese diplomats' rows of 03-11..
    # 03-24 / 14, counted with pandas.
    row = res.tables["tactic_shift"].set_index("country").loc["CN"]
    assert row["at"] == pd.Timestamp("2020-03-25")
    cn_dip = dip_rows[dip_rows["country"] == "China"]
    before = cn_dip["t"].between(pd.Timestamp("2020-03-11"), pd.Timestamp("2020-03-25"), inclusive="left")
    assert row["overt_before"] == pytest.approx(before.sum() / 14)
