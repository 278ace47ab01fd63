"""SQL shared by the amplification modules: the ``r``, ``amp`` and ``top`` selections (see the package
docstring), materialised once per run as temporary tables.

:func:`materialised_base` computes the three selections once, as ``CREATE OR REPLACE TEMP TABLE``
statements (``_amp_r``, ``_amp_amp``, ``_amp_top``): on DuckDB these are temporary tables of the
store's connection; on Spark (:mod:`ioscope.engines.spark`) the same statements, transpiled by sqlglot,
become materialised temporary views -- the mechanism every analysis uses for intermediate tables (see
:mod:`ioscope.engines.base`). The queries of the analysis start with :data:`_BASE`, which names the
temporary tables ``r``, ``amp`` and ``top``, so each query reads the materialised rows instead of
recomputing the joins over ``posts`` (about ten queries per run used to repeat them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from ioscope.store import Store

AMPLIFYING_KINDS = ("repost", "quote", "reply")

TEMP_TABLES = ("_amp_r", "_amp_amp", "_amp_top")
"""The temporary tables :func:`materialised_base` creates (and drops when the run ends)."""

# r: candidate amplifications (self-amplifications included). The referenced account falls back to the
# author of the referenced post when the source did not give it.
_R = """
SELECT p.platform, p.post_id, p.account_id, p.account_handle, p.kind, p.created_at, p.text,
       p.ref_post_id, coalesce(p.ref_account_id, o.account_id) AS ref_account_id,
       coalesce(p.ref_account_handle, o.account_handle) AS ref_account_handle,
       o.created_at AS ref_created_at
FROM posts p
LEFT JOIN posts o ON o.platform = p.platform AND o.post_id = p.ref_post_id
WHERE p.collected AND p.account_id IS NOT NULL AND list_contains($kinds, p.kind)
"""

# amp: amplifications of another account, with both sides' handles and actor labels.
_AMP = """
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
FROM _amp_r r
LEFT JOIN accounts ha ON ha.platform = r.platform AND ha.account_id = r.account_id
LEFT JOIN accounts hb ON hb.platform = r.platform AND hb.account_id = r.ref_account_id
LEFT JOIN actor_accounts fa ON fa.platform = r.platform AND fa.account_id = r.account_id
LEFT JOIN actor_accounts fb ON fb.platform = r.platform AND fb.account_id = r.ref_account_id
WHERE r.ref_account_id IS NOT NULL AND r.ref_account_id <> r.account_id
"""

# top: the $top_n posts amplified by the most distinct accounts.
_TOP = """
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
FROM _amp_amp WHERE ref_post_id IS NOT NULL
GROUP BY platform, ref_post_id
QUALIFY rank <= $top_n
"""

# The head of every query of the analysis: the materialised selections under their short names (queries
# may continue the WITH list with ", name AS (...)").
_BASE = """
WITH r AS (SELECT * FROM _amp_r),
amp AS (SELECT * FROM _amp_amp),
top AS (SELECT * FROM _amp_top)
"""


@contextmanager
def materialised_base(store: Store, kinds: list[str], top_n: int) -> Iterator[None]:
    """Create the temporary tables :data:`TEMP_TABLES` on ``store.con`` for the block, then drop them.

    ``_amp_r``: collected posts of ``kinds`` by a known account (platform, post_id, account_id,
    account_handle, kind, created_at, text, ref_post_id, ref_account_id, ref_account_handle,
    ref_created_at), self-amplifications included; ``_amp_amp``: those whose referenced account is
    another account, with amplifier_handle, amplified_handle, lag_s (seconds), amplifier_tracked,
    amplifier_country, amplifier_type, amplified_tracked, amplified_country, amplified_type;
    ``_amp_top``: the ``top_n`` posts with the most distinct amplifiers (see
    :class:`~ioscope.analyses.amplification.Amplification`). Portable DDL (``CREATE OR REPLACE TEMP
    TABLE ... AS SELECT``, ``DROP TABLE IF EXISTS``), so the same code runs on DuckDB and Spark. Store
    errors propagate; the tables are dropped in any case.
    """
    con = store.con
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _amp_r AS {_R}", {"kinds": list(kinds)})
        con.execute(f"CREATE OR REPLACE TEMP TABLE _amp_amp AS {_AMP}")
        con.execute(f"CREATE OR REPLACE TEMP TABLE _amp_top AS {_TOP}", {"top_n": int(top_n)})
        yield
    finally:
        for name in reversed(TEMP_TABLES):
            con.execute(f"DROP TABLE IF EXISTS {name}")

