"""Action tables: who did what to which object, when, in which post — one table per behaviour.

Everything here is SQL run in DuckDB on a private cursor of the store (temporary tables only; the store
is never written). Tables built:

``_co_accounts`` (aid, platform, account_id, handle)
    one row per author of a collected, dated post; ``aid`` is a dense integer key used in joins;
    ``handle`` is the handle on the author's latest post. A post without an account ID but with a
    handle is keyed by ``'@' + lower(handle)`` (shown as the account_id in every table).
``_co_posts`` (pidx, aid, platform, post_id, t, kind, ref_post_id, urls, domains, hashtags, norm_text)
    collected posts with a time and an author; ``pidx`` is a dense integer key in order of time, then
    platform and post ID (so it breaks ties of equal times as post IDs do); ``t`` is the post time
    in seconds since 1970-01-01 UTC (DOUBLE); ``norm_text`` is :func:`normalise_text_sql` of ``text``
    for originals, quotes and replies (NULL for reposts and for texts shorter than ``min_text_chars``).
``_co_act_{i}`` (aid, oid, t, pidx) and ``_co_obj_{i}`` (oid, object)
    the actions of one behaviour: account ``aid`` acted on object ``oid`` at time ``t`` in post
    ``pidx``; objects are numbered in order of their first post (integer sort, not string sort); ``object`` is the readable object (a canonical URL, ``platform:post_id`` of the reposted
    post, a normalised text, a lower-cased hashtag, ...).

Behaviours (the object each one compares; reposts count only for co_repost, as in the QUT toolkit):

==============  =================================================================================
co_repost       the reposted post (``platform:ref_post_id``) of a repost
co_quote        the quoted post of a quote
co_reply        the post replied to
co_link         each canonical URL (:func:`ioscope.canon.canonical_url`; scheme-less links read as https;
                from the store's URL table, :mod:`ioscope.url_table`) of a non-repost; links to posts
                on the platform itself (quote permalinks) and empty cells are skipped
co_domain       each registered domain (lower-cased) of a non-repost
co_hashtag      each hashtag (NFC, lower-cased) of a non-repost
hashtag_seq     the sequence of a non-repost's hashtags, in order, when it has two or more
co_text         the normalised text of a non-repost (identical after normalisation)
near_text       a near-duplicate group of normalised texts (see :mod:`.neartext`)
sync            a time bin (see :mod:`.sync`; not built here)
==============  =================================================================================
"""

from __future__ import annotations

import duckdb

from ioscope.url_table import lookup

BEHAVIOURS = (
    "co_repost", "co_quote", "co_reply", "co_link", "co_domain", "co_hashtag", "hashtag_seq",
    "co_text", "near_text", "sync",
)
"""Every behaviour name the analysis accepts."""

DEFAULT_WINDOWS_S = {
    "co_repost": 60.0, "co_quote": 60.0, "co_reply": 60.0, "co_link": 60.0, "co_domain": 60.0,
    "co_hashtag": 60.0, "hashtag_seq": 600.0, "co_text": 600.0, "near_text": 600.0, "sync": 600.0,
}
"""Default window per behaviour, in seconds (for ``sync``: the width of a time bin)."""


_WS_NOT_SPACE = r"[\t\n\f\r\x{00A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]"
r"""One white-space character other than U+0020: RE2's ``\s`` ([\t\n\f\r ]) and Unicode's Z."""


_ARABIC_FROM = "\u06cc\u06a9\u0649\u0640" + "".join(map(chr, range(0x064B, 0x0660))) + "\u0670"
_ARABIC_TO = "\u064a\u0643\u064a"
"""Arabic-script letter variants folded for matching (DuckDB ``translate``): Persian yeh ی and keheh ک
and alef maksura ى become Arabic yeh ي and kaf ك; tatweel (ـ) and the harakat (U+064B–U+065F,
U+0670) are removed. Copies of one text typed on Persian and Arabic keyboards, or stretched and
vocalised to evade exact matching, then compare equal."""


def normalise_text_sql(col: str) -> str:
    """SQL expression normalising text column ``col`` for co-text and near-text matching.

    Steps: remove the run of ``@handle`` tokens at the very start (leading reply mentions; mentions
    later in the text stay), remove ``http(s)://`` URLs, lower-case (Unicode), fold Arabic-script
    letter variants (:data:`_ARABIC_FROM`: Persian ی/ک to Arabic ي/ك, tatweel and harakat removed),
    collapse every run of white space (including Unicode separators) to one space, trim. The result is
    a matching key, not a text to show (the evidence shows each post's own text). Case 28 (leading
    mentions) and the QUT toolkit's co-tweet preprocessing are the references.
    """
    no_mentions = rf"regexp_replace({col}, '^([\s\p{{Z}}]*[@＠][A-Za-z0-9_]+(@[A-Za-z0-9_.\-]+)?)+', '')"
    no_urls = rf"regexp_replace({no_mentions}, 'https?://[^\s\p{{Z}}]+', '', 'g')"
    # a run of 2+ white-space characters, or one that is not a plain space, becomes one space: the
    # same result as replacing every run, without rewriting each single space (3.5x faster)
    # translate() costs about 1 µs a text; only texts with a character in U+0640-U+06CC need it
    low = f"lower({no_urls})"
    folded = (rf"CASE WHEN regexp_matches({col}, '[\x{{0640}}-\x{{06CC}}]') "
              f"THEN translate({low}, '{_ARABIC_FROM}', '{_ARABIC_TO}') ELSE {low} END")
    return rf"trim(regexp_replace({folded}, '[\s\p{{Z}}]{{2,}}|{_WS_NOT_SPACE}', ' ', 'g'))"


