"""The canonical tables as a Parquet dataset, readable and writable by DuckDB and by Spark.

Layout of a dataset directory ``DIR`` (written by :func:`write_parquet`)::

    DIR/_ioscope.json                         manifest: schema_version, tables, row counts, written_at
    DIR/posts/platform=twitter/month=2020-03/data_0.parquet    posts, partitioned by platform and
                                                               month (UTC ``YYYY-MM`` of created_at;
                                                               ``undated`` when created_at is NULL)
    DIR/accounts/platform=twitter/data_0.parquet               accounts, partitioned by platform
    DIR/actors/data_0.parquet, DIR/actor_accounts/..., DIR/quarantine/..., DIR/ingests/...

Hive-style partition folders are understood by both engines (DuckDB ``hive_partitioning``, Spark's
partition discovery). Partition values are read back as strings (type inference off) and the
``month`` column, which only exists for partition pruning, is dropped: every reader sees exactly the
canonical columns of :mod:`ioscope.schema`, in order, with their canonical types (times are
``TIMESTAMP WITH TIME ZONE`` in Parquet, ``isAdjustedToUTC=true``).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb

from ioscope._version import __version__
from ioscope.errors import SchemaVersionError, StoreError
from ioscope.schema import SCHEMA_VERSION, TABLES, column_names

MANIFEST = "_ioscope.json"

ACTOR_ACCOUNTS_COLUMNS = ("platform", "account_id", "handle", "actor_name", "country", "actor_type",
                          "overt", "actor_source")
"""Columns of the derived ``actor_accounts`` table (see :mod:`ioscope.store`)."""

ACTOR_ACCOUNTS_SQL = ("platform VARCHAR, account_id VARCHAR, handle VARCHAR, actor_name VARCHAR, "
                      "country VARCHAR, actor_type VARCHAR, overt BOOLEAN, actor_source VARCHAR")

PARTITIONS: dict[str, tuple[str, ...]] = {
    "posts": ("platform", "month"),
    "accounts": ("platform",),
    "actors": (),
    "actor_accounts": (),
    "quarantine": (),
    "ingests": (),
}
"""Table -> its partition columns in the dataset."""

_MONTH = "coalesce(strftime(created_at, '%Y-%m'), 'undated') AS month"


def table_columns(table: str) -> list[str]:
    """Canonical column names of a dataset table (``actor_accounts`` included)."""
    return list(ACTOR_ACCOUNTS_COLUMNS) if table == "actor_accounts" else column_names(table)


def _sql_string(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def write_parquet(store: Any, out_dir: str | Path, *, overwrite: bool = False,
                  row_group_size: int = 122_880) -> dict[str, int]:
    """Write the canonical tables of a DuckDB ``store`` (an :class:`ioscope.store.Store` or anything
    with a DuckDB ``con``) to the dataset ``out_dir`` (layout in the module docstring).

    Returns the row count per table. Raises StoreError when ``out_dir`` exists and is not empty and
    ``overwrite`` is false, and always when it is not empty and is not an ioscope dataset (no
    ``_ioscope.json``): ``overwrite=True`` replaces an earlier dataset, never a folder of other
    files. Uses DuckDB's ``COPY ... TO ...
    (FORMAT parquet, PARTITION_BY (...))``: streaming, multi-threaded, bounded memory.
    """
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        if not (out / MANIFEST).is_file():
            raise StoreError(f"{out}: not empty and not an ioscope Parquet dataset (no {MANIFEST}); "
                             "refusing to replace it: choose a new or empty folder")
        if not overwrite:
            raise StoreError(f"{out}: an ioscope Parquet dataset already; pass overwrite=True to "
                             "replace it")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    con = store.con
    con.execute("SET TimeZone = 'UTC'")
    counts: dict[str, int] = {}
    for table, parts in PARTITIONS.items():
        cols = ", ".join(table_columns(table))
        select = f"SELECT {cols}, {_MONTH} FROM {table}" if "month" in parts else f"SELECT {cols} FROM {table}"
        target = out / table
        counts[table] = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        options = f"FORMAT parquet, ROW_GROUP_SIZE {int(row_group_size)}"
        if parts and counts[table]:
            options += f", PARTITION_BY ({', '.join(parts)}), OVERWRITE_OR_IGNORE"
            con.execute(f"COPY ({select}) TO {_sql_string(str(target))} ({options})")
        else:  # a single file; an empty table still gets one (with its schema)
            target.mkdir(parents=True, exist_ok=True)
            con.execute(f"COPY ({select}) TO {_sql_string(str(target / 'data_0.parquet'))} ({options})")
    extra: dict[str, list[list[str]]] = {}
    for (name,) in con.execute(
            """SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary
               AND database_name = current_database() ORDER BY 1""").fetchall():
        if name in PARTITIONS or name == "meta":
            continue
        # Other tables of the store (e.g. domain labels written by an analysis's import command)
        # travel as single files, with their DuckDB column types in the manifest.
        described = con.execute(f'DESCRIBE "{name}"').fetchall()
        extra[name] = [[c, t] for c, t, *_ in described]
        counts[name] = int(con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
        (out / name).mkdir(parents=True, exist_ok=True)
        con.execute(f'COPY (SELECT * FROM "{name}") TO {_sql_string(str(out / name / "data_0.parquet"))} '
                    "(FORMAT parquet)")
    manifest = {
        "schema_version": SCHEMA_VERSION, "extra_tables": extra, "written_by": f"ioscope {__version__}",
        "written_at": dt.datetime.now(dt.timezone.utc).isoformat(), "tables": counts,
        "partitions": {t: list(p) for t, p in PARTITIONS.items()},
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return counts


def read_manifest(data_dir: str | Path) -> dict[str, Any]:
    """The manifest of a dataset. Raises StoreError when absent or unreadable, SchemaVersionError when
    the dataset was written with another schema version."""
    path = Path(data_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{data_dir}: not an ioscope Parquet dataset ({exc}); write one with "
                         "`ioscope ingest --to-parquet DIR`") from exc
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise SchemaVersionError(f"{data_dir}: schema version {manifest.get('schema_version')}, this "
                                 f"ioscope reads version {SCHEMA_VERSION}")
    return manifest


def extra_tables(manifest: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Non-canonical store tables in a dataset: name -> [(column, DuckDB type), ...]."""
    return {n: [(c, t) for c, t in cols] for n, cols in (manifest.get("extra_tables") or {}).items()}


