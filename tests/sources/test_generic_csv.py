"""csv: the mapping-driven generic CSV reader and the shared CSV record reader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ioscope.errors import ConfigError, SourceError
from ioscope.sources import Bad, SourceOptions, get
from ioscope.sources.generic_csv import parse_list

UTC = dt.timezone.utc


def read(path: Path, mapping=None, **options) -> list:
    return list(get("csv").read(path, SourceOptions(mapping=mapping, **options)))


def test_default_names(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"
                    "1,10,u1,,,Hello #Tag @u2,1585130400,\"https://a.example/x?a=1,2 https://b.example\"\n"
                    "2,11,u2,1,,RT,1585130401,\n"
                    "3,12,u3,,1,@u1 reply,2020-03-25 10:00:02,\n", encoding="utf-8")
    a, b, c = read(path)
    p = a.posts[0]
    assert (p["post_id"], p["account_id"], p["account_handle"], p["platform"]) == ("1", "10", "u1", "generic")
    assert p["created_at"] == dt.datetime(2020, 3, 25, 10, tzinfo=UTC)
    assert p["urls"] == ["https://a.example/x?a=1,2", "https://b.example"]  # a comma inside a URL survives
    assert p["domains"] == ["a.example", "b.example"] and p["hashtags"] == ["Tag"] and p["mentions"] == ["u2"]
    assert (b.posts[0]["kind"], b.posts[0]["ref_post_id"], b.posts[0]["urls"]) == ("repost", "1", [])  # empty cell: no URL
    assert (c.posts[0]["kind"], c.posts[0]["ref_post_id"]) == ("reply", "1")
    # epoch seconds carry their zone (UTC); "2020-03-25 10:00:02" does not, so it is read as UTC, flagged
    assert (p["flags"], b.posts[0]["flags"], c.posts[0]["flags"]) == ([], [], ["assumed_utc"])


def test_mapping_and_kinds(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("pid;when;who;what;type;tags\n"
                    "a1;2020-03-25 13:00;x;text;Retweet;['one', 'two']\n"
                    "a2;2020-03-25 13:00;x;text;weird;\n", encoding="utf-8")
    mapping = {"post_id": "pid", "created_at": "when", "account_handle": "who", "text": "what", "kind": "type",
               "hashtags": "tags"}
    good, bad = read(path, mapping, tz="Europe/Moscow", platform="vk")
    p = good.posts[0]
    assert (p["platform"], p["kind"], p["hashtags"]) == ("vk", "repost", ["one", "two"])
    assert p["created_at"] == dt.datetime(2020, 3, 25, 10, tzinfo=UTC)  # 13:00 Moscow (UTC+3) = 10:00 UTC
    assert p["flags"] == ["assumed_tz:Europe/Moscow"]  # the zone is the one given with --tz, not the file's
    assert isinstance(bad, Bad) and bad.reason.startswith("unknown kind 'weird'")


def test_mapping_typos_are_errors(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("id,created_at,text\n1,2020-03-25,x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown mapping key\\(s\\) 'txet'"):
        read(path, {"post_id": "id", "created_at": "created_at", "txet": "text"})
    with pytest.raises(ConfigError, match="mapping 'text' names column 'body', which the file lacks"):
        read(path, {"post_id": "id", "created_at": "created_at", "text": "body"})
    with pytest.raises(ConfigError, match="no created_at column found"):
        read(path, {"post_id": "id"})
    other = tmp_path / "o.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no post_id column found.*columns: a, b"):
        read(other)
    with pytest.raises(ConfigError, match="unknown time zone"):
        read(path, tz="Nowhere/City")
    empty = tmp_path / "e.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no header line"):
        read(empty)


def test_bad_rows(tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(b"id,created_at,text\n1,2020-03-25,ok\n2,yesterday,x\n,2020-03-25,x\n4,2020-03-25\n"
                     b"5,2020-03-25,caf\xe9\n6,2020-03-25,\"multi\nline\"\n7,1585130400000,x\n")
    items = read(path)
    got = [(type(i).__name__, i.line) for i in items]
    assert got == [("Record", 2), ("Bad", 3), ("Bad", 4), ("Bad", 5), ("Bad", 6), ("Record", 7), ("Record", 9)]
    assert items[1].reason.startswith("bad created_at: unrecognised time 'yesterday'")
    assert items[2].reason == "empty post_id"
    assert items[3].reason == "2 fields, 3 expected (columns shifted or a quote missing)"
    assert items[4].reason.startswith("invalid UTF-8")
    assert items[5].posts[0]["text"] == "multi\nline"
    assert items[6].posts[0]["created_at"] == dt.datetime(2020, 3, 25, 10, tzinfo=UTC)  # epoch ms


def test_lost_precision_id_is_flagged(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("id,created_at\n1.5876543210987653e+18,2020-03-25\n", encoding="utf-8")
    [item] = read(path)
    assert item.posts[0]["post_id"] == "1587654321098765312"
    assert item.posts[0]["flags"] == ["post_id_lost_precision", "assumed_utc"]  # a bare date


@pytest.mark.parametrize(("cell", "urls", "expected"), [
    ('["a", "b"]', False, ["a", "b"]),
    ("['a', 'b']", False, ["a", "b"]),
    ("[a, b]", False, ["a", "b"]),
    ("a b|c,d", False, ["a", "b", "c", "d"]),
    ("", False, []),
    (None, False, []),
    ("[]", False, []),
    ("https://x.example/a,b https://y.example", True, ["https://x.example/a,b", "https://y.example"]),
    ("https://x.example/a,https://y.example", True, ["https://x.example/a", "https://y.example"]),
])
def test_parse_list(cell, urls, expected):
    assert parse_list(cell, urls=urls) == expected


def test_sniff_is_a_low_fallback():
    src = get("csv")
    assert src.sniff(Path("a.csv"), b"id,text\n") == 0.1
    assert src.sniff(Path("a.json"), b"{}") == 0.0


# -- one row per link: group_by ----------------------------------------------------------------------

LINK_ROWS = (
    "msg,when,link,tag\n"
    "1,2020-03-25 10:00,https://a.example/x,one\n"
    "1,2020-03-25 10:00,https://b.example/y,two\n"
    "1,2020-03-25 10:00,https://a.example/x,one\n"
    "2,2020-03-25 10:01,https://c.example/z,\n"
)
LINK_MAP = {"post_id": "msg", "created_at": "when", "urls": "link", "hashtags": "tag"}


def _ingest(db, path, mapping):
    from ioscope.ingest import ingest
    from ioscope.store import Store

    store = Store(db)
    report = ingest(store, [path], format="csv", options=SourceOptions(mapping=mapping)).files[0]
    cur = store.con.execute("SELECT post_id, urls, domains, hashtags, flags, source_line FROM posts ORDER BY 1")
    return report, {r[0]: r[1:] for r in cur.fetchall()}


def test_group_by_keeps_every_link_of_a_post(tmp_path):
    path = tmp_path / "links.csv"
    path.write_text(LINK_ROWS, encoding="utf-8")
    # Without group_by: rows 2-4 of post 1 are duplicates of its first row, whose one link is all it keeps.
    report, got = _ingest(tmp_path / "plain.duckdb", path, LINK_MAP)
    assert (report.n_read, report.n_stored, report.n_duplicate) == (4, 2, 2)
    assert got["1"][0] == ["https://a.example/x"]
    # With group_by: post 1 is its three rows (lines 2-4): links a, b (a again counted once), tags one, two.
    report, got = _ingest(tmp_path / "grouped.duckdb", path, {**LINK_MAP, "group_by": "msg"})
    assert (report.n_read, report.n_stored, report.n_duplicate, report.n_quarantined) == (4, 2, 2, 0)
    urls, domains, tags, flags, line = got["1"]
    assert urls == ["https://a.example/x", "https://b.example/y"] and domains == ["a.example", "b.example"]
    assert tags == ["one", "two"] and "grouped_rows:3" in flags and line == 2
    urls, _, tags, flags, line = got["2"]  # a post of one row is not marked
    assert (urls, tags, line) == (["https://c.example/z"], [], 5) and not any(f.startswith("grouped") for f in flags)


def test_group_by_bad_row_stays_quarantined_and_adds_nothing(tmp_path):
    path = tmp_path / "links.csv"
    path.write_text("msg,when,link\n1,2020-03-25 10:00,https://a.example/x\n1,yesterday,https://b.example/y\n"
                    "1,2020-03-25 10:00,https://c.example/z\n", encoding="utf-8")
    items = read(path, {"post_id": "msg", "created_at": "when", "urls": "link", "group_by": "msg"})
    assert [(type(i).__name__, i.line) for i in items] == [("Record", 2), ("Bad", 3), ("Record", 4)]
    # Lines 2 and 4 merge (links a, c); line 3's unreadable time quarantines it, its link b is not added.
    assert items[0].posts[0]["urls"] == items[2].posts[0]["urls"] == ["https://a.example/x", "https://c.example/z"]
    assert items[0].posts[0]["flags"] == ["assumed_utc", "grouped_rows:2"]


def test_group_by_must_name_the_post_id_column(tmp_path):
    path = tmp_path / "links.csv"
    path.write_text(LINK_ROWS, encoding="utf-8")
    with pytest.raises(ConfigError, match="'group_by' must name the post_id column \\('msg'\\), not 'tag'"):
        read(path, {**LINK_MAP, "group_by": "tag"})


# -- gzip, counts --------------------------------------------------------------------------------------

def test_csv_gz_is_detected_and_read_with_physical_lines(tmp_path):
    import gzip

    from ioscope.sources import detect

    text = 'id,created_at,text,likes\n1,2020-03-25,"two\nlines",1,234\n\n2,2020-03-25,x,"1,234"\n'
    # Row 1 has an unquoted 1,234: 5 fields for 4 columns (quarantined at line 2, where it starts).
    path = tmp_path / "posts.csv.gz"
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    assert detect(path).name == "csv"
    items = read(path, {"post_id": "id", "created_at": "created_at", "text": "text", "like_count": "likes"})
    assert [(type(i).__name__, i.line) for i in items] == [("Bad", 2), ("Record", 5)]  # line 4 is blank
    assert items[0].reason == "5 fields, 4 expected (columns shifted or a quote missing)"
    assert items[1].posts[0]["like_count"] == 1234  # "1,234": a thousands separator


def test_truncated_gzip_keeps_the_records_before_the_break(tmp_path):
    import gzip

    rows = "".join(f"{n},2020-03-25,post number {n} {'x' * 40}\n" for n in range(1, 2001))
    data = gzip.compress(("id,created_at,text\n" + rows).encode("utf-8"))
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(data[: len(data) // 2])  # the stream ends in the middle
    items = read(path)
    *good, last = items
    assert isinstance(last, Bad) and last.reason.startswith("gzip stream damaged or truncated")
    # Every record read before the break is a post, numbered by its line (record n is on line n + 1).
    assert good and all(not isinstance(i, Bad) for i in good)
    assert [i.line for i in good] == list(range(2, len(good) + 2)) and last.line == len(good) + 2


@pytest.mark.parametrize(("cell", "created", "flags"), [
    # worked out by hand: an offset or Z converts exactly and says nothing was assumed
    ("2020-03-25T13:00:00+03:00", dt.datetime(2020, 3, 25, 10, tzinfo=UTC), []),
    ("2020-03-25T10:00:00Z", dt.datetime(2020, 3, 25, 10, tzinfo=UTC), []),
    ("2020-03-25 10:00 UTC", dt.datetime(2020, 3, 25, 10, tzinfo=UTC), []),
    ("Wed Mar 25 10:00:00 +0000 2020", dt.datetime(2020, 3, 25, 10, tzinfo=UTC), []),
    ("1585130400", dt.datetime(2020, 3, 25, 10, tzinfo=UTC), []),  # 18346 days * 86400 + 36000 s
    # no zone written: wall time in --tz (default UTC), flagged
    ("2020-03-25 10:00", dt.datetime(2020, 3, 25, 10, tzinfo=UTC), ["assumed_utc"]),
    ("2020-03-25", dt.datetime(2020, 3, 25, tzinfo=UTC), ["assumed_utc"]),
])
def test_naive_times_are_flagged(tmp_path, cell, created, flags):
    path = tmp_path / "t.csv"
    path.write_text(f'id,created_at\n1,"{cell}"\n', encoding="utf-8")
    [item] = read(path)
    assert (item.posts[0]["created_at"], item.posts[0]["flags"]) == (created, flags)
    [utc] = read(path, tz="Etc/UTC")  # another name of UTC: still the UTC assumption
    assert utc.posts[0]["flags"] == flags
