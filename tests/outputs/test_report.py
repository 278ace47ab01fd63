"""The HTML report, its charts and permalinks: escaping, links, evidence, self-containment."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import plotly.offline
import pytest

from ioscope.analyses.activity import Activity
from ioscope.analyses.amplification import Amplification
from ioscope.analyses.base import Result
from ioscope.outputs.charts import daily_volume_chart, matrix_chart, top_posts_chart
from ioscope.outputs.links import permalink, safe_href
from ioscope.outputs.report import render_report

XSS = "<script>alert(1)</script>"


@pytest.fixture
def results(scenario_store) -> list[Result]:
    return [Activity().run(scenario_store), Amplification().run(scenario_store)]


def _render(tmp_path, results, **kw) -> str:
    path = render_report(results, tmp_path / "r" / "report.html", **kw)
    assert path == tmp_path / "r" / "report.html"
    return path.read_text(encoding="utf-8")


def _outside_scripts(html: str) -> str:
    """The document without the contents of <script> elements (plotly.js and chart data)."""
    return re.sub(r"<script\b[^>]*>.*?</script>", "<script></script>", html, flags=re.S)


def test_post_text_is_escaped(tmp_path, results):
    html = _render(tmp_path, results)
    # post 100's text holds a script tag: it must appear as text, never as markup
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt; #Truth" in html
    assert XSS not in html


def test_javascript_url_never_becomes_a_link(tmp_path, results):
    amp = results[1]
    amp.tables["top_posts"].loc[0, "permalink"] = "javascript:alert(1)"
    amp.tables["top_posts_evidence"].loc[0, "permalink"] = "JavaScript:alert(2)"
    html = _outside_scripts(_render(tmp_path, results))
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", html, flags=re.I)
    # every href is a page anchor or an absolute http(s) URL, and external links carry rel
    for tag in re.findall(r"<a\b[^>]*>", html):
        href = re.search(r'href="([^"]*)"', tag).group(1)
        assert href.startswith(("#", "https://", "http://")), tag
        if not href.startswith("#"):
            assert 'rel="noopener noreferrer"' in tag
    # the top post without a usable link says so; the javascript: reply URL of post 105 stays text
    assert "no public link" in html
    assert "<td>javascript:alert(1)</td>" in html


def test_top_posts_expand_to_their_evidence(tmp_path, results):
    html = _outside_scripts(_render(tmp_path, results))
    # 2 amplified posts (100 and 200), each a <details>; the first (the big cascade) open
    assert html.count('<details class="post"') == 2
    assert '<details class="post" open>' in html
    block = html[html.index('<details class="post" open>'):html.index('<details class="post">')]
    # its evidence links the 5 amplifying posts 101-105, not the self-repost 107
    for pid, handle in [("101", "EmbCN_A"), ("102", "EmbCN_B"), ("103", "EmbCN_C"),
                        ("104", "RUmedia"), ("105", "random_user")]:
        assert f'href="https://x.com/{handle}/status/{pid}"' in block
    assert "/status/107" not in html
    # median lag of post 100: lags 60, 120, 300, 600, 1200 s -> 300 s
    assert "median lag 300 s (5.0 min)" in block


def test_self_contained_plotly_inlined_once(tmp_path, results):
    html = _render(tmp_path, results)
    head = plotly.offline.get_plotlyjs()[:300]
    assert html.count(head) == 1
    outside = _outside_scripts(html)
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=\"https?:", outside)
    assert "fonts.googleapis" not in html and "cdn.plot.ly/plotly" not in html
    assert "Content-Security-Policy" in outside
    # 4 charts: daily volume, top posts, country matrix, group matrix
    for div in ("activity-daily_volume", "amplification-top_posts", "amplification-country_matrix",
                "amplification-group_matrix"):
        assert f'id="chart-{div}"' in outside


def test_header_facts_ingest_and_parameters(tmp_path, results):
    store_summary = {"files": 1, "posts": 12, "collected_posts": 11, "context_posts": 1,
                     "accounts": 7, "actors": 6, "quarantined": 2,
                     "first_post_at": dt.datetime(2024, 3, 1, 10, tzinfo=dt.timezone.utc),
                     "last_post_at": dt.datetime(2024, 3, 2, 6, 30, tzinfo=dt.timezone.utc),
                     "db": "/data/<x>.duckdb"}
    ingest = [{"file": "/data/<b>evil</b>.jsonl", "format": "twitter_v2", "read": 13, "stored": 11,
               "quarantined": 2}]
    html = _outside_scripts(_render(tmp_path, results, title="Case <1>", store_summary=store_summary,
                                    ingest_summary=ingest))
    assert "<title>Case &lt;1&gt;</title>" in html
    assert "<dt>quarantined records</dt><dd>2</dd>" in html
    assert "<dt>time span (UTC)</dt><dd>2024-03-01 10:00:00 – 2024-03-02 06:30:00</dd>" in html
    assert "/data/&lt;b&gt;evil&lt;/b&gt;.jsonl" in html and "<b>evil" not in html
    assert "/data/&lt;x&gt;.duckdb" in html
    # each result's parameters, e.g. amplification kinds joined
    assert "<th>kinds</th><td><code>repost, quote, reply</code></td>" in html
    assert "<th>include_untracked</th><td><code>true</code></td>" in html


def test_long_tables_are_cut_and_say_where_the_rest_is(tmp_path):
    big = pd.DataFrame({"handle": [f"<i>h{i}</i>" for i in range(120)],
                        "permalink": ["https://x.com/i/web/status/1"] * 120,
                        "n": range(120)})
    result = Result(name="custom", params={"window_s": 60}, tables={"big": big},
                    summary={"n_rows": 120}, notes=["a <note>"])
    html = _outside_scripts(_render(tmp_path, [result], max_rows=50))
    # the generic section renders any result; 50 of 120 rows shown, 70 in the export
    assert '<section id="custom">' in html
    assert ("Showing the first 50 of 120 rows; the other 70 are in "
            "<code>custom_big.parquet</code>") in html
    assert "&lt;i&gt;h49&lt;/i&gt;" in html and "h50" not in html
    assert "<li>a &lt;note&gt;</li>" in html


def test_charts_escape_labels_and_keep_text_out_of_titles():
    daily = pd.DataFrame({"day": [dt.date(2024, 3, 1)], "country": ["<b>X</b>"],
                          "actor_type": ["embassy"], "n_posts": [3]})
    fig = daily_volume_chart(daily)
    assert fig.data[0].name == "&lt;b&gt;X&lt;/b&gt;"
    assert fig.layout.yaxis.title.text == "posts per day (UTC)"
    top = pd.DataFrame({"rank": [1], "handle": ["<img src=x>"], "country": ["CN"],
                        "n_amplifiers": [3], "text": [XSS], "n_reposts": [3], "n_quotes": [0],
                        "n_replies": [0]})
    fig = top_posts_chart(top)
    assert "alert" not in fig.layout.title.text
    assert fig.data[0].y[0] == "#1 @&lt;img src=x&gt;"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fig.data[0].customdata[0]
    matrix = pd.DataFrame({"amplifier_country": ["CN", "RU"], "amplified_country": ["CN", "CN"],
                           "n_amplifications": [3, 1]})
    fig = matrix_chart(matrix)
    # rows CN, RU; one column CN; counts annotated on the cells
    assert [list(r) for r in fig.data[0].z] == [[3], [1]]
    assert fig.data[0].texttemplate == "%{text}"


@pytest.mark.parametrize("platform, post_id, handle, expected", [
    ("twitter", "100", "SpoxCN", "https://x.com/SpoxCN/status/100"),
    ("twitter", "100", None, "https://x.com/i/web/status/100"),
    ("twitter", "100", "bad handle<", "https://x.com/i/web/status/100"),
    ("x", "100", "@SpoxCN", "https://x.com/SpoxCN/status/100"),
    ("twitter", "ira:123", "h", None),                      # not a platform ID
    ("twitter", "1234~abcdef:7", "h", None),                # ID that lost precision
    ("twitter", "javascript:alert(1)", "h", None),
    ("telegram", "some_channel/42", None, "https://t.me/some_channel/42"),
    ("telegram", "some_channel:42", None, "https://t.me/some_channel/42"),
    ("telegram", "42", "some_channel", "https://t.me/some_channel/42"),
    ("telegram", "1234567890:42", None, None),              # numeric chat ID: no public link
    ("telegram", "42", None, None),
    ("telegram", "-1001234567890/42", None, None),          # the telegram-json source's IDs
    ("mastodon", "https://m.example/users/a/statuses/1", None, "https://m.example/users/a/statuses/1"),
    ("mastodon", "local_id:1", "a", None),
    ("bluesky", "at://did:plc:abc123/app.bsky.feed.post/3kabc", "a.bsky.social",
     "https://bsky.app/profile/did:plc:abc123/post/3kabc"),
    ("bluesky", "at://did:plc:abc123/app.bsky.feed.repost/3kabc", None, None),
    ("youtube", "dQw4w9WgXcQ", None, "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("youtube", "UgzAbCdEfGhIjKlMnOpQrStUv4AaABAg", None, None),  # a comment ID
    ("facebook", "1", "h", None),
    (None, "1", None, None),
])
def test_permalink(platform, post_id, handle, expected):
    assert permalink(platform, post_id, handle) == expected


@pytest.mark.parametrize("url, ok", [
    ("https://x.com/a", True), ("HTTP://example.org", True), ("javascript:alert(1)", False),
    (" javascript:alert(1)", False), ("data:text/html,hi", False), ("//evil.example", False),
    ("https://a.example/\nx", False), (None, False), (float("nan"), False),
])
def test_safe_href(url, ok):
    assert (safe_href(url) is not None) is ok
