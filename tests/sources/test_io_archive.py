"""The ``twitter-io-archive`` source (case 15: list columns, string booleans, hashed IDs, exact headers;
case 14's BOM as it concerns this format)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ioscope.sources.io_archive as io_archive
from ioscope.errors import SourceError
from ioscope.ingest import ingest
from ioscope.sources import registry
from ioscope.sources.base import SourceOptions
from ioscope.store import Store

UTC = dt.timezone.utc
H1 = "a3f1c2d4e5b6978812345678901234567890abcdefabcdefabcdefabcdef0001"
H2 = "b7e2d3c4f5a6978812345678901234567890abcdefabcdefabcdefabcdef0002"


def rows(store: Store, sql: str) -> list[dict]:
    """Query rows as plain Python dicts (None for NULL, no pandas NaN)."""
    cur = store.con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def posts(store: Store) -> dict[str, dict]:
    return {r["post_id"]: r for r in rows(store, "SELECT * FROM posts")}


def write_csv(path: Path, records: list[dict], header=io_archive.COLUMNS, prefix: bytes = b"") -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(header), lineterminator="\r\n")
    w.writeheader()
    for r in records:
        w.writerow({k: r.get(k, "") for k in header})
    path.write_bytes(prefix + buf.getvalue().encode("utf-8"))
    return path


def test_case15_list_columns_booleans_hashed_ids(tmp_path, shared_cases):
    src = shared_cases / "15-io-archive-list-columns-and-types" / "synthetic_io_tweets_csv_hashed.csv"
    assert registry.detect(src).name == "twitter-io-archive"
    store = Store(tmp_path / "s.duckdb")
    f = ingest(store, [src]).files[0]
    assert (f.n_read, f.n_stored, f.n_quarantined) == (4, 4, 0)
    p = posts(store)
    # …001: not a retweet; unquoted lists split; the URL with a comma (?x=1,2) stays one URL.
    one = p["1120000000000000001"]
    assert (one["kind"], list(one["hashtags"])) == ("original", ["Topic_A", "Topic_B"])
    assert list(one["urls"]) == ["https://news-site.example/a?x=1,2"]
    assert list(one["mentions"]) == [H2]
    # Hashed user ID kept as the 64-hex string and flagged; its screen name is the same hash.
    assert one["account_id"] == H1 and one["account_handle"] == H1 and "account_hashed" in one["flags"]
    # tweet_time "2019-05-01 10:00" -> 2019-05-01T10:00:00Z, minute precision, zone assumed (UTC).
    assert one["created_at"] == dt.datetime(2019, 5, 1, 10, 0, tzinfo=UTC)
    assert {"assumed_utc", "created_at_minute_precision"} <= set(one["flags"])
    assert (one["like_count"], one["share_count"], one["reply_count"], one["quote_count"]) == (1, 2, 0, 0)
    # …002: is_retweet "True" -> retweet of …001 by H1; quoted list ['Topic_A', 'Topic_B']; [] -> no URL.
    two = p["1120000000000000002"]
    assert (two["kind"], two["ref_post_id"], two["ref_account_id"]) == ("repost", "1120000000000000001", H1)
    assert list(two["hashtags"]) == ["Topic_A", "Topic_B"] and list(two["urls"]) == [] and list(two["mentions"]) == []
    assert two["text"] == "Invented text #Topic_A #Topic_B"  # "RT @<hash>: " removed
    # …003: Python-2 list with \u escapes -> Тема, no "u" prefix leaking; numeric (unhashed) user ID.
    three = p["1120000000000000003"]
    assert list(three["hashtags"]) == ["Тема"] and list(three["urls"]) == ["https://state-media.example/news/1"]
    assert list(three["domains"]) == ["state-media.example"]
    assert three["account_id"] == "2900000001" and "account_hashed" not in three["flags"]
    assert (three["kind"], three["lang"]) == ("original", "ru")
    # …004: is_retweet "true" but no retweet_tweetid and an in_reply_to_tweetid: flagged, no retweet edge.
    four = p["1120000000000000004"]
    assert (four["kind"], four["ref_post_id"], four["ref_account_id"]) == ("reply", "1120000000000000002", H2)
    assert "is_retweet_inconsistent" in four["flags"]
    assert list(four["hashtags"]) == [] and list(four["urls"]) == [] and list(four["mentions"]) == [H2]
    assert four["lang"] is None  # "und" is no language
    assert store.scalar("SELECT count(*) FROM posts WHERE kind = 'repost'") == 1
    acc = rows(store, "SELECT * FROM accounts WHERE account_id = '2900000001'")[0]
    assert (acc["handle"], acc["display_name"], acc["followers"], acc["following"]) == (
        "state_outlet_example", "State Outlet Example", 250000, 12)
    assert acc["created_at"] == dt.datetime(2010, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("cell", "urls", "expected"), [
    ("", False, []), ("[]", False, []), ("[Topic_A, Topic_B]", False, ["Topic_A", "Topic_B"]),
    ("['Topic_A', 'Topic_B']", False, ["Topic_A", "Topic_B"]), ('["a","b"]', False, ["a", "b"]),
    ("[u'\\u0422\\u0435\\u043c\\u0430']", False, ["Тема"]),
    ("[https://a.example/?x=1,2, https://b.example/]", True, ["https://a.example/?x=1,2", "https://b.example/"]),
    ("['https://a.example/?x=1,2']", True, ["https://a.example/?x=1,2"]),
])
def test_parse_list_encodings(cell, urls, expected):
    assert io_archive.parse_list(cell, urls=urls) == (expected, True)


def test_parse_list_fallback_and_booleans():
    # A quoted list that literal_eval cannot read falls back to splitting and says so.
    assert io_archive.parse_list("['it's', 'b']") == (["it's", "b"], False)
    assert [io_archive.parse_bool(v) for v in ("True", "false", "TRUE", " true ", "1", "")] == [
        True, False, True, True, None, None]


def test_header_variants_bom_missing_poll_choices_and_misspelt(tmp_path, caplog):
    row = {"tweetid": "1", "userid": "42", "user_screen_name": "acct_1", "tweet_text": "RT @acct_2: hi",
           "tweet_time": "2019-05-01 10:00", "is_retweet": "TRUE", "retweet_tweetid": "7", "retweet_userid": "43"}
    # Older release: no poll_choices column, and an Excel BOM before the header (case 14).
    old = write_csv(tmp_path / "old.csv", [row], header=io_archive.COLUMNS[:-1], prefix=b"\xef\xbb\xbf")
    assert registry.detect(old).name == "twitter-io-archive"
    # A loader-renamed header (retweet_user_id, retweet_tweet_id): never silently empty.
    renamed = [c.replace("retweet_userid", "retweet_user_id").replace("retweet_tweetid", "retweet_tweet_id")
               for c in io_archive.COLUMNS]
    bad = write_csv(tmp_path / "renamed.csv",
                    [{k.replace("retweet_userid", "retweet_user_id").replace("retweet_tweetid", "retweet_tweet_id"): v
                      for k, v in dict(row, tweetid="2").items()}], header=renamed)
    store = Store(tmp_path / "s.duckdb")
    with caplog.at_level(logging.WARNING, logger="ioscope.sources.io_archive"):
        report = ingest(store, [old, bad], format="twitter-io-archive", options=SourceOptions(tz="Europe/Berlin"))
    assert [f.n_stored for f in report.files] == [1, 1]
    got = rows(store, "SELECT * FROM posts ORDER BY source_file")
    by_file = {Path(r["source_file"]).name: r for r in got}
    ok = by_file["old.csv"]
    assert (ok["kind"], ok["ref_post_id"], ok["ref_account_id"], ok["ref_account_handle"]) == ("repost", "7", "43", "acct_2")
    assert "header_incomplete" not in ok["flags"]
    # tz option applies to the naive tweet_time: 10:00 in Berlin (CEST) is 08:00 UTC.
    assert ok["created_at"] == dt.datetime(2019, 5, 1, 8, 0, tzinfo=UTC) and "assumed_tz:Europe/Berlin" in ok["flags"]
    # The renamed file: the retweet edge cannot be built; the row says so and the log names the columns.
    miss = by_file["renamed.csv"]
    assert miss["kind"] == "original" and {"header_incomplete", "is_retweet_inconsistent"} <= set(miss["flags"])
    text = caplog.text
    assert "retweet_user_id" in text and "did you mean 'retweet_userid'" in text


def test_missing_required_column_is_a_file_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("tweetid,tweet_text\n1,a\n")
    with pytest.raises(SourceError, match="userid"):
        list(io_archive.IoArchive().read(path, SourceOptions()))


def test_bad_rows_quarantined(tmp_path):
    path = write_csv(tmp_path / "b.csv", [
        {"tweetid": "1", "userid": "2", "tweet_time": "2019-05-01 10:00"},
        {"tweetid": "", "userid": "2"},
        {"tweetid": "3", "userid": "2", "tweet_time": "01/05/2019"},
        {"tweetid": "4", "userid": "2", "tweet_time": "2019-05-01 10:00", "is_retweet": "yes"},
    ])
    with open(path, "ab") as fh:
        fh.write(b'5,2,"bad \xff byte"' + b"," * (len(io_archive.COLUMNS) - 3) + b"\r\n")
        fh.write(b"6,2,short row\r\n")
    store = Store(tmp_path / "s.duckdb")
    f = ingest(store, [path]).files[0]
    assert (f.n_read, f.n_stored, f.n_quarantined) == (6, 2, 4)
    reasons = [r["reason"] for r in rows(store, "SELECT reason FROM quarantine ORDER BY source_line")]
    assert reasons[0] == "tweetid: empty" and reasons[1].startswith("tweet_time:")
    assert reasons[2] == "invalid UTF-8 bytes in column 'user_display_name'"
    assert reasons[3] == "3 fields, 31 expected (columns shifted or a quote missing)"  # "6,2,short row"
    assert "is_retweet_unparsed" in posts(store)["4"]["flags"]


# -- property -----------------------------------------------------------------------------------------

_cell = st.one_of(
    st.sampled_from(["", "1", "2", "1.2e+18", "abc", "True", "false", "2019-05-01 10:00", "bad",
                     "[a, b]", "['a', 'b']", "[u'\\u0422']", "[", "[]", "['x", "https://a.example/,2"]),
    st.text(max_size=12),
)
_FIELDS = ("tweetid", "userid", "tweet_text", "tweet_time", "is_retweet", "retweet_tweetid",
           "in_reply_to_tweetid", "hashtags", "urls", "user_mentions", "like_count", "follower_count")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.fixed_dictionaries({c: _cell for c in _FIELDS}), min_size=1, max_size=8))
def test_property_every_row_accounted_for(tmp_path_factory, records):
    tmp = tmp_path_factory.mktemp("ioprop")
    path = write_csv(tmp / "p.csv", records)
    with Store(tmp / "s.duckdb") as store:
        f = ingest(store, [path], format="twitter-io-archive").files[0]
        assert f.n_read == f.n_stored + f.n_duplicate + f.n_quarantined
        # IDs are strings as found: no stored tweetid was turned into a float spelling.
        assert store.scalar("SELECT count(*) FROM posts WHERE post_id LIKE '%e+%'") == 0


def test_source_line_is_the_physical_line_and_gzip_is_read(tmp_path):
    import gzip

    base = {"userid": "2", "tweet_time": "2019-05-01 10:00"}
    plain = write_csv(tmp_path / "io.csv", [
        {**base, "tweetid": "1", "tweet_text": "two\r\nlines", "follower_count": "12"},  # quoted: lines 2-3
        {**base, "tweetid": "", "tweet_text": "no id"},  # line 4: quarantined
        {**base, "tweetid": "3", "userid": "5", "tweet_text": "x", "follower_count": "9223372036854775808"},
    ])
    path = tmp_path / "io.csv.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    assert registry.detect(path).name == "twitter-io-archive"
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [path])
    assert dict(store.con.execute("SELECT post_id, source_line FROM posts").fetchall()) == {"1": 2, "3": 5}
    assert rows(store, "SELECT source_line, reason FROM quarantine") == [
        {"source_line": 4, "reason": "tweetid: empty"}]
    # 2**63 followers (line 5) is beyond 64 bits: NULL (ioscope.ids.parse_count), and the file still loads.
    assert dict(store.con.execute("SELECT account_id, followers FROM accounts").fetchall()) == {"2": 12, "5": None}
