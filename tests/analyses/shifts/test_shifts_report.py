"""The shifts section of the report: charts name their zone and bucket; event labels are escaped."""

from __future__ import annotations

import datetime as dt

from ioscope.analyses.shifts import Shifts
from ioscope.outputs.charts_shifts import CHARTS
from ioscope.outputs.report import charts_for, render_report

UTC = dt.timezone.utc


def test_report_section_and_charts(make_store, scenario, tmp_path):
    posts = [scenario.post(str(100 + i), "1" if i % 2 else "2",
                           created_at=dt.datetime(2020, 3, 1, 12, tzinfo=UTC) + dt.timedelta(days=i // 2),
                           text="Fort Detrick")
             for i in range(40)]
    actors = [scenario.actor("1", "SpoxCN", "CN", "diplomat"),
              scenario.actor("2", "EmbCN_A", "CN", "suspected_covert", overt=False)]
    store = make_store(posts, actors=actors)
    evil = "<script>alert(1)</script> truce"
    res = Shifts(by="overt", text_filter={"origin": ["detrick"]}, zone="Asia/Shanghai",
                 events=[{"date": "2020-03-10", "label": evil}], n_permutations=19,
                 min_posts=1).run(store)
    assert set(charts_for("shifts")) >= set(CHARTS)
    for name, fn in CHARTS.items():
        fig = fn(res.tables[name])
        title = fig.layout.title.text
        assert "Asia/Shanghai" in title and "day" in title, name  # every chart: zone and bucket
        labels = [a.text for a in fig.layout.annotations]
        assert any("&lt;script&gt;" in t for t in labels), name  # the event is drawn, escaped
        assert not any("<script>" in t for t in labels)
    html = render_report([res], tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "Tactic-shift check" in html and "Change points" in html
