"""Catalog loading (strict YAML), contradiction links and script-aware c-TF-IDF tokens."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ioscope.analyses.narratives.catalog import (
    contradiction_pairs,
    load_catalog,
    parse_catalog,
)
from ioscope.analyses.narratives.labels import top_terms
from ioscope.errors import ConfigError
from ioscope.store import Store

DEMO_CATALOG = Path(__file__).resolve().parents[3] / "examples" / "catalog_demo.yaml"


def test_demo_catalog_loads_with_symmetric_contradictions():
    cat = load_catalog(DEMO_CATALOG)
    assert [n.id for n in cat] == ["N1", "N2", "N3"]
    # N3 says "contradicts: [N1]" only; loading makes the link symmetric
    by_id = {n.id: n for n in cat}
    assert by_id["N1"].contradicts == ("N3",) and by_id["N3"].contradicts == ("N1",)
    assert contradiction_pairs(cat).values.tolist() == [["N1", "N3"]]
    assert len(by_id["N1"].examples) == 7


@pytest.mark.parametrize("doc, message", [
    ({"narratives": [{"id": "A", "name": "a", "examples": ["x"], "exampels": ["y"]}]}, "unknown key"),
    ({"narratives": [{"id": "A", "name": "a", "examples": ["x"]}], "version": 2}, "unknown key"),
    ({"narratives": [{"id": "A", "name": "a"}]}, "at least one example"),
    ({"narratives": [{"id": "A", "name": "a", "examples": ["x"]},
                     {"id": "A", "name": "b", "examples": ["y"]}]}, "duplicate id"),
    ({"narratives": [{"id": "A", "name": "a", "examples": ["x"], "contradicts": ["B"]}]},
     "unknown id"),
    ({"narratives": []}, "non-empty"),
])
def test_catalog_errors(doc, message):
    with pytest.raises(ConfigError, match=message):
        parse_catalog(doc)


def test_catalog_file_errors(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("narratives: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_catalog(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_catalog(tmp_path / "missing.yaml")


def test_ctfidf_tokens_are_script_aware(tmp_path):
    s = Store(tmp_path / "s.duckdb")
    texts = pd.DataFrame({"text": [
        "Fort Detrick lab, Fort Detrick again https://t.co/x @someone",
        "德特里克堡实验室",
        "Армия США, ёлки",
        "می‌دهد می‌دهد",
        "the the the of and",
    ]})
    labels = np.array([0, 1, 2, 3, -1])
    t = top_terms(s, texts, labels, top_terms=10)
    terms = {n: set(g["term"]) for n, g in t.groupby("narrative")}
    # Latin words whole and lower-cased, URL and @mention gone
    assert terms[0] == {"fort", "detrick", "lab", "again"}
    # Chinese: overlapping character bigrams of the run
    assert terms[1] == {"德特", "特里", "里克", "克堡", "堡实", "实验", "验室"}
    # Cyrillic words whole, ё folded to е; "сша" is 3 letters and kept
    assert terms[2] == {"армия", "сша", "елки"}
    # Persian: the zero-width non-joiner stays inside the word
    assert terms[3] == {"می\u200cدهد"}
    # stop words never label, and noise (-1) gets no row
    assert -1 not in terms
    top0 = t[t["narrative"] == 0].iloc[0]
    assert top0["term"] in ("fort", "detrick") and top0["n"] == 2
