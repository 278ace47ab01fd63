"""The store's URL table: canonical forms computed once at ingest, the same answer without it."""

from __future__ import annotations

import json

import pytest

from ioscope import url_table
from ioscope.errors import StoreError
from ioscope.ingest import ingest
from ioscope.store import Store

URLS = [
    "https://www.Example.org/a?utm_source=tw&id=7",   # -> https://example.org/a?id=7
    "http://example.org/a?id=7&fbclid=x",            # http is kept apart from https
    "example.org/b",                                 # scheme-less: read as https://example.org/b
    "https://bit.ly/3xYz",                           # a short link, left as it is
]
EXPECTED = {
    URLS[0]: ("https://example.org/a?id=7", "example.org", "example.org", False, False),
    URLS[1]: ("http://example.org/a?id=7", "example.org", "example.org", False, False),
    URLS[2]: ("https://example.org/b", "example.org", "example.org", False, False),
    URLS[3]: ("https://bit.ly/3xYz", "bit.ly", "bit.ly", True, False),
}


def test_compute_marks_platform_permalinks():
    # X/Twitter sources drop links to posts on X itself at ingest (cases 02, 08, 21); other sources
    # may keep them, and co-link must skip them
    t = url_table.compute(["https://x.com/someone/status/123?s=20", URLS[0]])
    assert t.column("permalink").to_pylist() == [True, False]
    assert t.column("canonical_url").to_pylist() == ["https://twitter.com/someone/status/123?s=20",
                                                     "https://example.org/a?id=7"]


def _tweets(path, urls, start=1):
    with open(path, "w") as f:
        for i, u in enumerate(urls, start):
            f.write(json.dumps({
                "id_str": str(i), "created_at": "Thu Mar 12 14:37:00 +0000 2020", "full_text": f"see {u}",
                "user": {"id_str": "9", "screen_name": "a"},
                "entities": {"urls": [{"url": f"https://t.co/{i}", "expanded_url": u}]}}) + "\n")


def _rows(con, table):
    return {r[0]: tuple(r[1:]) for r in con.execute(
        f"SELECT url, canonical_url, host, domain, shortener, permalink FROM {table}").fetchall()}


def test_ingest_fills_the_table_once_per_url(tmp_path):
    data, db = tmp_path / "t.jsonl", tmp_path / "s.duckdb"
    _tweets(data, URLS[:3])
    with Store(db) as s:
        ingest(s, [data])
        assert _rows(s.con, url_table.TABLE) == {u: EXPECTED[u] for u in URLS[:3]}
        more = tmp_path / "more.jsonl"
        _tweets(more, URLS, start=10)  # three known URLs, one new one
        ingest(s, [more])
        assert _rows(s.con, url_table.TABLE) == EXPECTED
        assert url_table.refresh(s) == 0  # nothing left to add


def test_lookup_reads_the_table_and_computes_what_it_lacks(tmp_path):
    data, db = tmp_path / "t.jsonl", tmp_path / "s.duckdb"
    _tweets(data, URLS)
    with Store(db) as s:
        ingest(s, [data])
        # a stored row that differs from what the rules give shows which rows were read, not computed
        s.con.execute(f"UPDATE {url_table.TABLE} SET canonical_url = 'stored' WHERE url = $u", {"u": URLS[1]})
        s.con.execute(f"DELETE FROM {url_table.TABLE} WHERE url = $u", {"u": URLS[2]})
    with Store(db, read_only=True) as s:
        computed = url_table.lookup(s.con, "SELECT DISTINCT unnest(urls) FROM posts", "_u")
        got = _rows(s.con, "_u")
    assert computed == 1
    assert got == dict(EXPECTED, **{URLS[1]: ("stored",) + EXPECTED[URLS[1]][1:]})


def test_other_rules_ignore_and_rebuild_the_table(tmp_path, monkeypatch):
    data, db = tmp_path / "t.jsonl", tmp_path / "s.duckdb"
    _tweets(data, URLS)
    with Store(db) as s:
        ingest(s, [data])
        s.con.execute(f"UPDATE {url_table.TABLE} SET canonical_url = 'stale'")
        s.con.execute("UPDATE meta SET value = 'older-rules' WHERE key = $k", {"k": url_table.META_KEY})
        # rows of other rules are not used: every URL is computed again
        assert url_table.lookup(s.con, "SELECT DISTINCT unnest(urls) FROM posts", "_u") == len(URLS)
        assert _rows(s.con, "_u") == EXPECTED
        assert url_table.refresh(s) == len(URLS)  # rebuilt with the current rules
        assert _rows(s.con, url_table.TABLE) == EXPECTED


def test_a_store_without_the_table_gives_the_same_answer(tmp_path):
    data, db = tmp_path / "t.jsonl", tmp_path / "s.duckdb"
    _tweets(data, URLS)
    with Store(db) as s:
        ingest(s, [data])
        s.con.execute(f"DROP TABLE {url_table.TABLE}")
    with Store(db, read_only=True) as s:
        assert url_table.lookup(s.con, "SELECT DISTINCT unnest(urls) FROM posts", "_u") == len(URLS)
        assert _rows(s.con, "_u") == EXPECTED


def test_refresh_needs_a_writable_store(tmp_path):
    data, db = tmp_path / "t.jsonl", tmp_path / "s.duckdb"
    _tweets(data, URLS[:1])
    with Store(db) as s:
        ingest(s, [data])
    with Store(db, read_only=True) as s, pytest.raises(StoreError, match="open read-only"):
        url_table.refresh(s)