def table_glob(data_dir: str | Path, table: str) -> str:
    """The glob of a table's Parquet files (``DIR/posts/**/*.parquet``)."""
    return str(Path(data_dir) / table / "**" / "*.parquet")


def canonical_sql_type(table: str, column: str) -> str:
    """DuckDB type of a canonical column (without NOT NULL)."""
    if table == "actor_accounts":
        types = dict(part.split(" ", 1) for part in ACTOR_ACCOUNTS_SQL.split(", "))
        return types[column]
    return {c.name: c.sql.replace(" NOT NULL", "") for c in TABLES[table]}[column]


def attach_duckdb_views(con: duckdb.DuckDBPyConnection, data_dir: str | Path) -> None:
    """Create one DuckDB view per dataset table on ``con`` (canonical columns, types and order)."""
    manifest = read_manifest(data_dir)
    for name, columns in extra_tables(manifest).items():
        cols = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in columns)
        path = _sql_string(str(Path(data_dir) / name / "data_0.parquet"))
        con.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT {cols} FROM read_parquet({path})')
    for table, parts in PARTITIONS.items():
        cols = ", ".join(f"CAST({c} AS {canonical_sql_type(table, c)}) AS {c}"
                         for c in table_columns(table))
        hive = "true" if parts else "false"
        con.execute(
            f"""CREATE OR REPLACE VIEW {table} AS SELECT {cols}
                FROM read_parquet({_sql_string(table_glob(data_dir, table))},
                                  hive_partitioning = {hive}, hive_types_autocast = false,
                                  union_by_name = true)"""
        )
