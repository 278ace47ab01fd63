"""Data access for the dashboard: parameterised SQL over the store, nothing else.

Every function takes a DuckDB connection (a per-request cursor on the read-only store) and a
:class:`~ioscope.outputs.dashboard.filters.Filters`, and returns a pandas DataFrame whose columns
are listed in its docstring. SQL text is fixed in this module; request values reach DuckDB only as
named parameters (``$name``). Times are tz-aware UTC; days are UTC days.

"Posts" below are *collected* posts (``posts.collected``); an author's labels (country, actor_type,
actor_name, overt) come from ``actor_accounts``; ``actor_type`` is ``untracked`` for authors that
are not tracked actors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from ioscope.outputs.dashboard.filters import Filters

_LABELS = """aa.country, aa.actor_name, aa.overt,
       CASE WHEN aa.account_id IS NULL THEN 'untracked'
            ELSE coalesce(aa.actor_type, 'unknown') END AS actor_type"""

# Filtered posts with their author's labels. {where}: conditions from Filters.where().
_FP = f"""
WITH fp AS (
    SELECT p.*, {_LABELS}
    FROM posts p
    LEFT JOIN actor_accounts aa ON aa.platform = p.platform AND aa.account_id = p.account_id
    WHERE p.collected AND {{where}}
)
"""


def _q(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    return con.execute(sql, used).df()


def _fp(f: Filters, body: str, skip: tuple[str, ...] = ()) -> tuple[str, dict[str, Any]]:
    where, params = f.where(skip=skip)
    return _FP.format(where=where) + body, params


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True when the store has a table (or view) called ``name`` in its main schema."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_name = $name", {"name": name}).fetchone()
    return bool(row and row[0])


def read_table(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """All rows of the stored table ``name``; the caller must have checked it with
    :func:`table_exists` (the name is quoted as an identifier, never taken from a request)."""
    quoted = '"' + name.replace('"', '""') + '"'
    return con.execute(f"SELECT * FROM {quoted}").df()


def data_range(con: duckdb.DuckDBPyConnection) -> tuple[dt.date | None, dt.date | None]:
    """First and last UTC day with a collected post, or (None, None) for an empty store."""
    row = con.execute(
        "SELECT CAST(min(timezone('UTC', created_at)) AS DATE), "
        "CAST(max(timezone('UTC', created_at)) AS DATE) FROM posts WHERE collected").fetchone()
    return (row[0], row[1]) if row else (None, None)


def store_facts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts: collected_posts, context_posts, accounts, actors, actor_accounts, files."""
    row = con.execute(
        """SELECT (SELECT count(*) FROM posts WHERE collected),
                  (SELECT count(*) FROM posts WHERE NOT collected),
                  (SELECT count(*) FROM accounts), (SELECT count(*) FROM actors),
                  (SELECT count(*) FROM actor_accounts),
                  (SELECT count(DISTINCT source_file) FROM ingests)""").fetchone()
    keys = ("collected_posts", "context_posts", "accounts", "actors", "actor_accounts", "files")
    return dict(zip(keys, (int(x) for x in row), strict=True))


