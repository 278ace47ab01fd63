"""SQL shared by the amplification modules: the ``r`` and ``amp`` CTEs (see the package docstring)."""

from __future__ import annotations

AMPLIFYING_KINDS = ("repost", "quote", "reply")

# r: candidate amplifications (self-amplifications included). The referenced account falls back to the
# author of the referenced post when the source did not give it.
_BASE = """
WITH r AS (
    SELECT p.platform, p.post_id, p.account_id, p.account_handle, p.kind, p.created_at, p.text,
           p.ref_post_id, coalesce(p.ref_account_id, o.account_id) AS ref_account_id,
           coalesce(p.ref_account_handle, o.account_handle) AS ref_account_handle,
           o.created_at AS ref_created_at
    FROM posts p
    LEFT JOIN posts o ON o.platform = p.platform AND o.post_id = p.ref_post_id
    WHERE p.collected AND p.account_id IS NOT NULL AND list_contains($kinds, p.kind)
),
amp AS (
    SELECT r.*,
           coalesce(ha.handle, r.account_handle, fa.handle) AS amplifier_handle,
           coalesce(hb.handle, r.ref_account_handle, fb.handle) AS amplified_handle,
           epoch(r.created_at) - epoch(r.ref_created_at) AS lag_s,
           fa.account_id IS NOT NULL AS amplifier_tracked, fa.country AS amplifier_country,
           CASE WHEN fa.account_id IS NOT NULL THEN coalesce(fa.actor_type, 'unknown') END
               AS amplifier_type,
           fb.account_id IS NOT NULL AS amplified_tracked, fb.country AS amplified_country,
           CASE WHEN fb.account_id IS NOT NULL THEN coalesce(fb.actor_type, 'unknown') END
               AS amplified_type
    FROM r
    LEFT JOIN accounts ha ON ha.platform = r.platform AND ha.account_id = r.account_id
    LEFT JOIN accounts hb ON hb.platform = r.platform AND hb.account_id = r.ref_account_id
    LEFT JOIN actor_accounts fa ON fa.platform = r.platform AND fa.account_id = r.account_id
    LEFT JOIN actor_accounts fb ON fb.platform = r.platform AND fb.account_id = r.ref_account_id
    WHERE r.ref_account_id IS NOT NULL AND r.ref_account_id <> r.account_id
),
top AS (
    SELECT platform, ref_post_id,
           count(*) FILTER (WHERE kind = 'repost') AS n_reposts,
           count(*) FILTER (WHERE kind = 'quote') AS n_quotes,
           count(*) FILTER (WHERE kind = 'reply') AS n_replies,
           count(DISTINCT account_id) AS n_amplifiers,
           count(DISTINCT account_id) FILTER (WHERE amplifier_tracked) AS n_tracked_amplifiers,
           coalesce(list(DISTINCT amplifier_handle ORDER BY amplifier_handle)
                    FILTER (WHERE amplifier_tracked AND amplifier_handle IS NOT NULL), [])
               AS tracked_amplifier_handles,
           min(created_at) AS first_amplified_at,
           median(lag_s) AS median_lag_s,
           any_value(ref_account_id) AS ref_account_id,
           any_value(amplified_handle) AS ref_handle,
           any_value(text) FILTER (WHERE kind = 'repost') AS repost_text,
           row_number() OVER (ORDER BY count(DISTINCT account_id) DESC, count(*) DESC,
                              platform, ref_post_id) AS rank
    FROM amp WHERE ref_post_id IS NOT NULL
    GROUP BY platform, ref_post_id
    QUALIFY rank <= $top_n
)
"""

