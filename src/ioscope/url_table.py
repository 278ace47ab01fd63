"""The store's URL table: each distinct URL of the stored posts with its canonical form, computed once.

Canonicalising a URL (:func:`ioscope.canon.canonical_url`) runs in Python, about 20 µs a URL, and the
domains analysis, amplification's echoes and coordination's co-link each need it for every distinct
URL of the posts they read (176,753 URLs, about 4 s, in the coordination bench's 1,000,000 posts).
:func:`refresh` computes it at ingest, once per new URL, into table ``url_canon`` — as
coordination-network-toolkit extracts links in its ``preprocess`` step —, and :func:`lookup` gives an
analysis the rows it needs: stored rows where the store has them, the rest computed on the spot (a
store written before this table existed, or one opened read-only, still gives the same answer).

``url_canon`` columns (one row per ``url``, exactly as found in ``posts.urls``):

=================  ===========================================================================
url                the URL as stored in the post (VARCHAR)
canonical_url      :func:`~ioscope.canon.canonical_url` with ``schemeless=True`` (``host.tld/path``
                   read as ``https://``; exports such as Telegram's drop the scheme)
host               canonical host, ``""`` when the canonical form is not an ``http(s)`` URL
domain             registered domain (public suffix list), NULL when there is no host
shortener          :func:`~ioscope.canon.is_shortener` (BOOLEAN)
permalink          the URL links to a post on X/Twitter itself (a quote or self-link;
                   :func:`~ioscope.urls.is_platform_permalink`), not to an external resource
=================  ===========================================================================

The rows are valid for one version of the rules: :func:`rules_digest` (a digest of the rule modules
and the public suffix list's package version) is kept in ``meta`` under ``url_canon_rules``; when it
differs, :func:`refresh` rebuilds the table and :func:`lookup` ignores it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata, util
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    import pyarrow as pa

    from ioscope.store import Store

_RULE_MODULES = ("ioscope.canon", "ioscope.urls")  # imported only when a URL has to be computed

TABLE = "url_canon"
"""Name of the store's URL table."""

META_KEY = "url_canon_rules"
"""``meta`` key holding the :func:`rules_digest` the table was computed with."""

_COLUMNS = "url VARCHAR, canonical_url VARCHAR, host VARCHAR, domain VARCHAR, shortener BOOLEAN, permalink BOOLEAN"


@lru_cache(maxsize=1)
def rules_digest() -> str:
    """A digest (16 hex characters) of the canonicalisation rules: the source of :mod:`ioscope.canon`
    and :mod:`ioscope.urls` and the installed tldextract version (its bundled suffix list). Any change
    to them gives another digest, so stored canonical forms are never used with other rules."""
    h = hashlib.sha256()
    for module in _RULE_MODULES:
        h.update(Path(util.find_spec(module).origin).read_bytes())
    try:
        h.update(metadata.version("tldextract").encode())
    except metadata.PackageNotFoundError:  # pragma: no cover - tldextract is a dependency
        pass
    return h.hexdigest()[:16]


def compute(values: list[str]) -> pa.Table:
    """The ``url_canon`` rows of ``values`` (distinct strings), computed in Python (see the module
    docstring for the columns)."""
    import pyarrow as pa

    from ioscope import canon, urls

    table = canon.canonical_table(values, schemeless=True)
    permalink = pa.array([urls.is_platform_permalink(u) for u in table.column("url").to_pylist()],
                         pa.bool_())
    return table.append_column("permalink", permalink)


def _usable(con: Any) -> bool:
    """True when the store has ``url_canon`` computed with the current rules (False on a connection
    without it, e.g. the Spark engine's, which reads only the canonical tables)."""
    if not isinstance(con, duckdb.DuckDBPyConnection):
        return False
    try:
        row = con.execute("SELECT value FROM meta WHERE key = $k", {"k": META_KEY}).fetchone()
    except duckdb.Error:
        return False
    if row is None or row[0] != rules_digest():
        return False
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = $t AND NOT temporary",
        {"t": TABLE}).fetchone()[0])


def refresh(store: Store) -> int:
    """Add the URLs of ``store``'s posts that ``url_canon`` lacks (all of them when the table is
    missing or was computed with other rules); returns the number of rows added. Needs a writable
    store (StoreError otherwise). Runs in one transaction: an interruption leaves the table as it was,
    and :func:`lookup` computes what is missing."""
    store._require_writable()
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        if not _usable(con):
            con.execute(f"CREATE OR REPLACE TABLE {TABLE} ({_COLUMNS}, PRIMARY KEY (url))")
            con.execute("DELETE FROM meta WHERE key = $k", {"k": META_KEY})
            con.execute("INSERT INTO meta VALUES ($k, $v)", {"k": META_KEY, "v": rules_digest()})
        new = [r[0] for r in con.execute(
            f"""SELECT DISTINCT u FROM (SELECT unnest(urls) AS u FROM posts) p
                WHERE u IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {TABLE} c WHERE c.url = p.u)"""
        ).fetchall()]
        if new:
            con.from_arrow(compute(new)).insert_into(TABLE)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(new)


def lookup(con: Any, distinct_urls_sql: str, name: str, params: dict[str, Any] | None = None) -> int:
    """Create temporary table ``name`` with the ``url_canon`` columns for every URL that the query
    ``distinct_urls_sql`` returns (one VARCHAR column of distinct URLs; ``params`` are its
    parameters): stored rows where ``url_canon`` is usable, the others computed in Python. Works on a
    read-only store and on the Spark engine's connection (which computes them all). Returns the
    number of URLs computed here (0 when the store had them all)."""
    # the distinct URLs once; stored rows joined, the rest computed
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_q AS SELECT * FROM ({distinct_urls_sql}) d(url) "
                "WHERE url IS NOT NULL", params or {})
    if _usable(con):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS "
                    f"SELECT c.* FROM {name}_q JOIN {TABLE} c USING (url)")
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({_COLUMNS})")
    missing_sql = f"SELECT url FROM {name}_q WHERE url NOT IN (SELECT url FROM {name})"
    missing = [r[0] for r in con.execute(missing_sql).fetchall()]
    con.execute(f"DROP TABLE {name}_q")
    if missing:
        con.register("_url_table_new", compute(missing))
        try:
            con.execute(f"INSERT INTO {name} SELECT * FROM _url_table_new")
        finally:
            con.unregister("_url_table_new")
    return len(missing)
