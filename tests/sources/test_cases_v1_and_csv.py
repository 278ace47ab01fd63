"""The shared cases for twitter-v1, twitter-v1-csv, ira-csv and csv: each input ingested into a store,
and the values its expected.md gives asserted (../shared/cases/<case>/expected.md)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter

import orjson

from ioscope.sources import SourceOptions, get
from ioscope.sources.generic_csv import CsvRecords
from ioscope.textnorm import hashtag_key

UTC = dt.timezone.utc
ORIGINAL_01 = ("Officials in the region confirmed today that the new bridge project will be delayed again, "
               "citing supply problems and weather; residents say they were never consulted about it #TagAtEnd")


def test_case01_retweet_text_from_the_original(shared_cases, load, fetch, sql):
    folder = shared_cases / "01-v1-retweet-truncated-text"
    rep = load(folder / "rest_extended_retweet.jsonl", folder / "stream_compat_retweet.jsonl")
    assert [f.format for f in rep.files] == ["twitter-v1", "twitter-v1"]
    collected = fetch("collected")
    assert set(collected) == {"1242760000000000002", "1242760000000000003"}
    for post in collected.values():
        assert post["kind"] == "repost"
        assert (post["ref_post_id"], post["ref_account_id"], post["ref_account_handle"]) == (
            "1242750000000000001", "1000000001", "acct_001")
        assert post["text"] == ORIGINAL_01 and len(post["text"]) == 185 and not post["text"].endswith("…")
        assert post["hashtags"] == ["TagAtEnd"]
        assert post["urls"] == [] and post["domains"] == []  # the i/web/status self-link is no URL
    context = fetch("NOT collected")
    assert list(context) == ["1242750000000000001"] and context["1242750000000000001"]["text"] == ORIGINAL_01
    assert sql("SELECT count(*) AS n FROM posts WHERE list_contains(domains, 'twitter.com')")[0]["n"] == 0


def test_case02_compat_mode_extended_tweet(shared_cases, load, fetch):
    load(shared_cases / "02-v1-stream-compat-extended-tweet" / "stream_compat_original.jsonl")
    [post] = fetch().values()
    assert post["text"].endswith("#Topic_A #Topic_B") and post["text"].startswith("Long statement")
    assert "…" not in post["text"]
    assert post["hashtags"] == ["Topic_A", "Topic_B"]
    assert post["urls"] == ["https://news-site.example/story/42"]
    assert Counter(post["domains"]) == {"news-site.example": 1}


def test_case03_ids_stay_exact(shared_cases, load, store, sql):
    load(shared_cases / "03-id-vs-id_str-precision" / "two_tweets.jsonl")
    df = store.query("SELECT post_id, account_id, ref_post_id FROM posts")  # through the dataframe layer
    assert sorted(df["post_id"].unique()) == ["1587654321098765400", "1587654321098765437"]
    assert sorted(r["account_id"] for r in sql("SELECT account_id FROM accounts")) == [
        "1500000000000000011", "1500000000000000037"]
    edges = sql("""SELECT a.account_handle AS src, b.account_handle AS dst FROM posts a
                   JOIN posts b ON a.ref_post_id = b.post_id WHERE a.kind = 'reply'""")
    assert edges == [{"src": "acct_011", "dst": "acct_010"}]


def test_case05_sparse_id_columns_through_generic_csv(shared_cases, load, fetch):
    mapping = {"post_id": "id", "account_id": "author_id", "account_handle": "author.username",
               "created_at": "created_at", "text": "text", "ref_account_id": "in_reply_to_user_id",
               "reply_to_post_id": "referenced_tweets.replied_to.id",
               "repost_of_post_id": "referenced_tweets.retweeted.id"}
    load(shared_cases / "05-pandas-float-ids-from-blank-cells" / "twarc_csv_like.csv", format="csv", mapping=mapping)
    posts = fetch()
    reply, rt = posts["1587654321098765437"], posts["1587654321098765501"]
    assert (reply["kind"], reply["account_handle"], reply["ref_post_id"], reply["ref_account_id"]) == (
        "reply", "acct_031", "1587654321098765400", "1500000000000000011")
    assert (rt["kind"], rt["account_handle"], rt["ref_post_id"]) == ("repost", "acct_032", "1587654321098765400")
    refs = [p["ref_post_id"] for p in posts.values() if p["ref_post_id"]]
    assert len(refs) == 2 and all(r in posts for r in refs)  # 2 of 2 resolve
    assert all(p["flags"] == [] for p in posts.values())


def test_case06_times_to_utc(shared_cases, load, fetch, sql):
    rep = load(shared_cases / "06-created-at-formats-and-timezones" / "mixed_timestamps.jsonl", format="twitter-v1")
    times = {k: p["created_at"] for k, p in fetch().items()}
    assert times == {
        "1242750000000000001": dt.datetime(2020, 3, 25, 10, tzinfo=UTC),
        "1242750000000000002": dt.datetime(2011, 2, 28, 3, 25, 40, tzinfo=UTC),
        "1242750000000000003": dt.datetime(2020, 3, 25, 10, tzinfo=UTC),
    }
    # The IO-archive and CrowdTangle lines are not v1.1 tweets: quarantined with their line and reason.
    assert rep.files[0].n_quarantined == 2
    assert sql("SELECT source_line, reason FROM quarantine ORDER BY 1") == [
        {"source_line": 4, "reason": "missing id_str/id"}, {"source_line": 5, "reason": "missing id_str/id"}]


def test_case08_quote_without_quoted_status(shared_cases, load, fetch):
    load(shared_cases / "08-v1-quote-flag-without-quoted-status" / "quotes.jsonl")
    posts = fetch()
    quote, old = posts["1267400000000000001"], posts["575000000000000001"]
    assert (quote["kind"], quote["account_handle"], quote["ref_post_id"], quote["ref_account_handle"]) == (
        "quote", "acct_050", "1267300000000000009", "acct_051")
    assert "quoted_status_missing" in quote["flags"]  # target_status = unavailable
    assert quote["urls"] == [] and quote["domains"] == []
    assert sum(len(p["domains"]) for p in posts.values()) == 0  # external domain count = 0
    assert old["kind"] == "original" and old["ref_post_id"] is None


def test_case11_html_escaping(shared_cases, tmp_path, load, fetch, sql):
    source = shared_cases / "11-html-escaped-tweet-text" / "escaped.jsonl"
    # As given, the lines have no created_at: quarantined, each with its reason.
    rep = load(source)
    assert rep.files[0].n_quarantined == 3
    assert {r["reason"] for r in sql("SELECT reason FROM quarantine")} == {"missing created_at"}
    # With a time added, all three normalise to the same text.
    fixed = tmp_path / "escaped_with_time.jsonl"
    with open(fixed, "wb") as fh:
        for line in source.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            obj["created_at"] = "Wed Mar 25 10:00:00 +0000 2020"
            fh.write(orjson.dumps(obj) + b"\n")
    load(fixed)
    posts = fetch("collected")
    clean = "Q&A tonight: prices > wages <3 #Topic_A"
    assert [p["text"] for p in posts.values()] == [clean] * 3
    assert [p["hashtags"] for p in posts.values()] == [["Topic_A"]] * 3
    assert [p["flags"] for p in posts.values()] == [[], [], ["double_escaped"]]


def test_case12_newlines_commas_nul(shared_cases, load, fetch, sql):
    folder = shared_cases / "12-csv-embedded-newlines-commas-nul"
    mapping = {"post_id": "post_id", "account_handle": "account", "text": "text", "created_at": ""}
    rep = load(folder / "posts_with_nul_and_newlines.csv", format="csv", mapping=mapping)
    assert rep.files[0].n_read == 3 and rep.files[0].n_stored == 3  # 3 records on 5 physical lines
    posts = fetch()
    assert posts["p001"]["text"] == "Line one of the post\nline two, with a comma"
    assert posts["p002"]["text"] == "Before NULafter NUL is still part of the text"
    assert "had_nul" in posts["p002"]["flags"] and "had_nul" not in posts["p001"]["flags"]
    assert [posts[k]["source_line"] for k in ("p001", "p002", "p003")] == [2, 4, 5]
    # The badly quoted file is in the IRA layout: rows 1 and 2 load, row 3 (7 fields) is quarantined.
    rep = load(folder / "badly_quoted_export.csv")
    f = rep.files[0]
    assert (f.format, f.n_read, f.n_stored, f.n_quarantined) == ("ira-csv", 3, 2, 1)
    [q] = sql("SELECT source_line, reason, raw FROM quarantine")
    assert q["source_line"] == 4 and q["reason"].startswith("7 fields, 6 expected")
    assert "which an exporter failed to quote" in q["raw"]
    texts = {p["text"] for p in fetch("source_format = 'ira-csv'").values()}
    assert texts == {"Invented text with a comma, then more", "Invented text with a link https://t.co/FFFFFFFFFF"}


def test_case14_bom_in_header(shared_cases, load, fetch):
    folder = shared_cases / "14-utf8-bom-in-csv-header"
    for name in ("excel_utf8_export.csv", "excel_utf8_export_quoted_header.csv"):
        with CsvRecords(get("csv"), folder / name) as records:
            assert records.header == ["tweetid", "userid", "tweet_text"]
        with open(folder / name, newline="", encoding="utf-8-sig") as fh:  # the stdlib path, as the case asks
            assert next(csv.reader(fh)) == ["tweetid", "userid", "tweet_text"]
    mapping = {"post_id": "tweetid", "account_id": "userid", "text": "tweet_text", "created_at": ""}
    load(folder / "excel_utf8_export.csv", folder / "excel_utf8_export_quoted_header.csv", format="csv", mapping=mapping)
    posts = fetch()
    assert sorted(posts) == ["1587654321098765400", "1587654321098765437"]
    assert {p["account_id"] for p in posts.values()} == {"acct_100", "acct_101"}


def test_case20_hashtags_from_text(shared_cases, tmp_path, load, fetch):
    # The case's posts carry only an id and a text: loaded as a generic CSV without times.
    lines = (shared_cases / "20-hashtag-extraction-zwnj-rtl-cjk" / "posts.jsonl").read_text(encoding="utf-8")
    path = tmp_path / "posts.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        w.writerows([r["id"], r["text"]] for r in map(json.loads, lines.splitlines()))
    load(path, format="csv", mapping={"post_id": "id", "text": "text", "created_at": ""})
    tags = {k: p["hashtags"] for k, p in fetch().items()}
    assert tags == {"h1": ["نرم\u200cافزار"], "h2": ["话题"], "h3": ["Topic_A"], "h4": ["Topic_A", "topic_a"]}
    keys = Counter(hashtag_key(t) for k in ("h3", "h4") for t in tags[k])
    assert keys == {"topic_a": 3}


def test_case21_link_choice_and_no_twitter_domain(shared_cases, tmp_path, load, fetch):
    # The case's records are flattened v2 tweets; the same entities in v1.1 objects go through twitter-v1.
    lines = (shared_cases / "21-url-shortener-chains-and-canonical-domains" / "tweets_flat.jsonl").read_text()
    path = tmp_path / "v1.jsonl"
    with open(path, "wb") as fh:
        for rec in map(json.loads, lines.splitlines()):
            v1 = {"id_str": rec["id"], "created_at": "Wed Mar 25 10:00:00 +0000 2020", "full_text": rec["text"],
                  "user": {"id_str": rec["author"]["username"][-3:], "screen_name": rec["author"]["username"]},
                  "entities": {"urls": rec["entities"]["urls"]}}
            fh.write(orjson.dumps(v1) + b"\n")
    load(path)
    posts = fetch()
    p1, p2, p3, p4 = (posts[f"170000000000000000{i}"] for i in range(1, 5))
    assert p1["urls"] == ["https://state-media.example/news/77?utm_source=twitter&utm_medium=social"]  # unwound wins
    assert p2["urls"] == ["https://www.State-Media.example/news/77"]  # kept as found (path case too)
    assert p3["urls"] == ["http://ow.ly/3HR550AbCdE"]
    assert p1["domains"] == p2["domains"] == ["state-media.example"] and p3["domains"] == ["ow.ly"]
    assert (p4["kind"], p4["ref_post_id"], p4["ref_account_handle"], p4["urls"]) == (
        "quote", "1700000000000000001", "acct_180", [])
    domains = Counter(d for p in posts.values() for d in p["domains"])
    assert domains == {"state-media.example": 2, "ow.ly": 1}


def test_case_sources_are_detected(shared_cases):
    from ioscope.sources import detect
    assert detect(shared_cases / "01-v1-retweet-truncated-text" / "rest_extended_retweet.jsonl").name == "twitter-v1"
    assert detect(shared_cases / "12-csv-embedded-newlines-commas-nul" / "badly_quoted_export.csv").name == "ira-csv"
    assert list(get("twitter-v1").read(shared_cases / "03-id-vs-id_str-precision" / "two_tweets.jsonl",
                                       SourceOptions()))[0].line == 1
