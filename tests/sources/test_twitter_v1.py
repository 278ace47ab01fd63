"""twitter-v1: the v1.1 mapping and the JSON lines / JSON array readers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pytest

from ioscope.ids import clean_id
from ioscope.sources import Bad, Record, SourceOptions, get
from ioscope.sources.twitter_v1 import tweet_to_record

UTC = dt.timezone.utc


def one(obj, line: int = 1) -> Record:
    rec = tweet_to_record(obj, line)
    assert isinstance(rec, Record), rec
    return rec


def read(path: Path) -> list:
    return list(get("twitter-v1").read(path, SourceOptions()))


def test_original_mapping(tweet):
    rec = one(tweet())
    [post] = rec.posts
    assert post["post_id"] == "1242750000000000001" and post["kind"] == "original"
    assert post["created_at"] == dt.datetime(2020, 3, 25, 10, tzinfo=UTC)
    assert post["account_id"] == "1000000001" and post["account_handle"] == "acct_001"
    assert post["urls"] == ["https://news-site.example/a/1"] and post["domains"] == ["news-site.example"]
    assert post["hashtags"] == ["Topic_A"] and post["mentions"] == []
    assert (post["like_count"], post["share_count"], post["reply_count"], post["quote_count"]) == (3, 2, 1, 0)
    assert post["collected"] is True and post["flags"] == [] and post["lang"] == "en"
    [acc] = rec.accounts
    assert acc == {
        "platform": "twitter", "account_id": "1000000001", "handle": "acct_001", "display_name": "Account 1",
        "created_at": dt.datetime(2013, 1, 24, 3, 18, 59, tzinfo=UTC), "followers": 10, "following": 5,
        "description": "invented", "last_seen_at": post["created_at"],
    }


def test_retweet_takes_the_original_and_yields_it_as_context(tweet):
    original = tweet(1, user={"id_str": "1000000009", "screen_name": "acct_009"},
                     full_text="Original &amp; full text #Deep", entities={"hashtags": [{"text": "Deep"}]})
    rt = tweet(2, full_text="RT @acct_009: Original &amp; full…", retweeted_status=original,
               entities={"user_mentions": [{"screen_name": "acct_009"}]})
    rec = one(rt)
    outer, ctx = rec.posts
    assert outer["kind"] == "repost" and outer["text"] == "Original & full text #Deep"
    assert (outer["ref_post_id"], outer["ref_account_id"], outer["ref_account_handle"]) == (
        "1242750000000000001", "1000000009", "acct_009")
    assert outer["hashtags"] == ["Deep"] and outer["mentions"] == []
    assert outer.get("like_count") is None and outer.get("share_count") is None  # the original's counts, not the RT's
    assert ctx["post_id"] == "1242750000000000001" and ctx["collected"] is False and ctx["kind"] == "original"
    assert ctx["share_count"] == 2
    assert {a["account_id"] for a in rec.accounts} == {"1000000001", "1000000009"}


def test_quote_with_object_and_nested_context(tweet):
    quoted = tweet(5, user={"id_str": "7", "screen_name": "q_author"})
    q = tweet(6, is_quote_status=True, quoted_status=quoted, quoted_status_id_str="1242750000000000005",
              entities={"urls": [{"url": "https://t.co/q", "expanded_url": "https://twitter.com/q_author/status/1242750000000000005"}]})
    rec = one(q)
    post, ctx = rec.posts
    assert post["kind"] == "quote" and post["ref_post_id"] == "1242750000000000005"
    assert post["ref_account_handle"] == "q_author" and post["ref_account_id"] == "7"
    assert post["urls"] == [] and post["domains"] == []  # the permalink is a reference
    assert ctx["collected"] is False and ctx["post_id"] == "1242750000000000005"
    # A retweet of a quote: repost of the original, whose quoted tweet is context too; no duplicates.
    rt = one(tweet(7, retweeted_status=q, quoted_status=quoted, is_quote_status=True))
    assert [p["post_id"][-2:] for p in rt.posts] == ["07", "06", "05"]
    assert [p["kind"] for p in rt.posts] == ["repost", "quote", "original"]


def test_reply(tweet):
    post = one(tweet(in_reply_to_status_id=1, in_reply_to_status_id_str="1587654321098765400",
                     in_reply_to_user_id_str="1500000000000000011", in_reply_to_screen_name="acct_010")).posts[0]
    assert (post["kind"], post["ref_post_id"], post["ref_account_id"], post["ref_account_handle"]) == (
        "reply", "1587654321098765400", "1500000000000000011", "acct_010")


def test_reply_id_without_string_twin_is_flagged(tweet):
    post = one(tweet(in_reply_to_status_id=1587654321098765400)).posts[0]
    assert post["ref_post_id"] == "1587654321098765400"
    assert "ref_post_id_lost_precision" in post["flags"]


def test_compat_text_without_extension_is_flagged_truncated(tweet):
    post = one(tweet(full_text=None, text="Cut text… https://t.co/S", truncated=True,
                     entities={"urls": [{"url": "https://t.co/S",
                                         "expanded_url": "https://twitter.com/i/web/status/1242750000000000001"}]})).posts[0]
    assert post["flags"] == ["text_truncated"] and post["urls"] == [] and post["domains"] == []


def test_no_entities_extracts_from_text(tweet):
    post = one(tweet(entities=None, full_text="#One @two https://x.example/a")).posts[0]
    assert (post["hashtags"], post["mentions"], post["urls"]) == (["One"], ["two"], ["https://x.example/a"])


def test_id_without_string_twin(tweet):
    post = one(tweet(id_str=None, id=1587654321098765437)).posts[0]
    assert post["post_id"] == "1587654321098765437" and post["flags"] == ["post_id_lost_precision"]


@pytest.mark.parametrize(("obj", "reason"), [
    ({"delete": {"status": {"id": 1, "id_str": "1"}}}, "stream delete notice, not a tweet"),
    ({"limit": {"track": 5}}, "stream limit notice, not a tweet"),
    ({"status_withheld": {"id": 1}}, "stream status_withheld notice, not a tweet"),
    ({"data": {"id": "1"}}, "not a v1.1 tweet: has 'data' (a v2 response?); use a twitter-v2 format"),
    ({"created_at": "Wed Mar 25 10:00:00 +0000 2020", "text": "x"}, "missing id_str/id"),
    ({"id_str": "1", "text": "x"}, "missing created_at"),
    ([1, 2], "not a tweet: a JSON array, expected an object"),
])
def test_bad_records(obj, reason):
    bad = tweet_to_record(obj, 4)
    assert isinstance(bad, Bad) and bad.line == 4 and bad.reason == reason


def test_bad_created_at_reason(tweet):
    bad = tweet_to_record(tweet(created_at="yesterday"), 1)
    assert isinstance(bad, Bad) and bad.reason.startswith("bad created_at: unrecognised time 'yesterday'")


def test_json_lines_reader_reasons_and_lines(tmp_path, write_jsonl, tweet):
    path = write_jsonl([
        tweet(1),
        "",
        '{"id_str": "2", "created_at": "Wed Mar 25 10:00:00 +0000 2020" "text": "x"}',
        b'{"id_str": "3", "created_at": "Wed Mar 25 10:00:00 +0000 2020", "text": "caf\xe9"}',
        '{"delete": {"status": {"id_str": "9"}}}',
        "   ",
        tweet(4),
    ])
    items = read(path)
    assert [type(i).__name__ for i in items] == ["Record", "Bad", "Bad", "Bad", "Record"]
    assert [i.line for i in items] == [1, 3, 4, 5, 7]
    assert items[1].reason == "invalid JSON: Expecting ',' delimiter at column 64"
    assert items[2].reason == "invalid UTF-8 at byte 77"
    assert items[3].reason == "stream delete notice, not a tweet" and '"delete"' in items[3].raw


def test_bom_and_crlf(tmp_path, tweet):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + orjson.dumps(tweet(1)) + b"\r\n" + orjson.dumps(tweet(2)) + b"\r\n")
    assert [i.posts[0]["post_id"][-1] for i in read(path)] == ["1", "2"]


def test_json_array_reader(tmp_path, tweet):
    path = tmp_path / "arr.json"
    body = b"[\n " + orjson.dumps(tweet(1)) + b",\n" + orjson.dumps(tweet(2, full_text='brace } and ] "quoted" \\\\')) \
        + b", 42, " + b'{"id_str": "3" "x": 1}' + b",\n" + orjson.dumps(tweet(4)) + b"\n]\n"
    path.write_bytes(body)
    items = read(path)
    assert [i.line for i in items] == [1, 2, 3, 4, 5]
    assert [type(i).__name__ for i in items] == ["Record", "Record", "Bad", "Bad", "Record"]
    assert items[1].posts[0]["text"] == 'brace } and ] "quoted" \\\\'
    assert items[2].reason == "array element is not a JSON object" and items[2].raw == "42"
    assert items[3].reason.startswith("invalid JSON: Expecting ','")


def test_json_array_truncated(tmp_path, tweet):
    path = tmp_path / "cut.json"
    path.write_bytes(b"[" + orjson.dumps(tweet(1)) + b"," + orjson.dumps(tweet(2))[:50])
    items = read(path)
    assert isinstance(items[0], Record)
    assert items[1].line == 2 and items[1].reason == "unterminated JSON value at end of file (truncated file?)"
    path.write_bytes(b"[]")
    assert read(path) == []


def test_sniff(tmp_path, tweet, write_jsonl):
    src = get("twitter-v1")
    assert src.sniff(Path("x.jsonl"), orjson.dumps(tweet())) >= 0.8
    assert src.sniff(Path("x.json"), b"[" + orjson.dumps(tweet())) >= 0.8
    assert src.sniff(Path("x.jsonl"), b'{"data": [{"id": "1", "text": "x"}], "includes": {}}') == 0.0
    assert src.sniff(Path("x.jsonl"), b'{"id": "1", "author_id": "2", "created_at": "2020"}') == 0.0
    assert src.sniff(Path("x.csv"), b"created_at,id,id_str,text,user\n") == 0.0
    from ioscope.sources import detect
    assert detect(write_jsonl([tweet()])).name == "twitter-v1"


def test_ingest_counts_and_context(load, store, write_jsonl, tweet, fetch):
    original = tweet(1)
    path = write_jsonl([tweet(2, retweeted_status=original), tweet(3, retweeted_status=original), original])
    rep = load(path)
    f = rep.files[0]
    assert (f.n_read, f.n_stored, f.n_duplicate, f.n_context, f.n_quarantined) == (3, 3, 0, 0, 0)
    stored = fetch()
    assert stored["1242750000000000001"]["collected"] is True  # upgraded from context
    assert stored["1242750000000000001"]["source_line"] == 3


def test_idempotent_and_corrupt_line_in_the_middle(load, store, write_jsonl, tweet, sql):
    lines = [tweet(i) for i in range(1, 6)]
    lines.insert(2, '{"id_str": "99", "created_at": ')
    path = write_jsonl(lines)
    first = load(path).files[0]
    assert (first.n_read, first.n_stored, first.n_quarantined) == (6, 5, 1)
    [q] = sql("SELECT source_line, reason, raw FROM quarantine")
    assert q["source_line"] == 3 and q["reason"].startswith("invalid JSON:") and q["raw"] == '{"id_str": "99", "created_at": '
    before = store.counts()
    again = load(path).files[0]
    assert (again.n_stored, again.n_duplicate, again.n_context) == (0, 5, 0)
    assert store.counts() == {**before, "files": before["files"]}
    assert sql("SELECT count(*) AS n FROM quarantine")[0]["n"] == 1


def test_times_are_aware_utc_and_ids_strings(load, write_jsonl, tweet, sql):
    load(write_jsonl([tweet(1, created_at="Sun Feb 27 22:25:40 -0500 2011")]))
    [row] = sql("SELECT post_id, account_id, created_at FROM posts")
    assert row["created_at"] == dt.datetime(2011, 2, 28, 3, 25, 40, tzinfo=UTC)
    assert isinstance(row["post_id"], str) and isinstance(row["account_id"], str)


def test_json_lines_file_whose_first_line_is_an_array(tmp_path, tweet):
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"[1, 2]\n" + orjson.dumps(tweet(1)) + b"\n")
    items = read(path)
    assert [(type(i).__name__, i.line) for i in items] == [("Bad", 1), ("Record", 2)]
    path.write_bytes(b"[" + orjson.dumps(tweet(1)) + b"," + orjson.dumps(tweet(2)) + b"]\n")  # one-line array
    assert [i.line for i in read(path)] == [1, 2]


@pytest.mark.parametrize(("raw", "reason"), [
    (b'{"a": "\\ud800"}', "invalid JSON: a string holds a lone surrogate (\\ud800-\\udfff) escape"),
    (b"[" * 5000 + b"]" * 5000, "invalid JSON: maximum recursion depth exceeded"),
    (b'{"a": ' + b"9" * 5000 + b"}", "invalid JSON: Exceeds the limit (4300 digits)"),
    (b'{"a": 1', "invalid JSON: Expecting ',' delimiter at column 8"),
    (b'{"a": "\xff"}', "invalid UTF-8 at byte 8"),
])
def test_decode_json_reasons(raw, reason):
    from ioscope.sources.twitter_v1 import decode_json
    bad = decode_json(raw, 7)
    assert isinstance(bad, Bad) and bad.line == 7 and bad.reason.startswith(reason)


def test_decode_json_fallbacks_keep_values():
    from ioscope.sources.twitter_v1 import decode_json
    # orjson reads an integer beyond 64 bits as a float: an ID like that is then flagged, never trusted.
    big = decode_json(b'{"id": 123456789012345678901234567890}', 1)["id"]
    assert clean_id(big, field="post_id")[1] == ["post_id_lost_precision"]
    value = decode_json(b'{"n": NaN}', 1)
    assert value["n"] != value["n"]
