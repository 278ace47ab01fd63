"""Where the relational work runs: DuckDB (default, in process) or Apache Spark (a cluster).

The analyses are written once, in DuckDB SQL, against the small surface of
:class:`ioscope.engines.base.StoreLike`. The DuckDB engine runs that SQL as it is; the Spark engine
transpiles each statement with sqlglot (:mod:`ioscope.engines.transpile`) and runs it on a SparkSession
(:mod:`ioscope.engines.spark`). Data at scale lives as a Parquet dataset partitioned by platform and
month (:mod:`ioscope.engines.parquet`), readable by both. pyspark is imported only when the Spark
engine is used (``pip install 'ioscope[spark]'``). See docs/scale.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ioscope.engines.base import Connection, StoreLike
from ioscope.engines.parquet import read_manifest, write_parquet
from ioscope.errors import ConfigError

ENGINES = ("duckdb", "spark")
"""Engine names accepted by :func:`open_parquet`."""

__all__ = ["ENGINES", "Connection", "StoreLike", "open_parquet", "read_manifest", "report_parquet",
           "write_parquet"]


def open_parquet(data_dir: str | Path, engine: str = "duckdb", *, master: str = "local[*]",
                 conf: Mapping[str, str] | None = None, **options: Any) -> StoreLike:
    """A read-only store over the Parquet dataset ``data_dir`` run by ``engine``.

    ``duckdb``: :class:`ioscope.engines.duckdb.ParquetViewStore` (``options``: memory_limit, threads,
    temp_directory). ``spark``: :meth:`ioscope.engines.spark.SparkStore.from_parquet` with ``master``
    (``local[*]``, a master URL or ``sc://`` Spark Connect endpoint) and ``conf`` (``options``:
    materialize, checkpoint_dir, cache_tables). Use as a context manager. Raises ConfigError for an
    unknown engine or a missing pyspark/Java, StoreError / SchemaVersionError for a bad dataset.
    """
    if engine == "duckdb":
        from ioscope.engines.duckdb import ParquetViewStore

        return ParquetViewStore(data_dir, **options)
    if engine == "spark":
        from ioscope.engines.spark import SparkStore

        return SparkStore.from_parquet(data_dir, master, conf=conf, **options)
    raise ConfigError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")


def report_parquet(data_dir: str | Path, out: str | Path, *, engine: str = "spark",
                   master: str = "local[*]", conf: Mapping[str, str] | None = None,
                   title: str = "ioscope report", params: dict[str, dict] | None = None,
                   ingest_report: Any = None, **options: Any):
    """Run every registered analysis on the dataset ``data_dir`` with ``engine`` and write the report,
    ``out/tables/*.parquet`` and ``out/graphs/*.gexf`` (:func:`ioscope.pipeline.report_store`;
    ``params``: per-analysis keyword parameters, ``ingest_report``: shown in the report). Returns the
    pipeline's Outcome. Raises as :func:`open_parquet`."""
    from ioscope.pipeline import report_store

    with open_parquet(data_dir, engine, master=master, conf=conf, **options) as store:
        return report_store(store, out, title=title, params=params, ingest_report=ingest_report)
