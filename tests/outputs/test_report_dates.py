"""Dates and times in report tables do not wrap: date cells carry the ``date`` class, whose CSS rule is
``white-space: nowrap``."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from ioscope.analyses.base import Result
from ioscope.outputs.report import render_report


def _report(tmp_path) -> str:
    # a tactic_shift-like table: one local time, one date, one number, one text column
    df = pd.DataFrame({
        "topic": ["origin"],
        "at": [pd.Timestamp("2020-03-26 14:05:09")],
        "month": [pd.Timestamp("2020-03-01", tz="UTC")],
        "share": [0.0016],
        "event_date": [dt.date(2020, 3, 26)],
        "overt_rate_ratio": [0.58],
    })
    res = Result(name="shifts", params={}, tables={"tactic_shift": df})
    return render_report([res], tmp_path / "report.html").read_text(encoding="utf-8")


def test_date_class_does_not_wrap(tmp_path):
    html = _report(tmp_path)
    style = re.search(r"<style>(.*?)</style>", html, flags=re.S).group(1)
    rule = re.search(r"td\.date\s*\{([^}]*)\}", style)
    assert rule and "white-space: nowrap" in rule.group(1)


def test_date_cells_carry_the_class(tmp_path):
    html = _report(tmp_path)
    # report times print as "YYYY-MM-DD HH:MM:SS" (naive = UTC), dates and midnight buckets (a
    # month) as ISO dates
    assert '<td class="date">2020-03-26 14:05:09</td>' in html
    assert '<td class="date">2020-03-26</td>' in html
    assert '<td class="date">2020-03-01</td>' in html
    # a small share keeps two significant digits instead of rounding to 0
    assert '<td class="num">0.0016</td>' in html
    # numbers and text keep their own classes
    assert '<td class="num">0.58</td>' in html and "<td>origin</td>" in html
