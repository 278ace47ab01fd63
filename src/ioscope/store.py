"""The embedded DuckDB store: open, migrate, append, deduplicate, quarantine, query.

One DuckDB file (default ``./ioscope.duckdb``) holds the canonical tables of :mod:`ioscope.schema`.

Write rules (what a user can rely on):

* **One transaction per input file.** A file's rows are merged batch by batch (so memory stays flat in
  file size) inside one transaction; an error, a crash or Ctrl-C before the commit leaves the store
  exactly as it was before that file. The uncommitted rows beyond DuckDB's memory limit
  (:data:`INGEST_MEMORY_LIMIT`) are spilled, uncompressed, to DuckDB's temporary directory
  (``<store>.tmp``) until the commit: about 1.1 GB per million v1.1 tweets (``bench/ingest.py``).
* **Idempotent.** The key of a post is (platform, post_id). A post already stored is not stored again:
  the *first* stored copy and its provenance are kept, with one exception: a post stored only as
  context (seen embedded in another post, ``collected=false``) is replaced by a collected copy when one
  arrives. Quarantined records are keyed by (source_file, source_line, reason). Ingesting the same file
  twice therefore adds nothing.
* **Accounts** keep the profile as last seen (the copy attached to the latest post).
* A post whose ID lost precision upstream (flag ``post_id_lost_precision``) is never used to
  deduplicate: its key gets a suffix from the file's SHA-256 and its line, so it stays one row per input
  record and re-ingesting the same file still adds nothing.

Derived table ``actor_accounts`` (platform, account_id, handle, actor_name, country, actor_type, overt,
actor_source) resolves the analyst's ``actors`` registry to account IDs seen in the data, matching by
account ID first, then by handle (case-insensitive, without ``@``). It is rebuilt after every ingest
and every actor load.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from ioscope._version import __version__
from ioscope.errors import SchemaVersionError, StoreError
from ioscope.schema import SCHEMA_VERSION, TABLES, arrow_schema, column_names, create_table_sql

DEFAULT_DB = "ioscope.duckdb"

LOST_PRECISION_FLAG = "post_id_lost_precision"

INGEST_MEMORY_LIMIT = "192MB"
"""DuckDB's memory limit while a file is ingested (see :meth:`Store.begin_file`): the uncommitted rows
of a file beyond it are written out, so an ingest's memory does not grow with the file. (Measured with
``bench/ingest.py``: DuckDB reports ~173 MB; the rest of the process, ~250 MB, is the interpreter, its
imports and one batch.)"""


def lock_conflict_message(path: str | Path, duckdb_message: str) -> str:
    """The StoreError message for a store another process holds: DuckDB's ``Could not set lock on
    file ...`` (``duckdb_message``) in plain words, keeping the holder's PID when the message names it
    (``(PID 1234)``). A process writing a store (``ioscope ingest``, a read-write notebook) excludes
    every other; one reading it (``ioscope serve``) excludes writers."""
    pid = re.search(r"\bPID (\d+)", duckdb_message)
    holder = f" (PID {pid.group(1)})" if pid else ""
    return (f"{path}: the store is open in another process{holder}, such as `ioscope serve` or a "
            "notebook; DuckDB lets no other process write a store while it is open, nor open it "
            "while it is being written. Stop that process, or work on a copy of the store.")


@dataclass
class MergeCounts:
    """What merging one file changed: collected posts newly stored, duplicates, new context posts,
    records quarantined (new or already known)."""

    n_stored: int = 0
    n_duplicate: int = 0
    n_context: int = 0
    n_quarantined: int = 0


class Store:
    """An ioscope store in one DuckDB file.

    ``Store(path=DEFAULT_DB, read_only=False, create=True)``. Opening creates the tables if missing and
    checks the schema version; ``create=False`` (the analyses and reports: a mistyped ``--db`` must not
    leave an empty store behind and report nothing) and ``read_only=True`` need the file to exist.
    Raises StoreError when the file is missing (then) or cannot be opened — among them when another
    process holds it (DuckDB's file lock: ``ioscope serve``, a notebook; the message names that
    process's PID when DuckDB gives it, :func:`lock_conflict_message`) — SchemaVersionError when it
    was written by an incompatible schema. Use as a context manager or call :meth:`close`.
    """

    def __init__(self, path: str | Path = DEFAULT_DB, *, read_only: bool = False, create: bool = True):
        self.path = Path(path)
        self.read_only = read_only
        self._memory_limit: str | None = None  # the limit to restore after an ingest
        if (read_only or not create) and not self.path.exists():
            raise StoreError(f"{self.path}: no such store; run `ioscope ingest` first")
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreError(lock_conflict_message(self.path, str(exc))) from exc
            raise StoreError(f"{self.path}: cannot open store: {exc}") from exc
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open store: {exc}") from exc
        self.con.execute("SET GLOBAL TimeZone = 'UTC'")
        if not read_only:
            self._migrate()
        self._check_version()

    # -- lifecycle -----------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (idempotent)."""
        try:
            self.con.close()
        except duckdb.Error:
            pass

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        con = self.con
        con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        row = _first(con.execute("SELECT value FROM meta WHERE key = 'schema_version'"))
        if row is None:
            con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?), ('created_by', ?)",
                [str(SCHEMA_VERSION), f"ioscope {__version__}"],
            )
        for table in TABLES:
            con.execute(create_table_sql(table))
        con.execute(
            """CREATE TABLE IF NOT EXISTS actor_accounts (
                 platform VARCHAR, account_id VARCHAR, handle VARCHAR, actor_name VARCHAR,
                 country VARCHAR, actor_type VARCHAR, overt BOOLEAN, actor_source VARCHAR)"""
        )

    def _check_version(self) -> None:
        try:
            row = _first(self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'"))
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: not an ioscope store ({exc})") from exc
        if row is None or int(row[0]) != SCHEMA_VERSION:
            found = row[0] if row else "none"
            raise SchemaVersionError(
                f"{self.path}: schema version {found}, this ioscope reads version {SCHEMA_VERSION}"
            )

    # -- queries ---------------------------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a parameterised SQL query and return a pandas DataFrame (times are tz-aware UTC)."""
        return self.con.execute(sql, params or []).df()

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """Run a query and return the first column of its first row (None when no row)."""
        row = _first(self.con.execute(sql, params or []))
        return row[0] if row else None

    def flagged(self, flag: str, files: Iterable[str | Path] | None = None) -> int:
        """Number of posts carrying the data-quality ``flag`` (e.g. ``post_id_lost_precision``; see
        docs/sources.md), among those read from ``files`` (paths, compared resolved) or all posts."""
        if files is None:
            return self.scalar("SELECT count(*) FROM posts WHERE list_contains(flags, ?)", [flag])
        paths = [str(Path(f).resolve()) for f in files]
        return self.scalar("SELECT count(*) FROM posts WHERE list_contains(flags, ?) "
                           "AND list_contains(?, source_file)", [flag, paths])

    def counts(self) -> dict[str, int]:
        """Row counts: posts, collected_posts, context_posts, accounts, actors, quarantined, files."""
        q = self.scalar
        return {
            "posts": q("SELECT count(*) FROM posts"),
            "collected_posts": q("SELECT count(*) FROM posts WHERE collected"),
            "context_posts": q("SELECT count(*) FROM posts WHERE NOT collected"),
            "accounts": q("SELECT count(*) FROM accounts"),
            "actors": q("SELECT count(*) FROM actors"),
            "quarantined": q("SELECT count(*) FROM quarantine"),
            "files": q("SELECT count(DISTINCT source_file) FROM ingests"),
        }

    # -- writing one file --------------------------------------------------------------------------

    def begin_file(self) -> None:
        """Start the transaction for one input file (see :meth:`stage` and :meth:`commit_file`)."""
        self._require_writable()
        # A file's rows stay uncommitted until its end; under DuckDB's default limit (80 % of RAM) they
        # would stay in memory too, so the memory used would grow with the file. A fixed limit makes
        # DuckDB write them out and keeps the ingest's memory flat; the user's limit comes back after.
        if self._memory_limit is None:  # read once: DuckDB prints it rounded, so it is not re-read
            self._memory_limit = _first(self.con.execute("SELECT current_setting('memory_limit')"))[0]
        self.con.execute(f"SET memory_limit = '{INGEST_MEMORY_LIMIT}'")
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute("CREATE OR REPLACE TEMP TABLE stg_file_context (platform VARCHAR, post_id VARCHAR)")
        self._counts = MergeCounts()
        self._n_collected_rows = 0

    def stage(self, table: str, rows: list[dict[str, Any]], constants: dict[str, Any] | None = None) -> None:
        """Merge one batch of canonical rows of ``table`` (``posts``, ``accounts`` or ``quarantine``) into
        the store, inside the file's transaction. ``rows`` are dicts (missing keys are NULL);
        ``constants`` gives columns that are the same for every row (provenance), so the rows need not
        carry them; a constant must be of its column's type (str, int, tz-aware datetime; pyarrow's
        errors otherwise), keys that are not columns of ``table`` are ignored. Memory stays flat in file
        size: only one batch is held at a time, and it is freed when this returns.
        """
        if not rows:
            return
        constants = constants or {}
        schema = arrow_schema(table)
        batch = _rows_to_arrow(rows, pa.schema([f for f in schema if f.name not in constants]))
        # Constants become columns of the batch, and the batch goes in as a relation, not through
        # ``register``: DuckDB keeps every object registered during a transaction alive until the
        # transaction ends, which made the Arrow copies of all of a file's batches stay in memory.
        batch = pa.Table.from_arrays(
            [pa.repeat(pa.scalar(constants[f.name], f.type), len(batch)) if f.name in constants
             else batch.column(f.name) for f in schema], schema=schema)
        self.con.execute(_staging_sql(table))
        self.con.from_arrow(batch).insert_into(f"stg_{table}")
        getattr(self, f"_merge_{table}")()

    def _merge_posts(self) -> None:
        con, c = self.con, self._counts
        cols = ", ".join(column_names("posts"))
        self._n_collected_rows += _first(con.execute("SELECT count(*) FROM stg_posts WHERE collected"))[0]
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE stg_posts_d AS
                SELECT {cols} FROM stg_posts
                QUALIFY row_number() OVER (PARTITION BY platform, post_id
                                           ORDER BY collected DESC, source_line) = 1"""
        )
        con.execute(
            """CREATE OR REPLACE TEMP TABLE stg_posts_j AS
               SELECT s.platform, s.post_id, s.collected AS s_collected, p.collected AS p_collected,
                      p.post_id IS NOT NULL AS p_found, f.post_id IS NOT NULL AS context_of_this_file
               FROM stg_posts_d s LEFT JOIN posts p USING (platform, post_id)
               LEFT JOIN stg_file_context f USING (platform, post_id)"""
        )
        n_new, n_upgrade, n_upgrade_own, n_context = _first(con.execute(
            """SELECT count(*) FILTER (WHERE s_collected AND p_collected IS NULL),
                      count(*) FILTER (WHERE s_collected AND NOT p_collected),
                      count(*) FILTER (WHERE s_collected AND NOT p_collected AND context_of_this_file),
                      count(*) FILTER (WHERE NOT s_collected AND p_collected IS NULL)
               FROM stg_posts_j"""
        ))
        # A context post stored earlier in this same file and now collected counts once, as stored.
        c.n_stored += n_new + n_upgrade
        c.n_context += n_context - n_upgrade_own
        con.execute(
            """INSERT INTO stg_file_context SELECT platform, post_id FROM stg_posts_j
               WHERE NOT s_collected AND p_collected IS NULL"""
        )
        if n_upgrade:
            con.execute(
                """DELETE FROM posts WHERE (platform, post_id) IN (
                     SELECT (platform, post_id) FROM stg_posts_j WHERE s_collected AND NOT p_collected)"""
            )
        # Absent before this batch, or just deleted for its collected copy: the join above already
        # knows which, so the posts table is scanned once per batch, not again by an anti-join.
        con.execute(
            f"""INSERT INTO posts SELECT {", ".join("s." + col for col in column_names("posts"))}
                FROM stg_posts_d s JOIN stg_posts_j j USING (platform, post_id)
                WHERE NOT j.p_found OR (j.s_collected AND NOT j.p_collected)"""
        )

    def _merge_accounts(self) -> None:
        con = self.con
        acols = ", ".join(column_names("accounts"))
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE stg_accounts_d AS
                SELECT {acols} FROM stg_accounts WHERE account_id IS NOT NULL
                QUALIFY row_number() OVER (PARTITION BY platform, account_id
                                           ORDER BY last_seen_at DESC NULLS LAST,
                                                    followers DESC NULLS LAST, handle) = 1"""
        )
        con.execute(
            """DELETE FROM accounts WHERE (platform, account_id) IN (
                 SELECT (s.platform, s.account_id) FROM stg_accounts_d s
                 JOIN accounts a USING (platform, account_id)
                 WHERE a.last_seen_at IS NULL OR s.last_seen_at >= a.last_seen_at)"""
        )
        con.execute(
            f"""INSERT INTO accounts SELECT {acols} FROM stg_accounts_d s
                WHERE NOT EXISTS (SELECT 1 FROM accounts a
                                  WHERE a.platform = s.platform AND a.account_id = s.account_id)"""
        )

    def _merge_quarantine(self) -> None:
        self._counts.n_quarantined += _first(self.con.execute("SELECT count(*) FROM stg_quarantine"))[0]
        qcols = ", ".join(column_names("quarantine"))
        self.con.execute(
            f"""INSERT INTO quarantine SELECT {qcols} FROM stg_quarantine s
                WHERE NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.source_file = s.source_file
                                  AND q.source_line = s.source_line AND q.reason = s.reason)"""
        )

    def commit_file(self, ingest_row: dict[str, Any]) -> MergeCounts:
        """Log the file's ingest (``ingest_row``: ``ingests`` columns; the counts are filled in) and
        commit the transaction. Returns the counts: collected posts newly stored, duplicates (already
        stored or repeated in the file), new context posts, quarantined records."""
        con, counts = self.con, self._counts
        counts.n_duplicate = self._n_collected_rows - counts.n_stored
        log = dict(ingest_row, n_stored=counts.n_stored, n_duplicate=counts.n_duplicate,
                   n_context=counts.n_context, n_quarantined=counts.n_quarantined)
        con.from_arrow(pa.Table.from_pylist([log], schema=arrow_schema("ingests"))).insert_into("ingests")
        for table in ("posts", "posts_d", "posts_j", "accounts", "accounts_d", "quarantine", "file_context"):
            con.execute(f"DROP TABLE IF EXISTS stg_{table}")
        con.execute("COMMIT")
        self._restore_memory_limit()
        return counts

    def abort_file(self) -> None:
        """Roll back the current file's transaction (the store is as before the file)."""
        try:
            self.con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        self._restore_memory_limit()

    def _restore_memory_limit(self) -> None:
        if self._memory_limit:
            try:
                self.con.execute(f"SET memory_limit = '{self._memory_limit}'")
            except duckdb.Error:
                pass

    def replace_rows(self, table: str, rows: pd.DataFrame | pa.Table, where: str,
                     params: Sequence[Any] = ()) -> int:
        """In one transaction, delete the rows of ``table`` matching the SQL condition ``where``
        (with ``params``) and insert ``rows``, whose columns must be ``table``'s, in its order. For
        tables that an import replaces as a whole slice (a domain list by name, claim matches by
        model). Returns the rows inserted. Raises StoreError on a read-only store; a failure rolls
        back, leaving the old slice in place."""
        self._require_writable()
        batch = rows if isinstance(rows, pa.Table) else pa.Table.from_pandas(rows, preserve_index=False)
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute(f"DELETE FROM {table} WHERE {where}", list(params))
            if batch.num_rows:
                self.con.from_arrow(batch).insert_into(table)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return batch.num_rows

    # -- analysis results ----------------------------------------------------------------------------

    def save_result_table(self, name: str, frame: pd.DataFrame) -> None:
        """Store an analysis result table as ``name`` (replacing it), so that later analyses, the
        dashboard and any DuckDB client can read it. ``name`` must be a plain identifier
        (``[a-z0-9_]+``); raises StoreError otherwise or on a read-only store."""
        self._require_writable()
        replace_table(self.con, name, frame)

    # -- actors ----------------------------------------------------------------------------------------

    def set_actors(self, rows: Iterable[dict[str, Any]]) -> int:
        """Replace the actor registry with ``rows`` (dicts with ``actors`` columns) and re-resolve it to
        accounts. Returns the number of actors stored. Duplicate rows are stored once."""
        self._require_writable()
        rows = list(rows)
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute("DELETE FROM actors")
            if rows:
                batch = pa.Table.from_pylist(rows, schema=arrow_schema("actors"))
                self.con.register("_ioscope_actors", batch)
                self.con.execute("INSERT INTO actors SELECT DISTINCT * FROM _ioscope_actors")
                self.con.unregister("_ioscope_actors")
            self._refresh_actor_accounts()
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return self.scalar("SELECT count(*) FROM actors")

    def refresh_actor_accounts(self) -> None:
        """Rebuild ``actor_accounts`` from ``actors`` and the accounts seen in the data."""
        self._require_writable()
        self._refresh_actor_accounts()

    def _refresh_actor_accounts(self) -> None:
        self.con.execute(
            """CREATE OR REPLACE TABLE actor_accounts AS
            WITH seen AS (
                SELECT DISTINCT platform, account_id, lower(account_handle) AS h FROM posts
                WHERE account_id IS NOT NULL
                UNION
                SELECT DISTINCT platform, ref_account_id, lower(ref_account_handle) FROM posts
                WHERE ref_account_id IS NOT NULL
                UNION
                SELECT platform, account_id, lower(handle) FROM accounts
            ),
            m AS (
                SELECT s.platform, s.account_id, a.handle, a.name, a.country, a.actor_type, a.overt,
                       a.source, 1 AS prio
                FROM seen s JOIN actors a
                  ON a.account_id = s.account_id AND (a.platform IS NULL OR a.platform = s.platform)
                UNION ALL
                SELECT s.platform, s.account_id, a.handle, a.name, a.country, a.actor_type, a.overt,
                       a.source, 2 AS prio
                FROM seen s JOIN actors a
                  ON a.handle IS NOT NULL AND lower(a.handle) = s.h
                 AND (a.platform IS NULL OR a.platform = s.platform)
            )
            SELECT platform, account_id, handle, name AS actor_name, country, actor_type, overt,
                   source AS actor_source
            FROM m
            QUALIFY row_number() OVER (PARTITION BY platform, account_id ORDER BY prio, name) = 1"""
        )

    # -- internals ---------------------------------------------------------------------------------

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: store is open read-only")


