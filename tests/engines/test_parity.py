"""Parity: every registered analysis gives the same tables and summary on DuckDB and on Spark.

Two data sets: the demo scenario at scale 0.1 (about 16k posts), and real Chinese state-media
tweets (CGTN and Xinhua, with AP and BBC as controls; silviapoletti/Covid19-related-tweets-Network-
Analysis, via ../shared/data). Each is ingested into a DuckDB store, written as a Parquet dataset, and
analysed (a) by DuckDB on the store and (b) by Spark (local[2]) on the dataset; every table must be
identical (same columns, dtypes and rows; floats within 1e-9 relative). The test parametrises over
``ioscope.analyses.ANALYSES``, so a newly registered analysis is covered without editing this file;
an analysis whose SQL does not run on Spark yet is listed in ``SPARK_GAPS`` with the construct.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ioscope.analyses import ANALYSES
from ioscope.engines import write_parquet
from ioscope.engines.compare import table_diff
from ioscope.errors import AnalysisError, StoreError
from ioscope.store import Store

pytestmark = pytest.mark.spark
os.environ.setdefault("OMP_NUM_THREADS", "1")

SPARK_GAPS: dict[str, str] = {
    "narratives": "narratives: embeddings and clustering run on the driver over the store's embedding "
                  "cache, which the Spark store does not expose yet (the relational tracking step is "
                  "portable; the text-vector step is not wired to Spark)",
    "claims": "claims: on Spark the analysis finds no claims ('the store has no claims') although the "
              "DuckDB store has them: the claims tables are not reached through the Parquet "
              "dataset/SparkStore yet; not yet diagnosed",
}
"""Analysis -> the construct that does not run on Spark yet (reported to its author)."""

UNORDERED_LISTS: dict[str, tuple[str, ...]] = {}
"""Table -> list columns whose order carries no meaning (compared as sorted lists)."""

CGTN_FILES = ("CGTNOfficial_China_202001220000_202002220000.csv",
              "XHNews_Wuhan_202001220000_202002220000.csv",
              "AP_wuhan_202001220000_202002220000.csv",
              "BBCWorld_wuhan_202001220000_202002220000.csv")
CGTN_ACTORS = [
    {"platform": "twitter", "handle": h, "name": n, "country": "CN", "actor_type": "state_media",
     "overt": True, "source": "X state-affiliated label"}
    for h, n in (("CGTNOfficial", "CGTN"), ("XHNews", "Xinhua"), ("cgtnamerica", "CGTN America"),
                 ("PDChina", "People's Daily"), ("globaltimesnews", "Global Times"))]


def _demo(tmp: Path) -> Store:
    from ioscope.actors import read_actors_csv
    from ioscope.demo import generate
    from ioscope.ingest import ingest

    files = generate(tmp / "input", scale=0.1)
    store = Store(tmp / "demo.duckdb")
    ingest(store, files.tweet_files)
    store.set_actors(read_actors_csv(files.actors_csv))
    return store


def _cgtn(tmp: Path, data: Path) -> Store:
    from ioscope.ingest import ingest

    folder = data / "covid-state-media-cgtn-xinhua-vs-western" / "disaggregated"
    files = [folder / f for f in CGTN_FILES if (folder / f).exists()]
    if not files:
        pytest.skip("CGTN/Xinhua CSVs are absent")
    store = Store(tmp / "cgtn.duckdb")
    ingest(store, files)
    store.set_actors(CGTN_ACTORS)
    return store


@pytest.fixture(scope="module", params=["demo", "cgtn"])
def engines(request, spark, tmp_path_factory):
    """(DuckDB store, SparkStore over its Parquet dataset) for one data set."""
    from ioscope.engines.spark import SparkStore

    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "demo":
        store = _demo(tmp)
    else:
        store = _cgtn(tmp, request.getfixturevalue("shared_data"))
    write_parquet(store, tmp / "dataset")
    with SparkStore.from_parquet(tmp / "dataset", spark=spark, cache_tables=True) as sp:
        yield store, sp
    store.close()


def _params():
    for name in ANALYSES:
        # Not run at all: an expected failure that first embeds every demo text costs minutes.
        marks = [pytest.mark.xfail(raises=(StoreError, AnalysisError), reason=SPARK_GAPS[name],
                                   strict=False, run=False)] \
            if name in SPARK_GAPS else []
        yield pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", list(_params()))
def test_same_tables_on_duckdb_and_spark(engines, name: str) -> None:
    duck, sp = engines
    assert duck.counts() == sp.counts()
    try:
        expected = ANALYSES[name]().run(duck)
    except AnalysisError as exc:  # e.g. claims without imported claims: Spark must say the same
        with pytest.raises(AnalysisError) as raised:
            ANALYSES[name]().run(sp)
        assert str(raised.value) == str(exc)
        return
    got = ANALYSES[name]().run(sp)
    assert got.summary == expected.summary
    assert sorted(got.tables) == sorted(expected.tables)
    diffs = {t: table_diff(expected.tables[t], got.tables[t], unordered_lists=UNORDERED_LISTS.get(t, ()))
             for t in expected.tables}
    assert {t: d for t, d in diffs.items() if d} == {}
