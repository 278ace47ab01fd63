"""Tracking: who pushes each narrative, where, when, and who was first. All SQL over the store.

Input: a table of text assignments (text_hash, source, narrative_id, score) registered as
``_nar_assign``; every collected post whose text hashes to an assigned text carries that narrative
(a repost carries the narrative of the post it reposts), and a quote whose own text is not assigned
inherits the narratives of the post it quotes. Authors are labelled through
``actor_accounts``: country, actor_type (``untracked`` when not in the registry, ``unknown`` when
tracked without a type) and overt (true = openly state-linked, false = covert/suspected, NULL =
untracked).
"""

from __future__ import annotations

import pandas as pd

from ioscope.store import Store

POSTS_SQL = """
WITH direct AS (
    SELECT p.platform, p.post_id, a.source, a.narrative_id,
           CAST(a.subnarrative_id AS VARCHAR) AS subnarrative_id, a.score, 'text' AS via
    FROM posts p JOIN _nar_assign a ON a.text_hash = md5(p.text)
    WHERE {where}
),
quoted AS (  -- a quote pushes what it quotes: it inherits the quoted post's narratives
    SELECT p.platform, p.post_id, d.source, d.narrative_id,
           CAST(d.subnarrative_id AS VARCHAR), d.score, 'quoted' AS via
    FROM posts p
    JOIN posts r ON r.platform = p.platform AND r.post_id = p.ref_post_id
    JOIN _nar_assign d ON d.text_hash = md5(r.text)
    WHERE p.collected AND p.kind = 'quote'
      AND NOT EXISTS (SELECT 1 FROM direct x WHERE x.platform = p.platform
                      AND x.post_id = p.post_id AND x.source = d.source)
),
m AS (SELECT * FROM direct UNION ALL SELECT * FROM quoted)
SELECT p.platform, p.post_id, p.account_id, p.account_handle AS handle, p.created_at, p.kind,
       p.lang, m.source, m.narrative_id, m.subnarrative_id, m.score, m.via,
       aa.country,
       CASE WHEN aa.account_id IS NULL THEN 'untracked'
            ELSE coalesce(aa.actor_type, 'unknown') END AS actor_type,
       aa.overt,
       coalesce(aa.country, CASE WHEN aa.account_id IS NULL THEN 'untracked'
                                 ELSE 'tracked, no country' END) AS actor_group
FROM m JOIN posts p USING (platform, post_id)
LEFT JOIN actor_accounts aa ON aa.platform = p.platform AND aa.account_id = p.account_id
ORDER BY m.source, m.narrative_id, p.created_at, p.platform, p.post_id
"""

VOLUME_SQL = """
SELECT source, narrative_id, CAST(timezone('UTC', created_at) AS DATE) AS day, country, actor_type,
       overt, count(*) AS n_posts,
       count(*) FILTER (WHERE kind = 'original') AS n_original,
       count(*) FILTER (WHERE kind = 'repost') AS n_repost,
       count(*) FILTER (WHERE kind = 'quote') AS n_quote,
       count(*) FILTER (WHERE kind = 'reply') AS n_reply,
       count(DISTINCT (platform, account_id)) AS n_accounts
FROM _nar_posts WHERE created_at IS NOT NULL
GROUP BY ALL
ORDER BY source, narrative_id, day, country NULLS LAST, actor_type, overt NULLS LAST
"""

FIRST_SQL = """
WITH firsts AS (
    SELECT source, narrative_id, actor_group, platform, post_id, account_id, handle, actor_type,
           kind, created_at AS first_at,
           count(*) OVER (PARTITION BY source, narrative_id, actor_group) AS n_posts
    FROM _nar_posts WHERE created_at IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY source, narrative_id, actor_group
                               ORDER BY created_at, platform, post_id) = 1
)
SELECT source, narrative_id,
       row_number() OVER (PARTITION BY source, narrative_id ORDER BY first_at, actor_group) AS rank,
       actor_group, first_at,
       CAST(epoch(first_at) - min(epoch(first_at)) OVER (PARTITION BY source, narrative_id)
            AS DOUBLE) AS lag_s,
       platform, post_id, account_id, handle, actor_type, kind, n_posts
FROM firsts
ORDER BY source, narrative_id, rank
"""

