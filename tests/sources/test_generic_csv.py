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
    assert p["created_at"] == dt.datetime(2020, 3, 25, 10, tzinfo=UTC)
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
    assert item.posts[0]["flags"] == ["post_id_lost_precision"]


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
