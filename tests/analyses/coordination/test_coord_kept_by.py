"""``kept_by`` names the route that kept each edge: the p-value, the strong-cosine route, no test at
all (``p_value=None``) or attachment (see test_coord_coaction.py for the attachment case)."""

from __future__ import annotations

import math

import pytest
from coord_helpers import post

from ioscope.analyses.coordination import Coordination

DAY = 86400


@pytest.fixture
def store(make_store):
    # co_link, window 60 s (default), null "shuffle" with its default Bonferroni correction.
    # * A and B share u1 and u2, all four posts within 15 s: their whole co_link activity fits in one
    #   window, so under the shuffle every trial lands in the window (q = 1) and p = 1 > 0.01. Their
    #   vectors are identical (cosine 1 >= strong_cosine 0.8) on 2 objects: kept by the cosine route.
    # * C and D share v0..v5, one a day, D 3 s after C: of C's 6 x D's 6 times, 6 pairs are within
    #   60 s, q = 1/6; 6 trials, 6 co-actions: p = (1/6)^6 = 1/46656, times 6 account pairs
    #   (Bonferroni over the 4 accounts of co_link) = 1/7776. Their cosine is also 1: both routes
    #   pass, and the p-value comes first.
    # * A and B also repost R0..R5, one a day, B 3 s after A (co_repost): p = 1/46656 (one pair).
    rows = [post("a1", "A", 0, urls=["https://one.example/u1"]),
            post("a2", "A", 10, urls=["https://one.example/u2"]),
            post("b1", "B", 5, urls=["https://one.example/u1"]),
            post("b2", "B", 15, urls=["https://one.example/u2"])]
    for k in range(6):
        t = DAY * (k + 1)
        rows += [post(f"c{k}", "C", t, urls=[f"https://two.example/v{k}"]),
                 post(f"d{k}", "D", t + 3, urls=[f"https://two.example/v{k}"]),
                 post(f"ar{k}", "A", t + 1000, kind="repost", ref=f"R{k}"),
                 post(f"br{k}", "B", t + 1003, kind="repost", ref=f"R{k}")]
    return make_store(rows)


def _edges(result):
    return result.tables["edges"].set_index(["account_a", "account_b"])


def test_cosine_route_and_p_value_are_told_apart(store):
    e = _edges(Coordination(behaviours=("co_link",)).run(store))
    assert e.loc[("A", "B"), "p_value"] == pytest.approx(1.0)
    assert e.loc[("A", "B"), "tfidf_cosine"] == pytest.approx(1.0)
    assert e.loc[("A", "B"), "kept_by"] == "cosine"
    assert e.loc[("C", "D"), "p_value"] == pytest.approx(1 / 7776)
    assert e.loc[("C", "D"), "kept_by"] == "p_value"


def test_without_the_cosine_route_only_the_tested_pair_is_kept(store):
    e = _edges(Coordination(behaviours=("co_link",), strong_cosine=None).run(store))
    assert list(e.index) == [("C", "D")] and e.loc[("C", "D"), "kept_by"] == "p_value"


def test_a_p_value_in_any_layer_wins_over_the_cosine_route(store):
    # A-B: co_link kept by cosine (p 1), co_repost by p-value (1/46656): the fused edge says p_value,
    # its p_value is the minimum over the two layers.
    r = Coordination(behaviours=("co_link", "co_repost")).run(store)
    e = _edges(r)
    assert e.loc[("A", "B"), "layers"] == ["co_link@60s", "co_repost@60s"]
    assert e.loc[("A", "B"), "p_value"] == pytest.approx(1 / 46656)
    assert e.loc[("A", "B"), "kept_by"] == "p_value"
    lay = r.tables["edge_layers"].set_index(["account_a", "account_b", "behaviour"])
    assert lay.loc[("A", "B", "co_link"), "p_value"] == pytest.approx(1.0)


def test_no_null_model_is_no_test(store):
    e = _edges(Coordination(behaviours=("co_link",), p_value=None).run(store))
    assert set(e.index) == {("A", "B"), ("C", "D")}
    assert set(e["kept_by"]) == {"no_test"} and all(math.isnan(p) for p in e["p_value"])
