"""Amplification of external sites, most amplified accounts, and top posts per group and month.

All three are SQL over ``amp`` (a temporary table made by :mod:`ioscope.analyses.amplification.sql`:
collected reposts, quotes and replies of another account's post).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ioscope.analyses.amplification.sql import _BASE
from ioscope.outputs.links import permalink
from ioscope.store import Store

_DOMAINS = """
, linked AS (
    SELECT amp.*, d.domain
    FROM amp LEFT JOIN posts o ON o.platform = amp.platform AND o.post_id = amp.ref_post_id
    LEFT JOIN posts self ON self.platform = amp.platform AND self.post_id = amp.post_id
    CROSS JOIN unnest(CASE WHEN len(coalesce(o.domains, [])) > 0 THEN o.domains
                           ELSE coalesce(self.domains, []) END) AS d(domain)
    WHERE amp.kind IN ('repost', 'quote')
)
SELECT lower(domain) AS domain, count(DISTINCT ref_post_id) AS n_posts_linking,
       count(*) AS n_amplifications, count(DISTINCT (platform, account_id)) AS n_amplifiers,
       count(*) FILTER (WHERE amplifier_tracked) AS n_tracked_amplifications,
       count(DISTINCT (platform, account_id)) FILTER (WHERE amplifier_tracked) AS n_tracked_amplifiers,
       coalesce(list(DISTINCT amplifier_country ORDER BY amplifier_country)
                FILTER (WHERE amplifier_country IS NOT NULL), []) AS tracked_countries
FROM linked GROUP BY 1
ORDER BY n_tracked_amplifiers DESC, n_amplifiers DESC, domain
"""

_ACCOUNTS = """
SELECT platform, ref_account_id AS account_id,
       arg_max(amplified_handle, created_at) FILTER (WHERE amplified_handle IS NOT NULL) AS handle,
       any_value(amplified_country) AS country, any_value(amplified_type) AS actor_type,
       count(*) AS n_amplifications, count(DISTINCT account_id) AS n_amplifiers,
       count(DISTINCT account_id) FILTER (WHERE amplifier_tracked) AS n_tracked_amplifiers,
       count(DISTINCT amplifier_country) AS n_amplifier_countries
FROM amp GROUP BY platform, ref_account_id
ORDER BY n_amplifiers DESC, n_amplifications DESC, platform, account_id
LIMIT $top_n
"""

_BY_GROUP = """
, per_post AS (
    SELECT amp.platform, amp.ref_post_id AS post_id, any_value(amp.ref_account_id) AS account_id,
           any_value(amp.amplified_handle) AS handle, any_value(amp.amplified_country) AS country,
           any_value(amp.amplified_type) AS actor_type,
           date_trunc('month', coalesce(any_value(amp.ref_created_at), min(amp.created_at))) AS month,
           count(DISTINCT amp.account_id) AS n_amplifiers,
           count(DISTINCT amp.account_id) FILTER (WHERE amp.amplifier_tracked) AS n_tracked_amplifiers,
           count(*) AS n_amplifications
    FROM amp WHERE amp.amplified_tracked AND amp.ref_post_id IS NOT NULL
    GROUP BY amp.platform, amp.ref_post_id
)
SELECT CAST(month AS DATE) AS month, country, actor_type,
       row_number() OVER (PARTITION BY month, country, actor_type
                          ORDER BY n_amplifiers DESC, n_amplifications DESC, platform, post_id) AS rank,
       platform, post_id, account_id, handle, n_amplifiers, n_tracked_amplifiers, n_amplifications
FROM per_post
QUALIFY rank <= $per_group
ORDER BY month, country NULLS LAST, actor_type, rank
"""


def site_tables(store: Store, params: dict[str, Any], *, top_accounts_n: int = 50,
                per_group: int = 5) -> dict[str, pd.DataFrame]:
    """``domain_amplification``, ``top_accounts`` and ``top_by_group`` (columns in the
    :class:`~ioscope.analyses.amplification.Amplification` docstring)."""
    def q(sql: str, extra: dict[str, Any]) -> pd.DataFrame:
        full = _BASE + sql
        allp = {**params, **extra}
        return store.query(full, {k: v for k, v in allp.items() if f"${k}" in full})

    domains = q(_DOMAINS, {})
    accounts = q("\n" + _ACCOUNTS, {"top_n": top_accounts_n})
    by_group = q(_BY_GROUP, {"per_group": per_group})
    by_group["permalink"] = [permalink(p, i, h if isinstance(h, str) else None)
                             for p, i, h in zip(by_group["platform"], by_group["post_id"],
                                                by_group["handle"], strict=False)]
    return {"domain_amplification": domains, "top_accounts": accounts, "top_by_group": by_group}
