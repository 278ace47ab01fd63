"""The main job end to end: the demo through the CLI, and real state-media data through `analyze`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ioscope.cli import app
from ioscope.pipeline import analyze
from ioscope.store import Store

# The pipeline tests use the fast, language-blind back end; e5 is tested where narratives and claims are.
FAST = {"narratives": {"model": "tfidf"}, "claims": {"model": "tfidf"}}


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    # The language-blind tfidf back end keeps this pipeline test fast; the e5 model is tested where
    # narratives and claims are (tests/analyses/narratives, tests/analyses/claims).
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--scale", "0.2", "--model", "tfidf"])
    assert result.exit_code == 0, result.output
    assert "report.html" in result.output
    return out


def test_demo_report_shows_the_spokesperson_cascade(demo_out):
    truth = json.loads((demo_out / "input" / "ground_truth.json").read_text())
    cascade = truth["spokesperson_cascade"]
    top = pd.read_parquet(demo_out / "report" / "tables" / "amplification_top_posts.parquet")
    first = top.iloc[0]
    # The spokesperson's post is the most amplified post of the scenario.
    assert (first["post_id"], first["handle"]) == (cascade["post_id"], "SpoxCN_demo")
    assert first["n_reposts"] == cascade["n_reposts_total"] == 528  # 12 + 25 + 8 + 480 at scale 0.2
    assert (first["n_quotes"], first["n_replies"]) == (cascade["n_quotes"], cascade["n_replies"])
    # Tracked amplifiers: 12 embassies, 3 other CN accounts, 25 covert (in the registry as
    # suspected_covert), 8 RU/IR reposters and 2 RU/IR quoters.
    tracked = (len(cascade["embassy_amplifier_ids"]) + len(cascade["cn_other_amplifier_ids"])
               + len(cascade["covert_amplifier_ids"]) + len(cascade["cross_country_amplifier_ids"]))
    assert first["n_tracked_amplifiers"] == tracked == 50
    evidence = pd.read_parquet(demo_out / "report" / "tables" / "amplification_top_posts_evidence.parquet")
    mine = evidence[evidence["ref_post_id"] == cascade["post_id"]]
    cn_embassies = mine[(mine["actor_type"] == "embassy") & (mine["country"] == "CN")]
    assert set(cn_embassies["account_id"]) == set(cascade["embassy_amplifier_ids"])
    assert (cn_embassies["lag_s"] <= 2 * 3600).all()  # the 12 CN embassies all within two hours
    html = (demo_out / "report" / "report.html").read_text(encoding="utf-8")
    assert cascade["post_id"] in html and "SpoxCN_demo" in html


def test_demo_country_matrix_has_planted_pairs_only(demo_out):
    truth = json.loads((demo_out / "input" / "ground_truth.json").read_text())
    m = pd.read_parquet(demo_out / "report" / "tables" / "amplification_country_matrix.parquet")
    pairs = {(a, b) for a, b in zip(m["amplifier_country"], m["amplified_country"])}
    for a, b in truth["cross_country"]["planted"]:
        assert (a, b) in pairs
    for a, b in truth["cross_country"]["not_planted"]:
        assert (a, b) not in pairs  # CN accounts never amplify RU or IR accounts in the scenario
    html = (demo_out / "report" / "report.html").read_text(encoding="utf-8")
    assert "country_matrix" in html or "Country" in html


def test_demo_report_escapes_adversarial_posts(demo_out):
    html = (demo_out / "report" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x onerror" not in html


def test_demo_rerun_is_idempotent(demo_out, tmp_path):
    db = demo_out / "ioscope.duckdb"
    with Store(db) as s:
        before = s.counts()
    files = sorted((demo_out / "input").glob("tweets_*.jsonl"))
    analyze(files, db=db, out=tmp_path / "again", actors=demo_out / "input" / "actors.csv", params=FAST)
    with Store(db) as s:
        after = s.counts()
    assert after["posts"] == before["posts"] and after["accounts"] == before["accounts"]
    assert after["quarantined"] == before["quarantined"] == 0


@pytest.mark.shared
def test_cgtn_xinhua_analyze(shared_data, tmp_path):
    folder = shared_data / "covid-state-media-cgtn-xinhua-vs-western" / "disaggregated"
    files = sorted(folder.glob("*.csv"))
    handles = shared_data / "china-diplomats-state-media-handles" / "china_state_handles.csv"
    if not files or not handles.exists():
        pytest.skip("CGTN/Xinhua data or handle list absent")
    actors = tmp_path / "ACTORS.csv"
    types = {"diplomacy": "diplomat", "state_media": "state_media", "foreign_influencer_ASPI": "influencer"}
    with open(handles, encoding="utf-8", newline="") as fh, open(actors, "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(["platform", "handle", "name", "country", "actor_type", "source"])
        for r in csv.DictReader(fh):
            country = "" if r["category"] == "foreign_influencer_ASPI" else "CN"
            w.writerow(["twitter", r["handle"], r["User"], country, types[r["category"]],
                        "china-twiplomacy-2020-2022 (CHCAA)"])
    outcome = analyze(files, db=tmp_path / "s.duckdb", out=tmp_path / "out", actors=actors, params=FAST)
    # 4,170 rows in 20 files hold 3,748 distinct tweets (counted with the csv module in
    # tests/sources/test_real_data_v1_ira.py); none is quarantined.
    assert outcome.ingest.total("n_read") == 4170
    assert outcome.counts["collected_posts"] == 3748 and outcome.counts["quarantined"] == 0
    activity = {r.name: r for r in outcome.results}["activity"]
    per_actor = activity.tables["actor_activity"].set_index("handle")["n_posts"].to_dict()
    # Collected tweets per account: CGTNOfficial 2,682 and XHNews 689 (AP and BBC are not actors).
    assert per_actor["CGTNOfficial"] == 2682 and per_actor["XHNews"] == 689
    amp = {r.name: r for r in outcome.results}["amplification"]
    edges = amp.tables["account_edges"]
    cgtn = edges[(edges["amplifier_handle"] == "CGTNOfficial") & (edges["kind"] == "repost")]
    siblings = cgtn.set_index("amplified_handle")["n_posts"].to_dict()
    # CGTNOfficial's retweets of its sibling accounts, counted from the files' RT @… rows.
    assert (siblings["cgtnamerica"], siblings["CGTNEurope"], siblings["cgtnafrica"]) == (277, 80, 5)
    html = Path(outcome.outputs["report"]).read_text(encoding="utf-8")
    for name in ("CGTNOfficial", "XHNews", "cgtnamerica", "CGTNEurope"):
        assert name in html
