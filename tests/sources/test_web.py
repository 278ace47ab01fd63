"""The ``articles-csv``, ``tehran-times-jsonl`` and ``html-article`` sources: real files with known counts,
hand-written edge cases, and a property test."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
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
    reasons = store.query("SELECT reason FROM quarantine ORDER BY source_line")["reason"].tolist()
    assert reasons[0].startswith("empty url") and reasons[1].startswith("row has 4 cells")
    assert reasons[2].startswith("bad publish_date")


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
