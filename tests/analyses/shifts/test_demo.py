"""The demo scenario's planted overt-to-covert shift (2020-03-26) is found; nothing where none was planted.

The demo plants (ground_truth.json ``shift``): N1 by overt accounts drops >= 80% from 2020-03-26,
N1 by the covert co-repost group rises from that day, N2 by overt accounts does not change. The
co-repost group is in actors.csv as ``suspected_covert`` (overt false), so "covert" here is the
registry's covert label. Narratives come (a) from the ground truth, loaded as a
``narrative_assignments`` table (isolating this analysis from narrative detection), and (b) from a
keyword filter.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ioscope.actors import read_actors_csv
from ioscope.analyses.shifts import Shifts
from ioscope.demo import generate
from ioscope.ingest import ingest
from ioscope.store import Store

SHIFT = pd.Timestamp("2020-03-26")
N1_KEYWORDS = ["fort detrick", "us army", "patient zero", r"\borigin", "德特里克堡", "零号病人",
               "Форт-Детрик", "нулевой пациент", "فورت دیتریک", "بیمار صفر", "paciente cero"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    files = generate(tmp / "files", scale=0.2)
    store = Store(tmp / "s.duckdb")
    ingest(store, files.tweet_files)
    store.set_actors(read_actors_csv(files.actors_csv))
    truth = json.loads(files.ground_truth.read_text(encoding="utf-8"))
    rows = [(pid, nid) for nid, n in truth["narratives"].items() for pid in n["post_ids"]]
    store.con.execute("CREATE TABLE narrative_assignments (platform VARCHAR, post_id VARCHAR, "
                      "narrative_id VARCHAR, score DOUBLE)")
    store.con.executemany("INSERT INTO narrative_assignments VALUES ('twitter', ?, ?, 1.0)", rows)
    yield store, files
    store.close()


def _significant(cp: pd.DataFrame, series_id: str) -> pd.DataFrame:
    return cp[(cp["series_id"] == series_id) & cp["significant"]]


def test_planted_shift_found_within_one_day(demo):
    store, files = demo
    res = Shifts(by="overt", narrative=["N1", "N2"], events=str(files.events), n_permutations=199
                 ).run(store)
    cp = res.tables["change_points"]
    down = _significant(cp, "overt=overt|narrative=N1")
    up = _significant(cp, "overt=covert|narrative=N1")
    # The planted date, within one day, in the right direction.
    assert ((down["at"] - SHIFT).abs() <= pd.Timedelta(days=1)).any()
    assert (down.loc[(down["at"] - SHIFT).abs() <= pd.Timedelta(days=1), "direction"] == "down").all()
    assert ((up["at"] - SHIFT).abs() <= pd.Timedelta(days=1)).any()
    # No change where none was planted: N2 by overt accounts.
    assert _significant(cp, "overt=overt|narrative=N2").empty
    # The tactic check at the truce event says: overt fell and covert rose.
    ts = res.tables["tactic_shift"]
    row = ts[(ts["topic"] == "N1") & (ts["at"] == SHIFT)].iloc[0]
    assert row["shift"] and row["verdict"] == "overt fell and covert rose"
    assert row["overt_rate_ratio"] < 0.2 < 5 < row["covert_rate_ratio"]
    assert row["covert_share_after"] > 0.9 > 0.1 > row["covert_share_before"]
    assert row["overt_change_at"] == SHIFT and row["covert_change_at"] == SHIFT
    n2 = ts[(ts["topic"] == "N2") & (ts["at"] == SHIFT)].iloc[0]
    assert not n2["shift"]


def test_event_tests_match_the_ground_truth_means(demo):
    store, files = demo
    truth = json.loads(files.ground_truth.read_text(encoding="utf-8"))["shift"]["daily_means"]
    res = Shifts(by="overt", narrative="N1", events=str(files.events), n_permutations=99).run(store)
    et = res.tables["event_tests"]
    row = et[(et["series_id"] == "overt=overt|narrative=N1") & (et["event_date"] == "2020-03-26")].iloc[0]
    # The window (14 days) is shorter than the ground truth's whole periods, so the means differ a
    # little; both say ~9 posts a day before and under 1 after.
    assert row["mean_before"] == pytest.approx(truth["N1_overt"]["before"], rel=0.25)
    assert row["mean_after"] < 1 and row["p_value"] < 1e-4 and row["rate_ratio"] < 0.1


def test_keyword_narrative_finds_the_same_shift(demo):
    store, files = demo
    res = Shifts(by="overt", text_filter={"N1": N1_KEYWORDS}, narrative_table=None,
                 n_permutations=199).run(store)
    cp = res.tables["change_points"]
    for sid in ("overt=overt|narrative=N1", "overt=covert|narrative=N1"):
        sig = _significant(cp, sid)
        assert ((sig["at"] - SHIFT).abs() <= pd.Timedelta(days=1)).any(), sid


def test_zone_and_weekly_buckets(demo):
    store, _ = demo
    res = Shifts(by="overt", narrative="N1", bucket="week", zone="Asia/Shanghai", tactic=False,
                 n_permutations=99, min_segment=2).run(store)
    s = res.tables["series"]
    assert set(s["zone"]) == {"Asia/Shanghai"} and set(s["bucket"]) == {"week"}
    assert (s["bucket_start"].dt.day_of_week == 0).all()  # weeks start on Monday
