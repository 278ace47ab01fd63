"""The report's coordination section on a hand-built result: a row budget per group (members and
evidence), a note wherever a group's list is cut, p-values in scientific notation, the edges caption
naming the null model and the correction per behaviour, and readable defaults in the parameters.

The result (built below, every number chosen by hand):

* group 1: 60 members ``g1m00`` .. ``g1m59`` (degree 60 .. 1, so already in table order); 3 links
  (g1m00-g1m01, g1m00-g1m02, g1m01-g1m02) with 40 co-actions each = 120 evidence rows, link by link;
  post_a IDs 1000-1039, 2000-2039, 3000-3039;
* group 2: 15 members, one link with 5 co-actions (post_a 4000-4004);
* group 3: 12 members, one link with 3 co-actions (post_a 5000-5002);
* edges: four pairs with p-values 2e-115, 3.4e-06, 0.013 and 1.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from ioscope.analyses.base import Result
from ioscope.outputs import report
from ioscope.outputs.coordination_view import correction_words, layer_corrections, p_value_note
from ioscope.outputs.report import cluster_views, render_report

T = pd.Timestamp("2024-03-01 10:00", tz="UTC")
SIZES = {1: 60, 2: 15, 3: 12}
LINKS = {1: [("g1m00", "g1m01", 1000), ("g1m00", "g1m02", 2000), ("g1m01", "g1m02", 3000)],
         2: [("g2m00", "g2m01", 4000)], 3: [("g3m00", "g3m01", 5000)]}
N_PER_LINK = {1: 40, 2: 5, 3: 3}
MIXED = "bonferroni for co_repost, co_link; none for co_text, near_text"


def _tables() -> dict[str, pd.DataFrame]:
    clusters = pd.DataFrame({
        "cluster_id": [1, 2, 3], "n_accounts": [60, 15, 12], "n_edges": [3, 1, 1],
        "n_coactions": [120, 5, 3], "members": [[], [], []], "countries": [["CN"], [], ["RU"]],
        "actor_types": [["embassy"], [], []], "behaviours": [["co_repost"], ["co_link"], ["near_text"]],
        "top_objects": [["obj1"], ["obj2"], ["obj3"]], "top_domains": [[], [], []],
        "first_at": [T] * 3, "last_at": [T + pd.Timedelta(hours=1)] * 3})
    members = pd.DataFrame([
        {"cluster_id": c, "platform": "twitter", "account_id": f"g{c}m{i:02d}",
         "handle": f"g{c}m{i:02d}", "actor_name": None, "country": None, "actor_type": None,
         "overt": None, "degree": n - i, "strength": 1.5, "n_coactions": 2, "attached": False}
        for c, n in SIZES.items() for i in range(n)])
    ev = []
    for c, links in LINKS.items():
        for a, b, base in links:
            for k in range(N_PER_LINK[c]):
                ev.append({"cluster_id": c, "account_a": a, "account_b": b, "handle_a": a,
                           "handle_b": b, "behaviour": "co_repost", "window_s": 60.0,
                           "object": f"o{base + k}", "post_a": str(base + k),
                           "time_a": T + pd.Timedelta(minutes=k), "post_b": str(base + 500 + k),
                           "time_b": T + pd.Timedelta(minutes=k, seconds=3), "delta_s": 3.0,
                           "url_a": f"https://x.com/{a}/status/{base + k}",
                           "url_b": f"https://x.com/{b}/status/{base + 500 + k}",
                           "platform_a": "twitter", "platform_b": "twitter"})
    edges = pd.DataFrame({
        "account_a": ["g1m00", "g1m00", "g1m01", "g2m00"], "account_b": ["g1m01", "g1m02", "g1m02", "g2m01"],
        "handle_a": ["g1m00", "g1m00", "g1m01", "g2m00"], "handle_b": ["g1m01", "g1m02", "g1m02", "g2m01"],
        "behaviours": [["co_repost"]] * 4, "n_coactions": [40, 40, 40, 5], "n_objects": [40, 40, 40, 5],
        "weight": [0.9, 0.8, 0.7, 0.6], "p_value": [2e-115, 3.4e-06, 0.013, 1.0],
        "cluster_id": [1, 1, 1, 2]})
    layers = pd.DataFrame({
        "behaviour": ["co_repost", "co_link", "co_text", "near_text", "co_repost"],
        "window_s": [60.0, 60.0, 600.0, 600.0, 300.0], "n_kept": [3, 1, 0, 1, 2],
        "correction": ["bonferroni", "bonferroni", "none", "none", "bonferroni"]})
    return {"edges": edges, "evidence": pd.DataFrame(ev), "clusters": clusters,
            "cluster_members": members, "layers": layers}


@pytest.fixture
def result() -> Result:
    params = {"behaviours": ("co_repost", "co_link", "co_text", "near_text"), "window_s": None,
              "p_value": 0.01, "null": "shuffle", "correction": None, "weight_percentile": None}
    return Result(name="coordination", params=params, tables=_tables(),
                  summary={"n_clusters": 3, "null": "shuffle", "correction": MIXED})


@pytest.fixture
def html(result, tmp_path) -> str:
    return render_report([result], tmp_path / "r.html").read_text(encoding="utf-8")


def _groups(html: str) -> dict[int, tuple[str, str]]:
    """group id -> (members part, evidence part) of its <details>."""
    out = {}
    for part in html.split('<details class="post"')[1:]:
        part = part.split("</details>")[0]
        cid = int(re.search(r'<span class="rank">#(\d+)</span>', part).group(1))
        members, evidence = part.split("Co-actions (evidence)")
        out[cid] = (members, evidence)
    return out


def _n_rows(part: str) -> int:
    return part.count("<tr>") - 1  # minus the header row


def test_every_group_gets_its_own_member_and_evidence_budget(html):
    assert report.CLUSTER_MEMBER_ROWS == 50 and report.CLUSTER_EVIDENCE_ROWS == 50
    groups = _groups(html)
    assert sorted(groups) == [1, 2, 3]
    # members: 50 of group 1's 60 (a note says so), all 15 and all 12 of the others
    assert [_n_rows(groups[c][0]) for c in (1, 2, 3)] == [50, 15, 12]
    assert ">g1m49<" in groups[1][0] and ">g1m50<" not in groups[1][0]
    assert ("Showing the first 50 of 60 members of group #1 (highest degree first); all of them are "
            "in <code>coordination_cluster_members.parquet</code> (cluster_id 1).") in groups[1][0]
    assert "members of group #2" not in html and "members of group #3" not in html
    # evidence: 50 of group 1's 120, and all 5 and 3 rows of groups 2 and 3 (they used to get none)
    assert [_n_rows(groups[c][1]) for c in (1, 2, 3)] == [50, 5, 3]
    assert "No rows shown here" not in html
    assert ("Showing the first 50 of 120 co-actions of group #1 (the earliest of each link first); all "
            "of them are in <code>coordination_evidence.parquet</code> (cluster_id 1).") in groups[1][1]
    assert "co-actions of group #2" not in html and "co-actions of group #3" not in html
    # group 1's 50 rows: ranks 0-15 of each of its 3 links (48), then rank 16 of the first two links
    ev1 = groups[1][1]
    shown = {int(x) for x in re.findall(r'href="https://x\.com/g1m0\d/status/(\d+)"', ev1)}
    assert {x for x in shown if x < 1500} == set(range(1000, 1017))
    assert {x for x in shown if 2000 <= x < 2500} == set(range(2000, 2017))
    assert {x for x in shown if 3000 <= x < 3500} == set(range(3000, 3016))
    # every group shown links to the posts behind it
    for c, (_, ev) in groups.items():
        first = LINKS[c][0]
        assert f'href="https://x.com/{first[0]}/status/{first[2]}"' in ev, c


def test_cluster_views_with_small_budgets():
    views = cluster_views(_tables(), member_rows=2, evidence_rows=4)
    g1, g2, g3 = views
    assert (g1["cluster_id"], g1["n_accounts"], g1["labels"]) == ("1", "60", "CN · embassy")
    assert (g1["members"].n_shown, g1["members"].n_total, g1["members"].n_more) == (2, 60, 58)
    assert "cluster_id" not in g1["members"].columns
    # one co-action of each link first, then the second of the first link; shown link by link
    col = g1["evidence"].columns.index("url_a")
    urls = [row[col].text for row in g1["evidence"].rows]
    assert urls == ["https://x.com/g1m00/status/1000", "https://x.com/g1m00/status/1001",
                    "https://x.com/g1m00/status/2000", "https://x.com/g1m01/status/3000"]
    assert (g1["evidence"].n_total, g1["evidence"].n_more) == (120, 116)
    assert (g2["evidence"].n_shown, g2["evidence"].n_more) == (4, 1)
    assert (g3["evidence"].n_shown, g3["evidence"].n_more, g3["members"].n_more) == (3, 0, 10)
    assert g3["evidence"].columns == list(report.CLUSTER_EVIDENCE_COLUMNS)


def test_p_values_in_scientific_notation(html):
    text = report._text
    assert [text(v, "p_value") for v in (2e-115, 3.4e-06, 0.013, 1.0, 0.5, 0.0)] == [
        "2e-115", "3.4e-06", "0.013", "1", "0.5", "0"]
    assert text(2.94e-127, "p_value") == "2.9e-127" and text(0.01534, "q_value") == "0.015"
    assert text(4.2e-9, "fused_p_value") == "4.2e-09"
    # other floats: small ones two significant digits, huge ones scientific, the rest as before
    assert [text(v, "share") for v in (0.0016, 3.4e-06, 0.25, 1234.5, 2.5e17)] == [
        "0.0016", "3.4e-06", "0.25", "1,234.5", "2.5e+17"]
    edges = html.split("Links between accounts")[1].split("</table>")[0]
    cells = re.findall(r'<td class="num">([^<]*)</td>', edges)
    for p in ("2e-115", "3.4e-06", "0.013", "1"):
        assert p in cells
    assert not any(c.startswith("0.0000") for c in cells)


def test_caption_names_the_null_and_the_correction_per_behaviour(html):
    assert ("p-value of the time-shuffle test (Bonferroni-adjusted over all account pairs for "
            "co_repost, co_link; uncorrected for co_text, near_text), who acted first (leader) and "
            "how often. A pair linked in several behaviours or windows shows the smallest of their "
            "p-values; blank: not tested.") in html
    assert "adjusted over all account pairs by behaviour" not in html


def test_default_parameters_say_default_not_dash(html):
    params = html.split("Parameters of this run")[1].split("</table>")[0]
    assert ("<tr><th>correction</th><td><code>default (per behaviour; see correction above)</code>"
            "</td></tr>") in params
    assert ("<tr><th>window_s</th><td><code>default (per behaviour; see windows above)</code>"
            "</td></tr>") in params
    # other None parameters mean "off" and keep the dash
    assert "<tr><th>weight_percentile</th><td><code>–</code></td></tr>" in params


@pytest.mark.parametrize("value, words", [
    ("none", "uncorrected"),
    ("bonferroni", "bonferroni-adjusted over all account pairs"),
    ("fdr", "fdr-adjusted over all account pairs"),
    (MIXED, "Bonferroni-adjusted over all account pairs for co_repost, co_link; uncorrected for "
            "co_text, near_text"),
    ("fdr for co_link; none for co_text",
     "FDR-adjusted (Benjamini–Hochberg) over all account pairs for co_link; uncorrected for co_text"),
    (None, ""),
])
def test_correction_words(value, words):
    assert correction_words(value) == words


def test_layer_corrections_and_dashboard_note():
    layers = _tables()["layers"]
    # co_repost appears twice (two windows) but is named once; order of first use
    assert layer_corrections(layers) == MIXED
    assert layer_corrections(layers.assign(correction="bonferroni")) == "bonferroni"
    assert layer_corrections(layers.assign(correction="")) == ""
    assert layer_corrections(layers.drop(columns="correction")) == ""
    assert p_value_note({}, {"null": "relabel"}, layers.assign(correction="bonferroni")) == (
        "The p-values come from the object-timing (relabel) null model and are bonferroni-adjusted "
        "over all account pairs. A pair linked in several behaviours or windows shows the smallest "
        "of their p-values; blank: not tested.")
    assert p_value_note({}, {}, None).startswith(
        "The null model and correction behind the p-values are not recorded with these tables.")
