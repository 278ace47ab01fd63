"""An automatic window over the sanity bound (1 day) is used as asked, and the result warns about it."""

from __future__ import annotations

import pytest
from coord_helpers import post

from ioscope.analyses.coordination import Coordination
from ioscope.analyses.coordination.params import MAX_AUTO_WINDOW_S, auto_window_warnings

PLAIN = dict(min_actions=1, min_coactions=1, p_value=None, min_cosine=None, attach=False)


def _rows(repost_gap_s: float, link_gap_s: float) -> list[dict]:
    """Five objects reposted by A then B ``repost_gap_s`` later, five URLs shared by C then D
    ``link_gap_s`` later (objects a week apart). Every object has two actions, so CooRnet's estimate
    (second-action times at or below their 0.1 quantile; for those, the time until more than half of
    the actions had happened: the second action; the median) is the gap itself."""
    rows = []
    for k in range(5):
        t = 7 * 86_400 * k
        rows += [post(f"a{k}", "A", t, kind="repost", ref=f"O{k}"),
                 post(f"b{k}", "B", t + repost_gap_s, kind="repost", ref=f"O{k}"),
                 post(f"c{k}", "C", t, urls=[f"https://example.org/{k}"]),
                 post(f"d{k}", "D", t + link_gap_s, urls=[f"https://example.org/{k}"])]
    return rows


def test_the_bound_is_one_day():
    assert MAX_AUTO_WINDOW_S == 86_400.0


@pytest.mark.parametrize(("repost_gap_s", "warned"), [(86_400, False), (86_401, True), (3 * 86_400, True)])
def test_a_long_automatic_window_is_kept_and_warned_about(make_store, repost_gap_s, warned):
    r = Coordination(behaviours=("co_repost", "co_link"), window_s="auto", **PLAIN).run(
        make_store(_rows(repost_gap_s, 30)))
    # kept as estimated, never capped: the A-B reposts (repost_gap_s apart) are co-actions
    assert r.summary["auto_windows_s"] == {"co_repost": float(repost_gap_s), "co_link": 30.0}
    assert r.summary["windows_s"] == {"co_repost": [float(repost_gap_s)], "co_link": [30.0]}
    e = r.tables["edges"].set_index(["account_a", "account_b"])
    assert e.loc[("A", "B"), "n_coactions"] == 5 and e.loc[("C", "D"), "n_coactions"] == 5
    warning = [n for n in r.notes if "sanity bound" in n]
    if warned:  # one line, for co_repost only (co_link's 30 s is fine)
        assert warning == auto_window_warnings({"co_repost": float(repost_gap_s)})
        assert warning[0].startswith(f"co_repost: the automatic window is {repost_gap_s:,} s (")
    else:
        assert warning == []


def test_warning_lines_name_the_behaviour_the_window_and_the_way_out():
    # The demo's estimates (seed 20200312): near_text 3,485,140 s = 40.3 days; co_link's 17 s is fine.
    assert auto_window_warnings({"near_text": 3_485_140.0, "co_link": 17.0}) == [
        "near_text: the automatic window is 3,485,140 s (40.3 days), over the 86,400 s (1 day) sanity "
        "bound: it pairs actions days apart and finds many weak edges. Give near_text an explicit "
        'window: in Python window_s={"near_text": 600} (behaviours not in the dict keep their default '
        "windows); on the command line --window applies to every behaviour given, so run near_text on "
        "its own with -b near_text -w 600 (600 s is near_text's default)."]
    assert auto_window_warnings({}) == [] and auto_window_warnings({"co_repost": 86_400.0}) == []


def test_the_python_advice_can_be_followed(make_store):
    # The warning's dict form: co_repost gets 60 s, co_link (not in the dict) keeps its default 60 s;
    # A-B's reposts are 2 days apart, so no longer co-actions; C-D's links (30 s apart) still are.
    warning = auto_window_warnings({"co_repost": 2 * 86_400.0})[0]
    assert 'window_s={"co_repost": 60}' in warning
    r = Coordination(behaviours=("co_repost", "co_link"), window_s={"co_repost": 60}, **PLAIN).run(
        make_store(_rows(2 * 86_400, 30)))
    assert r.summary["windows_s"] == {"co_repost": [60.0], "co_link": [60.0]}
    assert r.summary["auto_windows_s"] == {} and not [n for n in r.notes if "sanity bound" in n]
    e = r.tables["edges"]
    assert list(zip(e["account_a"], e["account_b"], strict=True)) == [("C", "D")]


def test_explicit_long_windows_are_the_user_s_choice(make_store):
    # Only an automatic window is checked: an explicit 3-day window is what the user asked for.
    r = Coordination(behaviours=("co_repost",), window_s=3 * 86_400, **PLAIN).run(
        make_store(_rows(2 * 86_400, 30)))
    assert r.summary["auto_windows_s"] == {} and not [n for n in r.notes if "sanity bound" in n]
