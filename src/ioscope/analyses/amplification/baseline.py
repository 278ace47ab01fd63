"""Amplification between actor groups compared with what the amplifier group's activity predicts.

Model (an *activity null model*, after the configuration-model tests used for retweet networks, e.g.
Cherepnalkoski & Mozetič 2016, and the "expected vs observed" matrices of Hanley et al. 2023 on
Russian and Chinese state-media amplification): every collected post of amplifier group *a* is a trial
that amplifies group *b* with the probability seen in a **reference population**:

    rate_b     = amplifications of b by the reference accounts / collected posts of the reference accounts
    expected_n = posts_a × rate_b
    p_value    = P(X ≥ n_ab), X ~ Binomial(posts_a, rate_b)   (one-sided: more than expected)
    q_value    = Benjamini–Hochberg adjustment of p_value over the cells of the table
    excess     = q_value < alpha and ratio = n_ab / expected_n ≥ min_ratio

Reference (``reference``): ``untracked`` — ordinary accounts, the organic behaviour of the collection
(their own cells have ratio 1 by construction, so organic amplification is never flagged); ``others``
— every account outside group *b*; ``auto`` (default) — ``untracked`` when the untracked accounts made
at least ``min_reference_amplifications`` amplifications of tracked actors, else ``others``.
Groups: country (``(untracked)``, ``(no country)`` for tracked actors without one), actor type, or
overt/covert. Computed as SQL counts; the binomial tail (scipy) runs on the small group table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ioscope.analyses.amplification.sql import _BASE
from ioscope.store import Store

UNTRACKED = "(untracked)"

GROUPINGS: dict[str, tuple[str, str, str]] = {
    # name -> (SQL expression over an actor_accounts alias {f}, amplifier column, amplified column)
    "country": ("CASE WHEN {f}.account_id IS NULL THEN '(untracked)' "
                "ELSE coalesce({f}.country, '(no country)') END", "amplifier_country", "amplified_country"),
    "type": ("CASE WHEN {f}.account_id IS NULL THEN '(untracked)' "
             "ELSE coalesce({f}.actor_type, 'unknown') END", "amplifier_type", "amplified_type"),
    "overt": ("CASE WHEN {f}.account_id IS NULL THEN '(untracked)' WHEN {f}.overt THEN 'overt' "
              "ELSE 'covert' END", "amplifier_overt", "amplified_overt"),
}

_COUNTS = """
, posts_g AS (
    SELECT {ga} AS g, count(*) AS n_posts
    FROM posts p LEFT JOIN actor_accounts fa ON fa.platform = p.platform AND fa.account_id = p.account_id
    WHERE p.collected AND p.account_id IS NOT NULL
    GROUP BY 1
), amp_g AS (
    SELECT {ga} AS a, {gb} AS b, count(*) AS n
    FROM amp
    LEFT JOIN actor_accounts fa ON fa.platform = amp.platform AND fa.account_id = amp.account_id
    LEFT JOIN actor_accounts fb ON fb.platform = amp.platform AND fb.account_id = amp.ref_account_id
    GROUP BY 1, 2
)
SELECT 'p' AS t, g AS a, NULL AS b, n_posts AS n FROM posts_g
UNION ALL SELECT 'a', a, b, n FROM amp_g
"""

COLUMNS = ["n_amplifications", "n_posts_amplifier", "reference_rate", "expected_n", "ratio", "p_value",
           "q_value", "excess"]


def baseline_table(store: Store, params: dict[str, Any], grouping: str, *, reference: str = "auto",
                   alpha: float = 0.01, min_ratio: float = 1.5,
                   min_reference_amplifications: int = 20) -> tuple[pd.DataFrame, str]:
    """Observed vs expected amplification between groups of ``grouping`` (``country``, ``type``,
    ``overt``). Returns (table, reference used). Table columns: <amplifier col>, <amplified col>,
    then :data:`COLUMNS` — one row per (amplifier group, tracked amplified group), zeros included,
    amplifier ``(untracked)`` rows included for comparison; sorted by excess, ratio, n. ``expected_n``,
    ``ratio`` are NULL where the reference rate is 0; ``p_value`` is 1 for n = 0."""
    expr, col_a, col_b = GROUPINGS[grouping]
    sql = _BASE + _COUNTS.format(ga=expr.format(f="fa"), gb=expr.format(f="fb"))
    raw = store.query(sql, {k: v for k, v in params.items() if f"${k}" in sql})
    posts = raw[raw["t"] == "p"].set_index("a")["n"].astype("int64")
    amps = raw[raw["t"] == "a"]
    n_ab = {(a, b): int(n) for a, b, n in zip(amps["a"], amps["b"], amps["n"], strict=False)}
    targets = sorted({b for (_, b) in n_ab if b != UNTRACKED})
    sources = sorted(set(posts.index) | {a for (a, _) in n_ab})
    untracked_amps = sum(n for (a, b), n in n_ab.items() if a == UNTRACKED and b != UNTRACKED)
    if reference == "auto":
        reference = "untracked" if untracked_amps >= min_reference_amplifications else "others"
    from scipy.stats import binom  # lazy: scipy.stats costs seconds to import

    rows = []
    for b in targets:
        ref = [UNTRACKED] if reference == "untracked" else [g for g in sources if g != b]
        ref_posts = sum(int(posts.get(g, 0)) for g in ref)
        rate = sum(n_ab.get((g, b), 0) for g in ref) / ref_posts if ref_posts else 0.0
        for a in sources:
            n, p_a = n_ab.get((a, b), 0), int(posts.get(a, 0))
            exp = p_a * rate
            pv = float(binom.sf(n - 1, p_a, rate)) if n > 0 and rate > 0 and p_a >= n else (
                1.0 if n == 0 else 0.0)
            rows.append({col_a: a, col_b: b, "n_amplifications": n, "n_posts_amplifier": p_a,
                         "reference_rate": rate, "expected_n": exp if rate > 0 else np.nan,
                         "ratio": n / exp if exp > 0 else np.nan, "p_value": pv})
    df = pd.DataFrame(rows, columns=[col_a, col_b, *COLUMNS[:-2]])
    df["q_value"] = _bh(df["p_value"].to_numpy()) if len(df) else []
    df["excess"] = ((df["q_value"] < alpha) & (df["ratio"].fillna(0.0) >= min_ratio)
                    & (df["n_amplifications"] > 0))
    df["excess"] = df["excess"].astype(bool)
    df = df.sort_values(["excess", "ratio", "n_amplifications", col_a, col_b],
                        ascending=[False, False, False, True, True], na_position="last", kind="stable")
    return df.reset_index(drop=True), reference


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (monotone, capped at 1)."""
    n = len(p)
    order = np.argsort(p)
    ranked = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out
