"""Quality with default parameters: planted coordinated groups are recovered (precision and recall
>= 0.95 per group, against the cluster holding most of the group) and an organic viral cascade does
not become a coordinated cluster (no cluster holds half of its reposters). Also: the same input gives
the same clusters on every run and with 1 or 2 DuckDB threads.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from coord_helpers import build_store, group_scores, synthetic_scenario

from ioscope.analyses.coordination import Coordination
from ioscope.ingest import ingest
from ioscope.store import Store


def _cascade_share(cluster_members: pd.DataFrame, reposters: set[str]) -> float:
    shares = [len(set(g["account_id"]) & reposters) / len(reposters)
              for _, g in cluster_members.groupby("cluster_id")]
    return max(shares, default=0.0)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    posts, truth = synthetic_scenario(seed=1)
    s = build_store(tmp_path_factory.mktemp("synth") / "s.duckdb", posts)
    yield s, truth
    s.close()


def test_synthetic_groups_recovered(synthetic):
    s, truth = synthetic
    r = Coordination().run(s)
    cm = r.tables["cluster_members"]
    for name in ("reposters", "linkers", "texters"):
        precision, recall = group_scores(cm, truth[name])
        assert precision >= 0.95 and recall >= 0.95, (name, precision, recall)
    assert _cascade_share(cm, truth["cascade"]) < 0.5
    # the three groups are found by their own behaviour
    by_group = {name: set(r.tables["clusters"].set_index("cluster_id").loc[
        cm[cm.account_id.isin(truth[name])]["cluster_id"].mode()[0], "behaviours"]) for name in
        ("reposters", "linkers", "texters")}
    assert "co_repost" in by_group["reposters"] and "co_link" in by_group["linkers"]
    assert "near_text" in by_group["texters"]


def test_same_clusters_on_rerun_and_with_one_or_two_threads(tmp_path):
    posts, _ = synthetic_scenario(seed=3, n_organic=500, days=3.0)
    s = build_store(tmp_path / "s.duckdb", posts)
    runs = []
    for threads in (1, 2, 2):
        s.con.execute(f"SET threads = {threads}")
        runs.append(Coordination().run(s))
    s.close()
    assert len(runs[0].tables["clusters"]) >= 3
    first = runs[0]
    for other in runs[1:]:
        pd.testing.assert_frame_equal(first.tables["clusters"], other.tables["clusters"])
        pd.testing.assert_frame_equal(first.tables["cluster_members"], other.tables["cluster_members"])
        pd.testing.assert_frame_equal(first.tables["edges"], other.tables["edges"], check_exact=False)


def test_demo_scenario(tmp_path):
    # The generator's defaults (seed 20200312, scale 1.0: about 35,000 tweets by 3,000 accounts).
    demo = pytest.importorskip("ioscope.demo")
    files = demo.generate(tmp_path / "demo")
    truth = json.loads(files.ground_truth.read_text(encoding="utf-8"))
    store = Store(tmp_path / "demo.duckdb")
    ingest(store, files.tweet_files)
    r = Coordination().run(store)
    cm = r.tables["cluster_members"]
    groups = truth["coordinated_groups"]
    assert {g["behaviour"] for g in groups} == {"co_repost", "co_link", "co_text"}
    for g in groups:
        precision, recall = group_scores(cm, set(g["account_ids"]))
        assert precision >= 0.95 and recall >= 0.95, (g["name"], precision, recall)
    cascade = truth["organic_cascade"]["post_id"]
    reposters = set(store.query("SELECT account_id FROM posts WHERE kind = 'repost' AND ref_post_id = ?",
                                [cascade])["account_id"])
    assert len(reposters) == truth["organic_cascade"]["n_reposts"]
    assert _cascade_share(cm, reposters) < 0.5
    store.close()
