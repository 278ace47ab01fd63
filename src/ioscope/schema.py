"""The canonical schema: one record per post, whatever the source format.

Every source adapter turns its format into rows of these tables; analyses never see a source format.
``SCHEMA_VERSION`` is stored in the database (table ``meta``) and checked when a store is opened.

Tables (columns in order; all IDs are strings; all times are timezone-aware UTC):

``posts`` — one row per (platform, post_id)
    platform, post_id, account_id, account_handle, created_at (UTC), text (full, untruncated, HTML
    entities unescaped once; for a repost: the reposted text), lang (BCP-47-ish code or NULL), kind
    (``original`` | ``repost`` | ``quote`` | ``reply``), ref_post_id, ref_account_id, ref_account_handle
    (what a repost/quote/reply points to), urls (expanded URLs as found, list), domains (registered
    domains of ``urls``, list), hashtags (without ``#``, list), mentions (handles without ``@``, list),
    like_count, share_count, reply_count, quote_count, view_count (at collection time, NULL when unknown),
    collected (true when the post itself was in the input; false when only seen embedded in another
    post, e.g. the original of a retweet: a *context* post), flags (data-quality flags, list, e.g.
    ``post_id_lost_precision``), and provenance: source_format, source_file, source_line,
    ingested_at (UTC), ioscope_version.

``accounts`` — one row per (platform, account_id), as last seen
    platform, account_id, handle, display_name, created_at (UTC), followers, following, description,
    last_seen_at (UTC time of the post it was last seen on), source_format, source_file.

``actors`` — the analyst's registry of accounts to watch
    platform, account_id, handle, name, country (ISO 3166 alpha-2), actor_type, overt, source.

``quarantine`` — every input record that could not be read
    source_format, source_file, source_line, reason, raw, ingested_at.

``ingests`` — one row per file ingest
    source_file, source_format, sha256, started_at, finished_at, n_read, n_stored, n_duplicate,
    n_context, n_quarantined, ioscope_version.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

SCHEMA_VERSION = 1
"""Version of the canonical tables; bumped on any incompatible change."""

POST_KINDS = ("original", "repost", "quote", "reply")

ACTOR_TYPES = (
    "diplomat",
    "embassy",
    "ministry",
    "official",
    "state_media",
    "state_media_staff",
    "influencer",
    "suspected_covert",
    "other",
)


@dataclass(frozen=True)
class Column:
    """One column: name, DuckDB type, pyarrow type, and a one-line meaning."""

    name: str
    sql: str
    arrow: pa.DataType
    help: str


_S = pa.string()
_T = pa.timestamp("us", tz="UTC")
_I = pa.int64()
_LS = pa.list_(pa.string())

POSTS: tuple[Column, ...] = (
    Column("platform", "VARCHAR NOT NULL", _S, "platform name, e.g. twitter, telegram"),
    Column("post_id", "VARCHAR NOT NULL", _S, "the platform's post ID, as a string"),
    Column("account_id", "VARCHAR", _S, "author's account ID (string)"),
    Column("account_handle", "VARCHAR", _S, "author's handle/screen name, without @"),
    Column("created_at", "TIMESTAMPTZ", _T, "post time, UTC"),
    Column("text", "VARCHAR", _S, "full text; for a repost the reposted text"),
    Column("lang", "VARCHAR", _S, "language code as given by the platform (normalised)"),
    Column("kind", "VARCHAR", _S, "original | repost | quote | reply"),
    Column("ref_post_id", "VARCHAR", _S, "post that this one reposts, quotes or replies to"),
    Column("ref_account_id", "VARCHAR", _S, "author of ref_post_id"),
    Column("ref_account_handle", "VARCHAR", _S, "handle of the author of ref_post_id"),
    Column("urls", "VARCHAR[]", _LS, "expanded URLs as found in the post"),
    Column("domains", "VARCHAR[]", _LS, "registered domains of urls (public suffix list)"),
    Column("hashtags", "VARCHAR[]", _LS, "hashtags without #, original case and script"),
    Column("mentions", "VARCHAR[]", _LS, "mentioned handles without @"),
    Column("like_count", "BIGINT", _I, "likes/favourites at collection time"),
    Column("share_count", "BIGINT", _I, "reposts/retweets/shares at collection time"),
    Column("reply_count", "BIGINT", _I, "replies at collection time"),
    Column("quote_count", "BIGINT", _I, "quotes at collection time"),
    Column("view_count", "BIGINT", _I, "views/impressions at collection time"),
    Column("collected", "BOOLEAN", pa.bool_(), "true if in the input itself, false if context only"),
    Column("flags", "VARCHAR[]", _LS, "data-quality flags on this row"),
    Column("source_format", "VARCHAR", _S, "source adapter that read it"),
    Column("source_file", "VARCHAR", _S, "absolute path of the input file"),
    Column("source_line", "BIGINT", _I, "1-based physical line where the record starts (JSON lines, CSV; header = line 1) or record number (JSON arrays, feeds)"),
    Column("ingested_at", "TIMESTAMPTZ", _T, "when it was stored, UTC"),
    Column("ioscope_version", "VARCHAR", _S, "ioscope version that stored it"),
)

ACCOUNTS: tuple[Column, ...] = (
    Column("platform", "VARCHAR NOT NULL", _S, "platform name"),
    Column("account_id", "VARCHAR NOT NULL", _S, "account ID (string)"),
    Column("handle", "VARCHAR", _S, "handle/screen name without @"),
    Column("display_name", "VARCHAR", _S, "display name"),
    Column("created_at", "TIMESTAMPTZ", _T, "account creation time, UTC"),
    Column("followers", "BIGINT", _I, "followers when last seen"),
    Column("following", "BIGINT", _I, "accounts followed when last seen"),
    Column("description", "VARCHAR", _S, "profile description when last seen"),
    Column("last_seen_at", "TIMESTAMPTZ", _T, "time of the post it was last seen on, UTC"),
    Column("source_format", "VARCHAR", _S, "source adapter"),
    Column("source_file", "VARCHAR", _S, "input file"),
)

ACTORS: tuple[Column, ...] = (
    Column("platform", "VARCHAR", _S, "platform (NULL matches any)"),
    Column("account_id", "VARCHAR", _S, "account ID, if known"),
    Column("handle", "VARCHAR", _S, "handle, matched case-insensitively, if known"),
    Column("name", "VARCHAR", _S, "actor name"),
    Column("country", "VARCHAR", _S, "ISO 3166 alpha-2 country the actor is linked to"),
    Column("actor_type", "VARCHAR", _S, "diplomat, embassy, ministry, official, state_media, ..."),
    Column("overt", "BOOLEAN", pa.bool_(), "true if openly state-linked, false if covert/suspected"),
    Column("source", "VARCHAR", _S, "citation for the attribution"),
)

QUARANTINE: tuple[Column, ...] = (
    Column("source_format", "VARCHAR", _S, "source adapter that tried to read it"),
    Column("source_file", "VARCHAR", _S, "input file"),
    Column("source_line", "BIGINT", _I, "1-based line or record number"),
    Column("reason", "VARCHAR", _S, "why it could not be read"),
    Column("raw", "VARCHAR", _S, "the raw record text (may be cut to 100,000 characters)"),
    Column("ingested_at", "TIMESTAMPTZ", _T, "when it was quarantined, UTC"),
)

INGESTS: tuple[Column, ...] = (
    Column("source_file", "VARCHAR", _S, "input file"),
    Column("source_format", "VARCHAR", _S, "source adapter"),
    Column("sha256", "VARCHAR", _S, "SHA-256 of the file's bytes"),
    Column("started_at", "TIMESTAMPTZ", _T, "UTC"),
    Column("finished_at", "TIMESTAMPTZ", _T, "UTC"),
    Column("n_read", "BIGINT", _I, "input records read"),
    Column("n_stored", "BIGINT", _I, "collected posts newly stored"),
    Column("n_duplicate", "BIGINT", _I, "collected posts already stored (or repeated in the file)"),
    Column("n_context", "BIGINT", _I, "context posts newly stored"),
    Column("n_quarantined", "BIGINT", _I, "records quarantined"),
    Column("ioscope_version", "VARCHAR", _S, "ioscope version"),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "posts": POSTS,
    "accounts": ACCOUNTS,
    "actors": ACTORS,
    "quarantine": QUARANTINE,
    "ingests": INGESTS,
}


def arrow_schema(table: str) -> pa.Schema:
    """The pyarrow schema of a canonical table (``posts``, ``accounts``, ...). Raises KeyError."""
    return pa.schema([pa.field(c.name, c.arrow) for c in TABLES[table]])


def column_names(table: str) -> list[str]:
    """Column names of a canonical table, in order. Raises KeyError for an unknown table."""
    return [c.name for c in TABLES[table]]


def create_table_sql(table: str, name: str | None = None, temp: bool = False) -> str:
    """``CREATE TABLE`` statement for a canonical table (optionally under another name, as TEMP)."""
    cols = ",\n  ".join(f"{c.name} {c.sql}" for c in TABLES[table])
    kind = "TEMP TABLE" if temp else "TABLE IF NOT EXISTS"
    return f"CREATE {kind} {name or table} (\n  {cols}\n)"
