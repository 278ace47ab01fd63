"""The Spark engine: the analyses' DuckDB SQL, run on Apache Spark (local mode, a cluster, Spark Connect).

:class:`SparkStore` has the surface of :class:`ioscope.store.Store` that analyses use (``query``,
``scalar``, ``counts``, ``con``, ``path``, ``save_result_table``) over a SparkSession; ``con`` is a
:class:`SparkConnection`, a DuckDB-style connection whose ``execute`` runs each DuckDB statement on
Spark. How one statement runs:

1. it is parsed by sqlglot (DuckDB dialect), parameters are bound as literal nodes of the tree, and it
   is rewritten to Spark SQL (:mod:`ioscope.engines.transpile`);
2. it is also run by DuckDB on a *shadow* catalogue: an in-memory DuckDB database holding empty tables
   with the schemas of the canonical tables and of every temporary table made so far. On empty tables
   this costs milliseconds; it checks the statement exactly as the DuckDB engine would (same errors for
   a wrong column or table) and gives the column names and DuckDB types of its result;
3. Spark runs the Spark SQL. ``CREATE [OR REPLACE] TEMP TABLE x AS SELECT`` becomes a temporary view
   over the materialised result (``localCheckpoint`` by default: computed once, lineage cut, as a
   DuckDB temporary table is), with the column names and types of the shadow table; ``INSERT INTO x
   SELECT`` replaces ``x`` by ``x UNION ALL`` the new rows, materialised again; ``DROP TABLE x`` drops
   the view; ``register(name, frame)`` makes a temporary view of a pandas or Arrow frame;
4. a query result comes back to the driver as Arrow (``DataFrame.toArrow``) and is cast to the DuckDB
   types of step 2 by DuckDB, which then makes the pandas frame: ``df()``, ``fetchone()`` and
   ``fetchall()`` return exactly the dtypes and Python types the DuckDB engine returns (times tz-aware
   UTC, lists as numpy arrays, nullable integers as ``Int64``, ...).

Driver relations. Frames an analysis registers and the tables it creates (``CREATE TABLE``, not
temporary: the embedding cache, narrative centroids, claim matches, saved result tables) are small,
derived data; they live on the driver, *with their rows*, in the shadow database. A statement that
reads only driver relations (say, the embedding cache joined with registered text hashes, or c-TF-IDF
over the registered texts of a narrative) runs there, by DuckDB, and Spark never sees it; a statement
that also reads Spark tables (posts joined with a registered frame) gets a Spark copy of each driver
relation it reads, sent once per change. So the steps that are not relational (embeddings,
clustering) run on the driver on reduced tables, as they do on DuckDB, and their outputs join the
posts on Spark. ``INSERT``/``DELETE`` on a driver table run on the driver; the dataset's tables
cannot be written.

Only the results the analyses ask for travel to the driver; tables of posts never do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
from sqlglot import exp

from ioscope.engines import transpile
from ioscope.engines.parquet import (
    ACTOR_ACCOUNTS_SQL, PARTITIONS, canonical_sql_type, extra_tables, read_manifest, table_columns)
from ioscope.errors import ConfigError, StoreError
from ioscope.schema import create_table_sql
from ioscope.store import Store, replace_table

INSTALL_HINT = "pip install 'ioscope[spark]' (and Java 17 or newer: apt-get install default-jre-headless)"

DEFAULT_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
}
"""Settings every ioscope Spark session gets (UTC session time zone, partition values as strings)."""

LOCAL_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
    "spark.pyspark.python": sys.executable,
}
"""Extra settings for ``local[...]`` masters (no web UI, loopback only)."""

MATERIALIZE = ("local_checkpoint", "checkpoint", "cache", "none")

_DUCK_TO_SPARK = {
    "BOOLEAN": "boolean", "TINYINT": "tinyint", "SMALLINT": "smallint", "INTEGER": "int",
    "BIGINT": "bigint", "FLOAT": "float", "DOUBLE": "double", "VARCHAR": "string", "DATE": "date",
    "TIMESTAMP WITH TIME ZONE": "timestamp", "TIMESTAMPTZ": "timestamp", "TIMESTAMP": "timestamp_ntz",
    "BLOB": "binary",
}


def spark_type(duckdb_type: str) -> str | None:
    """The Spark DDL type of a DuckDB type name (None when there is no exact one, e.g. HUGEINT)."""
    t = duckdb_type.upper()
    if t.endswith("[]"):
        inner = spark_type(t[:-2])
        return f"array<{inner}>" if inner else None
    if t.startswith("DECIMAL"):
        return t.lower()
    return _DUCK_TO_SPARK.get(t)


def _import_pyspark():
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError(f"the Spark engine needs pyspark: {INSTALL_HINT}") from exc
    return SparkSession


def java_available() -> bool:
    """True when ``java -version`` runs (local Spark needs a JVM; Spark Connect does not)."""
    java = shutil.which("java")
    if java is None:
        return False
    try:
        return subprocess.run([java, "-version"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


_MASTER = re.compile(r"local(\[(\*|\d+)(,\d+)?\])?|local-cluster\[\d+,\d+,\d+\]|(spark|k8s|mesos|sc)://\S+|yarn")
"""Master URLs Spark accepts (its docs, "Master URLs"), checked before a JVM is started."""


def spark_session(master: str = "local[*]", *, app_name: str = "ioscope",
                  conf: Mapping[str, str] | None = None):
    """A SparkSession for ioscope: ``master`` is a master URL (``local[2]``, ``spark://host:7077``,
    ``yarn``, ...) or a Spark Connect endpoint (``sc://host:15002``). :data:`DEFAULT_CONF` (plus
    :data:`LOCAL_CONF` for local masters) is applied, then ``conf``. Raises ConfigError when pyspark
    is missing, for a master that is not a Spark master URL, without Java (any non-Connect master:
    the driver runs a JVM), and when the session cannot start (the first line of Spark's error)."""
    SparkSession = _import_pyspark()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers use this interpreter (UDFs)
    warnings.filterwarnings("ignore", message=".*does not yet fully support pandas.*")
    builder = SparkSession.builder.appName(app_name)
    settings = dict(DEFAULT_CONF)
    if not _MASTER.fullmatch(master):
        raise ConfigError(f"--master {master!r}: expected local, local[N], local[*], spark://HOST:PORT, "
                          "yarn, k8s://URL, mesos://URL or sc://HOST:PORT (Spark Connect)")
    if master.startswith("sc://"):
        builder = builder.remote(master)
    else:
        if not java_available():  # the driver's JVM, whatever the cluster
            raise ConfigError(f"Spark needs Java 17+ on this machine (`java -version` failed): {INSTALL_HINT}")
        builder = builder.master(master)
        if master.startswith("local"):
            settings.update(LOCAL_CONF)
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # py4j / PySparkRuntimeError: a JVM that would not start or connect
        first = next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)
        raise ConfigError(f"cannot start Spark with master {master!r}: {first[:300]}") from exc
    if not master.startswith("sc://"):
        spark.sparkContext.setLogLevel("ERROR")
    return spark


