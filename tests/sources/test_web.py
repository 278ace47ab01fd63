"""The ``articles-csv``, ``tehran-times-jsonl`` and ``html-article`` sources: real files with known counts,
hand-written edge cases, and a property test."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ioscope.sources.web  # noqa: F401  (registers the sources)
from ioscope.ingest import ingest
from ioscope.sources import SourceOptions, registry
from ioscope.sources.web import estimate_date
from ioscope.store import Store

UTC = dt.timezone.utc
RECOVERY = "recovery-covid-news-rt-sputnik-globalresearch/unreliable"
HEADER = ["news_id", "url", "publisher", "publish_date", "author", "title", "image", "body_text",
          "political_bias", "country", "reliability"]


@pytest.mark.shared
@pytest.mark.parametrize("name, n, domain", [
    # Row counts of the ReCOVery files (csv module, quoted multi-line bodies), checked by reading them
    # with pandas (dtype=str): 144, 40 and 1 articles.
    ("news-dataset_sputnik_news.csv", 144, "sputniknews.com"),
    ("news-dataset_rt_news.csv", 40, "rt.com"),
    ("news-dataset_global_research.csv", 1, "globalresearch.ca"),
])
def test_recovery_article_csvs(tmp_path, shared_data, name, n, domain):
    path = shared_data / RECOVERY / name
    assert registry.detect(path).name == "articles-csv"
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [path]).files[0]
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (n, n, 0)
    assert store.query("SELECT DISTINCT platform, account_id FROM posts").values.tolist() == [["web", domain]]
    # Dates are plain days (2020-05-xx): midnight UTC, flagged date_only.
    assert store.scalar("SELECT count(*) FROM posts WHERE list_contains(flags, 'date_only')") == n
    # The key is the URL (news_id restarts at 0 in every file).
    assert store.scalar("SELECT count(*) FROM posts WHERE post_id LIKE 'http%'") == n


@pytest.mark.shared
def test_recovery_first_row_values(tmp_path, shared_data):
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [shared_data / RECOVERY / "news-dataset_global_research.csv"])
    p = store.query("SELECT * FROM posts").to_dict("records")[0]
    # The one row: url, publisher, publish_date 2020-05-21 (read in the file).
    assert p["post_id"] == ("https://www.globalresearch.ca/pandemic-2020-from-statistical-fraud-to-"
                            "controlled-society/5713454")
    assert p["created_at"].to_pydatetime() == dt.datetime(2020, 5, 21, tzinfo=UTC)
    assert p["text"].startswith("Pandemic 2020: From Statistical Fraud to Controlled Society - Global Research\n\n")
    assert store.scalar("SELECT display_name FROM accounts") == "Global Research"


@pytest.mark.shared
def test_tehran_times_jsonl_gz(tmp_path, shared_data):
    path = next((shared_data / "tehran-times-articles-2020h1").glob("*.jsonl.gz"))
    assert registry.detect(path).name == "tehran-times-jsonl"
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [path]).files[0]
    # 1,949 lines in the file (zcat | wc -l), all articles.
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (1949, 1949, 0)
    assert store.query("SELECT DISTINCT platform, account_id FROM posts").values.tolist() == [["web", "tehrantimes.com"]]
    # Anchors beside the file: every date is estimated; anchor ids get their anchor day exactly.
    assert store.scalar("SELECT count(*) FROM posts WHERE list_contains(flags, 'date_estimated')") == 1949
    anchor = store.query("SELECT created_at FROM posts WHERE post_id LIKE '%/news/445333/%'")["created_at"][0]
    assert anchor.to_pydatetime() == dt.datetime(2020, 2, 19, tzinfo=UTC)


def test_estimate_date_interpolates_and_extrapolates():
    anchors = [(100, dt.date(2020, 1, 1)), (200, dt.date(2020, 1, 11))]  # 10 ids per day
    assert estimate_date(150, anchors) == (dt.datetime(2020, 1, 6, tzinfo=UTC), ["date_estimated"])
    assert estimate_date(300, anchors) == (dt.datetime(2020, 1, 21, tzinfo=UTC),
                                           ["date_estimated", "date_extrapolated"])
    assert estimate_date(100, anchors)[1] == ["date_estimated"]


def test_tehran_times_without_anchors(tmp_path, store, fetch):
    path = tmp_path / "tt.jsonl"
    path.write_text(json.dumps({"news_id": 1, "slug": "a-b", "title_from_slug": "a b",
                                "url": "https://www.tehrantimes.com/news/1/a-b", "text": "body"}) + "\n{bad\n")
    rep = ingest(store, [path]).files[0]
    assert (rep.n_stored, rep.n_quarantined) == (1, 1)
    p = fetch()["https://www.tehrantimes.com/news/1/a-b"]
    # No anchors beside the file: no invented date.
    assert p["created_at"] is None and "created_at_missing" in p["flags"] and p["text"] == "a b\n\nbody"


def test_articles_csv_bad_rows(tmp_path, store, fetch):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    w.writerow(["0", "https://www.rt.com/news/1-a/", "RT News", "2020-05-23", "['X']", "T1", "", "line1\nline2, with comma",
                "", "", "0"])
    w.writerow(["1", "", "RT News", "2020-05-23", "", "T2", "", "b", "", "", "0"])            # empty url
    w.writerow(["2", "https://www.rt.com/news/3-c/", "RT News", "2020-05-23"])                  # short row
    w.writerow(["3", "https://www.rt.com/news/4-d/", "RT News", "23/05/2020", "", "T4", "", "b", "", "", "0"])
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))  # Excel BOM before news_id
    rep = ingest(store, [path]).files[0]
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (4, 1, 3)
    assert fetch()["https://www.rt.com/news/1-a/"]["text"] == "T1\n\nline1\nline2, with comma"
    q = store.query("SELECT source_line, reason FROM quarantine ORDER BY source_line").values.tolist()
    # Physical lines (header = 1): row 0 spans lines 2-3 (its body holds one newline), so the empty-url
    # row is line 4, the short row line 5 and the bad date line 6.
    assert [line for line, _ in q] == [4, 5, 6]
    assert q[0][1].startswith("empty url") and q[1][1].startswith("4 fields, 11 expected")
    assert q[2][1].startswith("bad publish_date")
    assert store.scalar("SELECT source_line FROM posts") == 2


# An article CSV written by hand, one physical line per source line, so that every record's starting line
# can be counted on the page: header line 1; article a spans lines 2-4 (a body with a blank line inside
# its quotes); b is line 5; line 6 is a blank line between records (skipped, but counted); c starts on
# line 7 and ends on line 8 with one cell too many; d (empty url) spans lines 9-10; e is line 11.
MULTILINE_CSV = (
    "news_id,url,publisher,publish_date,author,title,image,body_text\n"
    '0,https://rt.example/news/a,RT News,2020-05-23,[],Title A,,"First paragraph.\n'
    "\n"
    'Second paragraph."\n'
    "1,https://rt.example/news/b,RT News,2020-05-23,[],Title B,,one-line body\n"
    "\n"
    '2,https://rt.example/news/c,RT News,2020-05-23,[],Title C,,"a ""quoted"" word\n'
    'over two lines",extra cell\n'
    '3,,RT News,2020-05-23,[],Title D,,"no url\n'
    'here"\n'
    "4,https://rt.example/news/e,RT News,2020-05-24,[],Title E,,last body\n"
)


def _check_multiline(store, fetch, rep):
    # 5 records (the blank line is no record): a, b, e stored; c and d quarantined.
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (5, 3, 2)
    lines = dict(store.query("SELECT post_id, source_line FROM posts").values.tolist())
    assert lines == {"https://rt.example/news/a": 2, "https://rt.example/news/b": 5, "https://rt.example/news/e": 11}
    q = store.query("SELECT source_line, reason FROM quarantine ORDER BY source_line").values.tolist()
    assert [line for line, _ in q] == [7, 9]
    assert q[0][1] == "9 fields, 8 expected (columns shifted or a quote missing)"
    assert q[1][1].startswith("empty url")
    # The quoted body keeps its blank line: title, blank line, body.
    assert fetch()["https://rt.example/news/a"]["text"] == "Title A\n\nFirst paragraph.\n\nSecond paragraph."


def test_articles_csv_source_line_is_the_physical_start_line(tmp_path, store, fetch):
    path = tmp_path / "articles.csv"
    path.write_text(MULTILINE_CSV, encoding="utf-8")
    assert registry.detect(path).name == "articles-csv"
    _check_multiline(store, fetch, ingest(store, [path]).files[0])


def test_articles_csv_gzip(tmp_path, store, fetch):
    # The same file gzip-compressed: detected through the decompressed header, the same lines.
    path = tmp_path / "articles.csv.gz"
    path.write_bytes(gzip.compress(MULTILINE_CSV.encode("utf-8")))
    assert registry.detect(path).name == "articles-csv"
    _check_multiline(store, fetch, ingest(store, [path]).files[0])


def test_articles_csv_truncated_gzip(tmp_path, store, fetch):
    # Three one-line articles (lines 2-4), then one whose body is 64,000 hex digits of SHA-256 chains
    # (incompressible: about 32 KB compressed); the compressed file cut at half its size breaks inside
    # that body, so the three articles load and the broken record is quarantined at its start, line 5.
    body, block = "", b"seed"
    while len(body) < 64_000:
        block = hashlib.sha256(block).digest()
        body += block.hex()
    rows = "".join(f"{i},https://rt.example/news/{i},RT News,2020-05-23,[],T{i},,short body\n" for i in range(3))
    text = "news_id,url,publisher,publish_date,author,title,image,body_text\n" + rows
    text += f'3,https://rt.example/news/3,RT News,2020-05-23,[],T3,,"{body}"\n'
    data = gzip.compress(text.encode("ascii"))
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    rep = ingest(store, [path], format="articles-csv").files[0]
    assert (rep.n_stored, rep.n_quarantined) == (3, 1)
    assert sorted(store.query("SELECT source_line FROM posts")["source_line"]) == [2, 3, 4]
    line, reason = store.query("SELECT source_line, reason FROM quarantine").values.tolist()[0]
    assert line == 5 and reason.startswith("gzip stream damaged or truncated")


@pytest.mark.shared
def test_recovery_source_lines_match_the_file(tmp_path, shared_data):
    # Each article's source_line is the line on which its record starts: the only line of the file that
    # begins with "<news_id>,<its url>," (grep -n '^[0-9]*,https://www.rt.com/news/489596-' gives 27).
    path = shared_data / RECOVERY / "news-dataset_rt_news.csv"
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [path])
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    got = dict(store.query("SELECT post_id, source_line FROM posts").values.tolist())
    assert len(got) == 40
    for url, line in got.items():
        starts = [i + 1 for i, text in enumerate(lines) if re.match(r"[0-9]+," + re.escape(url) + ",", text)]
        assert starts == [line], url
    assert got["https://www.rt.com/usa/489598-us-aid-israel-senate-vote/"] == 2  # the first record
    assert got["https://www.rt.com/news/489596-france-coronavirus-5g-postpone/"] == 27


def test_html_article(tmp_path, store, fetch):
    page = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Big news - Outlet</title>
<link rel="canonical" href="https://www.outlet.example/news/123-big-news">
<meta property="og:site_name" content="Outlet">
<meta property="article:published_time" content="2020-05-24T10:30:00+03:00"></head>
<body><nav>Menu</nav><article><h1>Big news</h1><p>First paragraph of the article with enough words to be
content, saying things about the world and a <a href="https://other.example/report">report</a>.</p>
<p>Second paragraph continues the story with more words and details that matter to readers.</p></article>
<footer>foot</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    assert registry.detect(path).name == "html-article"
    rep = ingest(store, [path]).files[0]
    assert (rep.n_read, rep.n_stored) == (1, 1)
    p = fetch()["https://www.outlet.example/news/123-big-news"]  # the canonical URL is the key
    # article:published_time 10:30+03:00 = 07:30Z (the zone kept, not a bare date).
    assert p["created_at"] == dt.datetime(2020, 5, 24, 7, 30, tzinfo=UTC) and list(p["flags"]) == []
    assert p["account_id"] == "outlet.example" and list(p["urls"]) == ["https://other.example/report"]
    assert p["text"].startswith("Big news\n") and "Menu" not in p["text"] and "[report]" not in p["text"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.text(max_size=10), min_size=8, max_size=12), min_size=1, max_size=6), st.booleans())
def test_property_rows_stored_duplicate_or_quarantined(cells, gz):
    with tempfile.TemporaryDirectory() as d:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(HEADER)
        for i, row in enumerate(cells):
            row = list(row)
            if len(row) > 3 and i % 2:
                row[1] = f"https://site.example/{row[1]}"
                row[3] = "2020-05-01"
            w.writerow(row)
        path = Path(d) / "a.csv"
        path.write_text(buf.getvalue(), encoding="utf-8")
        store = Store(Path(d) / "s.duckdb")
        rep = ingest(store, [path], format="articles-csv").files[0]
        assert rep.n_read == rep.n_stored + rep.n_duplicate + rep.n_quarantined
        # The same property for the JSON lines reader, gzip or not.
        lines = "".join(json.dumps({"news_id": i, "url": r[0], "title_from_slug": r[1], "text": r[2]}) + "\n"
                        for i, r in enumerate(cells))
        jpath = Path(d) / ("t.jsonl.gz" if gz else "t.jsonl")
        jpath.write_bytes(gzip.compress(lines.encode()) if gz else lines.encode())
        rep = ingest(store, [jpath], format="tehran-times-jsonl").files[0]
        assert rep.n_read == len(cells) == rep.n_stored + rep.n_duplicate + rep.n_quarantined
        store.close()


def test_options_tz_for_bare_dates(tmp_path, store, fetch):
    path = tmp_path / "a.csv"
    path.write_text(",".join(HEADER) + "\n0,https://x.example/a,X,2020-05-23 10:00,,T,,b,,,0\n")
    ingest(store, [path], options=SourceOptions(tz="Asia/Tehran"))
    p = fetch()["https://x.example/a"]
    # 10:00 in Tehran (+04:30, Iranian summer time until 2022) = 05:30Z; no zone written: flagged with the zone used.
    assert p["created_at"] == dt.datetime(2020, 5, 23, 5, 30, tzinfo=UTC)
    assert list(p["flags"]) == ["assumed_tz:Asia/Tehran"]


def test_articles_csv_header_in_any_case(tmp_path, store, fetch):
    # Detection matches the required columns in any case (a spreadsheet may write "URL", "Title");
    # reading must accept what detection accepted: one article stored under its URL.
    header = [c.upper() if c in ("url", "title") else c.title() for c in HEADER]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerow(["0", "https://www.rt.com/news/9-z/", "RT News", "2020-05-23", "", "T9", "", "body",
                "", "", "0"])
    path = tmp_path / "upper.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    rep = ingest(store, [path]).files[0]
    assert (rep.format, rep.n_stored) == ("articles-csv", 1)
    assert fetch()["https://www.rt.com/news/9-z/"]["text"] == "T9\n\nbody"
