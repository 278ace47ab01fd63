"""The ``twarc-csv`` source (case 05: sparse ID columns that went through pandas float64)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ioscope.sources.twarc_csv  # noqa: F401  (registers the source)
from ioscope.ingest import ingest
from ioscope.sources import SourceOptions, registry
from ioscope.store import Store

HEADER = ["id", "conversation_id", "referenced_tweets.replied_to.id", "referenced_tweets.retweeted.id",
          "referenced_tweets.quoted.id", "author_id", "in_reply_to_user_id", "in_reply_to_username",
          "retweeted_user_id", "retweeted_username", "quoted_user_id", "quoted_username", "created_at",
          "text", "lang", "public_metrics.impression_count", "public_metrics.reply_count",
          "public_metrics.retweet_count", "public_metrics.quote_count", "public_metrics.like_count",
          "edit_history_tweet_ids", "entities.hashtags", "entities.mentions", "entities.urls",
          "author.id", "author.created_at", "author.username", "author.name", "author.description",
          "author.public_metrics.followers_count", "author.public_metrics.following_count"]


def rows(store: Store, sql: str) -> list[dict]:
    """Query rows as plain Python dicts (None for NULL, no pandas NaN)."""
    cur = store.con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def posts(store: Store) -> dict[str, dict]:
    return {r["post_id"]: r for r in rows(store, "SELECT * FROM posts")}


def write_csv(path: Path, records: list[dict], header=HEADER) -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    for r in records:
        w.writerow({k: r.get(k, "") for k in header})
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_case05_sparse_id_columns_stay_exact(tmp_path, shared_cases):
    src = shared_cases / "05-pandas-float-ids-from-blank-cells" / "twarc_csv_like.csv"
    assert registry.detect(src).name == "twarc-csv"
    store = Store(tmp_path / "s.duckdb")
    f = ingest(store, [src]).files[0]
    assert (f.n_read, f.n_stored, f.n_quarantined) == (3, 3, 0)
    p = posts(store)
    # expected.md: reply 1587654321098765437 (acct_031) -> 1587654321098765400 / user 1500000000000000011.
    reply = p["1587654321098765437"]
    assert (reply["account_handle"], reply["kind"], reply["ref_post_id"], reply["ref_account_id"]) == (
        "acct_031", "reply", "1587654321098765400", "1500000000000000011")
    # retweet 1587654321098765501 (acct_032) -> 1587654321098765400 (acct_030, from "RT @acct_030:").
    rt = p["1587654321098765501"]
    assert (rt["account_handle"], rt["kind"], rt["ref_post_id"], rt["ref_account_handle"]) == (
        "acct_032", "repost", "1587654321098765400", "acct_030")
    assert rt["text"] == "Original invented post"
    # Every referenced ID is present in the id column: 2 of 2 resolve (the float path resolves 0).
    unresolved = store.scalar("""SELECT count(*) FROM posts r WHERE ref_post_id IS NOT NULL
                                 AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.post_id = r.ref_post_id)""")
    assert unresolved == 0
    assert store.scalar("SELECT count(*) FROM posts WHERE ref_post_id IS NOT NULL") == 2
    assert not any(fl for r in p.values() for fl in r["flags"] if fl.endswith("_lost_precision"))


def test_float_damaged_ids_are_flagged_and_never_joined(tmp_path):
    # The same file after a pandas round trip: sparse ID columns written as floats.
    path = write_csv(tmp_path / "damaged.csv", [
        {"id": "1587654321098765400", "author_id": "1500000000000000011", "author.username": "acct_030",
         "created_at": "2022-11-04T09:00:00.000Z", "text": "Original"},
        {"id": "1587654321098765437", "author_id": "1500000000000000037", "author.username": "acct_031",
         "created_at": "2022-11-04T09:00:01.000Z", "text": "@acct_030 reply",
         "referenced_tweets.replied_to.id": "1.5876543210987653e+18", "in_reply_to_user_id": "1.5e+18"},
        {"id": "1.587654321098765e+18", "author_id": "1500000000000000041", "created_at": "2022-11-04T09:00:02.000Z",
         "text": "RT @acct_030: Original", "referenced_tweets.retweeted.id": "1587654321098765312.0"},
    ])
    store = Store(tmp_path / "s.duckdb")
    f = ingest(store, [path]).files[0]
    assert (f.n_stored, f.n_quarantined) == (3, 0)
    reply = posts(store)["1587654321098765437"]
    # The damaged reference is flagged and not used as a join key (NULL), but the kind is kept.
    assert reply["kind"] == "reply" and reply["ref_post_id"] is None and reply["ref_account_id"] is None
    assert {"ref_post_id_lost_precision", "ref_account_id_lost_precision"} <= set(reply["flags"])
    # The damaged post ID is never deduplicated: the store keeps it with a per-record suffix.
    damaged = rows(store, "SELECT * FROM posts WHERE list_contains(flags, 'post_id_lost_precision')")
    # (ioscope.ids spells the double's integer value, 1587654321098765056, then the store adds "~sha:line".)
    assert len(damaged) == 1 and damaged[0]["post_id"].startswith("1587654321098765056~")
    assert damaged[0]["ref_post_id"] is None and damaged[0]["kind"] == "repost"


def test_entities_merged_retweet_edits_and_accounts(tmp_path):
    path = write_csv(tmp_path / "t.csv", [
        {"id": "10", "author_id": "1", "author.username": "acct_a", "author.name": "A",
         "author.created_at": "2015-01-01T00:00:00.000Z", "author.public_metrics.followers_count": "12",
         "author.public_metrics.following_count": "3.0", "created_at": "2022-01-01T00:00:00.000Z",
         "text": "line one\\nline two &amp; #Tag @acct_b", "lang": "en",
         "entities.hashtags": '["#Tag"]', "entities.mentions": '["@acct_b"]',
         "entities.urls": '["https://news.example/a", "https://twitter.com/acct_b/status/9", "pic.twitter.com/xyz", ""]',
         "public_metrics.like_count": "4", "public_metrics.retweet_count": "2.0",
         "public_metrics.impression_count": "100", "edit_history_tweet_ids": '["8", "10"]'},
        # twarc-csv's default --merge-retweets: the retweet row carries the original's full text.
        {"id": "11", "author_id": "2", "created_at": "2022-01-01T00:01:00.000Z", "text": "full original text",
         "referenced_tweets.retweeted.id": "9", "retweeted_user_id": "3", "retweeted_username": "acct_c",
         "public_metrics.like_count": "50", "entities.urls": ""},
        {"id": "", "text": "no id"},
        {"id": "12", "created_at": "not a time"},
    ])
    store = Store(tmp_path / "s.duckdb")
    f = ingest(store, [path]).files[0]
    assert (f.n_read, f.n_stored, f.n_quarantined) == (4, 2, 2)
    reasons = [r["reason"] for r in rows(store, "SELECT reason FROM quarantine ORDER BY source_line")]
    assert reasons[0] == "id: empty" and reasons[1].startswith("created_at:")
    p = posts(store)
    a = p["10"]
    assert a["text"] == "line one\nline two & #Tag @acct_b"  # twarc-csv's "\\n" restored, unescaped once
    assert (list(a["hashtags"]), list(a["mentions"])) == (["Tag"], ["acct_b"])
    # Only the external link: not the quote permalink, not the media link, not the empty item.
    assert list(a["urls"]) == ["https://news.example/a"] and list(a["domains"]) == ["news.example"]
    assert (a["like_count"], a["share_count"], a["view_count"]) == (4, 2, 100)
    assert "edit_group:8" in list(a["flags"])
    b = p["11"]
    assert (b["kind"], b["ref_post_id"], b["ref_account_id"], b["ref_account_handle"]) == ("repost", "9", "3", "acct_c")
    assert b["text"] == "full original text" and list(b["urls"]) == []
    assert b["like_count"] is None  # the original's counts, not the retweet's
    acc = rows(store, "SELECT * FROM accounts WHERE account_id = '1'")[0]
    assert (acc["handle"], acc["display_name"], acc["followers"], acc["following"]) == ("acct_a", "A", 12, 3)


def test_sniff_is_specific(tmp_path):
    src = ioscope.sources.twarc_csv.TwarcCsv()
    generic = tmp_path / "g.csv"
    generic.write_text("id,text,author\n1,a,b\n")
    io_archive = tmp_path / "io.csv"
    io_archive.write_text("tweetid,userid,tweet_text\n1,2,a\n")
    assert src.sniff(generic, generic.read_bytes()) == 0.0
    assert src.sniff(io_archive, io_archive.read_bytes()) == 0.0
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + ",".join(HEADER).encode() + b"\n")
    assert src.sniff(bom, bom.read_bytes()) == 0.9


# -- property -----------------------------------------------------------------------------------------

_cell = st.one_of(
    st.sampled_from(["", "1", "2", "1587654321098765437", "1.5e+18", "12.0", "2022-01-01T00:00:00Z",
                     "bad", '["#a"]', '[{"tag": "b"}]', "[", "RT @x: y", "\\n"]),
    st.text(max_size=12),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.fixed_dictionaries({c: _cell for c in HEADER[:16]}), min_size=1, max_size=8),
       extra=st.lists(st.binary(max_size=30), max_size=3))
def test_property_every_row_accounted_for(tmp_path_factory, records, extra):
    tmp = tmp_path_factory.mktemp("csvprop")
    path = write_csv(tmp / "p.csv", records, header=HEADER[:16])
    data = path.read_bytes() + b"".join(e.replace(b"\n", b" ").replace(b"\r", b" ") + b"\n" for e in extra)
    path.write_bytes(data)
    with Store(tmp / "s.duckdb") as store:
        f = ingest(store, [path], format="twarc-csv").files[0]
        # Every data row is stored, a duplicate, or quarantined (blank rows are no records).
        assert f.n_read == f.n_stored + f.n_duplicate + f.n_quarantined
        assert store.scalar("SELECT count(*) FROM posts WHERE NOT collected") == 0


def test_source_line_is_the_physical_line_and_gzip_is_read(tmp_path):
    import gzip

    base = {"author_id": "7", "created_at": "2022-05-01T10:00:00.000Z"}
    plain = write_csv(tmp_path / "t.csv", [
        {**base, "id": "1", "text": "one"},
        {**base, "id": "2", "text": "a real\nline break"},  # quoted by csv: lines 3-4
        {**base, "id": "", "text": "no id"},  # line 5: quarantined
        {**base, "id": "3", "text": "three"},  # line 6
    ])
    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    assert registry.detect(path).name == "twarc-csv"
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [path])
    got = dict(store.con.execute("SELECT post_id, source_line FROM posts").fetchall())
    assert got == {"1": 2, "2": 3, "3": 6}
    assert rows(store, "SELECT source_line, reason FROM quarantine") == [{"source_line": 5, "reason": "id: empty"}]


def test_naive_created_at_is_read_in_tz_and_flagged(tmp_path):
    # twarc writes "...Z"; a hand-edited "2021-05-01 10:00:00" has no zone: read in --tz and flagged
    path = write_csv(tmp_path / "t.csv", [{"id": "1", "created_at": "2021-05-01T10:00:00.000Z"},
                                          {"id": "2", "created_at": "2021-05-01 10:00:00"}])
    src = ioscope.sources.twarc_csv.TwarcCsv()
    a, b = list(src.read(path, SourceOptions()))
    assert not [f for f in a.posts[0]["flags"] if f.startswith("assumed")]  # Z: nothing assumed
    assert b.posts[0]["created_at"] == dt.datetime(2021, 5, 1, 10, tzinfo=dt.timezone.utc)
    assert "assumed_utc" in b.posts[0]["flags"]
    a, b = list(src.read(path, SourceOptions(tz="Asia/Tehran")))
    assert a.posts[0]["created_at"] == dt.datetime(2021, 5, 1, 10, tzinfo=dt.timezone.utc)  # Z wins over --tz
    # 10:00 in Tehran on 2021-05-01 is IRDT, UTC+4:30 (Iran kept DST until 2022): 05:30 UTC
    assert b.posts[0]["created_at"] == dt.datetime(2021, 5, 1, 5, 30, tzinfo=dt.timezone.utc)
    assert "assumed_tz:Asia/Tehran" in b.posts[0]["flags"]
