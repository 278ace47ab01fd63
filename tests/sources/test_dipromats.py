"""The ``dipromats`` source (DIPROMATS 2023 JSON task files) and its actor rows.

Hand-written records in the files' layout (README_EN.md of the dataset); the expected values follow
from the mapping in the module docstring of ``sources/dipromats.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from ioscope.actors import read_actors_csv, write_actors_csv
from ioscope.ingest import ingest
from ioscope.sources import registry
from ioscope.sources.base import Bad, Record, SourceOptions
from ioscope.sources.dipromats import actor_rows
from ioscope.store import Store

RECORDS = [
    {"test_case": "DIPROMATS2023", "id": "1", "country": "China", "user_name": "embassy_x",
     "tweet_type": "Reply", "tweet_id": 1258778336400011264, "UTC": "2020-05-08 15:18:37+00:00",
     "rts&fav": 3, "language": "es", "text": "@someone Cooperación &amp; #Salud https://t.co/abc", "value": "false"},
    {"test_case": "DIPROMATS2023", "id": "2", "country": "Russia", "user_name": "Mission_Y",
     "tweet_type": "Retweet", "tweet_id": 1258778336400011265, "UTC": "2020-05-08 15:20:00+00:00",
     "rts&fav": 1, "language": "en", "text": " a retweeted text", "value": ["false"]},
    {"test_case": "DIPROMATS2023", "id": "3", "text": "a test-file record: no user, no time"},
    {"test_case": "DIPROMATS2023", "id": "4", "country": "USA", "user_name": "post_z",
     "tweet_type": "Thread", "tweet_id": 1, "UTC": "2020-05-08 15:20:00+00:00", "text": "x"},
    {"test_case": "DIPROMATS2023", "id": "5", "country": "European Union", "user_name": "eu_w",
     "tweet_type": "quoted", "tweet_id": 1.2587783364000113e18, "UTC": "2020-05-08 15:21:00+00:00",
     "text": "quoted"},
]


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "train_t1_es.json"
    p.write_text(json.dumps(RECORDS, ensure_ascii=False, indent=4), encoding="utf-8")
    return p


def test_mapping(path):
    assert registry.detect(path).name == "dipromats"
    items = list(registry.get("dipromats").read(path, SourceOptions()))
    assert [type(i).__name__ for i in items] == ["Record", "Record", "Bad", "Bad", "Record"]
    assert [i.line for i in items] == [1, 2, 3, 4, 5]  # position in the array
    p = items[0].posts[0]
    assert (p["post_id"], p["account_id"], p["account_handle"], p["kind"], p["lang"]) == \
        ("1258778336400011264", "dipromats:embassy_x", "embassy_x", "reply", "es")
    assert p["created_at"] == dt.datetime(2020, 5, 8, 15, 18, 37, tzinfo=dt.timezone.utc)
    assert p["text"] == "@someone Cooperación & #Salud https://t.co/abc"  # &amp; unescaped once
    assert (p["hashtags"], p["mentions"], p["urls"], p["domains"]) == (["Salud"], ["someone"],
                                                                       ["https://t.co/abc"], [])
    assert p["flags"] == [] and p.get("ref_post_id") is None
    rt = items[1].posts[0]
    assert (rt["kind"], rt["account_id"], rt.get("ref_post_id")) == ("repost", "dipromats:mission_y", None)
    assert "required" in items[2].reason and "Thread" in items[3].reason
    # A tweet_id written as a JSON float passed through a double: its digits are not trusted.
    assert items[4].posts[0]["flags"] == ["post_id_lost_precision"]


def test_ingest_and_actors(path, tmp_path):
    with Store(tmp_path / "s.duckdb") as s:
        rep = ingest(s, [path])
        assert (rep.total("n_read"), rep.total("n_stored"), rep.total("n_quarantined")) == (5, 3, 2)
        rows = actor_rows([path])
        # One row per account with a user_name (the test-file record has none), sorted by handle.
        assert [(r["handle"], r["country"], r["actor_type"], r["overt"]) for r in rows] == [
            ("embassy_x", "CN", "diplomat", True), ("eu_w", "EU", "diplomat", True),
            ("Mission_Y", "RU", "diplomat", True), ("post_z", "US", "diplomat", True)]
        buf = io.StringIO()
        assert write_actors_csv(rows, buf) == 4
        csv_path = tmp_path / "actors.csv"
        csv_path.write_text(buf.getvalue(), encoding="utf-8")
        assert read_actors_csv(csv_path) == rows  # the CSV reads back as the same actor rows
        s.set_actors(rows)
        got = dict(s.con.execute("SELECT account_id, country FROM actor_accounts").fetchall())
        assert got == {"dipromats:embassy_x": "CN", "dipromats:mission_y": "RU", "dipromats:eu_w": "EU"}


@pytest.mark.shared
def test_real_files_are_detected(shared_data):
    folder = shared_data / "dipromats-2023-diplomat-propaganda-tweets"
    files = sorted(folder.glob("*_t[123]_*.json"))
    if not files:
        pytest.skip("DIPROMATS files are absent")
    assert {registry.detect(f).name for f in files} == {"dipromats"}
    first = next(iter(registry.get("dipromats").read(files[0], SourceOptions())))
    assert isinstance(first, Record) and not isinstance(first, Bad)
    assert first.posts[0]["post_id"] == "1311987883734118400"  # train_t1_en.json, record 1, by hand


def test_time_without_offset_is_utc_whatever_tz(tmp_path):
    # The field is named UTC: "2020-05-08 15:18:37" (no offset) is 15:18:37 UTC even with --tz Moscow,
    # and the post says the zone was assumed, as UTC (issue #3's one spelling).
    rec = dict(RECORDS[0], UTC="2020-05-08 15:18:37")
    p = tmp_path / "train_t1_es.json"
    p.write_text(json.dumps([rec]), encoding="utf-8")
    [item] = registry.get("dipromats").read(p, SourceOptions(tz="Europe/Moscow"))
    post = item.posts[0]
    assert post["created_at"] == dt.datetime(2020, 5, 8, 15, 18, 37, tzinfo=dt.timezone.utc)
    assert post["flags"] == ["assumed_utc"]
