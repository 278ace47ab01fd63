"""Parquet and GEXF exports read back with pyarrow/pandas and networkx."""

from __future__ import annotations

import json

import networkx as nx
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ioscope.analyses.activity import Activity
from ioscope.analyses.amplification import Amplification
from ioscope.analyses.base import Result
from ioscope.outputs import write_outputs
from ioscope.outputs.exports import sanitise_graph, write_graphs, write_tables


@pytest.fixture
def results(scenario_store) -> list[Result]:
    return [Activity().run(scenario_store), Amplification().run(scenario_store)]


def test_every_table_as_parquet_with_stable_names_and_types(tmp_path, results):
    paths = write_tables(results, tmp_path / "tables")
    # The tables of schema v1 keep their names (later versions only add tables).
    assert set(p.name for p in paths) >= set([
        "activity_daily_volume.parquet", "activity_actor_activity.parquet",
        "activity_top_hashtags.parquet", "activity_top_domains.parquet",
        "activity_top_urls.parquet", "activity_top_mentions.parquet",
        "amplification_account_edges.parquet", "amplification_top_posts.parquet",
        "amplification_top_posts_evidence.parquet", "amplification_country_matrix.parquet",
        "amplification_group_matrix.parquet",
    ])
    daily = pq.read_schema(tmp_path / "tables" / "activity_daily_volume.parquet")
    assert daily.names == ["day", "country", "actor_type", "n_posts", "n_original", "n_repost",
                           "n_quote", "n_reply"]
    assert daily.field("day").type == pa.date32()
    top = pq.read_schema(tmp_path / "tables" / "amplification_top_posts.parquet")
    assert top.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert top.field("tracked_amplifier_handles").type == pa.list_(pa.string())
    assert top.field("median_lag_s").type == pa.float64()
    assert top.field("post_id").type == pa.string()
    meta = top.metadata
    assert meta[b"ioscope.analysis"] == b"amplification"
    params = json.loads(meta[b"ioscope.params"])
    assert (params["top_n"], params["kinds"]) == (20, ["repost", "quote", "reply"])


def test_parquet_values_read_back(tmp_path, results):
    write_tables(results, tmp_path)
    m = pd.read_parquet(tmp_path / "amplification_country_matrix.parquet")
    # (CN, CN) = 3 embassies reposting the CN spokesperson; (RU, CN) = 1 RU quote; (CN, RU) = 2
    assert dict(zip(zip(m["amplifier_country"], m["amplified_country"], strict=False),
                    m["n_amplifications"], strict=False)) == {("CN", "CN"): 3, ("CN", "RU"): 2, ("RU", "CN"): 1}
    top = pq.read_table(tmp_path / "amplification_top_posts.parquet").to_pylist()
    assert top[0]["post_id"] == "100"
    assert top[0]["tracked_amplifier_handles"] == ["EmbCN_A", "EmbCN_B", "EmbCN_C", "RUmedia"]
    assert top[0]["created_at"].isoformat() == "2024-03-01T10:00:00+00:00"
    assert top[1]["like_count"] is None     # not collected stays NULL


def test_empty_tables_keep_their_types(tmp_path, make_store):
    results = [Activity().run(make_store([])), Amplification().run(make_store([]))]
    write_tables(results, tmp_path)
    assert pq.read_schema(tmp_path / "activity_daily_volume.parquet").field("day").type == pa.date32()
    top = pq.read_schema(tmp_path / "amplification_top_posts.parquet")
    assert top.field("tracked_amplifier_handles").type == pa.list_(pa.string())
    assert top.field("permalink").type == pa.string()


def test_graph_as_gexf_reads_back(tmp_path, results):
    paths = write_graphs(results, tmp_path)
    assert [p.name for p in paths] == ["amplification_amplification.gexf"]
    g = nx.read_gexf(paths[0])
    assert g.is_directed()
    assert sorted(g.nodes) == [f"twitter:{i}" for i in range(1, 7)]
    # the untracked replier: no country (""), type "untracked", not tracked
    six = g.nodes["twitter:6"]
    assert (six["label"], six["country"], six["actor_type"], six["tracked"]) == (
        "random_user", "", "untracked", False)
    assert g.nodes["twitter:1"]["country"] == "CN" and g.nodes["twitter:1"]["overt"] is True
    # one quote 104 from RU media (5) to the spokesperson (1)
    e = g.edges["twitter:5", "twitter:1"]
    assert (e["weight"], e["n_quote"], e["n_repost"]) == (1.0, 1, 0)
    assert e["first_at"] == "2024-03-01T10:05:00+00:00"


def test_sanitise_graph_no_none_lists_joined_mixed_types_unified(tmp_path):
    g = nx.DiGraph()
    g.add_node(1, label=None, tags=["a", "b"], score=1)
    g.add_node("2", label="two", tags=[], score=2.5)
    g.add_node("3", label="three", tags=("c",), score="n/a")
    g.add_edge(1, "2", weight=2, when=pd.Timestamp("2024-03-01", tz="UTC"))
    result = Result(name="x", params={}, graphs={"g": g})
    g2 = nx.read_gexf(write_graphs([result], tmp_path)[0])
    assert g2.nodes["1"]["tags"] == "a; b" and g2.nodes["2"]["tags"] == ""
    # score mixes int, float and str -> written as strings everywhere
    assert [g2.nodes[n]["score"] for n in ("1", "2", "3")] == ["1", "2.5", "n/a"]
    assert g2.edges["1", "2"]["when"] == "2024-03-01T00:00:00+00:00"
    ints = sanitise_graph(nx.Graph([(1, 2, {"w": 1}), (2, 3, {"w": 0.5})]))
    assert [d["w"] for _, _, d in ints.edges(data=True)] == [1.0, 0.5]   # int + float -> float


def test_write_outputs_layout(tmp_path, results):
    out = write_outputs(results, tmp_path / "out", title="t")
    assert out["report"] == tmp_path / "out" / "report.html" and out["report"].is_file()
    # One Parquet file per result table, all under tables/.
    n_tables = sum(len(r.tables) for r in results)
    assert len(out["tables"]) == n_tables and all(p.parent.name == "tables" for p in out["tables"])
    assert [p.relative_to(tmp_path).as_posix() for p in out["graphs"]] == [
        "out/graphs/amplification_amplification.gexf"]
