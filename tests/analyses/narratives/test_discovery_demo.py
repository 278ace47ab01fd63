"""Discovery recovers the demo's planted narratives, each as one narrative across five languages.

The demo scenario (``ioscope.demo``) plants N1 ("the virus came from the US") and N2 ("China contained
it") in en/zh/ru/fa/es among ordinary chatter; ground_truth.json lists their post ids. Embedding all
~6,000 distinct texts of even the scale-0.05 demo takes about two minutes on two cores, so the store
keeps a stable fifth of the distinct texts (``md5(text) < '33'``, about 1,500 texts, ~130 of N1 and
~130 of N2): discovery does not know about the sample. The same method on all 7,871 texts of the
scale-0.2 demo gives N1 purity 0.993 / recall 0.991 and N2 0.983 / 0.979 (bench/narratives.py).

Purity = share of the best narrative's non-repost posts that are planted; recall = share of the
planted posts (present after the sample, text >= 15 characters) that land in that narrative. The task
asks for >= 0.9 for both.
"""

from __future__ import annotations

import json
import os

import pytest

from ioscope.actors import read_actors_csv
from ioscope.analyses.narratives import Narratives
from ioscope.demo import generate
from ioscope.ingest import ingest
from ioscope.store import Store

os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo_nar")
    f = generate(d, scale=0.05)
    s = Store(d / "s.duckdb")
    ingest(s, f.tweet_files)
    s.set_actors(read_actors_csv(f.actors_csv))
    s.con.execute("DELETE FROM posts WHERE md5(coalesce(text, '')) >= '33'")
    truth = json.loads(f.ground_truth.read_text(encoding="utf-8"))["narratives"]
    kept = set(s.query("SELECT post_id FROM posts WHERE collected AND kind <> 'repost' "
                       "AND length(trim(text)) >= 15")["post_id"])
    planted = {n: set(truth[n]["post_ids"]) & kept for n in ("N1", "N2")}
    a = Narratives()
    return s, planted, a, a.run(s)


@pytest.mark.slow
@pytest.mark.parametrize("nid", ["N1", "N2"])
def test_planted_narrative_is_one_narrative_across_languages(demo_run, nid):
    _, planted, _, r = demo_run
    pn = r.tables["post_narratives"]
    d = pn[(pn["source"] == "discovered") & (pn["kind"] != "repost")]
    truth = planted[nid]
    assert len(truth) >= 100  # the sample keeps a fifth of ~700 planted texts
    best = d[d["post_id"].isin(truth)]["narrative_id"].value_counts().index[0]
    got = set(d.loc[d["narrative_id"] == best, "post_id"])
    purity = len(got & truth) / len(got)
    recall = len(got & truth) / len(truth)
    assert purity >= 0.9 and recall >= 0.9, (nid, purity, recall)
    # one narrative across all five planted languages
    langs = set(d.loc[(d["narrative_id"] == best) & d["post_id"].isin(truth), "lang"])
    assert langs >= {"en", "zh", "ru", "fa", "es"}
    # the other planted narrative is a different narrative
    other = planted["N2" if nid == "N1" else "N1"]
    assert d[d["post_id"].isin(other)]["narrative_id"].value_counts().index[0] != best


@pytest.mark.slow
def test_two_levels_and_stable_ids_on_rerun(demo_run):
    s, _, a, r = demo_run
    subs = r.tables["subnarratives"]
    # every sub-narrative belongs to exactly one narrative and is named after it
    assert (subs["subnarrative_id"].str.rsplit(".", n=1).str[0] == subs["narrative_id"]).all()
    nar = r.tables["narratives"]
    disc = nar[nar["source"] == "discovered"]
    assert set(subs["narrative_id"]) == set(disc["narrative_id"])
    pn = r.tables["post_narratives"]
    d = pn[pn["source"] == "discovered"]
    assert d["subnarrative_id"].notna().all()
    # a rerun keeps every id (same data, same seed)
    r2 = a.run(s)
    assert r2.summary["narratives_matched_previous_run"] == r.summary["discovered_narratives"]
    d2 = r2.tables["post_narratives"]
    d2 = d2[d2["source"] == "discovered"]
    cols = ["platform", "post_id", "narrative_id", "subnarrative_id"]
    assert d[cols].sort_values(cols[:2]).values.tolist() == \
        d2[cols].sort_values(cols[:2]).values.tolist()
