"""The QUT coordination-network-toolkit's inputs give the toolkit's networks at the same window.

Reference: the toolkit's documented definitions (../shared/data/coordination-network-toolkit-format/
network_types.md) and its SQL (compute_networks.py): a co-X edge from user 1 to user 2 with weight N
means N distinct messages of user 1 had a matching message of user 2 within ``window`` seconds
(inclusive, ``between t - w and t + w``); reposts are left out of every network except co-retweet;
self-loops are dropped here (the toolkit's ``loops=False``). ioscope's edges are undirected, so the
toolkit's two directed weights are compared with the distinct posts of each side in the evidence.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

import ioscope.sources.qut_cnt  # noqa: F401  (registers the qut-cnt source)
from ioscope.analyses.coordination import Coordination
from ioscope.ingest import ingest
from ioscope.sources.generic_csv import parse_list
from ioscope.store import Store

PLAIN = dict(min_actions=1, min_coactions=1, p_value=None, min_cosine=None, attach=False,
             min_text_chars=1, max_evidence_per_edge=10_000)
BEHAVIOUR = {"co_retweet": "co_repost", "co_reply": "co_reply", "co_link": "co_link", "co_tweet": "co_text"}


@pytest.fixture(scope="module")
def folder(shared_data) -> Path:
    path = shared_data / "coordination-network-toolkit-format"
    if not path.is_dir():
        pytest.skip("coordination-network-toolkit-format is absent")
    return path


def _store(tmp_path, path: Path) -> Store:
    s = Store(tmp_path / "qut.duckdb")
    report = ingest(s, [path])
    assert report.files[0].format == "qut-cnt" and report.total("n_quarantined") == 0
    return s


def _reference(path: Path, network: str, window: float) -> dict[tuple[str, str], int]:
    """The toolkit's directed weights (user_1, user_2) -> N, by its definition, loops dropped."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["t"] = float(r["timestamp"])
        r["key"] = {
            "co_retweet": r["repost_id"] or None,
            "co_reply": (r["reply_id"] or None) if not r["repost_id"] else None,
            "co_tweet": " ".join(r["message"].lower().split()) if not r["repost_id"] else None,
        }.get(network)
    if network == "co_link":
        rows = [dict(r, key=u) for r in rows if not r["repost_id"] for u in parse_list(r["urls"], urls=True)]
    rows = [r for r in rows if r["key"] is not None]
    matched: dict[tuple[str, str], set[str]] = {}
    for x, y in itertools.permutations(rows, 2):
        if x["key"] == y["key"] and x["user_id"] != y["user_id"] and abs(x["t"] - y["t"]) <= window:
            matched.setdefault((x["user_id"], y["user_id"]), set()).add(x["message_id"])
    return {k: len(v) for k, v in matched.items()}


def _ours(result, behaviour: str) -> dict[tuple[str, str], int]:
    ev = result.tables["evidence"]
    ev = ev[ev["behaviour"] == behaviour]
    out = {}
    for (a, b), g in ev.groupby(["account_a", "account_b"]):
        out[(a, b)] = g["post_a"].nunique()
        out[(b, a)] = g["post_b"].nunique()
    return out


@pytest.mark.parametrize(("window", "n_nodes", "weights"), [
    # Hand-checked from coretweet_test_input.csv (and the toolkit's own test: 2 nodes at 1 s, 6 at 60 s):
    # at 1 s only rtid4 (uid4 at 40, uid5 at 41); at 60 s also rtid0 (uid0 at 0 and 1, uid1 at 59: two
    # messages of uid0 match), rtid1 (uid2 at 60, uid3 at 70) and rtid3 (uid4 at 30, uid5 at 89);
    # rtid2 (70 vs 131) and rtid6 (42 vs 300) are too far apart; rtid5 is one user twice (a loop).
    (1, 2, {("uid4", "uid5"): 1, ("uid5", "uid4"): 1}),
    (60, 6, {("uid0", "uid1"): 2, ("uid1", "uid0"): 1, ("uid2", "uid3"): 1, ("uid3", "uid2"): 1,
             ("uid4", "uid5"): 2, ("uid5", "uid4"): 2}),
])
def test_coretweet_test_input(folder, tmp_path, window, n_nodes, weights):
    s = _store(tmp_path, folder / "coretweet_test_input.csv")
    r = Coordination(behaviours=("co_repost",), window_s=window, **PLAIN).run(s)
    assert r.graphs["coordination"].number_of_nodes() == n_nodes
    assert _ours(r, "co_repost") == weights
    assert weights == _reference(folder / "coretweet_test_input.csv", "co_retweet", window)
    # the toolkit's min_edge_weight = 2 at 1 s leaves no node (its test: ((1, 2, False), 0))
    r2 = Coordination(behaviours=("co_repost",), window_s=1, **dict(PLAIN, min_coactions=2)).run(s)
    assert r2.graphs["coordination"].number_of_nodes() == 0
    s.close()


@pytest.mark.parametrize("network", ["co_retweet", "co_reply", "co_link", "co_tweet"])
def test_sample_data_synthetic(folder, tmp_path, network):
    path = folder / "sample_data_synthetic.csv"
    s = _store(tmp_path, path)
    behaviour = BEHAVIOUR[network]
    r = Coordination(behaviours=(behaviour,), window_s=60, **PLAIN).run(s)
    expected = _reference(path, network, 60)
    assert expected, f"the sample has {network} edges"
    assert _ours(r, behaviour) == expected
    s.close()
