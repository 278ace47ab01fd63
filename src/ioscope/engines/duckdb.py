"""The DuckDB engine (the default): the :class:`ioscope.store.Store` already is it.

``DuckDBStore`` is :class:`ioscope.store.Store` (one DuckDB file, read and written in process).
:class:`ParquetViewStore` is the same read surface over a Parquet dataset (see
:mod:`ioscope.engines.parquet`): an in-memory DuckDB database whose canonical tables are views on the
Parquet files, so a dataset larger than memory is scanned, never loaded. Both satisfy
:class:`ioscope.engines.base.StoreLike`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ioscope.engines.parquet import attach_duckdb_views
from ioscope.errors import StoreError
from ioscope.store import Store

DuckDBStore = Store
"""The default engine's store: :class:`ioscope.store.Store`."""


class ParquetViewStore:
    """A read-only store over a Parquet dataset, run by DuckDB in process.

    ``ParquetViewStore(data_dir, *, memory_limit=None, threads=None)``: ``memory_limit`` is DuckDB's
    setting (e.g. ``"4GB"``; DuckDB spills to ``temp_directory`` beyond it), ``threads`` its thread
    count (default: all cores). ``query``, ``scalar`` and ``counts`` are :class:`Store`'s own; ``con``
    is the DuckDB connection (temporary tables of analyses live in memory or spill). Raises
    StoreError / SchemaVersionError when ``data_dir`` is not a dataset of this schema version.
    """

    read_only = True
    query = Store.query
    scalar = Store.scalar
    counts = Store.counts

    def __init__(self, data_dir: str | Path, *, memory_limit: str | None = None,
                 threads: int | None = None, temp_directory: str | Path | None = None):
        self.path = Path(data_dir)
        config = {}
        if memory_limit:
            config["memory_limit"] = str(memory_limit)
        if threads:
            config["threads"] = int(threads)
        if temp_directory:
            config["temp_directory"] = str(temp_directory)
        try:
            self.con = duckdb.connect(":memory:", config=config)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot start DuckDB: {exc}") from exc
        self.con.execute("SET GLOBAL TimeZone = 'UTC'")
        attach_duckdb_views(self.con, self.path)

    def close(self) -> None:
        """Close the in-memory database (idempotent)."""
        try:
            self.con.close()
        except duckdb.Error:
            pass

    def __enter__(self) -> ParquetViewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_parquet_duckdb(data_dir: str | Path, **options) -> ParquetViewStore:
    """A :class:`ParquetViewStore` over the dataset ``data_dir`` (``options``: memory_limit, threads,
    temp_directory)."""
    return ParquetViewStore(data_dir, **options)