def choices(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Values offered in the filter form: countries, actor_types, platforms, langs (sorted)."""
    def col(sql: str) -> list[str]:
        return [str(r[0]) for r in con.execute(sql).fetchall() if r[0] is not None]

    types = col("SELECT DISTINCT coalesce(actor_type, 'unknown') FROM actor_accounts ORDER BY 1")
    return {
        "countries": col("SELECT DISTINCT country FROM actor_accounts ORDER BY 1"),
        "actor_types": types + ["untracked"],
        "platforms": col("SELECT DISTINCT platform FROM posts ORDER BY 1"),
        "langs": col("SELECT lang FROM posts WHERE lang IS NOT NULL GROUP BY lang "
                     "ORDER BY count(*) DESC, lang LIMIT 40"),
    }


# -- overview ------------------------------------------------------------------------------------------

def daily_volume(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Posts per UTC day and author group: day, country, actor_type, n_posts, n_original,
    n_repost, n_quote, n_reply (the activity ``daily_volume`` shape)."""
    sql, params = _fp(f, """
SELECT CAST(timezone('UTC', created_at) AS DATE) AS day, country, actor_type,
       count(*) AS n_posts,
       count(*) FILTER (WHERE kind = 'original') AS n_original,
       count(*) FILTER (WHERE kind = 'repost') AS n_repost,
       count(*) FILTER (WHERE kind = 'quote') AS n_quote,
       count(*) FILTER (WHERE kind = 'reply') AS n_reply
FROM fp WHERE created_at IS NOT NULL
GROUP BY ALL ORDER BY day, country NULLS LAST, actor_type""")
    return _q(con, sql, params)


def volume_by_group(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Posts per author group in the filters: country, actor_type, n_posts, n_accounts, n_original,
    n_repost, n_quote, n_reply; most posts first."""
    sql, params = _fp(f, """
SELECT country, actor_type, count(*) AS n_posts,
       count(DISTINCT account_id) AS n_accounts,
       count(*) FILTER (WHERE kind = 'original') AS n_original,
       count(*) FILTER (WHERE kind = 'repost') AS n_repost,
       count(*) FILTER (WHERE kind = 'quote') AS n_quote,
       count(*) FILTER (WHERE kind = 'reply') AS n_reply
FROM fp GROUP BY ALL ORDER BY n_posts DESC, country NULLS LAST, actor_type""")
    return _q(con, sql, params)


_ITEMS = {"hashtags": "lower(item)", "domains": "lower(item)", "urls": "item",
          "mentions": "lower(item)"}


def top_items(con: duckdb.DuckDBPyConnection, f: Filters, column: str,
              limit: int = 200) -> pd.DataFrame:
    """The most used hashtags, domains, urls or mentions (``column``) in the filtered posts: item
    (most frequent written form), n_posts, n_accounts, n_tracked_accounts; hashtags, domains and
    mentions grouped case-insensitively. Raises ValueError for another column."""
    if column not in _ITEMS:
        raise ValueError(f"top_items: unknown column {column!r}")
    sql, params = _fp(f, f"""
, items AS (
    SELECT DISTINCT platform, post_id, account_id, actor_type, item, {_ITEMS[column]} AS key
    FROM (SELECT platform, post_id, account_id, actor_type, unnest({column}) AS item FROM fp)
    WHERE item IS NOT NULL AND item <> ''
)
SELECT mode(item) AS item, count(DISTINCT (platform, post_id)) AS n_posts,
       count(DISTINCT (platform, account_id)) AS n_accounts,
       count(DISTINCT (platform, account_id)) FILTER (WHERE actor_type <> 'untracked')
           AS n_tracked_accounts
FROM items GROUP BY key ORDER BY n_posts DESC, item LIMIT $limit""")
    params["limit"] = int(limit)
    return _q(con, sql, params)


def top_amplified(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 200) -> pd.DataFrame:
    """Posts (by the filtered authors, in the period) most amplified by other accounts anywhere in
    the store: rank, platform, post_id, account_id, handle, country, actor_type, created_at, text,
    n_amplifiers (distinct accounts), n_reposts, n_quotes, n_replies, n_tracked_amplifiers,
    first_amplified_at."""
    sql, params = _fp(f, """
, amp AS (
    SELECT r.platform, r.ref_post_id, r.account_id, r.kind, r.created_at,
           ra.account_id IS NOT NULL AS tracked
    FROM posts r
    LEFT JOIN actor_accounts ra ON ra.platform = r.platform AND ra.account_id = r.account_id
    WHERE r.collected AND r.ref_post_id IS NOT NULL AND r.kind IN ('repost', 'quote', 'reply')
)
SELECT row_number() OVER (ORDER BY count(DISTINCT a.account_id) DESC, count(*) DESC,
                          o.platform, o.post_id) AS rank,
       o.platform, o.post_id, o.account_id, any_value(o.account_handle) AS handle,
       any_value(o.country) AS country, any_value(o.actor_type) AS actor_type,
       any_value(o.created_at) AS created_at, any_value(o.text) AS text,
       count(DISTINCT a.account_id) AS n_amplifiers,
       count(*) FILTER (WHERE a.kind = 'repost') AS n_reposts,
       count(*) FILTER (WHERE a.kind = 'quote') AS n_quotes,
       count(*) FILTER (WHERE a.kind = 'reply') AS n_replies,
       count(DISTINCT a.account_id) FILTER (WHERE a.tracked) AS n_tracked_amplifiers,
       min(a.created_at) AS first_amplified_at
FROM fp o JOIN amp a ON a.platform = o.platform AND a.ref_post_id = o.post_id
                    AND a.account_id IS DISTINCT FROM o.account_id
WHERE o.kind <> 'repost'
GROUP BY o.platform, o.post_id, o.account_id
ORDER BY rank LIMIT $limit""")
    params["limit"] = int(limit)
    return _q(con, sql, params)


# -- actors --------------------------------------------------------------------------------------------

def actors(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The actor registry resolved to accounts, with activity in the period: platform, account_id,
    handle, actor_name, country, actor_type, overt, actor_source, n_posts, n_original, n_repost,
    n_quote, n_reply, first_post_at, last_post_at. Country, actor type, platform and account filters
    select actors; the period and the post filters (lang, q, ...) select the posts counted."""
    where, params = f.where(skip=("country", "actor_type", "platform", "account"))
    sel = []
    if f.country:
        sel.append("aa.country = $a_country")
        params["a_country"] = f.country.upper()
    if f.actor_type:
        sel.append("coalesce(aa.actor_type, 'unknown') = $a_type")
        params["a_type"] = f.actor_type
    if f.platform:
        sel.append("aa.platform = $a_platform")
        params["a_platform"] = f.platform.lower()
    if f.account:
        sel.append("(lower(coalesce(acc.handle, aa.handle)) = lower($a_account) "
                   "OR aa.account_id = $a_account)")
        params["a_account"] = f.account
    sql = f"""
WITH p AS (
    SELECT p.platform, p.account_id, count(*) AS n_posts,
           count(*) FILTER (WHERE kind = 'original') AS n_original,
           count(*) FILTER (WHERE kind = 'repost') AS n_repost,
           count(*) FILTER (WHERE kind = 'quote') AS n_quote,
           count(*) FILTER (WHERE kind = 'reply') AS n_reply,
           min(created_at) AS first_post_at, max(created_at) AS last_post_at,
           arg_max(account_handle, created_at) AS last_handle
    FROM posts p
    LEFT JOIN actor_accounts aa ON aa.platform = p.platform AND aa.account_id = p.account_id
    WHERE p.collected AND aa.account_id IS NOT NULL AND {where}
    GROUP BY p.platform, p.account_id
)
SELECT aa.platform, aa.account_id, coalesce(acc.handle, p.last_handle, aa.handle) AS handle,
       aa.actor_name, aa.country, coalesce(aa.actor_type, 'unknown') AS actor_type, aa.overt,
       aa.actor_source, coalesce(p.n_posts, 0) AS n_posts, coalesce(p.n_original, 0) AS n_original,
       coalesce(p.n_repost, 0) AS n_repost, coalesce(p.n_quote, 0) AS n_quote,
       coalesce(p.n_reply, 0) AS n_reply, p.first_post_at, p.last_post_at
FROM actor_accounts aa
LEFT JOIN p ON p.platform = aa.platform AND p.account_id = aa.account_id
LEFT JOIN accounts acc ON acc.platform = aa.platform AND acc.account_id = aa.account_id
WHERE {" AND ".join(sel) or "TRUE"}
ORDER BY n_posts DESC, aa.country NULLS LAST, handle NULLS LAST, aa.platform, aa.account_id"""
    return _q(con, sql, params)


# -- amplification -------------------------------------------------------------------------------------

def amplification_matrix(con: duckdb.DuckDBPyConnection, f: Filters,
                         by: str = "country") -> pd.DataFrame:
    """Amplifications (repost/quote/reply of another account's post) in the period between tracked
    actors with a label on both sides. ``by`` ``country``: amplifier_country, amplified_country;
    ``type``: amplifier_type, amplified_type; then n_amplifications, n_amplifiers,
    n_amplified_accounts. The filters select the *amplifying* posts. Raises ValueError for another
    ``by``."""
    if by not in ("country", "type"):
        raise ValueError(f"amplification_matrix: by must be country or type, got {by!r}")
    col = "country" if by == "country" else "actor_type"
    a, b = ("amplifier_country", "amplified_country") if by == "country" else (
        "amplifier_type", "amplified_type")
    sql, params = _fp(f, f"""
, amp AS (
    SELECT fp.platform, fp.account_id, coalesce(fp.ref_account_id, o.account_id) AS ref_account_id,
           fp.{col} AS x
    FROM fp LEFT JOIN posts o ON o.platform = fp.platform AND o.post_id = fp.ref_post_id
    WHERE fp.kind IN ('repost', 'quote', 'reply') AND fp.actor_type <> 'untracked'
)
SELECT amp.x AS {a}, coalesce(fb.{col}, 'unknown') AS {b}, count(*) AS n_amplifications,
       count(DISTINCT amp.account_id) AS n_amplifiers,
       count(DISTINCT amp.ref_account_id) AS n_amplified_accounts
FROM amp JOIN actor_accounts fb ON fb.platform = amp.platform AND fb.account_id = amp.ref_account_id
WHERE amp.ref_account_id <> amp.account_id AND amp.x IS NOT NULL {"AND fb.country IS NOT NULL" if by == "country" else ""}
GROUP BY ALL ORDER BY n_amplifications DESC, {a}, {b}""")
    return _q(con, sql, params)


def cascade(con: duckdb.DuckDBPyConnection, platform: str, post_id: str) -> pd.DataFrame:
    """The amplifying posts of one post (collected reposts, quotes and replies of it, by other
    accounts), in time order: platform, post_id, account_id, handle, country, actor_type, kind,
    created_at, lag_s (seconds after the original; NULL when its time is unknown), text."""
    sql = """
SELECT r.platform, r.post_id, r.account_id, r.account_handle AS handle, aa.country,
       CASE WHEN aa.account_id IS NULL THEN 'untracked' ELSE coalesce(aa.actor_type, 'unknown') END
           AS actor_type,
       r.kind, r.created_at, epoch(r.created_at) - epoch(o.created_at) AS lag_s, r.text
FROM posts r
LEFT JOIN posts o ON o.platform = r.platform AND o.post_id = r.ref_post_id
LEFT JOIN actor_accounts aa ON aa.platform = r.platform AND aa.account_id = r.account_id
WHERE r.collected AND r.platform = $platform AND r.ref_post_id = $post_id
  AND r.kind IN ('repost', 'quote', 'reply')
  AND r.account_id IS DISTINCT FROM o.account_id
ORDER BY r.created_at, r.post_id"""
    return _q(con, sql, {"platform": platform, "post_id": post_id})


# -- posts ---------------------------------------------------------------------------------------------

_POST_COLS = "platform, post_id, created_at, account_handle AS handle, country, actor_type, kind, lang, text"


def search_posts(con: duckdb.DuckDBPyConnection, f: Filters, *, limit: int | None = 50,
                 offset: int = 0, oldest_first: bool = False) -> pd.DataFrame:
    """Filtered posts, newest first (``oldest_first``: oldest first): platform, post_id,
    created_at, handle, country, actor_type, kind, lang, text, ref_post_id, account_id.
    ``limit`` None: all rows."""
    order = "ASC" if oldest_first else "DESC"
    lim = "LIMIT $limit OFFSET $offset" if limit is not None else ""
    sql, params = _fp(f, f"""
SELECT {_POST_COLS}, ref_post_id, account_id FROM fp
ORDER BY created_at {order} NULLS LAST, platform, post_id {lim}""")
    params.update(limit=int(limit or 0), offset=int(offset))
    return _q(con, sql, params)


def count_posts(con: duckdb.DuckDBPyConnection, f: Filters) -> int:
    """Number of filtered posts."""
    sql, params = _fp(f, "SELECT count(*) AS n FROM fp")
    return int(_q(con, sql, params)["n"].iloc[0])


def post(con: duckdb.DuckDBPyConnection, platform: str, post_id: str) -> dict[str, Any] | None:
    """One stored post (collected or context) with every ``posts`` column, the author's labels
    (country, actor_name, overt, actor_type, actor_source) and profile (display_name, followers,
    description); None when absent."""
    df = _q(con, f"""
SELECT p.*, {_LABELS}, aa.actor_source, acc.display_name, acc.followers, acc.description
FROM posts p
LEFT JOIN actor_accounts aa ON aa.platform = p.platform AND aa.account_id = p.account_id
LEFT JOIN accounts acc ON acc.platform = p.platform AND acc.account_id = p.account_id
WHERE p.platform = $platform AND p.post_id = $post_id""", {"platform": platform, "post_id": post_id})
    return None if df.empty else df.iloc[0].to_dict()


def posts_by_ids(con: duckdb.DuckDBPyConnection, keys: list[tuple[str, str]]) -> pd.DataFrame:
    """The posts with these (platform, post_id) keys, as in :func:`search_posts` (oldest first)."""
    frame = pd.DataFrame(keys or [("", "")], columns=["k_platform", "k_post_id"])
    con.register("_dash_keys", frame)
    try:
        return con.execute(f"""
SELECT p.platform, p.post_id, p.created_at, p.account_handle AS handle, {_LABELS}, p.kind, p.lang,
       p.text, p.ref_post_id, p.account_id
FROM _dash_keys k JOIN posts p ON p.platform = k.k_platform AND p.post_id = k.k_post_id
LEFT JOIN actor_accounts aa ON aa.platform = p.platform AND aa.account_id = p.account_id
ORDER BY p.created_at, p.post_id""").df()
    finally:
        con.unregister("_dash_keys")


# -- domains and shifts (from posts, until their analyses store results) -------------------------------

def domains(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 1000) -> pd.DataFrame:
    """Linked registered domains in the filtered posts: domain, n_posts, n_accounts,
    n_tracked_accounts, countries (list of tracked authors' countries), first_at, last_at."""
    sql, params = _fp(f, """
, d AS (
    SELECT DISTINCT platform, post_id, account_id, country, actor_type, created_at,
           lower(unnest(domains)) AS domain FROM fp
)
SELECT domain, count(DISTINCT (platform, post_id)) AS n_posts,
       count(DISTINCT (platform, account_id)) AS n_accounts,
       count(DISTINCT (platform, account_id)) FILTER (WHERE actor_type <> 'untracked')
           AS n_tracked_accounts,
       coalesce(list(DISTINCT country ORDER BY country) FILTER (WHERE country IS NOT NULL),
                []::VARCHAR[]) AS countries,
       min(created_at) AS first_at, max(created_at) AS last_at
FROM d WHERE domain IS NOT NULL AND domain <> ''
GROUP BY domain ORDER BY n_posts DESC, domain LIMIT $limit""")
    params["limit"] = int(limit)
    return _q(con, sql, params)


def daily_by_overt(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Posts per UTC day by tracked actors, overt vs covert: day, country, overt ('overt' |
    'covert' | 'unknown'), n_posts. Untracked authors are left out."""
    sql, params = _fp(f, """
SELECT CAST(timezone('UTC', created_at) AS DATE) AS day, country,
       CASE WHEN overt THEN 'overt' WHEN NOT overt THEN 'covert' ELSE 'unknown' END AS overt,
       count(*) AS n_posts
FROM fp WHERE actor_type <> 'untracked' AND created_at IS NOT NULL
GROUP BY ALL ORDER BY day, country NULLS LAST, overt""")
    return _q(con, sql, params)
