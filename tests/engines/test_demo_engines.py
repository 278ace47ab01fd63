"""`ioscope demo --engine spark` gives the same tables and report numbers as the default engine.

Both runs go through the command line on the same scenario (seed, scale 0.1, the fast ``tfidf``
embedding back end as in tests/test_end_to_end.py): the default run analyses the DuckDB store; the
Spark run writes that store as a Parquet dataset (``OUT/parquet``) and analyses it on Spark local[2].
Every file of ``report/tables/`` must exist in both and hold the same table (same columns, dtypes and
rows; floats within 1e-9), and the report's numbers (its ``<dt>label</dt><dd>value</dd>`` pairs: store
counts, time span, every analysis's summary) must be equal, durations and the store path aside.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ioscope.cli import app
from ioscope.engines.compare import table_diff

pytestmark = [pytest.mark.spark, pytest.mark.slow]
os.environ.setdefault("OMP_NUM_THREADS", "1")

UNORDERED: dict[str, tuple[str, ...]] = {}
"""Table file -> list columns whose order carries no meaning (compared as sorted lists)."""


def _read(path: Path) -> pd.DataFrame:
    """A table file with its times as microseconds in UTC: the two runs may write the same instants
    with different Parquet time units (ns from pandas, us from DuckDB); the instants are compared."""
    df = pd.read_parquet(path)
    for c in df.columns:
        if isinstance(df[c].dtype, pd.DatetimeTZDtype):
            df[c] = df[c].dt.tz_convert("UTC").astype("datetime64[us, UTC]")
    return df


def _numbers(report: Path) -> list[tuple[str, str]]:
    """The report's (label, value) pairs, without durations and the store's path."""
    text = report.read_text(encoding="utf-8")
    pairs = [(html.unescape(k), html.unescape(v))
             for k, v in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", text, flags=re.S)]
    return [(k, v) for k, v in pairs if "seconds" not in k and k != "store"]


def _demo(out: Path, *extra: str) -> None:
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--scale", "0.1", "--model", "tfidf",
                                      *extra])
    assert result.exit_code == 0, result.output


def test_demo_on_spark_gives_the_default_engines_tables(tmp_path: Path) -> None:
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark is not installed (pip install 'ioscope[spark]')")
    from ioscope.engines.spark import java_available

    if not java_available():
        pytest.skip("java is not available (.ci/ensure-java.sh installs it)")
    # The shared local[2] session of the other engine tests, when one runs, is reused (and left
    # running) by the command; otherwise the command starts its own and stops it.
    _demo(tmp_path / "duckdb")
    _demo(tmp_path / "spark", "--engine", "spark", "--master", "local[2]")
    duck, spark = tmp_path / "duckdb" / "report", tmp_path / "spark" / "report"
    # The Spark run analysed the Parquet dataset written from its store.
    assert (tmp_path / "spark" / "parquet" / "_ioscope.json").is_file()
    assert not (tmp_path / "duckdb" / "parquet").exists()
    names = sorted(p.name for p in (duck / "tables").glob("*.parquet"))
    assert sorted(p.name for p in (spark / "tables").glob("*.parquet")) == names
    # Every analysis wrote tables, the two that embed text included.
    assert {"narratives_narratives.parquet", "narratives_post_narratives.parquet",
            "claims_matches.parquet", "claims_claims_summary.parquet"} <= set(names)
    diffs = {}
    for name in names:
        d = table_diff(_read(duck / "tables" / name), _read(spark / "tables" / name),
                       unordered_lists=UNORDERED.get(name, ()))
        if d:
            diffs[name] = d
    assert diffs == {}
    assert sorted(p.name for p in (spark / "graphs").glob("*.gexf")) == \
        sorted(p.name for p in (duck / "graphs").glob("*.gexf"))
    numbers = _numbers(duck / "report.html")
    assert len(numbers) > 20  # store counts, time span and every analysis's summary
    assert _numbers(spark / "report.html") == numbers