def _nfc_udf():
    from pyspark.sql.functions import pandas_udf

    @pandas_udf("string")
    def nfc_normalize(s: pd.Series) -> pd.Series:
        return s.map(lambda v: None if v is None else unicodedata.normalize("NFC", v))

    return nfc_normalize


class _Engine:
    """State shared by a store's connection and its cursors: the session, the shadow catalogue, the
    temporary views made so far, and the portability notes seen."""

    def __init__(self, spark, materialize: str, checkpoint_dir: str | None):
        if materialize not in MATERIALIZE:
            raise ConfigError(f"materialize must be one of {MATERIALIZE}, got {materialize!r}")
        self.spark = spark
        self.materialize = materialize
        self.shadow = duckdb.connect(":memory:")
        self.shadow.execute("SET GLOBAL TimeZone = 'UTC'")
        self.conv = duckdb.connect(":memory:")
        self.conv.execute("SET GLOBAL TimeZone = 'UTC'")
        self.views: dict[str, Any] = {}
        self.notes: set[str] = set()
        self.base: set[str] = set()
        self.local: set[str] = set()  # driver tables: data in the shadow database
        self.frames: dict[str, pa.Table] = {}  # registered frames: data in the shadow database
        self.versions: dict[str, int] = {}  # driver relation -> write count
        self.uploaded: dict[str, int] = {}  # driver relation -> version of its Spark view
        if materialize == "checkpoint":
            if not checkpoint_dir:
                raise ConfigError("materialize='checkpoint' needs checkpoint_dir (a reliable path)")
            spark.sparkContext.setCheckpointDir(str(checkpoint_dir))
        spark.udf.register("nfc_normalize", _nfc_udf())

    def on_driver(self, refs: set[str]) -> bool:
        """True when the tables ``refs`` are all driver relations (driver tables, registered frames):
        the statement then runs on the shadow database, by DuckDB, on the driver."""
        return bool(refs) and refs <= (self.local | set(self.frames))

    def touch(self, name: str) -> None:
        """Note a write to the driver relation ``name`` (its Spark copy is then stale)."""
        self.versions[name.lower()] = self.versions.get(name.lower(), 0) + 1

    def sync(self, refs: set[str]) -> None:
        """Give Spark a current temporary view of every driver relation among ``refs``."""
        for name in sorted(refs & (self.local | set(self.frames))):
            version = self.versions.get(name, 0)
            if self.uploaded.get(name) == version and name in self.views:
                continue
            table = self.frames[name] if name in self.frames else \
                self.shadow.sql(f'SELECT * FROM "{name}"').to_arrow_table()
            table = _spark_arrow(table)
            df = self.spark.createDataFrame(table) if table.num_rows else \
                self.spark.createDataFrame([], schema=_ddl_of(self.shadow, name))
            self.put_view(name, df)
            self.uploaded[name] = version

    def list_columns(self) -> frozenset[str]:
        rows = self.shadow.execute(
            "SELECT DISTINCT column_name FROM duckdb_columns() WHERE data_type LIKE '%[]'").fetchall()
        return frozenset(r[0].lower() for r in rows)

    def done(self, df):
        """``df`` materialised as the engine's ``materialize`` setting says."""
        if self.materialize == "local_checkpoint":
            return df.localCheckpoint(eager=True)
        if self.materialize == "checkpoint":
            return df.checkpoint(eager=True)
        if self.materialize == "cache":
            df = df.cache()
            df.count()
        return df

    def put_view(self, name: str, df) -> None:
        self.drop_view(name)
        df.createOrReplaceTempView(name)
        self.views[name.lower()] = df

    def drop_view(self, name: str) -> None:
        old = self.views.pop(name.lower(), None)
        if old is not None:
            self.spark.catalog.dropTempView(name)
            if self.materialize == "cache":
                old.unpersist()