ACCOUNTS_SQL = """
SELECT * FROM (
SELECT source, narrative_id, platform, account_id, arg_max(handle, created_at) AS handle,
       any_value(country) AS country, any_value(actor_type) AS actor_type, any_value(overt) AS overt,
       count(*) AS n_posts,
       count(*) FILTER (WHERE kind = 'original') AS n_original,
       count(*) FILTER (WHERE kind = 'repost') AS n_repost,
       min(created_at) AS first_at, max(created_at) AS last_at,
       arg_min(post_id, (created_at, post_id)) AS first_post_id
FROM _nar_posts
GROUP BY source, narrative_id, platform, account_id
)
ORDER BY source, narrative_id, (actor_type = 'untracked'), n_posts DESC, platform, account_id
"""

CONTRA_SQL = """
WITH per AS (
    SELECT 'country' AS level, country AS group_key, narrative_id,
           count(*) AS n_posts, min(created_at) AS first_at,
           arg_min(post_id, (created_at, post_id)) AS example_post_id
    FROM _nar_posts WHERE source = 'catalog' AND country IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'account', platform || ':' || account_id || coalesce(' @' || any_value(handle), ''),
           narrative_id, count(*), min(created_at), arg_min(post_id, (created_at, post_id))
    FROM _nar_posts WHERE source = 'catalog' AND account_id IS NOT NULL
    GROUP BY platform, account_id, narrative_id
)
SELECT a.level, a.group_key, c.narrative_a, c.narrative_b,
       a.n_posts AS n_posts_a, b.n_posts AS n_posts_b, a.first_at AS first_at_a,
       b.first_at AS first_at_b, a.example_post_id AS example_post_a,
       b.example_post_id AS example_post_b
FROM _nar_pairs c
JOIN per a ON a.narrative_id = c.narrative_a
JOIN per b ON b.narrative_id = c.narrative_b AND b.level = a.level AND b.group_key = a.group_key
ORDER BY a.level DESC, least(a.n_posts, b.n_posts) DESC, a.group_key, c.narrative_a, c.narrative_b
"""


def track(store: Store, assignments: pd.DataFrame, pairs: pd.DataFrame, *,
          where_sql: str = "p.collected") -> dict[str, pd.DataFrame]:
    """Posts, daily volume, first movers, accounts and contradictions of assigned narratives.

    ``assignments``: text_hash, source (``catalog`` | ``discovered``), narrative_id, optional
    subnarrative_id (discovered only), score (a text may carry several narratives of one source, e.g. a long text those of its passages, but each at most once); ``pairs``: narrative_a, narrative_b (catalog contradicts links);
    ``where_sql``: condition over ``posts p`` (default collected posts). Returns tables (times UTC):

    * ``posts``: platform, post_id, account_id, handle, created_at, kind, lang, source, narrative_id,
      subnarrative_id (NULL for the catalog), score, via (``text``: its own text was assigned; ``quoted``: a quote whose own text was not,
      carrying what it quotes), country, actor_type, overt, actor_group;
    * ``volume``: source, narrative_id, day (UTC date), country, actor_type, overt, n_posts,
      n_original, n_repost, n_quote, n_reply, n_accounts;
    * ``first_movers``: source, narrative_id, rank (1 = first), actor_group (country, or
      ``untracked`` / ``tracked, no country``), first_at, lag_s (seconds after the narrative's first
      post), platform, post_id, account_id, handle, actor_type, kind, n_posts (of that group);
    * ``accounts``: source, narrative_id, platform, account_id, handle, country, actor_type, overt,
      n_posts, n_original, n_repost, first_at, last_at, first_post_id (tracked accounts first);
    * ``contradictions``: level (``country`` | ``account``), group_key, narrative_a, narrative_b,
      n_posts_a, n_posts_b, first_at_a, first_at_b, example_post_a, example_post_b.
    """
    con = store.con.cursor()  # own registrations; unaffected by a pending result on store.con
    cols = ["text_hash", "source", "narrative_id", "subnarrative_id", "score"]
    con.register("_nar_assign", assignments.reindex(columns=cols))
    try:
        posts = con.execute(POSTS_SQL.format(where=where_sql)).df()
    finally:
        con.unregister("_nar_assign")
    con.register("_nar_posts", posts)
    con.register("_nar_pairs", pairs if not pairs.empty else
                 pd.DataFrame({"narrative_a": pd.Series(dtype=str),
                               "narrative_b": pd.Series(dtype=str)}))
    try:
        out = {"posts": posts,
               "volume": con.execute(VOLUME_SQL).df(),
               "first_movers": con.execute(FIRST_SQL).df(),
               "accounts": con.execute(ACCOUNTS_SQL).df(),
               "contradictions": con.execute(CONTRA_SQL).df()}
    finally:
        con.unregister("_nar_posts")
        con.unregister("_nar_pairs")
    return out
