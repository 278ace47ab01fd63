"""Aggregates of claim matches, as SQL over the store (DuckDB; portable SQL, no UDFs).

Every query reads the registered relation ``m`` (platform, post_id, claim_id, score, rerank_score,
rule, rank) — the post-level matches of one run — joined to ``posts``, ``claims``, ``actor_accounts``
and, when present, a cluster membership relation ``cm`` (platform, account_id, cluster_id).
"""

from __future__ import annotations

MATCHES = """
SELECT m.claim_id, m.platform, m.post_id, p.account_id, p.account_handle AS handle,
       f.actor_name, f.country, f.actor_type, p.kind, p.created_at, p.lang,
       left(p.text, 280) AS text, m.score, m.rerank_score, m.rule, m.rank,
       c.review_date, p.created_at > c.review_date AS after_review
FROM m
JOIN posts p USING (platform, post_id)
JOIN claims c USING (claim_id)
LEFT JOIN actor_accounts f ON f.platform = p.platform AND f.account_id = p.account_id
ORDER BY m.claim_id, p.created_at, m.platform, m.post_id
"""

PER_CLAIM = """
WITH j AS (
    SELECT m.claim_id, p.platform, p.account_id, p.account_handle, p.created_at, p.kind, p.text,
           f.account_id IS NOT NULL AS tracked, f.country, f.actor_type, {cluster} AS cluster_id
    FROM m JOIN posts p USING (platform, post_id)
    LEFT JOIN actor_accounts f ON f.platform = p.platform AND f.account_id = p.account_id
    {cluster_join}
)
SELECT c.claim_id, c.text AS claim_text, c.rating, c.rating_normalized, c.reviewer, c.review_date,
       c.review_url, c.source,
       count(*) AS n_posts,
       count(*) FILTER (WHERE j.kind = 'repost') AS n_reposts,
       count(DISTINCT md5(j.text)) AS n_texts,
       count(DISTINCT (j.platform, j.account_id)) AS n_accounts,
       count(DISTINCT (j.platform, j.account_id)) FILTER (WHERE j.tracked) AS n_actor_accounts,
       coalesce(list(DISTINCT j.country ORDER BY j.country) FILTER (WHERE j.country IS NOT NULL), [])
           AS countries,
       coalesce(list(DISTINCT j.actor_type ORDER BY j.actor_type)
                FILTER (WHERE j.actor_type IS NOT NULL), []) AS actor_types,
       coalesce(list(DISTINCT j.cluster_id ORDER BY j.cluster_id)
                FILTER (WHERE j.cluster_id IS NOT NULL), []) AS cluster_ids,
       min(j.created_at) AS first_post_at, max(j.created_at) AS last_post_at,
       arg_min(j.account_handle, j.created_at) AS first_handle,
       count(*) FILTER (WHERE j.created_at > c.review_date) AS n_posts_after_review,
       count(*) FILTER (WHERE j.created_at > c.review_date AND j.tracked) AS n_actor_posts_after_review
FROM j JOIN claims c USING (claim_id)
GROUP BY ALL
ORDER BY n_posts DESC, c.claim_id
"""

DAILY = """
SELECT m.claim_id, date_trunc('day', p.created_at) AS day, count(*) AS n_posts,
       count(DISTINCT (p.platform, p.account_id)) AS n_accounts,
       count(*) FILTER (WHERE f.account_id IS NOT NULL) AS n_actor_posts
FROM m JOIN posts p USING (platform, post_id)
LEFT JOIN actor_accounts f ON f.platform = p.platform AND f.account_id = p.account_id
WHERE p.created_at IS NOT NULL
GROUP BY ALL ORDER BY m.claim_id, day
"""

ACTORS = """
SELECT m.claim_id, p.platform, p.account_id, any_value(p.account_handle) AS handle,
       any_value(f.actor_name) AS actor_name, any_value(f.country) AS country,
       any_value(f.actor_type) AS actor_type, any_value(f.overt) AS overt,
       count(*) AS n_posts, min(p.created_at) AS first_at, max(p.created_at) AS last_at
FROM m JOIN posts p USING (platform, post_id)
JOIN actor_accounts f ON f.platform = p.platform AND f.account_id = p.account_id
GROUP BY m.claim_id, p.platform, p.account_id
ORDER BY m.claim_id, first_at, p.platform, p.account_id
"""

CLUSTERS = """
SELECT m.claim_id, cm.cluster_id, count(*) AS n_posts,
       count(DISTINCT (p.platform, p.account_id)) AS n_accounts,
       min(p.created_at) AS first_at, max(p.created_at) AS last_at
FROM m JOIN posts p USING (platform, post_id)
JOIN cm ON cm.platform = p.platform AND cm.account_id = p.account_id
GROUP BY ALL ORDER BY m.claim_id, n_posts DESC, cm.cluster_id
"""

GROUP_SHARE = """
WITH g AS (
    SELECT p.platform, p.post_id,
           CASE WHEN f.account_id IS NULL THEN 'untracked' ELSE coalesce(f.country, 'no country') END
               AS country,
           CASE WHEN f.account_id IS NULL THEN 'untracked' ELSE coalesce(f.actor_type, 'unknown') END
               AS actor_type,
           EXISTS (SELECT 1 FROM m WHERE m.platform = p.platform AND m.post_id = p.post_id
                   AND m.rating_normalized IN ('false', 'misleading')) AS debunked
    FROM posts p
    LEFT JOIN actor_accounts f ON f.platform = p.platform AND f.account_id = p.account_id
    WHERE p.collected
)
SELECT country, actor_type, count(*) AS n_posts, count(*) FILTER (WHERE debunked) AS n_matching,
       count(*) FILTER (WHERE debunked) / count(*) AS share_matching
FROM g GROUP BY ALL ORDER BY share_matching DESC, n_posts DESC, country, actor_type
"""
