"""The surface through which analyses talk to a store, whatever engine runs the SQL.

Analyses are written against this surface only (DuckDB SQL text in, pandas out), so the same code runs
on the DuckDB engine (:class:`ioscope.store.Store`, :class:`ioscope.engines.duckdb.ParquetViewStore`)
and on Spark (:class:`ioscope.engines.spark.SparkStore`). What an analysis may use:

* ``store.query(sql, params) -> DataFrame`` and ``store.scalar(sql, params)``;
* ``store.con``, used DuckDB-style: ``con.execute(sql, params)`` then ``.df()`` / ``.fetchone()`` /
  ``.fetchall()``; ``con.register(name, pandas_or_arrow)`` / ``con.unregister(name)``;
  ``con.cursor()`` / ``cursor.close()``; DDL ``CREATE OR REPLACE TEMP TABLE x AS SELECT ...``,
  ``CREATE TEMP TABLE x (columns)``, ``INSERT INTO x SELECT ...`` (x temporary), ``DROP TABLE x``;
* ``store.counts()``, ``store.path``, ``store.read_only``.

SQL is DuckDB SQL with ``$name`` (or ``?``) parameters. To stay portable (see docs/scale.md): no
Python UDFs, no correlated subqueries outside WHERE/SELECT, no ``hash()``/``random()`` whose values
matter, ``regexp_replace(..., 'g')`` or anchored patterns, ``list(... ORDER BY ...)`` with one sort
direction. Parameters: str, int, float, bool, None, date, datetime, or lists of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pandas as pd

Params = Sequence[Any] | Mapping[str, Any] | None


@runtime_checkable
class Connection(Protocol):
    """A DuckDB-style connection: ``execute`` returns the connection, then the result is fetched."""

    def execute(self, sql: str, params: Params = None) -> Connection:
        """Run DuckDB SQL (one or more statements) with ``$name`` / ``?`` parameters."""

    def df(self) -> pd.DataFrame:
        """The last query's result as a DataFrame (times tz-aware UTC)."""

    def fetchone(self) -> tuple | None:
        """The next row of the last query's result (None when none is left)."""

    def fetchall(self) -> list[tuple]:
        """The remaining rows of the last query's result."""

    def register(self, name: str, frame: Any) -> Any:
        """Make a pandas DataFrame or pyarrow Table queryable as ``name``."""

    def unregister(self, name: str) -> Any:
        """Forget a registered frame."""

    def cursor(self) -> Connection:
        """A second connection to the same data (its temporary tables are its own)."""

    def close(self) -> None:
        """Close (a cursor's temporary tables are dropped)."""


@runtime_checkable
class StoreLike(Protocol):
    """What an analysis's ``run(store)`` may rely on (see the module docstring)."""

    con: Any
    path: Path
    read_only: bool

    def query(self, sql: str, params: Params = None) -> pd.DataFrame:
        """Run a query; a DataFrame with times tz-aware UTC."""

    def scalar(self, sql: str, params: Params = None) -> Any:
        """First column of the first row, or None."""

    def counts(self) -> dict[str, int]:
        """Row counts of the canonical tables (see :meth:`ioscope.store.Store.counts`)."""

    def save_result_table(self, name: str, frame: pd.DataFrame) -> None:
        """Keep an analysis result table as ``name`` (replacing it)."""

    def replace_rows(self, table: str, rows: Any, where: str, params: Sequence[Any] = ()) -> int:
        """Replace the rows of ``table`` matching ``where`` with ``rows``; returns rows inserted."""
