"""Every exported table and graph, and every column of every table, is documented in docs/outputs.md.

Runs the demo scenario at a tiny scale through every registered analysis (one shared store), writes
the outputs and checks the names against the document, so that adding a table, a column or a graph
attribute without documenting it fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "outputs.md"

MODEL_PARAMS = {"claims": {"model": "tfidf"}, "narratives": {"model": "tfidf"}}
"""Analyses that embed text run with the TF-IDF back end (no model download)."""

STORE_TABLES = ("domain_labels", "claims", "claim_matches", "embeddings", "narrative_centroids")
"""Store tables written outside analyses; each one present must be documented."""

_HEADING = re.compile(r"^(#{1,6})\s", re.M)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from ioscope.actors import read_actors_csv
    from ioscope.analyses import ANALYSES, default_analyses
    from ioscope.claims import import_claims
    from ioscope.demo import generate
    from ioscope.domain_lists import import_domain_list
    from ioscope.ingest import ingest
    from ioscope.outputs import write_outputs
    from ioscope.pipeline import run_analyses
    from ioscope.store import Store

    tmp = tmp_path_factory.mktemp("outputs_documented")
    files = generate(tmp / "input", scale=0.05)
    params = {name: p for name, p in MODEL_PARAMS.items() if name in ANALYSES}
    if "shifts" in ANALYSES:
        params.setdefault("shifts", {})["events"] = str(files.events)
    with Store(tmp / "ioscope.duckdb") as store:
        ingest(store, files.tweet_files)
        store.set_actors(read_actors_csv(files.actors_csv))
        import_domain_list(store, files.domain_ratings, "csv")
        import_claims(store, [files.claims])
        results = run_analyses(store, default_analyses(params))
        outputs = write_outputs(results, tmp / "out")
        store_tables = {r[0] for r in store.con.execute("SHOW TABLES").fetchall()}
    return {"results": results, "outputs": outputs, "store_tables": store_tables}


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _mentioned(name: str) -> re.Pattern[str]:
    """`` `name` `` in the document, optionally as a file name (``tables/``, ``.parquet``, ...)."""
    return re.compile(rf"`(?:tables/|graphs/)?{re.escape(name)}(?:\.parquet|\.gexf)?`")


def _section(doc: str, name: str) -> str:
    """The text under the (first) heading that names ``name``, up to the next heading of any level."""
    pattern = _mentioned(name)
    starts = [m.start() for m in _HEADING.finditer(doc)] + [len(doc)]
    for start, end in zip(starts, starts[1:]):
        heading = doc[start:doc.find("\n", start)]
        if pattern.search(heading):
            return doc[start:end]
    raise AssertionError(f"docs/outputs.md has no heading naming `{name}`")


def _first_cells(section: str) -> set[str]:
    """Names listed in the first cell of the section's Markdown table rows (``a, b`` or ``a / b``)."""
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            cell = line.split("|")[1]
            names.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", cell))
    return names


def test_outputs_were_written(run):
    from ioscope.analyses import ANALYSES

    assert [r.name for r in run["results"]] == list(ANALYSES)
    assert len(run["outputs"]["tables"]) >= len(ANALYSES)
    assert run["outputs"]["graphs"]


def test_every_export_is_named(run, doc):
    missing = [p.stem for p in [*run["outputs"]["tables"], *run["outputs"]["graphs"]]
               if not _mentioned(p.stem).search(doc)]
    assert not missing, f"exports missing from docs/outputs.md: {missing}"


def test_every_table_is_saved_in_the_store(run):
    names = {f"{r.name}_{t}" for r in run["results"] for t in r.tables}
    assert names <= run["store_tables"]


def test_every_column_is_documented_in_its_section(run, doc):
    missing = []
    for path in run["outputs"]["tables"]:
        listed = _first_cells(_section(doc, path.stem))
        missing += [f"{path.stem}.{c}" for c in pq.read_schema(path).names if c not in listed]
    assert not missing, f"columns missing from their section of docs/outputs.md: {missing}"


def test_every_graph_attribute_is_documented_in_its_section(run, doc):
    from ioscope.outputs.exports import sanitise_graph

    missing = []
    for result in run["results"]:
        for name, graph in result.graphs.items():
            stem = f"{result.name}_{name}"
            section = _section(doc, stem)
            g = sanitise_graph(graph)
            keys = {k for _, d in g.nodes(data=True) for k in d}
            keys |= {k for _, _, d in g.edges(data=True) for k in d}
            missing += [f"{stem}.{k}" for k in sorted(keys) if f"`{k}`" not in section]
    assert not missing, f"graph attributes missing from their section of docs/outputs.md: {missing}"


def test_store_tables_outside_analyses_are_documented(run, doc):
    present = [t for t in STORE_TABLES if t in run["store_tables"]]
    assert "domain_labels" in present and "claims" in present
    missing = [t for t in present if not _mentioned(t).search(doc)]
    assert not missing, f"store tables missing from docs/outputs.md: {missing}"
