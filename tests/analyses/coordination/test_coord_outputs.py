"""Outputs of the coordination analysis: tables documented in the docstring, a graph whose attributes
are never None (GEXF and GraphML can be written), tracked-actor labels, and the report section
(autoescaped, post links only for real permalinks)."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from coord_helpers import post

from ioscope.analyses.coordination import Coordination

EDGE_COLUMNS = ["account_a", "account_b", "platform_a", "platform_b", "handle_a", "handle_b", "behaviours",
                "layers", "n_coactions", "n_objects", "weight", "tfidf_cosine", "symmetry", "p_value",
                "leader", "leader_share", "first_at", "last_at", "cluster_id", "kept_by"]


@pytest.fixture
def result(make_store):
    # Three accounts (IDs are real-looking tweet IDs, so permalinks exist) co-repost five posts 2-4 s
    # apart on five days; one handle carries HTML. Two of them are tracked actors.
    rows = []
    for k in range(5):
        for j, acc in enumerate(("101", "102", "103")):
            handle = "<b>evil</b>" if acc == "103" else f"user{acc}"
            rows.append(post(str(1000 + 10 * k + j), acc, 86400 * k + 2 * j, kind="repost", ref=f"9{k}",
                             handle=handle, domains=["site.example"]))
            rows.append(post(str(5000 + 10 * k + j), acc, 86400 * k + 40000 + 977 * j, kind="repost",
                             ref=f"8{k}{j}", handle=handle))
    actors = [{"platform": "twitter", "account_id": "101", "name": "Ministry", "country": "CN",
               "actor_type": "ministry", "overt": True},
              {"platform": "twitter", "account_id": "102", "name": "Covert", "country": "CN",
               "actor_type": "suspected_covert", "overt": False}]
    return Coordination(behaviours=("co_repost",)).run(make_store(rows, actors))


def test_tables_and_labels(result):
    t = result.tables
    assert list(t["edges"].columns) == EDGE_COLUMNS
    # each pair co-reposts on 5 separate days, 2-4 s apart: p-values ~1e-6, kept by the p-value
    assert len(t["edges"]) == 3 and set(t["edges"]["kept_by"]) == {"p_value"}
    c = t["clusters"].iloc[0]
    assert c["n_accounts"] == 3 and c["countries"] == ["CN"]
    assert c["actor_types"] == ["ministry", "suspected_covert"]
    assert c["behaviours"] == ["co_repost"] and c["top_domains"] == ["site.example"]
    assert str(c["first_at"].tz) == "UTC" and c["first_at"] < c["last_at"]
    m = t["cluster_members"].set_index("account_id")
    assert m.loc["101", "actor_name"] == "Ministry" and pd.isna(m.loc["103", "country"])
    assert m.loc["101", "degree"] == 2
    tl = t["cluster_timeline"]
    assert tl["n_coactions"].sum() == c["n_coactions"] == 15
    ev = t["evidence"]
    assert len(ev) == 15 and (ev["cluster_id"] == 1).all()
    assert ev["url_a"].str.startswith("https://x.com/user10").all()
    assert set(t["edge_layers"]["behaviour"]) == {"co_repost"}


def test_graph_attributes_and_exports(result, tmp_path):
    g = result.graphs["coordination"]
    assert g.number_of_nodes() == 3 and g.number_of_edges() == 3
    for _, data in g.nodes(data=True):
        assert all(v is not None for v in data.values())
        assert data["cluster"] == 1
    for _, _, data in g.edges(data=True):
        assert all(v is not None for v in data.values())
        assert data["behaviours"] == "co_repost" and 0 < data["p_value"] <= 1
    assert g.nodes["twitter:101"]["actor_type"] == "ministry" and g.nodes["twitter:101"]["overt"] == "true"
    nx.write_gexf(g, tmp_path / "c.gexf")
    nx.write_graphml(g, tmp_path / "c.graphml")
    back = nx.read_graphml(tmp_path / "c.graphml")
    assert back.number_of_edges() == 3


def test_report_section(result, tmp_path):
    report = pytest.importorskip("ioscope.outputs.report")
    path = report.render_report([result], tmp_path / "r.html")
    html = path.read_text(encoding="utf-8")
    assert '<section id="coordination">' in html and "Coordinated groups" in html
    # the caption names the null model and the correction applied (defaults for co_repost: shuffle,
    # bonferroni)
    assert "p-value of the time-shuffle test (bonferroni-adjusted over all account pairs)" in html
    assert "<b>evil</b>" not in html and "&lt;b&gt;evil&lt;/b&gt;" in html
    assert 'href="https://x.com/user101/status/' in html
    assert "<details" in html and "Co-actions (evidence)" in html
