"""Echoes: the same text or the same link pushed by several tracked actor accounts, with who was first.

An *echo* is an item — a normalised text of at least ``min_chars`` characters, or a canonical URL
(:func:`ioscope.canon.canonical_url`, short links and platform self-links left out) — that appears in
the *own* posts (original, quote, reply; never reposts, whose text is someone else's) of at least two
distinct tracked actor accounts. *Cross-country* when those accounts belong to two or more countries.
Text normalisation (SQL): URLs removed, ``RT @x:``-free own text lower-cased, white space collapsed.
Method: copy-paste / co-link detection as in Keller et al. 2020 ("Political astroturfing on Twitter"),
here restricted to declared actors and reported with the first poster and each follower's lag.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ioscope.outputs.links import permalink
from ioscope.store import Store
from ioscope.url_table import lookup

_OWN = """
_echo_own AS (
SELECT p.platform, p.post_id, p.account_id, coalesce(a.handle, p.account_handle, f.handle) AS handle,
       f.country, coalesce(f.actor_type, 'unknown') AS actor_type, p.created_at, p.text, p.urls
FROM posts p
JOIN actor_accounts f ON f.platform = p.platform AND f.account_id = p.account_id
LEFT JOIN accounts a ON a.platform = p.platform AND a.account_id = p.account_id
WHERE p.collected AND p.kind IN ('original', 'quote', 'reply') AND p.created_at IS NOT NULL
)"""

_ITEMS = """
WITH {own},
items AS (
    SELECT 'text' AS item_type,
           trim(regexp_replace(lower(regexp_replace(text, 'https?://[^\\s]+', ' ', 'g')), '\\s+', ' ', 'g'))
               AS item, o.*
    FROM _echo_own o WHERE text IS NOT NULL
    UNION ALL
    SELECT 'url', c.canonical_url, o.platform, o.post_id, o.account_id, o.handle, o.country,
           o.actor_type, o.created_at, o.text, o.urls
    FROM (SELECT *, unnest(urls) AS url FROM _echo_own WHERE len(urls) > 0) o
    JOIN _echo_urls c ON c.url = o.url
    WHERE c.host <> '' AND NOT c.shortener AND c.host NOT IN ('twitter.com', 't.me')
),
kept0 AS (
    SELECT DISTINCT item_type, item, platform, post_id, account_id, handle, country, actor_type, created_at
    FROM items WHERE item_type = 'url' OR length(item) >= $min_chars
),
kept AS (
    SELECT * EXCLUDE (first_at) FROM (
        SELECT *, min(created_at) OVER (PARTITION BY item_type, item) AS first_at FROM kept0)
    WHERE epoch(created_at) - epoch(first_at) <= $window_s
),
grp AS (
    SELECT item_type, item, count(DISTINCT (platform, account_id)) AS n_accounts,
           count(DISTINCT country) AS n_countries
    FROM kept GROUP BY ALL
    HAVING count(DISTINCT (platform, account_id)) >= 2
       AND (NOT $cross_country_only OR count(DISTINCT country) >= 2)
)
SELECT k.*, g.n_accounts, g.n_countries,
       dense_rank() OVER (ORDER BY g.n_countries DESC, g.n_accounts DESC, k.item_type, k.item) AS echo_id
FROM kept k JOIN grp g USING (item_type, item)
ORDER BY echo_id, created_at, post_id
"""


def echo_tables(store: Store, *, min_chars: int = 40, window_s: float = 259200,
                cross_country_only: bool = False, max_echoes: int = 200) -> dict[str, pd.DataFrame]:
    """``echoes`` and ``echo_posts`` (see :class:`~ioscope.analyses.amplification.Amplification`).

    ``min_chars``: shortest normalised text that counts (default 40: "Thank you!" is no echo);
    ``window_s``: only posts within this many seconds of the item's first post count (default
    259,200 = 3 days; later repeats are left out);
    ``cross_country_only``: keep only items of ≥ 2 countries; ``max_echoes``: largest echoes kept
    (most countries, then most accounts)."""
    con = store.con
    lookup(con, f"WITH {_OWN} SELECT DISTINCT unnest(urls) FROM _echo_own", "_echo_urls")
    try:
        posts = store.query(_ITEMS.format(own=_OWN),
                            {"min_chars": min_chars, "window_s": window_s,
                             "cross_country_only": cross_country_only})
    finally:
        con.execute("DROP TABLE IF EXISTS _echo_urls")
    posts = posts[posts["echo_id"] <= max_echoes].copy()
    first_at = posts.groupby("echo_id")["created_at"].transform("min")
    posts["lag_s"] = (posts["created_at"] - first_at).dt.total_seconds()
    posts["is_first"] = ~posts.duplicated("echo_id")
    posts["permalink"] = [permalink(p, i, h if isinstance(h, str) else None)
                          for p, i, h in zip(posts["platform"], posts["post_id"], posts["handle"], strict=False)]
    echo_posts = posts[["echo_id", "item_type", "platform", "post_id", "permalink", "account_id", "handle",
                        "country", "actor_type", "created_at", "lag_s", "is_first"]].reset_index(drop=True)
    rows: list[dict[str, Any]] = []
    for eid, g in posts.groupby("echo_id", sort=True):
        first = g.iloc[0]
        rows.append({
            "echo_id": int(eid), "item_type": first["item_type"], "item": first["item"],
            "n_posts": len(g), "n_accounts": int(first.n_accounts), "n_countries": int(first.n_countries),
            "countries": sorted({c for c in g["country"] if isinstance(c, str)}),
            "handles": list(dict.fromkeys(h for h in g["handle"] if isinstance(h, str))),
            "first_post_id": first.post_id, "first_permalink": first.permalink,
            "first_handle": first.handle, "first_country": first.country, "first_at": first.created_at,
            "last_at": g["created_at"].max(), "span_s": float(g["lag_s"].max()),
            "median_lag_s": float(g.loc[~g["is_first"], "lag_s"].median()),
            "cross_country": int(first.n_countries) >= 2,
        })
    echoes = pd.DataFrame(rows, columns=[
        "echo_id", "item_type", "item", "n_posts", "n_accounts", "n_countries", "countries", "handles",
        "first_post_id", "first_permalink", "first_handle", "first_country", "first_at", "last_at",
        "span_s", "median_lag_s", "cross_country"])
    return {"echoes": echoes, "echo_posts": echo_posts}
