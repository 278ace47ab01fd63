"""The object-timing null model (``null="relabel"``; the default is ``shuffle``) and its
multiple-testing ``correction`` on a hand-built scenario.

Ordinary accounts repost popular posts in bursts (the bursts are the posts' own time profile); a
planted pair reposts ten posts of its own within seconds. The cosine parts of the edge rule are
switched off so that only the null model decides.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from coord_helpers import post

from ioscope.analyses.coordination import Coordination
from ioscope.analyses.coordination.weights import adjust_p_values
from ioscope.errors import AnalysisError

NULL_ONLY = dict(behaviours=("co_repost",), window_s=60, min_cosine=None, strong_cosine=None,
                 attach=False, null="relabel")


def _poisson_tail(c: int, lam: float) -> float:
    """P(X >= c) for X ~ Poisson(lam)."""
    return 1.0 - sum(math.exp(-lam) * lam**i / math.factorial(i) for i in range(c))


def _scenario() -> list[dict]:
    # 200 ordinary accounts; popular post P_j (day j, j = 0..9) is reposted by the 40 accounts
    # o[(20j + i) mod 200], i = 0..39, one every 30 s in a random order (a burst of 20 minutes):
    # every ordinary account reposts exactly 2 posts (P_j and P_j+1 share 20 accounts).
    rng = random.Random(3)
    rows = []
    for j in range(10):
        accs = [f"o{(20 * j + i) % 200:03d}" for i in range(40)]
        rng.shuffle(accs)
        for pos, a in enumerate(accs):
            rows.append(post(f"r{j}_{a}", a, 86400 * j + 30 * pos, kind="repost", ref=f"P{j}"))
    # the planted pair: X and Y repost ten posts nobody else reposts, Y 3 s after X
    for k in range(10):
        t = 86400 * k + 43200
        rows += [post(f"x{k}", "X", t, kind="repost", ref=f"Q{k}"),
                 post(f"y{k}", "Y", t + 3, kind="repost", ref=f"Q{k}")]
    return rows


def test_relabel_null_drops_burst_coreposts_and_keeps_a_planted_pair(make_store):
    r = Coordination(**NULL_ONLY).run(make_store(_scenario()))
    # Worked out: A = 400 + 20 = 420 actions by N = 202 accounts. Slot pairs within 60 s: in a burst
    # every 30 s, positions 1 or 2 apart (39 + 38 = 77 per post, 770 in all) plus one per Q post
    # (10): W = 780. Bonferroni over N (N - 1) / 2 = 20,301 pairs.
    big_a, w, m = 420, 780, 202 * 201 / 2
    el = r.tables["edge_layers"].set_index(["account_a", "account_b"])
    # The planted pair: k = 10 each, lambda = 2 W k_a k_b / (A (A - 1)) = 156000 / 175980 = 0.8865;
    # c = 10 co-actions, P(X >= 10) = 3.7e-8, times 20,301 = 7.5e-4 <= 0.01: kept.
    lam = 2 * w * 10 * 10 / (big_a * (big_a - 1))
    assert lam == pytest.approx(0.88646, abs=1e-5)
    assert el.loc[("X", "Y"), "expected_coactions"] == pytest.approx(lam)
    assert el.loc[("X", "Y"), "n_coactions"] == 10
    assert el.loc[("X", "Y"), "p_value"] == pytest.approx(m * _poisson_tail(10, lam), rel=1e-6)
    assert el.loc[("X", "Y"), "p_value"] == pytest.approx(7.5e-4, rel=0.02)
    # Ordinary pairs: k = 2 each, so at most 2 co-actions; lambda = 2 * 780 * 4 / 175980 = 0.0355,
    # P(X >= 2) = 6.1e-4, times 20,301 = 12.5 -> p_value 1: no ordinary edge is kept.
    assert set(el.index) == {("X", "Y")}
    assert r.tables["clusters"]["n_accounts"].tolist() == [2]
    layer = r.tables["layers"].iloc[0]
    assert layer["n_candidates"] > 1  # ordinary pairs with 2 co-actions were tested, not kept
    assert layer["n_kept"] == 1


def test_object_null_and_bad_null_name(make_store):
    s = make_store(_scenario())
    # null="object" keeps the incidence: X and Y are the only actors on their posts, so every
    # permutation inside a Q post keeps their co-action (W_o = 1 = C(2, 2)): lambda = 10 = c and
    # p = 20,301 * P(Poisson(10) >= 10) > 1 -> 1. It cannot see a group that is alone on its objects.
    r = Coordination(**dict(NULL_ONLY, null="object")).run(s)
    assert r.tables["edge_layers"].empty
    with pytest.raises(AnalysisError, match="null must be one of"):
        Coordination(**dict(NULL_ONLY, null="bogus")).run(s)
    with pytest.raises(AnalysisError, match="correction must be one of"):
        Coordination(correction="holm", **NULL_ONLY).run(s)


def test_adjust_p_values_by_hand():
    # Benjamini-Hochberg with m = 10 pairs of which 3 are candidates (the other 7 count as p = 1).
    # Sorted raw p: 0.001, 0.004, 0.02 -> m p / rank = 0.01, 0.02, 0.0667; the step-up minimum from
    # the right leaves them as they are. Bonferroni: 0.01, 0.04, 0.2.
    raw = np.array([0.02, 0.001, 0.004])
    assert adjust_p_values(raw, 10, "fdr") == pytest.approx([0.2 / 3, 0.01, 0.02])
    assert adjust_p_values(raw, 10, "bonferroni") == pytest.approx([0.2, 0.01, 0.04])
    assert adjust_p_values(raw, 10, "none") == pytest.approx(raw)
    # Step-up: raw 0.003, 0.004 with m = 4 -> 0.012, 0.008 -> the first takes the later minimum 0.008.
    assert adjust_p_values(np.array([0.004, 0.003]), 4, "fdr") == pytest.approx([0.008, 0.008])


def test_fdr_correction_on_the_scenario(make_store):
    # Same scenario: N = 202 accounts, m = 20,301 pairs. The planted pair has the smallest raw p,
    # 3.7e-8 (worked out above), and rank 1: q = 20,301 * 3.7e-8 / 1, the Bonferroni value.
    # The ordinary pairs with 2 co-actions (raw 6.1e-4 each) would need a rank near
    # 20,301 * 6.1e-4 / 0.01 = 1,238 among the candidates to pass; there are only 15 candidates
    # (measured: 14 ordinary pairs that met twice within 60 s), so q = 20,301 * 6.1e-4 / 15 > 0.8.
    big_a, w, m = 420, 780, 202 * 201 / 2
    lam = 2 * w * 10 * 10 / (big_a * (big_a - 1))
    r = Coordination(**dict(NULL_ONLY, correction="fdr")).run(make_store(_scenario()))
    el = r.tables["edge_layers"].set_index(["account_a", "account_b"])
    assert set(el.index) == {("X", "Y")}
    assert el.loc[("X", "Y"), "p_value"] == pytest.approx(m * _poisson_tail(10, lam), rel=1e-6)
    assert r.tables["layers"].iloc[0]["n_candidates"] == 15
    # Without a correction the 14 ordinary pairs (raw 6.1e-4 <= 0.01) are kept too.
    r = Coordination(**dict(NULL_ONLY, correction="none")).run(make_store(_scenario(), name="n"))
    el = r.tables["edge_layers"]
    assert len(el) == 15
    assert el.loc[el["n_coactions"] == 2, "p_value"].to_numpy() == pytest.approx(
        [_poisson_tail(2, 2 * w * 2 * 2 / (big_a * (big_a - 1)))] * 14, rel=1e-6)


def test_shuffle_mc_refuses_a_correction_and_the_summary_names_the_applied_one(make_store):
    s = make_store(_scenario())
    with pytest.raises(AnalysisError, match="cannot apply to null 'shuffle_mc'"):
        Coordination(**dict(NULL_ONLY, null="shuffle_mc", correction="bonferroni")).run(s)
    # the summary (and the report's caption) name the correction actually applied
    assert Coordination(**NULL_ONLY).run(s).summary["correction"] == "bonferroni"  # relabel's own
    r = Coordination(**dict(NULL_ONLY, null="shuffle")).run(s)
    assert (r.summary["null"], r.summary["correction"]) == ("shuffle", "bonferroni")  # co_repost
    assert list(r.tables["layers"]["correction"]) == ["bonferroni"]
    # the shuffle keeps text behaviours uncorrected: a mixed run names both, per behaviour
    mixed = Coordination(**dict(NULL_ONLY, null="shuffle", behaviours=("co_repost", "co_text", "sync"))).run(s)
    assert mixed.summary["correction"] == "bonferroni for co_repost; none for co_text"
    assert list(mixed.tables["layers"]["correction"]) == ["bonferroni", "none", ""]
    named = Coordination(**dict(NULL_ONLY, null="shuffle", correction="fdr",
                                behaviours=("co_repost", "co_text"))).run(s)
    assert named.summary["correction"] == "fdr"
    assert list(named.tables["layers"]["correction"]) == ["fdr", "fdr"]