def normalise_text(text: str | None) -> str | None:
    """Python access to :func:`normalise_text_sql` (same DuckDB expression), for tests and reports."""
    if text is None:
        return None
    return duckdb.execute(f"SELECT {normalise_text_sql('$t')}", {"t": text}).fetchone()[0]


def load_posts(con: duckdb.DuckDBPyConnection, min_text_chars: int,
               texts: bool = True) -> tuple[int, int]:
    """Build ``_co_accounts`` and ``_co_posts`` from the store's collected posts.

    Returns (number of posts, number of accounts). Posts without a time or an author are left out.
    ``texts`` (default True): compute ``norm_text``; False leaves it NULL (no text behaviour runs:
    the normalisation's regular expressions are most of this step's cost).
    """
    key = "coalesce(account_id, '@' || lower(account_handle))"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_accounts AS
            SELECT (row_number() OVER (ORDER BY platform, account_id))::INTEGER AS aid,
                   platform, account_id, handle
            FROM (SELECT platform, {key} AS account_id,
                         arg_max(account_handle, created_at) FILTER (WHERE account_handle IS NOT NULL)
                           AS handle
                  FROM posts
                  WHERE collected AND created_at IS NOT NULL AND {key} IS NOT NULL
                  GROUP BY platform, {key})"""
    )
    norm = normalise_text_sql("p.text") if texts else "NULL"
    # pidx is numbered on a narrow table (the key and the sort columns) and joined back: sorting the
    # posts' whole rows (lists of URLs, texts) took longer (0.53 s against 0.36 s at 1M posts)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_pidx AS
            SELECT platform, post_id,
                   (row_number() OVER (ORDER BY created_at, platform, post_id))::BIGINT AS pidx
            FROM posts WHERE collected AND created_at IS NOT NULL AND {key} IS NOT NULL"""
    )
    # the normalised text is computed once per non-repost (inner query), then length-filtered
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_posts AS
            SELECT pidx, aid, platform, post_id, t, kind, ref_post_id, urls, domains, hashtags,
                   CAST(CASE WHEN length(n) >= $m THEN n END AS VARCHAR) AS norm_text
            FROM (SELECT x.pidx, a.aid, p.platform, p.post_id, epoch(p.created_at) AS t, p.kind,
                         p.ref_post_id, p.urls, p.domains, p.hashtags,
                         CASE WHEN p.kind IS DISTINCT FROM 'repost' THEN {norm} END AS n
                  FROM posts p JOIN _co_pidx x ON x.platform = p.platform AND x.post_id = p.post_id
                  JOIN _co_accounts a
                    ON a.platform = p.platform
                   AND a.account_id = coalesce(p.account_id, '@' || lower(p.account_handle))) y""",
        {"m": int(min_text_chars)},
    )
    con.execute("DROP TABLE _co_pidx")
    n_posts = con.execute("SELECT count(*) FROM _co_posts").fetchone()[0]
    n_acc = con.execute("SELECT count(*) FROM _co_accounts").fetchone()[0]
    return n_posts, n_acc


def _url_map(con: duckdb.DuckDBPyConnection) -> None:
    """``_co_urlmap`` (u, canon): each distinct URL of a non-repost and its canonical form ('' = skip:
    a permalink to a post on the platform itself), with ``http://`` read as ``https://`` (the same
    article is linked both ways; alternating schemes must not hide a link-sharing group). Read from
    the store's URL table (:mod:`ioscope.url_table`, filled at ingest); URLs it lacks are
    canonicalised here."""
    lookup(con, """SELECT DISTINCT u FROM (SELECT unnest(urls) AS u FROM _co_posts
                                            WHERE kind IS DISTINCT FROM 'repost')""", "_co_urls")
    con.execute("""CREATE OR REPLACE TEMP TABLE _co_urlmap AS
                   SELECT url AS u,
                          CASE WHEN permalink THEN ''
                               WHEN starts_with(canonical_url, 'http://')
                               THEN 'https://' || substr(canonical_url, 8)
                               ELSE canonical_url END AS canon
                   FROM _co_urls""")
    con.execute("DROP TABLE _co_urls")


_NON_REPOST = "kind IS DISTINCT FROM 'repost'"

# behaviour -> SELECT giving (aid, object, t, pidx); several rows per post are de-duplicated later.
_ACTION_SQL = {
    "co_repost": """SELECT aid, platform || ':' || ref_post_id, t, pidx FROM _co_posts
                      WHERE kind = 'repost' AND ref_post_id IS NOT NULL AND ref_post_id <> ''""",
    "co_quote": """SELECT aid, platform || ':' || ref_post_id, t, pidx FROM _co_posts
                    WHERE kind = 'quote' AND ref_post_id IS NOT NULL AND ref_post_id <> ''""",
    "co_reply": """SELECT aid, platform || ':' || ref_post_id, t, pidx FROM _co_posts
                    WHERE kind = 'reply' AND ref_post_id IS NOT NULL AND ref_post_id <> ''""",
    "co_link": f"""SELECT p.aid, m.canon, p.t, p.pidx
                    FROM (SELECT aid, t, pidx, unnest(urls) AS u FROM _co_posts WHERE {_NON_REPOST}) p
                    JOIN _co_urlmap m ON m.u = p.u WHERE m.canon <> ''""",
    "co_domain": f"""SELECT aid, lower(trim(d)), t, pidx
                      FROM (SELECT aid, t, pidx, unnest(domains) AS d FROM _co_posts WHERE {_NON_REPOST})
                      WHERE d IS NOT NULL AND trim(d) <> ''""",
    "co_hashtag": f"""SELECT aid, lower(nfc_normalize(trim(h))), t, pidx
                       FROM (SELECT aid, t, pidx, unnest(hashtags) AS h FROM _co_posts
                             WHERE {_NON_REPOST})
                       WHERE h IS NOT NULL AND trim(h) <> ''""",
    "hashtag_seq": f"""SELECT aid,
                         array_to_string(list_transform(hashtags,
                                         lambda h: lower(nfc_normalize(trim(h)))), ' '), t, pidx
                        FROM _co_posts WHERE {_NON_REPOST} AND len(hashtags) >= 2""",
    "co_text": "SELECT aid, norm_text, t, pidx FROM _co_posts WHERE norm_text IS NOT NULL",
}


def build_actions(con: duckdb.DuckDBPyConnection, behaviour: str, i: int) -> int:
    """Build ``_co_act_{i}`` and ``_co_obj_{i}`` for ``behaviour`` (not near_text/sync, which have their
    own modules). Returns the number of actions. One post acts at most once on one object."""
    if behaviour == "co_link":
        _url_map(con)
    select = _ACTION_SQL[behaviour]
    store_actions(con, f"SELECT DISTINCT * FROM ({select}) s(aid, object, t, pidx)", i)
    return con.execute(f"SELECT count(*) FROM _co_act_{i}").fetchone()[0]


def store_actions(con: duckdb.DuckDBPyConnection, select: str, i: int) -> None:
    """Materialise ``select`` (columns aid, object, t, pidx) as ``_co_obj_{i}`` + ``_co_act_{i}``."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _co_raw_{i} AS {select}")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_obj_{i} AS
            SELECT (row_number() OVER (ORDER BY first, object))::INTEGER AS oid, object
            FROM (SELECT object, min(pidx) AS first FROM _co_raw_{i} WHERE object IS NOT NULL
                  GROUP BY object)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_act_{i} AS
            SELECT r.aid, o.oid, r.t, r.pidx FROM _co_raw_{i} r JOIN _co_obj_{i} o USING (object)"""
    )
    con.execute(f"DROP TABLE _co_raw_{i}")


def estimate_window(con: duckdb.DuckDBPyConnection, i: int, q: float = 0.1, p: float = 0.5) -> float | None:
    """CooRnet's automatic coordination interval (Giglietto et al. 2020, ``estimate_coord_interval``),
    applied to the actions ``_co_act_{i}``; seconds, or None when no object was acted on twice.

    Among objects acted on more than once, keep those whose second action came fastest (time from the
    first action to the second at or below the ``q`` quantile); for each, take the time from its first
    action until more than ``p`` of its actions had happened; the interval is the ``p`` quantile of
    those times (0 becomes 1 s, as in CooRnet). Quantiles are R's type 7 (``quantile_cont``).
    """
    row = con.execute(
        f"""WITH o AS (
                SELECT oid, t, count(*) OVER w AS n, row_number() OVER (w ORDER BY t, pidx) AS rk,
                       min(t) OVER w AS t0
                FROM _co_act_{i} WINDOW w AS (PARTITION BY oid)),
            r2 AS (SELECT oid, t - t0 AS s2 FROM o WHERE n > 1 AND rk = 2),
            thr AS (SELECT quantile_cont(s2, $q) AS v FROM r2),
            fast AS (SELECT oid FROM r2, thr WHERE s2 <= thr.v),
            sub AS (SELECT o.oid, min(o.t - o.t0) AS s FROM o JOIN fast USING (oid)
                    WHERE o.rk::DOUBLE / o.n > $p GROUP BY o.oid)
            SELECT quantile_cont(s, $p) FROM sub""",
        {"q": q, "p": p},
    ).fetchone()
    if row is None or row[0] is None:
        return None
    value = float(row[0])
    return value if value > 0 else 1.0
