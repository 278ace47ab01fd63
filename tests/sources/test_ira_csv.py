"""ira-csv: the 538/Clemson IRA troll tweets, per-author and original layouts (case 12)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import pytest

from ioscope.sources import Bad, Record, SourceOptions, detect, get

UTC = dt.timezone.utc
PER_AUTHOR = ["author_id", "content", "region", "language", "publish_date", "harvested_date", "following",
              "followers", "updates", "post_type", "retweet"]
ORIGINAL = ["external_author_id", "author", "content", "region", "language", "publish_date", "harvested_date",
            "following", "followers", "updates", "post_type", "account_type", "retweet", "account_category",
            "new_june_2018", "alt_external_id", "tweet_id", "article_url", "tco1_step1", "tco2_step1", "tco3_step1"]


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def read(path: Path, **options) -> list:
    return list(get("ira-csv").read(path, SourceOptions(**options)))


def row(content="Text #Tag @someone https://t.co/AbCdEfGhIj", date="2016-10-06 21:04:00", lang="English",
        post_type="", retweet="0", author="Acct_1", following="10", followers="20"):
    return [author, content, "United States", lang, date, date, following, followers, "3", post_type, retweet]


def test_per_author_mapping(tmp_path):
    items = read(write(tmp_path / "Acct_1.csv", PER_AUTHOR, [
        row(), row(post_type="R", retweet="1"), row(post_type="Q", retweet="1", lang="Farsi (Persian)"),
        row(content="Q&amp;A &gt; all", lang="LANGUAGE UNDEFINED"), row(lang="Klingon"),
    ]))
    assert all(isinstance(i, Record) for i in items)
    p = items[0].posts[0]
    assert p["created_at"] == dt.datetime(2016, 10, 6, 21, 4, tzinfo=UTC)
    assert p["account_id"] == "ira:acct_1" and p["account_handle"] == "Acct_1"
    assert (p["kind"], p["lang"], p["hashtags"], p["mentions"]) == ("original", "en", ["Tag"], ["someone"])
    assert p["urls"] == ["https://t.co/AbCdEfGhIj"] and p["domains"] == []  # unexpanded t.co: no domain
    assert p["post_id"].startswith("ira:") and len(p["post_id"]) == 24
    assert items[1].posts[0]["kind"] == "repost" and items[1].posts[0].get("ref_post_id") is None
    assert items[2].posts[0]["kind"] == "quote" and items[2].posts[0]["lang"] == "fa"
    assert items[3].posts[0]["text"] == "Q&A > all" and items[3].posts[0]["lang"] is None
    # the file writes no zone: every row says its time was read as UTC (docs/sources.md, Times)
    assert p["flags"] == ["assumed_utc"]
    assert items[4].posts[0]["flags"] == ["assumed_utc", "lang_unknown"]
    assert items[0].accounts == [{"platform": "twitter", "account_id": "ira:acct_1", "handle": "Acct_1",
                                  "followers": 20, "following": 10, "last_seen_at": p["created_at"]}]


def test_derived_ids_are_deterministic_and_count_repeats(tmp_path):
    rows = [row(), row(), row(content="other")]
    a = [i.posts[0]["post_id"] for i in read(write(tmp_path / "a.csv", PER_AUTHOR, rows))]
    b = [i.posts[0]["post_id"] for i in read(write(tmp_path / "elsewhere.csv", PER_AUTHOR, rows))]
    assert a == b and len(set(a)) == 3  # identical rows stay distinct posts; the path does not matter
    key = "acct_1|2016-10-06T21:04:00+00:00|Text #Tag @someone https://t.co/AbCdEfGhIj|0"
    assert a[0] == "ira:" + hashlib.sha1(key.encode()).hexdigest()[:20]


def test_original_538_layout(tmp_path):
    base = ["906000000000000000", "TEN_GOP", "Story https://t.co/AAAAAAAAAA and https://t.co/BBBBBBBBBB", "United States",
            "English", "10/1/2017 19:58", "10/1/2017 19:59", "1052", "9636", "253", "RETWEET", "Right", "1",
            "RightTroll", "0", "905874659358453760", "914580356430536707", "http://twitter.com/x",
            "https://news.example/a", "", ""]
    damaged = list(base)
    damaged[0], damaged[15], damaged[16], damaged[10] = "9.06E+17", "9.06E+17", "9.1458E+17", "QUOTE_TWEET"
    items = read(write(tmp_path / "IRAhandle_tweets_1.csv", ORIGINAL, [base, damaged]))
    p, q = items[0].posts[0], items[1].posts[0]
    assert (p["post_id"], p["account_id"], p["kind"]) == ("914580356430536707", "906000000000000000", "repost")
    assert p["created_at"] == dt.datetime(2017, 10, 1, 19, 58, tzinfo=UTC)
    assert p["flags"] == q["flags"] == ["assumed_utc"]  # the 538 "10/1/2017 19:58" has no zone
    assert p["urls"] == ["https://news.example/a", "https://t.co/BBBBBBBBBB"] and p["domains"] == ["news.example"]
    assert q["post_id"].startswith("ira:") and q["account_id"] == "ira:ten_gop" and q["kind"] == "quote"


def test_time_zone_option(tmp_path):
    [item] = read(write(tmp_path / "a.csv", PER_AUTHOR, [row()]), tz="Europe/Moscow")
    # 21:04 Moscow wall time (UTC+3 since 2014) is 18:04 UTC; the zone came from --tz, not the file
    assert item.posts[0]["created_at"] == dt.datetime(2016, 10, 6, 18, 4, tzinfo=UTC)
    assert item.posts[0]["flags"] == ["assumed_tz:Europe/Moscow"]


@pytest.mark.parametrize(("cells", "reason"), [
    (row(date="not a date"), "bad publish_date: unrecognised time 'not a date'"),
    (row(lang="10/6/2016 21:04"), "language looks like a date or number: '10/6/2016 21:04' (columns shifted?)"),
    (row(followers="English"), "followers is not a count: 'English' (columns shifted?)"),
    (row(post_type="X"), "unknown post_type 'x' (expected R, Q, RETWEET, QUOTE_TWEET or empty)"),
    (row(retweet="yes"), "retweet flag is not 0/1: 'yes' (columns shifted?)"),
])
def test_shifted_or_bad_values_are_quarantined(tmp_path, cells, reason):
    [item] = read(write(tmp_path / "a.csv", PER_AUTHOR, [cells]))
    assert isinstance(item, Bad) and item.line == 2 and item.reason.startswith(reason)


def test_sniff(tmp_path):
    path = write(tmp_path / "a.csv", PER_AUTHOR, [row()])
    assert detect(path).name == "ira-csv"
    assert get("ira-csv").sniff(Path("x.csv"), b"id,text,created_at\n") == 0.0


def test_ingest_twice_and_a_corrupt_row_in_the_middle(tmp_path, load, sql, store):
    path = write(tmp_path / "a.csv", PER_AUTHOR, [row(content=f"post {i}") for i in range(5)])
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(3, "Acct_1,broken row with,too,many,fields,here,x,y,z,w,v,u\n")
    path.write_text("".join(lines), encoding="utf-8")
    first = load(path).files[0]
    assert (first.n_read, first.n_stored, first.n_quarantined) == (6, 5, 1)
    assert sql("SELECT source_line, reason FROM quarantine") == [
        {"source_line": 4, "reason": "12 fields, 11 expected (columns shifted or a quote missing)"}]
    before = store.counts()
    again = load(path).files[0]
    assert (again.n_stored, again.n_duplicate, again.n_quarantined) == (0, 5, 1)
    after = store.counts()
    assert {k: v for k, v in after.items() if k != "files"} == {k: v for k, v in before.items() if k != "files"}


def test_counts_beyond_64_bits_are_null_and_gzip_is_detected(tmp_path):
    import gzip

    plain = write(tmp_path / "a.csv", PER_AUTHOR,
                  [row(followers="9223372036854775808", following="9223372036854775807")])
    path = tmp_path / "a.csv.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    assert detect(path).name == "ira-csv"
    [item] = read(path)
    # 2**63 does not fit a BIGINT: NULL (ioscope.ids.parse_count); 2**63 - 1 (INT64_MAX) still does.
    assert (item.line, item.accounts[0]["followers"], item.accounts[0]["following"]) == (2, None, 2**63 - 1)
