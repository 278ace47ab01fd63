"""The ``rss`` source: case 25 (date zones), case 26 (declared-vs-actual encodings), Atom, a property test."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ioscope.sources.feeds  # noqa: F401  (registers the source)
from ioscope.ingest import ingest
from ioscope.sources import SourceOptions, registry
from ioscope.sources.feeds import parse_feed_date
from ioscope.store import Store

CASE25 = "25-rss-atom-pubdate-timezones"
CASE26 = "26-rss-declared-encoding-mismatch"
UTC = dt.timezone.utc


def test_case25_dates(tmp_path, shared_cases):
    path = shared_cases / CASE25 / "state_media_feed.xml"
    assert registry.detect(path).name == "rss"
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [path]).files[0]
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (7, 7, 0)
    got = {r["post_id"].rsplit("/", 1)[1]: r for r in store.query("SELECT * FROM posts").to_dict("records")}
    # The table of expected.md, row by row (guid rN has link .../news/N).
    expected = {
        "1": ("2022-03-01T07:00:00", set()),                    # +0300
        "2": ("2022-03-01T15:00:00", set()),                    # EST = -05:00
        "3": ("2022-07-01T15:00:00", {"zone_label_suspect"}),   # EST in July: still -05:00, flagged
        "4": ("2022-03-01T07:00:00", set()),                    # dc:date +03:00
        "5": ("2022-03-01T10:00:00", {"assumed_utc"}),          # no zone
        "6": ("2022-03-01T10:00:00", set()),                    # UT
        "7": ("2022-03-01T09:00:00", {"nonstandard_zone"}),     # GMT+0100 = +01:00, not dateutil's -01:00
    }
    for n, (utc, flags) in expected.items():
        row = got[n]
        assert row["created_at"].to_pydatetime() == dt.datetime.fromisoformat(utc).replace(tzinfo=UTC), n
        assert set(row["flags"]) == flags, n
    # The site is the account: the registered domain of the channel link.
    assert set(store.query("SELECT account_id FROM posts")["account_id"]) == {"state-media.example"}
    assert store.scalar("SELECT display_name FROM accounts") == "Invented State Outlet"


def test_case25_per_feed_zone_override(tmp_path, shared_cases):
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [shared_cases / CASE25 / "state_media_feed.xml"], options=SourceOptions(tz="Europe/Moscow"))
    row = store.query("SELECT * FROM posts WHERE post_id LIKE '%/5'").to_dict("records")[0]
    # 10:00 Moscow (+03:00, no DST since 2014) = 07:00Z; only the zone-less item moves.
    assert row["created_at"].to_pydatetime() == dt.datetime(2022, 3, 1, 7, tzinfo=UTC)
    assert list(row["flags"]) == ["assumed_tz:Europe/Moscow"]


def test_timegm_not_mktime_for_feedparser_tuples():
    # A layout only feedparser knows: its UTC tuple is converted with timegm, whatever the machine zone.
    tup = time.struct_time((2022, 3, 1, 10, 0, 0, 1, 60, 0))
    moment, flags = parse_feed_date("01.03.2022 10h", parsed_utc=tup)
    assert moment == dt.datetime(2022, 3, 1, 10, tzinfo=UTC) and flags == ["date_zone_unverified"]
    assert parse_feed_date("Tue, 01 Mar 2022 10:00:00 CST")[1] == ["zone_label_ambiguous"]
    assert parse_feed_date("") == (None, ["created_at_missing"])


@pytest.mark.parametrize("name, flag", [
    ("a_cp1251_with_leading_whitespace.xml", "xml_declaration_not_at_start"),
    ("b_declared_cp1251_but_utf8.xml", "declared_encoding_mismatch"),
    ("c_utf8_with_one_bad_byte.xml", "encoding_repaired"),
])
def test_case26_encodings(tmp_path, shared_cases, name, flag):
    path = shared_cases / CASE26 / name
    assert registry.detect(path).name == "rss"
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [path]).files[0]
    # Never rejected for bozo/encoding problems: one item stored, none quarantined.
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (1, 1, 0)
    row = store.query("SELECT * FROM posts").to_dict("records")[0]
    # expected.md: (a), (b) the exact title; (c) one U+FFFD where the stray 0xFF was, flagged repaired.
    title = "Новости дня: \ufffdвсё по плану" if name.startswith("c_") else "Новости дня: всё по плану"
    assert row["text"] == title
    assert flag in row["flags"]
    assert row["text"].count("\ufffd") == (1 if name.startswith("c_") else 0)


def test_atom_feed_with_summary_links(tmp_path, store, fetch):
    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Outlet</title><link href="https://www.outlet.example/"/>
<entry><id>tag:outlet.example,2022:1</id><title>Headline &amp; more</title>
<link href="https://www.outlet.example/a/1"/><updated>2022-03-01T10:00:00+03:00</updated>
<summary type="html">&lt;p&gt;See &lt;a href="https://other.example/r"&gt;report&lt;/a&gt; #Topic&lt;/p&gt;</summary></entry>
<entry><id>tag:outlet.example,2022:2</id><title>No link</title><updated>2022-03-01T10:00:00Z</updated></entry>
</feed>"""
    path = tmp_path / "feed.atom"
    path.write_text(atom, encoding="utf-8")
    rep = ingest(store, [path]).files[0]
    assert (rep.n_read, rep.n_stored) == (2, 2)
    posts = fetch()
    p = posts["https://www.outlet.example/a/1"]  # the link is the key (joins with article CSVs and pages)
    assert p["text"] == "Headline & more\n\nSee report #Topic"
    assert list(p["urls"]) == ["https://other.example/r"] and list(p["hashtags"]) == ["Topic"]
    assert p["account_id"] == "outlet.example"
    assert "tag:outlet.example,2022:2" in posts  # no link: the globally unique Atom id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.text(max_size=12), st.one_of(st.none(), st.text(max_size=30)),
                          st.binary(max_size=8)), min_size=1, max_size=5))
def test_property_every_entry_is_stored_duplicate_or_quarantined(entries):
    body = b"".join(
        b"<item><guid>g%d</guid><title>" % i + t.encode("utf-8", "replace").replace(b"<", b"").replace(b"&", b"")
        + junk.replace(b"<", b"") + b"</title>" + (b"<pubDate>" + d.encode("utf-8", "replace").replace(b"<", b"")
                                                      .replace(b"&", b"") + b"</pubDate>" if d is not None else b"")
        + b"</item>" for i, (t, d, junk) in enumerate(entries))
    doc = b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>' \
          b"<link>https://x.example/</link>" + body + b"</channel></rss>"
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.xml"
        path.write_bytes(doc)
        store = Store(Path(d) / "s.duckdb")
        rep = ingest(store, [path], format="rss").files[0]
        assert rep.n_read == rep.n_stored + rep.n_duplicate + rep.n_quarantined
        assert store.scalar("SELECT count(*) FROM posts WHERE created_at IS NOT NULL AND "
                            "NOT list_contains(flags, 'created_at_missing')") >= 0
        store.close()

