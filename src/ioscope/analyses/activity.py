"""Activity: who posts how much, when, and what they push (hashtags, links, mentions).

The overview that dashboards of state-linked accounts lead with (after the Alliance for Securing
Democracy's Hamilton 2.0 dashboard: daily volume by country and actor type, top hashtags and URLs).
All counting runs as SQL in DuckDB over the store; see docs/analyses/activity.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ioscope.analyses.base import Analysis, Result
from ioscope.errors import AnalysisError
from ioscope.store import Store

# Collected posts with the author's actor labels. {only_tracked} is "" or "AND aa.account_id IS NOT NULL".
_BASE = """
WITH a AS (
    SELECT p.platform, p.post_id, p.account_id, p.created_at, p.kind,
           p.hashtags, p.domains, p.urls, p.mentions,
           aa.country,
           CASE WHEN aa.account_id IS NULL THEN 'untracked'
                ELSE coalesce(aa.actor_type, 'unknown') END AS actor_type,
           aa.account_id IS NOT NULL AS tracked
    FROM posts p
    LEFT JOIN actor_accounts aa ON aa.platform = p.platform AND aa.account_id = p.account_id
    WHERE p.collected {only_tracked}
)
"""

_KIND_COUNTS = """
    count(*) AS n_posts,
    count(*) FILTER (WHERE kind = 'original') AS n_original,
    count(*) FILTER (WHERE kind = 'repost') AS n_repost,
    count(*) FILTER (WHERE kind = 'quote') AS n_quote,
    count(*) FILTER (WHERE kind = 'reply') AS n_reply"""

_DAILY = """
SELECT CAST(timezone('UTC', created_at) AS DATE) AS day, country, actor_type, {kinds}
FROM a WHERE created_at IS NOT NULL
GROUP BY ALL
ORDER BY day, country NULLS LAST, actor_type
"""

_ACTORS = """
WITH p AS (
    SELECT platform, account_id, {kinds},
           min(created_at) AS first_post_at, max(created_at) AS last_post_at,
           arg_max(account_handle, created_at) FILTER (WHERE account_handle IS NOT NULL) AS last_handle
    FROM posts WHERE collected
    GROUP BY platform, account_id
)
SELECT aa.platform, aa.account_id, coalesce(acc.handle, p.last_handle, aa.handle) AS handle,
       aa.actor_name, aa.country, coalesce(aa.actor_type, 'unknown') AS actor_type, aa.overt,
       coalesce(p.n_posts, 0) AS n_posts, coalesce(p.n_original, 0) AS n_original,
       coalesce(p.n_repost, 0) AS n_repost, coalesce(p.n_quote, 0) AS n_quote,
       coalesce(p.n_reply, 0) AS n_reply, p.first_post_at, p.last_post_at
FROM actor_accounts aa
LEFT JOIN p ON p.platform = aa.platform AND p.account_id = aa.account_id
LEFT JOIN accounts acc ON acc.platform = aa.platform AND acc.account_id = aa.account_id
ORDER BY n_posts DESC, country NULLS LAST, handle NULLS LAST, aa.platform, aa.account_id
"""

# Top items per actor group. {col}: the list column; {key}: the grouping key of one written form.
_TOP = """
, items AS (
    SELECT DISTINCT platform, post_id, account_id, country, actor_type, {key} AS key, item AS written
    FROM (SELECT platform, post_id, account_id, country, actor_type, unnest({col}) AS item FROM a)
    WHERE item IS NOT NULL AND item <> ''
),
forms AS (
    SELECT country, actor_type, key, written, count(*) AS n_form FROM items GROUP BY ALL
),
best AS (
    SELECT country, actor_type, key, written AS item FROM forms
    QUALIFY row_number() OVER (PARTITION BY country, actor_type, key ORDER BY n_form DESC, written) = 1
),
counts AS (
    SELECT country, actor_type, key,
           count(DISTINCT (platform, post_id)) AS n_posts,
           count(DISTINCT (platform, account_id)) FILTER (WHERE account_id IS NOT NULL) AS n_accounts
    FROM items GROUP BY ALL
),
ranked AS (
    SELECT c.country, c.actor_type, b.item, c.n_posts, c.n_accounts,
           row_number() OVER (PARTITION BY c.country, c.actor_type
                              ORDER BY c.n_posts DESC, b.item, c.key) AS rank
    FROM counts c JOIN best b
      ON c.country IS NOT DISTINCT FROM b.country AND c.actor_type = b.actor_type AND c.key = b.key
)
SELECT country, actor_type, rank, item, n_posts, n_accounts FROM ranked
WHERE rank <= $top_n
ORDER BY country NULLS LAST, actor_type, rank
"""

_SUMMARY = """
SELECT count(*) AS n_posts,
       count(DISTINCT (platform, account_id)) FILTER (WHERE account_id IS NOT NULL) AS n_accounts,
       count(DISTINCT (platform, account_id)) FILTER (WHERE tracked) AS n_tracked_accounts,
       CAST(min(timezone('UTC', created_at)) AS DATE) AS first_day,
       CAST(max(timezone('UTC', created_at)) AS DATE) AS last_day,
       coalesce(list(DISTINCT country ORDER BY country) FILTER (WHERE country IS NOT NULL),
                []::VARCHAR[]) AS countries,
       count(*) FILTER (WHERE created_at IS NULL) AS n_undated_posts