def _spark_arrow(table: pa.Table) -> pa.Table:
    """``table`` with the types Spark lacks (null, large and view strings) as strings."""
    fields = []
    for f in table.schema:
        t = f.type
        if pa.types.is_null(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
            t = pa.string()
        fields.append(pa.field(f.name, t))
    return table.cast(pa.schema(fields))


def _ddl_of(shadow: duckdb.DuckDBPyConnection, name: str) -> str:
    """Spark DDL of the columns of the shadow table or view ``name``."""
    rows = shadow.execute(f'DESCRIBE "{name}"').fetchall()
    parts = []
    for col, t, *_ in rows:
        st = spark_type(t)
        if st is None:
            raise StoreError(f"{name}.{col}: DuckDB type {t} has no Spark equivalent")
        parts.append(f"`{col.replace('`', '``')}` {st}")
    return ", ".join(parts)


def _refs(tree: exp.Expression) -> set[str]:
    """Names (lower case) of the tables and views a statement reads, CTE names left out."""
    ctes = {c.alias.lower() for c in tree.find_all(exp.CTE)}
    return {t.name.lower() for t in tree.find_all(exp.Table) if t.name} - ctes


def _conform(df, names: Sequence[str], duck_types: Sequence[str]):
    """``df`` with the shadow's column names and (where Spark has the same type) its types."""
    from pyspark.sql import functions as F

    if len(df.columns) != len(names):
        raise StoreError(f"Spark returned {len(df.columns)} columns where DuckDB returns {len(names)}: "
                         f"{df.columns} vs {list(names)}")
    lower = [c.lower() for c in df.columns]
    if sorted(lower) == sorted(n.lower() for n in names) and len(set(lower)) == len(lower):
        # Same names: match by name (Spark may order a USING join's columns differently).
        order = [lower.index(n.lower()) for n in names]
    else:  # unnamed expressions: DuckDB and Spark name them differently; match by position
        order = list(range(len(names)))
    df = df.toDF(*[f"_c{i}" for i in range(len(df.columns))])
    cols = []
    for i, name, t in zip(order, names, duck_types, strict=True):
        st = spark_type(t)
        col = F.col(f"_c{i}")
        cols.append((col.cast(st) if st else col).alias(name))
    return df.select(*cols)


class _Result:
    """A query's Spark DataFrame and its DuckDB names and types; fetched once, converted by DuckDB."""

    def __init__(self, engine: _Engine, sdf, names: list[str], types: list[str], spark_sql: str):
        self.engine, self.sdf, self.names, self.types, self.spark_sql = engine, sdf, names, types, spark_sql
        self.cursor: duckdb.DuckDBPyConnection | None = None

    def fetch(self) -> duckdb.DuckDBPyConnection:
        if self.cursor is None:
            try:
                table = self.sdf.toArrow()
            except Exception as exc:  # pyspark raises many classes; name the SQL that failed
                raise StoreError(f"Spark could not run the query: {exc}\n-- Spark SQL:\n{self.spark_sql}") from exc
            lower = [c.lower() for c in table.column_names]
            if (sorted(lower) == sorted(n.lower() for n in self.names)
                    and len(set(lower)) == len(lower)):
                table = table.select([lower.index(n.lower()) for n in self.names])
            table = table.rename_columns([f"c{i}" for i in range(table.num_columns)])
            cur = self.engine.conv.cursor()
            cur.execute("SET TimeZone = 'UTC'")
            cur.register("_ioscope_spark_result", table)
            select = ", ".join(f'CAST(c{i} AS {t}) AS "{n.replace(chr(34), chr(34) * 2)}"'
                               for i, (n, t) in enumerate(zip(self.names, self.types, strict=True)))
            cur.execute(f"SELECT {select} FROM _ioscope_spark_result")
            self.cursor = cur
        return self.cursor


class _CatalogResult:
    """A query answered by the shadow database: one on the catalogue (information_schema,
    duckdb_*()), which holds every table and temporary table of this store with its DuckDB schema,
    or one that reads driver relations only (driver tables, registered frames)."""

    def __init__(self, engine: _Engine, text: str, params):
        table = engine.shadow.sql(text, params=params or None).to_arrow_table()
        self.cursor = engine.conv.cursor()
        self.cursor.register("_ioscope_catalog", table)
        self.cursor.execute("SELECT * FROM _ioscope_catalog")

    def fetch(self) -> duckdb.DuckDBPyConnection:
        return self.cursor


def _is_catalog_query(tree: exp.Expression) -> bool:
    tables = list(tree.find_all(exp.Table))
    return bool(tables) and all(
        t.db.lower() in ("information_schema", "pg_catalog")
        or (isinstance(t.this, exp.Anonymous) and str(t.this.this).lower().startswith("duckdb_"))
        for t in tables)


class SparkConnection:
    """A DuckDB-style connection that runs DuckDB SQL on Spark (see the module docstring).

    ``execute(sql, params=None)`` returns the connection; then ``df()`` / ``fetchdf()``,
    ``fetchone()``, ``fetchall()``, ``arrow()``. ``register(name, frame)`` / ``unregister(name)``,
    ``cursor()`` (shares the session; the temporary tables a cursor makes are dropped by its
    ``close()``, as DuckDB drops a cursor's temporary tables). Statements: queries, ``CREATE [OR
    REPLACE] TEMP TABLE|VIEW ... AS``, ``CREATE TEMP TABLE x (columns)``, ``INSERT INTO temp SELECT``,
    ``DROP TABLE|VIEW``; ``CREATE TABLE``, ``INSERT`` and ``DELETE`` on driver tables (from driver
    data only); ``sql(query, params)`` and ``executemany`` as DuckDB's; ``SET``/transaction statements
    are accepted and ignored; anything that would write a dataset table raises StoreError (the
    dataset is read-only).
    """

    def __init__(self, engine: _Engine):
        self._engine = engine
        self._result: _Result | _CatalogResult | None = None
        self._made: set[str] = set()

    # -- DuckDB connection surface ----------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> SparkConnection:
        """Run one or more DuckDB statements on Spark; the last query's result is fetched next."""
        trees = transpile.parse(sql)
        self._result = None
        for tree in trees:
            text = sql if len(trees) == 1 else tree.sql(dialect="duckdb")
            self._run(tree, text, params)
        return self

    def sql(self, query: str,
            params: Sequence[Any] | Mapping[str, Any] | None = None) -> SparkConnection:
        """DuckDB's ``con.sql(query, params=...)``: :meth:`execute`; fetch with ``df()``,
        ``fetchall()`` or ``to_arrow_table()``."""
        return self.execute(query, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> SparkConnection:
        """Run one statement once per parameter row (writes to driver tables: by DuckDB at once)."""
        trees = transpile.parse(sql)
        eng = self._engine
        if (len(trees) == 1 and isinstance(trees[0], exp.Insert)
                and trees[0].this.name.lower() in eng.local):
            eng.shadow.executemany(sql, rows)
            eng.touch(trees[0].this.name)
            return self
        for row in rows:
            self.execute(sql, row)
        return self

    def df(self) -> pd.DataFrame:
        """The result as a pandas DataFrame (the DuckDB engine's dtypes)."""
        return self._need().fetch().df()

    fetchdf = fetch_df = df

    def fetchone(self) -> tuple | None:
        """The next row of the result as a tuple (None when no row is left)."""
        return self._need().fetch().fetchone()

    def fetchall(self) -> list[tuple]:
        """The remaining rows of the result as tuples."""
        return self._need().fetch().fetchall()

    def arrow(self) -> pa.Table:
        """The result as a pyarrow Table (DuckDB's types)."""
        return self._need().fetch().to_arrow_table()

    fetch_arrow_table = to_arrow_table = arrow

    def register(self, name: str, frame: Any) -> SparkConnection:
        """Make a pandas DataFrame or pyarrow Table available to SQL as ``name``."""
        if isinstance(frame, pd.DataFrame) and frame.attrs:  # attrs are not Arrow metadata
            frame = frame.copy(deep=False)
            frame.attrs = {}
        table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
        table = _spark_arrow(table)  # Spark has no null or large types: strings for both
        eng = self._engine
        eng.drop_view(name)
        eng.shadow.register(name, table)
        eng.frames[name.lower()] = table  # sent to Spark when a Spark statement reads it
        eng.touch(name)
        self._made.add(name.lower())
        return self

    def unregister(self, name: str) -> SparkConnection:
        """Forget a frame made available by :meth:`register`."""
        self._engine.shadow.unregister(name)
        self._engine.drop_view(name)
        self._engine.frames.pop(name.lower(), None)
        self._made.discard(name.lower())
        return self

    def cursor(self) -> SparkConnection:
        """A new connection on the same session and catalogue."""
        return SparkConnection(self._engine)

    def close(self) -> None:
        """Drop the temporary tables and views this connection made."""
        for name in sorted(self._made):
            self._engine.drop_view(name)
            self._engine.frames.pop(name, None)
            try:
                self._engine.shadow.execute(f'DROP VIEW IF EXISTS "{name}"')
                self._engine.shadow.execute(f'DROP TABLE IF EXISTS "{name}"')
            except duckdb.Error:
                self._engine.shadow.unregister(name)
        self._made.clear()

    # -- statements -------------------------------------------------------------------------------

    def _need(self) -> _Result | _CatalogResult:
        if self._result is None:
            raise StoreError("no query result to fetch: the last statement was not a query")
        return self._result

    def _spark_sql(self, tree: exp.Expression, params) -> str:
        eng = self._engine
        bound = transpile.bind_params(tree, params)
        for note in transpile.portability_notes(bound):
            if note not in eng.notes:
                eng.notes.add(note)
                warnings.warn(f"Spark engine: {note}", stacklevel=4)
        return transpile.rewrite(bound, eng.list_columns()).sql(dialect="spark")

    def _sql(self, text: str):
        try:
            return self._engine.spark.sql(text)
        except Exception as exc:
            raise StoreError(f"Spark could not run the transpiled SQL: {exc}\n-- Spark SQL:\n{text}") from exc

    def _ddl_of(self, name: str) -> str:
        return _ddl_of(self._engine.shadow, name)

    def _run(self, tree: exp.Expression, text: str, params) -> None:
        eng = self._engine
        shadow_params = params if params is not None else []
        if isinstance(tree, exp.Query) and _is_catalog_query(tree):
            self._result = _CatalogResult(eng, text, shadow_params)
        elif isinstance(tree, (exp.Query, exp.Values)) and eng.on_driver(_refs(tree)):
            self._result = _CatalogResult(eng, text, shadow_params)
        elif isinstance(tree, (exp.Query,)) or isinstance(tree, exp.Values):
            rel = eng.shadow.sql(text, params=shadow_params or None)
            eng.sync(_refs(tree))
            spark_sql = self._spark_sql(tree, params)
            self._result = _Result(eng, self._sql(spark_sql), list(rel.columns),
                                   [str(t) for t in rel.types], spark_sql)
        elif isinstance(tree, exp.Create):
            self._create(tree, text, params, shadow_params)
        elif isinstance(tree, exp.Insert):
            self._insert(tree, text, params, shadow_params)
        elif isinstance(tree, exp.Drop):
            self._drop(tree, text)
        elif isinstance(tree, exp.Delete) and tree.this.name.lower() in eng.local:
            eng.shadow.execute(text, shadow_params)
            eng.touch(tree.this.name)
        elif isinstance(tree, (exp.Set, exp.Transaction, exp.Commit, exp.Rollback)):
            return
        else:
            raise StoreError(f"the Spark store is read-only and runs queries and temporary tables only; "
                             f"cannot run: {text.strip()[:200]}")

    def _temp_name(self, tree: exp.Expression) -> str:
        table = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        name = table.name
        if name.lower() in self._engine.base:
            raise StoreError(f"the Spark store is read-only: cannot write the canonical table {name}")
        return name

    def _create(self, tree: exp.Create, text: str, params, shadow_params) -> None:
        eng = self._engine
        kind = str(tree.args.get("kind") or "").upper()
        temporary = any(isinstance(p, exp.TemporaryProperty)
                        for p in (tree.args.get("properties") or exp.Properties()).expressions)
        if kind == "TABLE" and not temporary:
            self._create_driver_table(tree, text, shadow_params)
            return
        if kind not in ("TABLE", "VIEW"):
            raise StoreError(f"the Spark store runs CREATE [TEMP] TABLE and CREATE TEMP VIEW only, not: "
                             f"{text.strip()[:200]}")
        if not temporary:
            raise StoreError(f"the Spark store makes temporary views only, not: {text.strip()[:200]}")
        name = self._temp_name(tree)
        eng.shadow.execute(text, shadow_params)
        query = tree.expression
        if query is not None:
            eng.sync(_refs(query))
        if query is None:  # CREATE TEMP TABLE x (columns)
            df = eng.spark.createDataFrame([], schema=self._ddl_of(name))
        else:
            described = eng.shadow.execute(f'DESCRIBE "{name}"').fetchall()
            df = self._sql(self._spark_sql(query, params))
            df = _conform(df, [r[0] for r in described], [r[1] for r in described])
            if kind == "TABLE":
                df = eng.done(df)
        eng.put_view(name, df)
        self._made.add(name.lower())

    def _create_driver_table(self, tree: exp.Create, text: str, shadow_params) -> None:
        """``CREATE [OR REPLACE] TABLE [IF NOT EXISTS] x ...`` (not temporary): a driver table, kept
        by DuckDB in the shadow database (see :class:`SparkStore`)."""
        eng = self._engine
        table = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        name = table.name
        if name.lower() in eng.base:
            if tree.args.get("exists"):
                return  # CREATE TABLE IF NOT EXISTS on a dataset table: it exists
            raise StoreError(f"the Spark store cannot replace the dataset table {name}")
        query = tree.expression
        if query is not None and _refs(query) and not eng.on_driver(_refs(query)):
            raise StoreError(f"{name}: a table of the Spark store is made from driver data (registered "
                             f"frames, other such tables) only; use CREATE TEMP TABLE for Spark data")
        eng.shadow.execute(text, shadow_params)
        eng.local.add(name.lower())
        eng.touch(name)

    def _insert(self, tree: exp.Insert, text: str, params, shadow_params) -> None:
        eng = self._engine
        target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        if target.name.lower() in eng.local:
            refs = _refs(tree.expression) if tree.expression is not None else set()
            if refs and not eng.on_driver(refs):
                raise StoreError(f"INSERT INTO {target.name}: a driver table takes rows from driver "
                                 "data (registered frames, other driver tables) only")
            eng.shadow.execute(text, shadow_params)
            eng.touch(target.name)
            return
        if isinstance(tree.this, exp.Schema):
            raise StoreError("INSERT INTO t (columns) is not supported on Spark; insert every column")
        name = self._temp_name(tree)
        if name.lower() not in eng.views:
            raise StoreError(f"INSERT INTO {name}: not a temporary table of this session")
        eng.shadow.execute(text, shadow_params)
        described = eng.shadow.execute(f'DESCRIBE "{name}"').fetchall()
        eng.sync(_refs(tree.expression))
        new = _conform(self._sql(self._spark_sql(tree.expression, params)),
                       [r[0] for r in described], [r[1] for r in described])
        old = eng.views[name.lower()]
        eng.put_view(name, eng.done(old.unionByName(new)))

    def _drop(self, tree: exp.Drop, text: str) -> None:
        eng = self._engine
        tables = tree.args.get("tables") or [tree.this]
        names = [t.name for t in tables if t is not None]
        for name in names:
            if name.lower() in eng.base:
                raise StoreError(f"the Spark store is read-only: cannot drop {name}")
        eng.shadow.execute(text)
        for name in names:
            eng.drop_view(name)
            eng.local.discard(name.lower())
            eng.uploaded.pop(name.lower(), None)
            self._made.discard(name.lower())


class SparkStore:
    """The surface of :class:`ioscope.store.Store` that analyses use, run by Spark.

    The dataset's tables are read-only; an analysis's derived tables (embedding cache, narrative
    centroids, claim matches, result tables saved by :meth:`save_result_table`) are driver tables kept
    for the store's lifetime (module docstring), so ``read_only`` is False and analyses keep and
    reuse them as on a DuckDB store (e.g. claims reuses the vectors narratives embedded).

    ``SparkStore(spark, tables, *, path=None, materialize="local_checkpoint", checkpoint_dir=None,
    driver_tables=None)``: ``tables`` maps each canonical table name (posts, accounts, actors,
    actor_accounts, quarantine, ingests) to a Spark DataFrame with its canonical columns; they become
    temporary views of those names. ``driver_tables`` maps other table names (claims, domain labels,
    an embedding cache) to Arrow tables that become driver tables. ``materialize``: how a temporary
    table of an analysis is kept — ``local_checkpoint`` (default: executors' memory/disk, lineage
    cut; lost with an executor), ``checkpoint`` (reliable
    storage under ``checkpoint_dir``, e.g. HDFS/S3/DBFS: use on clusters with preemptible
    executors), ``cache`` or ``none`` (recomputed on each use). Usually made by :meth:`from_parquet`.
    ``query``, ``scalar`` and ``counts`` are the Store's own methods over :attr:`con`.
    """

    read_only = False
    query = Store.query
    scalar = Store.scalar
    counts = Store.counts

    def replace_rows(self, table: str, rows: pd.DataFrame | pa.Table, where: str,
                     params: Sequence[Any] = ()) -> int:
        """Delete the rows of the driver table ``table`` matching ``where`` (with ``params``) and
        insert ``rows`` (its columns, in order), as :meth:`ioscope.store.Store.replace_rows` does in
        a DuckDB store. Returns the rows inserted."""
        frame = rows.to_pandas() if isinstance(rows, pa.Table) else rows
        self.con.execute(f"DELETE FROM {table} WHERE {where}", list(params))
        self.con.register("_ioscope_rows", frame)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _ioscope_rows")
        finally:
            self.con.unregister("_ioscope_rows")
        return len(frame)

    def save_result_table(self, name: str, frame: pd.DataFrame) -> None:
        """Keep an analysis result table as the driver table ``name`` (replacing it), as
        :meth:`ioscope.store.Store.save_result_table` does in a DuckDB store; later analyses read it
        (Spark gets a copy when a Spark statement does). Raises StoreError for a name that is not a
        plain identifier or is a dataset table."""
        replace_table(self.con, name, frame)

    def __init__(self, spark, tables: Mapping[str, Any], *, path: str | Path | None = None,
                 materialize: str = "local_checkpoint", checkpoint_dir: str | None = None,
                 owns_session: bool = False, extra: Mapping[str, Sequence] | None = None,
                 driver_tables: Mapping[str, pa.Table] | None = None):
        self.spark = spark
        self.path = Path(path) if path is not None else Path("spark")
        self._owns_session = owns_session
        spark.conf.set("spark.sql.session.timeZone", "UTC")
        self._engine = _Engine(spark, materialize, checkpoint_dir)
        eng = self._engine
        for table in PARTITIONS:
            if table == "actor_accounts":
                eng.shadow.execute(f"CREATE TABLE actor_accounts ({ACTOR_ACCOUNTS_SQL})")
            else:
                eng.shadow.execute(create_table_sql(table).replace(" NOT NULL", ""))
        for name, columns in (extra or {}).items():  # other store tables (e.g. domain labels)
            cols = ", ".join(f'"{c}" {t}' for c, t in columns)
            eng.shadow.execute(f'CREATE TABLE "{name}" ({cols})')
        for name, table in (driver_tables or {}).items():  # with their rows, on the driver
            eng.shadow.register("_ioscope_driver", table)
            eng.shadow.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _ioscope_driver')
            eng.shadow.unregister("_ioscope_driver")
            eng.local.add(name.lower())
            eng.touch(name)
        missing = [t for t in PARTITIONS if t not in tables]
        if missing:
            raise StoreError(f"Spark store: missing canonical table(s) {', '.join(missing)}")
        self._tables = dict(tables)
        for table in tables:
            tables[table].createOrReplaceTempView(table)
            eng.base.add(table.lower())
        self.con = SparkConnection(eng)

    @classmethod
    def from_parquet(cls, data_dir: str | Path, master: str = "local[*]", *, spark=None,
                     conf: Mapping[str, str] | None = None, cache_tables: bool = False,
                     **options) -> SparkStore:
        """A SparkStore over the Parquet dataset ``data_dir`` (see :mod:`ioscope.engines.parquet`);
        ``data_dir`` may be any path Spark reads (``s3a://``, ``dbfs:/``, ``abfss://``, ...; the
        manifest is then not checked). A session is made with :func:`spark_session` (``master``,
        ``conf``) unless ``spark`` is given; a session started here is stopped by :meth:`close` (one that
        was already active is reused and left running).
        ``cache_tables``: cache the canonical tables in executor memory (worth it when they fit, as
        every analysis scans posts several times). ``options``: materialize, checkpoint_dir. Raises StoreError / SchemaVersionError for a
        directory that is not a dataset of this schema version, ConfigError without pyspark/Java."""
        local = "://" not in str(data_dir) and not str(data_dir).startswith("dbfs:")
        driver = read_extra_tables(data_dir) if local else {}
        if spark is None:  # stop it at close() unless it was already running (a notebook's, a test's)
            owns = _import_pyspark().getActiveSession() is None
            spark = spark_session(master, conf=conf)
        else:
            owns = False
        spark.conf.set("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        base = str(data_dir).rstrip("/")
        tables = {t: _read_table(spark, f"{base}/{t}", t) for t in PARTITIONS}
        if cache_tables:
            tables = {t: df.cache() for t, df in tables.items()}
        return cls(spark, tables, path=data_dir, owns_session=owns, driver_tables=driver, **options)

    def close(self) -> None:
        """Drop this store's views; stop the session if this store made it (idempotent)."""
        eng = getattr(self, "_engine", None)
        if eng is None:
            return
        self.con.close()
        for name in list(eng.views):
            eng.drop_view(name)
        for table in eng.base:
            self.spark.catalog.dropTempView(table)
        for df in self._tables.values():
            df.unpersist()
        eng.shadow.close()
        eng.conv.close()
        self._engine = None
        if self._owns_session:
            self.spark.stop()

    def __enter__(self) -> SparkStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_extra_tables(data_dir: str | Path) -> dict[str, pa.Table]:
    """The dataset's non-canonical tables (imported claims, domain labels, and any derived table of a
    DuckDB run: embedding cache, result tables), read by DuckDB with their manifest types. They become
    driver tables of a :class:`SparkStore` (small data, used by the driver-side steps)."""
    con = duckdb.connect(":memory:")
    con.execute("SET GLOBAL TimeZone = 'UTC'")
    try:
        out = {}
        for name, columns in extra_tables(read_manifest(data_dir)).items():
            cols = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in columns)
            path = str(Path(data_dir) / name / "data_0.parquet").replace("'", "''")
            out[name] = con.sql(f"SELECT {cols} FROM read_parquet('{path}')").to_arrow_table()
        return out
    finally:
        con.close()


def _read_table(spark, path: str, table: str):
    """One dataset table as a Spark DataFrame with the canonical columns, order and types."""
    from pyspark.sql import functions as F

    df = spark.read.option("basePath", path).parquet(path)
    cols = []
    for c in table_columns(table):
        st = spark_type(canonical_sql_type(table, c))
        cols.append(F.col(c).cast(st).alias(c))
    return df.select(*cols)


__all__ = ["DEFAULT_CONF", "LOCAL_CONF", "SparkConnection", "SparkStore", "java_available",
           "read_extra_tables", "spark_session", "spark_type"]