def replace_table(con: Any, name: str, frame: pd.DataFrame) -> None:
    """``CREATE OR REPLACE TABLE name`` with the rows and columns of ``frame`` on the DuckDB
    connection ``con`` (a store's, or a Spark store's driver connection). ``name`` must be a plain
    identifier (``[a-z][a-z0-9_]*``); raises StoreError otherwise."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise StoreError(f"bad result table name {name!r}")
    con.register("_ioscope_result", frame)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _ioscope_result")
    finally:
        con.unregister("_ioscope_result")


def _staging_sql(table: str) -> str:
    """``CREATE OR REPLACE TEMP TABLE stg_<table>`` with the canonical columns, without NOT NULL (the
    merge filters or rejects what a canonical table would refuse)."""
    cols = ", ".join(f"{c.name} {c.sql.replace(' NOT NULL', '')}" for c in TABLES[table])
    return f"CREATE OR REPLACE TEMP TABLE stg_{table} ({cols})"


def _rows_to_arrow(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """A pyarrow Table of ``schema`` from dicts (missing keys are null, other keys ignored), built column
    by column: one tuple per row, transposed by ``zip``, then one ``pa.array`` per column, about twice as
    fast as ``pa.Table.from_pylist``. Raises pyarrow's errors for a value of the wrong type."""
    names = schema.names
    columns = zip(*[tuple(map(row.get, names)) for row in rows])
    return pa.Table.from_arrays([pa.array(col, type=f.type) for col, f in zip(columns, schema)],
                                schema=schema)


def _first(cursor: duckdb.DuckDBPyConnection) -> tuple | None:
    """The first row of a result, reading the result to its end: DuckDB 2 refuses ``register`` on a
    connection that still holds an unfinished result, which ``fetchone`` leaves behind."""
    rows = cursor.fetchall()
    return rows[0] if rows else None


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.timezone.utc)