FROM a
"""

# table name -> (list column, key expression): hashtags, domains and mentions are case-insensitive.
_ITEM_TABLES = {
    "top_hashtags": ("hashtags", "lower(item)"),
    "top_domains": ("domains", "lower(item)"),
    "top_urls": ("urls", "item"),
    "top_mentions": ("mentions", "lower(item)"),
}


class Activity(Analysis):
    """Posting activity of tracked actors (and, optionally, everyone else in the data).

    Only *collected* posts count (posts that were in the input; context posts seen only embedded in
    another post are not activity). Authors are labelled through ``actor_accounts`` on
    (platform, account_id); authors not in the actor registry are *untracked*: country NULL,
    actor_type ``untracked``. A tracked actor with no actor_type in the registry gets ``unknown``.

    Parameters (stored unchanged; validated by :meth:`run`, which raises AnalysisError):

    * ``top_n`` (int >= 1, default 20): items kept per actor group in the ``top_*`` tables;
    * ``include_untracked`` (bool, default True): count untracked authors as their own group.
      ``actor_activity`` only ever lists tracked actors.

    Tables (all times tz-aware UTC; counts are numbers of posts unless named otherwise):

    * ``daily_volume``: day (date, UTC calendar day of created_at), country (ISO alpha-2 or NULL),
      actor_type, n_posts, n_original, n_repost, n_quote, n_reply. Posts without a time are left out
      (counted in the summary as ``n_undated_posts``).
    * ``actor_activity``: one row per tracked actor account seen in the data (as author or as the
      account a post refers to; ``n_posts`` 0 when none of its own posts was collected): platform,
      account_id, handle (as last seen), actor_name, country, actor_type, overt, n_posts, n_original,
      n_repost, n_quote, n_reply, first_post_at, last_post_at. Sorted by n_posts, most active first.
    * ``top_hashtags``, ``top_domains``, ``top_urls``, ``top_mentions``: per actor group
      (country, actor_type): rank (1 = most posts; ties broken by item), item, n_posts (distinct posts
      holding the item), n_accounts (distinct authors). Hashtags, domains and mentions are grouped
      case-insensitively (``lower()``) and shown in their most frequent written form within the group;
      URLs are case-sensitive. **A repost carries the reposted post's hashtags, URLs and mentions**, and
      they are counted for the reposting account: it is what that account pushed to its followers.

    Summary: n_posts, n_accounts (distinct authors), n_tracked_accounts, first_day and last_day (ISO
    dates, UTC), countries (sorted ISO codes of tracked authors), n_undated_posts.
    """

    name = "activity"
    title = "Activity"

    def __init__(self, top_n: int = 20, include_untracked: bool = True):
        self.top_n = top_n
        self.include_untracked = include_untracked

    def _validate(self) -> None:
        if isinstance(self.top_n, bool) or not isinstance(self.top_n, int) or self.top_n < 1:
            raise AnalysisError(f"activity: top_n must be an integer >= 1, got {self.top_n!r}")
        if not isinstance(self.include_untracked, bool):
            raise AnalysisError(
                f"activity: include_untracked must be true or false, got {self.include_untracked!r}"
            )

    def run(self, store: Store) -> Result:
        """Count activity in ``store`` and return a Result (tables as in the class docstring)."""
        self._validate()
        base = _BASE.format(only_tracked="" if self.include_untracked else "AND aa.account_id IS NOT NULL")
        tables: dict[str, pd.DataFrame] = {}
        daily = store.query(base + _DAILY.format(kinds=_KIND_COUNTS))
        daily["day"] = pd.to_datetime(daily["day"]).dt.date
        daily.attrs["arrow_types"] = {"day": pa.date32()}  # kept as date32 in Parquet, even when empty
        tables["daily_volume"] = daily
        tables["actor_activity"] = store.query(_ACTORS.format(kinds=_KIND_COUNTS))
        for table, (col, key) in _ITEM_TABLES.items():
            tables[table] = store.query(base + _TOP.format(col=col, key=key), {"top_n": self.top_n})
        row = store.query(base + _SUMMARY).iloc[0]
        summary = _summary(row)
        notes = [
            "Only collected posts count; a repost is counted for the reposting account, with the "
            "reposted post's hashtags, URLs and mentions (what that account pushed).",
        ]
        if summary["n_undated_posts"]:
            n = summary["n_undated_posts"]
            notes.append(f"{n:,} post{'s have' if n != 1 else ' has'} no time and "
                         f"{'are' if n != 1 else 'is'} not in daily_volume.")
        if summary["n_posts"] and not summary["n_tracked_accounts"]:
            notes.append("No author is in the actor registry: load one with --actors to label actors.")
        return Result(name=self.name, params=self.get_params(), tables=tables, summary=summary,
                      notes=notes)


def _summary(row: pd.Series) -> dict[str, Any]:
    def day(value: Any) -> str | None:
        return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()

    countries = row["countries"] if isinstance(row["countries"], (list, tuple, np.ndarray)) else []
    return {
        "n_posts": int(row["n_posts"]),
        "n_accounts": int(row["n_accounts"]),
        "n_tracked_accounts": int(row["n_tracked_accounts"]),
        "first_day": day(row["first_day"]),
        "last_day": day(row["last_day"]),
        "countries": [str(c) for c in countries],
        "n_undated_posts": int(row["n_undated_posts"]),
    }
