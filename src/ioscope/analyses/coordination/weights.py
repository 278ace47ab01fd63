"""Edge weights and significance: TF-IDF cosine (Pacheco et al. 2021) and the null models.

Both run in DuckDB on the tables of :mod:`.actions` and :mod:`.coaction`, for the candidate edges of one
layer (a behaviour at one window) only: ``_co_cand_{layer}`` (a, b, n_coactions).

**TF-IDF cosine.** Each account is a vector over the objects of the behaviour that at least two
accounts acted on (an object only one account ever touched can never be co-acted on: left in, every
original text or unique link would dilute the vector of an account that also does ordinary things,
and a coordinated account with cover traffic would look unlike its partners). The weight of object
``o`` for account ``a`` is ``(1 + ln n_ao) · (ln((1 + N) / (1 + df_o)) + 1)``, with ``n_ao`` the
number of times ``a`` acted on ``o``, ``N`` the number of accounts with an action in this behaviour and
``df_o`` the number of accounts that acted on ``o`` (sublinear TF and smoothed IDF as in
scikit-learn's ``TfidfTransformer``). The *windowed* cosine of an edge sums the products only over the
objects the two accounts co-acted on within the window, divided by the norms of their full vectors:
so it is at most the plain cosine of Pacheco et al., is 1 only when both accounts did nothing in this
behaviour but act together, is small when either account is hyperactive (a long vector) and when the
shared objects are viral (low IDF). Method: Pacheco, Flammini & Menczer 2021 (ICWSM), "Uncovering
Coordinated Networks on Social Media", section 3 (TF-IDF weighted bipartite projection, cosine).

**Null models (p-values).** The default, ``shuffle``, permutes each account's action times among its
own actions and is computed in closed form (:func:`shuffle_analytic_p_values`); ``relabel`` and
``object`` keep each object's action times and are computed exactly (:func:`analytic_p_values`); all
three are adjusted for multiple testing (:func:`adjust_p_values`). ``shuffle_mc``
(:func:`shuffle_p_values`) is the same time shuffle by Monte Carlo: for ``n_null`` replicates, each candidate
account's action times in this behaviour are permuted among its own actions (the account keeps its objects and its set of times:
its activity rhythm, bursts and volume), the co-actions are recounted with the same window and cap,
and ``p = (1 + #replicates with at least the observed co-actions) / (1 + n_null)``. Replicates are
seeded (``seed``): each account's actions are ordered by a pseudo-random key mixed from (replicate,
account, rank, seed) with three rounds of squaring modulo the prime 2^31 - 1 — plain integer arithmetic,
so reruns, thread counts and engines (DuckDB, Spark) give the same p-values (positions come out uniform
and uncorrelated between replicates and accounts; checked on 70,000 actions x 99 replicates). A small
p says the two accounts acted on the *same objects* at the same times more often than their timing
alone explains; an account whose whole activity fits in one window cannot get a small p (its timing
carries no information), which is why content behaviours also accept a high TF-IDF cosine (see the
analysis docstring).
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import numpy as np
import pandas as pd

from ioscope.analyses.coordination.coaction import pairs_sql

NULLS = ("shuffle", "relabel", "object", "shuffle_mc")
"""Null models of :func:`null_p_values`: ``shuffle`` (the default), ``relabel``, ``object`` and
``shuffle_mc`` (the time shuffle by Monte Carlo replicates)."""

CORRECTIONS = ("bonferroni", "fdr", "none")
"""Multiple-testing corrections of the analytic null models (:func:`adjust_p_values`)."""


TEXT_BEHAVIOURS = ("co_text", "near_text")
"""Behaviours whose objects are texts: the time shuffle keeps them uncorrected by default."""


def default_correction(null: str, behaviour: str | None = None) -> str:
    """The correction a layer gets when none is named.

    * ``relabel`` and ``object``: ``bonferroni`` (Tumminello et al. 2011).
    * ``shuffle_mc``: ``none`` (its smallest p is ``1 / (n_null + 1)``: no correction can apply).
    * ``shuffle``: ``none`` for the text behaviours (:data:`TEXT_BEHAVIOURS`; a copypasta group whose
      pairs share only 2–4 texts would not survive a correction over all account pairs, and two
      accounts rarely post one text independently), ``bonferroni`` for the others (reposts, quotes,
      replies, links, domains, hashtags). Their objects come in organic bursts — a viral post, a
      breaking story, a trending tag — that the shuffle of each account's own times does not keep,
      so ordinary accounts of one burst look significant pair by pair: on the bench's 1,000,000
      posts, 21,149 ordinary co-repost edges in 2,360 clusters uncorrected (docs/bench).
      ``behaviour=None`` gives the object behaviours' rule.
    """
    if null == "shuffle_mc":
        return "none"
    if null == "shuffle":
        return "none" if behaviour in TEXT_BEHAVIOURS else "bonferroni"
    return "bonferroni"


def format_corrections(by_behaviour: Iterable[tuple[str, str]]) -> str:
    """The summary's spelling of the corrections applied, from (behaviour, correction) pairs (pairs
    with an empty correction — an untested layer, e.g. sync — are skipped; a behaviour listed twice,
    at two windows, counts once): one name when every behaviour has the same (``"bonferroni"``),
    else ``"bonferroni for co_repost, co_link; none for co_text"`` (names and behaviours in order of
    first appearance); ``""`` when no pair has a correction."""
    by: dict[str, list[str]] = {}
    for behaviour, corr in by_behaviour:
        if not isinstance(corr, str) or not corr:
            continue
        names = by.setdefault(corr, [])
        if behaviour not in names:
            names.append(str(behaviour))
    if len(by) <= 1:
        return next(iter(by), "")
    return "; ".join(f"{c} for {', '.join(bs)}" for c, bs in by.items())


def corrections_used(null: str, correction: str | None, behaviours: Iterable[str]) -> str:
    """The ``correction`` summary value of a run: ``correction`` when one was named, else the
    defaults of :func:`default_correction` for ``behaviours`` (those with a null test: not
    ``sync``), spelt by :func:`format_corrections` (one name when they agree, else ``"bonferroni for
    co_repost, co_link; none for co_text"``); the null's own default when no behaviour is tested."""
    if correction:
        return correction
    tested = [b for b in behaviours if b != "sync"]
    if not tested:
        return default_correction(null)
    return format_corrections((b, default_correction(null, b)) for b in tested)


def adjust_p_values(raw: np.ndarray, n_pairs: float, correction: str) -> np.ndarray:
    """Adjust the raw p-values ``raw`` of the candidate pairs for the ``n_pairs`` account pairs of a
    behaviour (all of them implicitly tested): array of adjusted p-values in [0, 1], same order.

    * ``fdr``: Benjamini & Hochberg (1995) step-up adjusted p-values (q-values) with
      ``m = n_pairs``: the pairs that are not candidates count with p = 1 (they rank after every
      candidate, so only the candidates need sorting): ``q_(i) = min_{j >= i} m p_(j) / j``.
      Setting a pair's p to 1 can only raise the others' q, so this is conservative towards the
      full BH over all pairs.
    * ``bonferroni``: ``min(1, p · n_pairs)``.
    * ``none``: the raw p-values.

    BH over the candidates only (``m`` = their number) is not offered: the candidates are selected
    by their co-action count, the tested statistic, so that ``m`` ignores the selection (on the
    200,000-post bench it kept 1,087 ordinary co-repost edges, Bonferroni 7, ``fdr`` 36).

    Source: Tumminello, Miccichè, Lillo, Piilo & Mantegna 2011 (PLoS ONE 6(3): e17994), who give
    both the Bonferroni and the FDR (Benjamini–Hochberg) validated networks.
    """
    raw = np.asarray(raw, dtype="float64")
    if correction == "none" or raw.size == 0:
        return np.minimum(1.0, raw)
    if correction == "bonferroni":
        return np.minimum(1.0, raw * max(n_pairs, 1.0))
    m = max(n_pairs, float(raw.size), 1.0)
    order = np.argsort(raw, kind="stable")
    ranked = raw[order] * m / np.arange(1, raw.size + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(raw)
    out[order] = np.minimum(1.0, q)
    return out


def register_candidates(con: duckdb.DuckDBPyConnection, layer: int, edges: pd.DataFrame) -> None:
    """Store the candidate edges (columns a, b, n_coactions) as ``_co_cand_{layer}``."""
    con.register("_co_cand_df", edges[["a", "b", "n_coactions"]])
    con.execute(f"CREATE OR REPLACE TEMP TABLE _co_cand_{layer} AS SELECT * FROM _co_cand_df")
    con.unregister("_co_cand_df")


def tfidf_cosine(con: duckdb.DuckDBPyConnection, i: int, layer: int) -> pd.DataFrame:
    """Windowed TF-IDF cosine of each candidate edge: DataFrame (a, b, tfidf_cosine in [0, 1])."""
    # the account vectors are materialised once (a CTE used twice may be computed twice)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_tfw_{layer} AS
            WITH ao AS (SELECT aid, oid, count(*) AS n FROM _co_act_{i} GROUP BY aid, oid),
                 nacc AS (SELECT count(DISTINCT aid) AS n FROM ao),
                 df AS (SELECT oid, count(*) AS df FROM ao GROUP BY oid HAVING count(*) >= 2)
            SELECT ao.aid, ao.oid, (1 + ln(ao.n)) * (ln((1 + nacc.n) / (1 + df.df)) + 1) AS w
            FROM ao JOIN df USING (oid), nacc"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_tfn_{layer} AS
            WITH cacc AS (SELECT a AS aid FROM _co_cand_{layer} UNION SELECT b FROM _co_cand_{layer})
            SELECT aid, sqrt(sum(w * w)) AS nrm FROM _co_tfw_{layer} SEMI JOIN cacc USING (aid)
            GROUP BY aid"""
    )
    out = con.execute(
        f"""WITH po AS (SELECT DISTINCT p.a, p.b, p.oid FROM _co_pairs_{layer} p
                        SEMI JOIN _co_cand_{layer} c USING (a, b)),
                 s AS (SELECT po.a, po.b, sum(wa.w * wb.w) AS dot
                       FROM po JOIN _co_tfw_{layer} wa ON wa.aid = po.a AND wa.oid = po.oid
                               JOIN _co_tfw_{layer} wb ON wb.aid = po.b AND wb.oid = po.oid
                       GROUP BY po.a, po.b)
            SELECT s.a, s.b, least(1.0, s.dot / (na.nrm * nb.nrm)) AS tfidf_cosine
            FROM s JOIN _co_tfn_{layer} na ON na.aid = s.a JOIN _co_tfn_{layer} nb ON nb.aid = s.b"""
    ).df()
    con.execute(f"DROP TABLE _co_tfw_{layer}")
    con.execute(f"DROP TABLE _co_tfn_{layer}")
    return out


def null_p_values(con: duckdb.DuckDBPyConnection, i: int, layer: int, window_s: float,
                  max_pairs_per_action: int, n_null: int, seed: int,
                  null: str = "shuffle", correction: str | None = None,
                  behaviour: str | None = None) -> pd.DataFrame:
    """p-value of each candidate edge of ``_co_cand_{layer}`` under the null model ``null``:
    DataFrame (a, b, p_value in [0, 1][, expected]). ``shuffle``: :func:`shuffle_analytic_p_values`;
    ``relabel`` and ``object``: :func:`analytic_p_values` (all three adjusted by ``correction``, None =
    the default of the null and ``behaviour``, :func:`default_correction`; ``n_null`` and ``seed``
    unused); ``shuffle_mc``: :func:`shuffle_p_values` (unadjusted; ``correction`` unused)."""
    correction = correction or default_correction(null, behaviour)
    if null == "shuffle_mc":
        return shuffle_p_values(con, i, layer, window_s, max_pairs_per_action, n_null, seed)
    if null == "shuffle":
        return shuffle_analytic_p_values(con, i, layer, window_s, correction)
    return analytic_p_values(con, i, layer, window_s, max_pairs_per_action, null, correction)


def shuffle_analytic_p_values(con: duckdb.DuckDBPyConnection, i: int, layer: int, window_s: float,
                              correction: str = "none") -> pd.DataFrame:
    """The time-shuffle null computed in closed form: DataFrame (a, b, expected, p_value).

    Null: each account's action times in the behaviour are permuted among its own actions (it keeps
    its objects, its number of actions and its set of times: rhythm, bursts, volume). Under it, one
    *trial* — an action of a and an action of b on the same object — lands within ``window_s`` with
    the probability that two times drawn from a's and b's time sets are that close,
    ``q = #{(s, u) in T_a x T_b : |s - u| <= window_s} / (k_a k_b)`` (``k`` = the account's actions
    in the behaviour, ``T`` their times). Over the ``n = sum_o m_ao m_bo`` trials of the pair (``m_ao``
    actions of a on object o), the co-actions are taken as Binomial(n, q) — an approximation: the
    trials are not independent (a shuffle moves an account's actions between its bursts together),
    and on a two-burst example the exact permutation p was 1.9x the binomial one (0.0095 by 1,999
    shuffles against 0.0051; tests/analyses/coordination/test_coord_coaction.py);
    ``expected = n q`` and ``p = P(X >= c) = I_q(c, n - c + 1)`` (regularised incomplete beta) for
    the observed co-actions ``c``, then adjusted over the ``N (N - 1) / 2`` account pairs of the
    behaviour by ``correction`` (:func:`adjust_p_values`), as for ``relabel``.

    Same null as :func:`shuffle_p_values` (``shuffle_mc``), without its ``n_null`` replicates: two
    counting joins over the candidate accounts' actions (time-bucketed, no pair loop), so cost and
    memory no longer grow with a replicate count, and p-values can go below ``1 / (n_null + 1)``,
    which is what lets a multiple-testing correction apply. Accounts whose whole activity fits in one
    window get ``q = 1``, ``p = 1`` (timing cannot tell), as before. The cap
    ``max_pairs_per_action`` is not modelled (it only lowers the observed ``c``: conservative).
    Method: a permutation null on account activity (Pacheco et al. 2021 discuss time-shuffled
    baselines), its expectation in closed form; multiple testing as in Tumminello et al. (2011).
    """
    width = max(float(window_s), 1.0)
    counts = con.execute(
        f"""WITH cacc AS (SELECT a AS aid FROM _co_cand_{layer} UNION SELECT b FROM _co_cand_{layer}),
                 acts AS (SELECT aid, oid, t, floor(t / {width})::BIGINT AS bk
                          FROM _co_act_{i} SEMI JOIN cacc USING (aid)),
                 k AS (SELECT aid, count(*) AS k FROM acts GROUP BY aid),
                 m AS (SELECT aid, oid, count(*) AS m FROM acts GROUP BY aid, oid),
                 tr AS (SELECT c.a, c.b, sum(ma.m * mb.m) AS n_trials
                        FROM _co_cand_{layer} c JOIN m ma ON ma.aid = c.a
                        JOIN m mb ON mb.aid = c.b AND mb.oid = ma.oid GROUP BY c.a, c.b),
                 xb AS (SELECT acts.aid, acts.t, acts.bk + d.d AS jb
                        FROM acts, (VALUES (-1), (0), (1)) d(d)),
                 cl AS (SELECT c.a, c.b, count(*) AS n_close
                        FROM _co_cand_{layer} c JOIN acts xa ON xa.aid = c.a
                        JOIN xb ON xb.aid = c.b AND xb.jb = xa.bk
                        WHERE abs(xb.t - xa.t) <= {float(window_s)} GROUP BY c.a, c.b)
            SELECT c.a, c.b, c.n_coactions, ka.k AS k_a, kb.k AS k_b,
                   coalesce(tr.n_trials, 0) AS n_trials, coalesce(cl.n_close, 0) AS n_close
            FROM _co_cand_{layer} c JOIN k ka ON ka.aid = c.a JOIN k kb ON kb.aid = c.b
            LEFT JOIN tr ON tr.a = c.a AND tr.b = c.b LEFT JOIN cl ON cl.a = c.a AND cl.b = c.b"""
    ).df()
    n_acc = con.execute(f"SELECT count(DISTINCT aid) FROM _co_elig_{i}").fetchone()[0]
    from scipy.special import betainc  # lazy: only the layers that test edges need it

    c = counts["n_coactions"].to_numpy(dtype="float64")
    n = np.maximum(counts["n_trials"].to_numpy(dtype="float64"), c)
    q = np.clip(counts["n_close"].to_numpy(dtype="float64")
                / (counts["k_a"].to_numpy(dtype="float64") * counts["k_b"].to_numpy(dtype="float64")),
                0.0, 1.0)
    raw = np.ones_like(c)
    test = c >= 1
    raw[test] = betainc(c[test], n[test] - c[test] + 1.0, q[test])
    out = counts[["a", "b"]].copy()
    out["expected"] = n * q
    out["p_value"] = adjust_p_values(raw, float(n_acc) * float(n_acc - 1) / 2.0, correction)
    return out


def analytic_p_values(con: duckdb.DuckDBPyConnection, i: int, layer: int, window_s: float,
                      max_pairs_per_action: int, null: str = "relabel",
                      correction: str = "bonferroni") -> pd.DataFrame:
    """Object-timing-preserving null models, computed exactly (no replicates): DataFrame (a, b,
    expected, p_value).

    The actions are those of ``_co_elig_{i}`` (``A`` actions by ``N`` accounts); a *slot pair* is
    two actions on one object at most ``window_s`` apart (same cap as the observed co-actions,
    whoever holds them). Each object keeps its action times (its cascade profile: the burst after
    a post appears stays a burst); only which account holds which action is randomised:

    * ``relabel``: the account labels are permuted over all ``A`` actions of the behaviour (each
      account keeps its number of actions ``k_a``; which objects it acts on and when is random).
      Each of the ``W`` slot pairs is held by accounts a and b (either order) with probability
      ``2 k_a k_b / (A (A - 1))``, so the expected co-actions are ``λ = 2 W k_a k_b / (A (A - 1))``.
      Accounts that choose the same rare objects at the same times are unlikely under it; ordinary
      accounts reposting the same popular posts during their bursts are not.
    * ``object``: inside each object the account labels are permuted among its ``n_o`` actions
      (the account × object incidence is kept too): ``λ = Σ_o m_ao m_bo W_o / C(n_o, 2)`` over the
      objects both acted on (``m_ao`` actions of a on o, ``W_o`` slot pairs of o). It asks only
      whether a and b acted closer in time than the object's other actors; a group that is the
      only actor on its objects cannot be told from it (``p`` near 1).

    The observed co-actions ``c`` are compared with a Poisson law of mean ``λ`` (a sum of many
    rare, weakly dependent slot-pair indicators; Chen–Stein), ``p = P(X >= c) = P(c, λ)`` (the
    regularised lower incomplete gamma function), then adjusted over the ``N (N - 1) / 2`` account
    pairs of the behaviour (every pair is implicitly tested, and the candidates are selected for
    having co-actions) by ``correction`` (:func:`adjust_p_values`; ``bonferroni``:
    ``p_value = min(1, p · N (N - 1) / 2)``; ``fdr``: Benjamini–Hochberg q-values). Without it, millions of
    ordinary pairs each with a small chance of two co-actions give thousands of chance edges. Counts run in SQL; only the candidate table reaches Python.
    The design follows the statistically validated networks of Tumminello et al. (2011, "Statistically
    validated networks in bipartite complex systems", PLoS ONE 6(3): e17994: a random-assignment null
    for each projected link of a bipartite network, Bonferroni- or FDR-corrected over all pairs), with the
    time window added and each object's timing kept, so a burst after a post appears is part of the
    null instead of evidence.
    """
    pairs = pairs_sql(f"_co_elig_{i}", window_s, max_pairs_per_action, same_account=True)
    n_acc, n_act = con.execute(f"SELECT count(DISTINCT aid), count(*) FROM _co_elig_{i}").fetchone()
    if null == "relabel":
        w_all = con.execute(f"SELECT count(*) FROM ({pairs}) sp").fetchone()[0]
        denom = float(n_act) * float(n_act - 1)
        out = con.execute(
            f"""WITH k AS (SELECT aid, count(*) AS k FROM _co_elig_{i} GROUP BY aid)
                SELECT c.a, c.b, c.n_coactions,
                       2.0 * $w * ka.k * kb.k / $d AS expected
                FROM _co_cand_{layer} c JOIN k ka ON ka.aid = c.a JOIN k kb ON kb.aid = c.b""",
            {"w": float(w_all), "d": denom if denom > 0 else 1.0},
        ).df()
    else:
        out = con.execute(
            f"""WITH w AS (SELECT oid, count(*) AS w FROM ({pairs}) sp GROUP BY oid),
                     n AS (SELECT oid, count(*) AS n FROM _co_elig_{i} GROUP BY oid),
                     cacc AS (SELECT a AS aid FROM _co_cand_{layer} UNION SELECT b FROM _co_cand_{layer}),
                     m AS (SELECT aid, oid, count(*) AS m FROM _co_elig_{i} SEMI JOIN cacc USING (aid)
                           GROUP BY aid, oid),
                     lam AS (SELECT c.a, c.b,
                                    sum(ma.m * mb.m * w.w * 2.0 / (n.n * (n.n - 1))) AS expected
                             FROM _co_cand_{layer} c JOIN m ma ON ma.aid = c.a
                             JOIN m mb ON mb.aid = c.b AND mb.oid = ma.oid
                             JOIN w ON w.oid = ma.oid JOIN n ON n.oid = ma.oid
                             GROUP BY c.a, c.b)
                SELECT c.a, c.b, c.n_coactions, coalesce(lam.expected, 0.0) AS expected
                FROM _co_cand_{layer} c LEFT JOIN lam USING (a, b)"""
        ).df()
    from scipy.special import gammainc  # lazy: only the layers that test edges need it

    n_pairs = float(n_acc) * float(n_acc - 1) / 2.0
    lam = out["expected"].to_numpy(dtype="float64")
    c = out["n_coactions"].to_numpy(dtype="float64")
    raw = np.where(lam > 0, gammainc(c, np.maximum(lam, 1e-300)), 0.0)
    out["p_value"] = adjust_p_values(raw, n_pairs, correction)
    return out[["a", "b", "expected", "p_value"]]


def shuffle_p_values(con: duckdb.DuckDBPyConnection, i: int, layer: int, window_s: float,
                     max_pairs_per_action: int, n_null: int, seed: int) -> pd.DataFrame:
    """Time-shuffle p-value of each candidate edge: DataFrame (a, b, p_value in (0, 1]).

    Work is ``n_null ×`` the actions of the candidate accounts on objects that at least two candidate
    accounts acted on; nothing else is replicated. Candidates are only the edges that can still be
    kept (:func:`.layers.run_layer` leaves out those under ``min_cosine``).
    """
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _co_null_{layer} AS
            WITH cacc AS (SELECT a AS aid FROM _co_cand_{layer} UNION SELECT b FROM _co_cand_{layer}),
                 base AS (SELECT aid, oid, t, pidx,
                                 row_number() OVER (PARTITION BY aid ORDER BY t, oid, pidx) AS k
                          FROM _co_act_{i} SEMI JOIN cacc USING (aid)),
                 -- a seeded pseudo-random order per (replicate, account): three rounds of
                 -- squaring modulo the prime 2^31 - 1 (integer arithmetic: the same on every engine)
                 m0 AS (SELECT rep.r, b.aid, b.oid, b.pidx, b.k,
                               (CAST(b.aid AS BIGINT) * 1000003 + b.k * 7919 + rep.r * 15485863
                                + CAST($seed AS BIGINT) * 104729)
                                 % 2147483647 AS x
                        FROM base b, range($n) rep(r)),
                 m1 AS (SELECT r, aid, oid, pidx, k,
                               ((x * x) % 2147483647 + r * 48271 + k * 16807) % 2147483647 AS x FROM m0),
                 m2 AS (SELECT r, aid, oid, pidx, k,
                               ((x * x) % 2147483647 + CAST(aid AS BIGINT) * 69621 + r) % 2147483647 AS x
                        FROM m1),
                 perm AS (SELECT r, aid, oid, pidx,
                                 row_number() OVER (PARTITION BY r, aid
                                                    ORDER BY (x * x) % 2147483647, k) AS k2 FROM m2),
                 sh AS (SELECT p.r, p.aid, p.oid, b.t, p.pidx
                        FROM perm p JOIN base b ON b.aid = p.aid AND b.k = p.k2),
                 obj AS (SELECT oid FROM base GROUP BY oid HAVING count(DISTINCT aid) >= 2)
            SELECT sh.* FROM sh SEMI JOIN obj USING (oid)""",
        {"seed": int(seed), "n": int(n_null)},
    )
    pairs = pairs_sql(f"_co_null_{layer}", window_s, max_pairs_per_action, part=("r",))
    out = con.execute(
        f"""WITH np AS ({pairs}),
                 nc AS (SELECT np.r, np.a, np.b, count(*) AS n FROM np
                        SEMI JOIN _co_cand_{layer} c USING (a, b) GROUP BY np.r, np.a, np.b)
            SELECT c.a, c.b,
                   (1 + count(nc.r) FILTER (WHERE nc.n >= c.n_coactions))::DOUBLE / (1 + $n) AS p_value
            FROM _co_cand_{layer} c LEFT JOIN nc USING (a, b)
            GROUP BY c.a, c.b""",
        {"n": int(n_null)},
    ).df()
    con.execute(f"DROP TABLE _co_null_{layer}")
    return out


def percentile_threshold(values: pd.Series, q: float) -> float:
    """The ``q`` quantile of ``values`` (R type 7 / numpy linear, as CooRTweet's ``quantile``); edges
    whose weight is strictly above it pass (CooRTweet's ``weight_threshold``)."""
    return float(values.quantile(q, interpolation="linear")) if len(values) else 0.0
