"""The ``twitter-v2`` source: twarc2 pages, flattened tweets and single tweets (cases 07, 09 and the
kinds of fault around them: missing expansions, edits, the first record, unreadable lines)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ioscope.sources.twitter_v2  # noqa: F401  (registers the source)
from ioscope.ingest import ingest
from ioscope.sources import registry
from ioscope.store import Store

UTC = dt.timezone.utc


def run(tmp_path: Path, *files: Path):
    store = Store(tmp_path / "s.duckdb")
    report = ingest(store, list(files))
    return store, report


def rows(store: Store, sql: str) -> list[dict]:
    """Query rows as plain Python dicts (None for NULL, lists for lists: no pandas NaN)."""
    cur = store.con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def posts(store: Store) -> dict[str, dict]:
    return {r["post_id"]: r for r in rows(store, "SELECT * FROM posts ORDER BY post_id")}


def write_lines(path: Path, objs) -> Path:
    path.write_bytes(b"\n".join(orjson.dumps(o) for o in objs) + b"\n")
    return path


# -- case 07: a referenced tweet missing from includes ------------------------------------------------


def test_case07_missing_references_keep_edges_without_ghosts(tmp_path, shared_cases):
    src = next((shared_cases / "07-v2-referenced-tweet-missing-from-includes").glob("*.jsonl"))
    assert registry.detect(src).name == "twitter-v2"
    store, report = run(tmp_path, src)
    f = report.files[0]
    # expected.md: collected tweets = 3 (…101, …102, …103); …090 is context from includes.
    assert (f.n_stored, f.n_duplicate, f.n_quarantined, f.n_context) == (3, 0, 0, 1)
    p = posts(store)
    # No ghost rows for the deleted …099 or the depth-limited …080.
    assert set(p) == {"1400000000000000090", "1400000000000000101", "1400000000000000102",
                      "1400000000000000103"}
    assert p["1400000000000000090"]["collected"] is False
    # Reply acct_040 -> user 2000000000000000002 (username unknown); …099 is a Not Found error.
    reply = p["1400000000000000101"]
    assert (reply["account_handle"], reply["kind"], reply["ref_post_id"]) == (
        "acct_040", "reply", "1400000000000000099")
    assert reply["ref_account_id"] == "2000000000000000002"
    assert reply["ref_account_handle"] is None
    assert "ref_unavailable" in list(reply["flags"])
    # Retweet acct_042 -> acct_043 via …090, with the original's full text (not "RT @acct_043: …").
    rt = p["1400000000000000102"]
    assert (rt["account_handle"], rt["kind"], rt["ref_post_id"]) == ("acct_042", "repost", "1400000000000000090")
    assert (rt["ref_account_id"], rt["ref_account_handle"]) == ("2000000000000000005", "acct_043")
    assert rt["text"] == "Look at this invented thing https://t.co/DDDDDDDDDD"
    # Quote acct_043 -> unknown: target …080 not expanded (depth limit), not an error.
    q = p["1400000000000000090"]
    assert (q["account_handle"], q["kind"], q["ref_post_id"], q["ref_account_id"]) == (
        "acct_043", "quote", "1400000000000000080", None)
    assert "ref_not_expanded" in list(q["flags"]) and "ref_unavailable" not in list(q["flags"])
    # The per-page report as a query: 1 reference missing with an API error, 1 by the depth limit.
    assert store.scalar("SELECT count(*) FROM posts WHERE list_contains(flags, 'ref_unavailable')") == 1
    assert store.scalar("SELECT count(*) FROM posts WHERE list_contains(flags, 'ref_not_expanded')") == 1
    assert p["1400000000000000103"]["kind"] == "original"
    # No row has empty text.
    assert store.scalar("SELECT count(*) FROM posts WHERE coalesce(text, '') = ''") == 0


# -- case 09: the same tweet on two pages and in includes ---------------------------------------------


def test_case09_duplicates_across_pages_and_includes(tmp_path, shared_cases):
    src = next((shared_cases / "09-duplicates-across-pages-and-includes").glob("*.jsonl"))
    store, report = run(tmp_path, src)
    f = report.files[0]
    # 4 data items read (…201, …202 | …202, …203): 3 unique collected, 1 duplicate (…202 on page 2).
    assert (f.n_read, f.n_stored, f.n_duplicate, f.n_quarantined) == (4, 3, 1, 0)
    assert store.counts()["collected_posts"] == 3
    # …201 is in data on page 1, so its includes copy on page 2 does not add a row or a context post.
    assert store.counts()["context_posts"] == 0
    p = posts(store)
    assert p["1500000000000000201"]["collected"] is True and p["1500000000000000201"]["source_line"] == 1
    # One retweet edge acct_062 -> acct_060.
    edges = store.query("SELECT account_handle, ref_account_handle FROM posts WHERE kind = 'repost'")
    assert edges.values.tolist() == [["acct_062", "acct_060"]]
    # Topic_A: 1 original + 1 retweet = 2, not 3.
    n = store.scalar("SELECT count(*) FROM posts, unnest(hashtags) AS t(h) WHERE h = 'Topic_A'")
    assert n == 2
    # Re-ingesting the same file adds nothing.
    _, again = run(tmp_path, src)
    assert (again.files[0].n_stored, again.files[0].n_duplicate) == (0, 4)


# -- flattened tweets, edits, missing author, unreadable lines ---------------------------------------

USERS = [{"id": "11", "username": "acct_a", "name": "A", "created_at": "2015-01-02T03:04:05.000Z",
          "description": "bio &amp; more", "public_metrics": {"followers_count": 7, "following_count": 8}}]


def tweet(i: str, **kw):
    base = {"id": i, "author_id": "11", "created_at": "2022-10-01T12:00:00.000Z", "text": f"post {i}",
            "edit_history_tweet_ids": [i]}
    base.update(kw)
    return base


def test_first_record_kept_and_bad_lines_quarantined(tmp_path):
    # Line 1 is a page (its first tweet must not be lost to detection), line 2 a stream error notice,
    # line 3 broken JSON, line 4 invalid UTF-8, line 5 a flattened tweet, line 6 a tweet with a bad time.
    path = tmp_path / "mixed.jsonl"
    lines = [
        orjson.dumps({"data": [tweet("1")], "includes": {"users": USERS}}),
        orjson.dumps({"errors": [{"title": "operational-disconnect", "detail": "x"}]}),
        b'{"data": [',
        b'{"id": "5", "author_id": "11", "text": "\xff\xfe"}',
        orjson.dumps(tweet("2", author={"id": "11", "username": "acct_a"}, __twarc={"version": "2.14"})),
        orjson.dumps(tweet("3", created_at="yesterday")),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert registry.detect(path).name == "twitter-v2"
    store, report = run(tmp_path, path)
    f = report.files[0]
    assert (f.n_read, f.n_stored, f.n_quarantined) == (6, 2, 4)
    q = store.query("SELECT source_line, reason FROM quarantine ORDER BY source_line")
    assert q.source_line.tolist() == [2, 3, 4, 6]
    assert "operational-disconnect" in q.reason[0]
    assert q.reason[1].startswith("invalid JSON")
    assert "created_at" in q.reason[3]
    # The account from includes.users: profile fields mapped, description unescaped once.
    acc = rows(store, "SELECT * FROM accounts")[0]
    assert (acc["account_id"], acc["handle"], acc["followers"], acc["following"]) == ("11", "acct_a", 7, 8)
    assert acc["description"] == "bio & more"


def test_edit_group_and_missing_author(tmp_path):
    # Tweet 101 was edited into 102: both versions stay (own post_id), 102 records group 101.
    # Tweet 103's author is absent from includes: it still loads, handle NULL, author_id kept.
    page = {"data": [tweet("101"), tweet("102", edit_history_tweet_ids=["101", "102"]),
                     tweet("103", author_id="99")],
            "includes": {"users": USERS}}
    store, report = run(tmp_path, write_lines(tmp_path / "p.jsonl", [page]))
    assert report.files[0].n_stored == 3
    p = posts(store)
    assert "edit_group:101" in list(p["102"]["flags"])
    assert not any(f.startswith("edit_group") for f in p["101"]["flags"])
    assert (p["103"]["account_id"], p["103"]["account_handle"]) == ("99", None)
    assert "author_not_expanded" in list(p["103"]["flags"])
    # One post per edit group: 2 groups among 101, 102 (same group) and 103.
    groups = store.scalar(
        """SELECT count(DISTINCT coalesce(
               (SELECT substr(f, 12) FROM unnest(flags) AS u(f) WHERE f LIKE 'edit_group:%'), post_id))
           FROM posts""")
    assert groups == 2


def test_entities_permalinks_and_retweet_without_includes(tmp_path):
    quote = tweet("201", text="Look https://t.co/a https://t.co/b #Tag &amp; @acct_b",
                  referenced_tweets=[{"type": "quoted", "id": "150"}],
                  entities={"urls": [
                      {"url": "https://t.co/a", "expanded_url": "https://bit.ly/x",
                       "unwound_url": "https://news.example/story"},
                      {"url": "https://t.co/b", "expanded_url": "https://twitter.com/acct_b/status/150"}],
                      "hashtags": [{"tag": "Tag"}], "mentions": [{"username": "acct_b"}]},
                  public_metrics={"like_count": 3, "retweet_count": 2, "reply_count": 1, "quote_count": 0,
                                  "impression_count": 99})
    retweet = tweet("202", text="RT @acct_c: something cut…", referenced_tweets=[{"type": "retweeted", "id": "160"}])
    store, _ = run(tmp_path, write_lines(tmp_path / "p.jsonl", [{"data": [quote, retweet]}]))
    p = posts(store)
    q = p["201"]
    # unwound_url > expanded_url; the quoted tweet's permalink is the relation, not a link or domain.
    assert list(q["urls"]) == ["https://news.example/story"] and list(q["domains"]) == ["news.example"]
    assert (q["kind"], q["ref_post_id"]) == ("quote", "150")
    assert q["text"] == "Look https://t.co/a https://t.co/b #Tag & @acct_b"  # unescaped once
    assert (list(q["hashtags"]), list(q["mentions"])) == (["Tag"], ["acct_b"])
    assert (q["like_count"], q["share_count"], q["reply_count"], q["quote_count"], q["view_count"]) == (3, 2, 1, 0, 99)
    r = p["202"]
    # The original is not in includes: edge kept, no ghost row, text without the "RT @acct_c: " prefix.
    assert "160" not in p
    assert (r["kind"], r["ref_post_id"], r["ref_account_handle"]) == ("repost", "160", "acct_c")
    assert r["text"] == "something cut…"
    assert {"repost_text_unexpanded", "ref_not_expanded"} <= set(r["flags"])


def test_flattened_with_inline_references(tmp_path):
    # twarc2 flatten: author and the retweeted tweet inline; the inline original becomes context.
    flat = tweet("301", text="RT @acct_d: full original text", author={"id": "11", "username": "acct_a"},
                 referenced_tweets=[{"type": "retweeted", "id": "170", "author_id": "12", "text": "full original text",
                                     "created_at": "2022-10-01T11:00:00.000Z",
                                     "author": {"id": "12", "username": "acct_d"}}])
    missing = tweet("302", author={"id": "11", "username": "acct_a"},
                    referenced_tweets=[{"type": "replied_to", "id": "180"}], in_reply_to_user_id="13")
    store, report = run(tmp_path, write_lines(tmp_path / "flat.jsonl", [flat, missing]))
    assert (report.files[0].n_stored, report.files[0].n_context) == (2, 1)
    p = posts(store)
    assert (p["301"]["text"], p["301"]["ref_account_handle"], p["301"]["ref_account_id"]) == (
        "full original text", "acct_d", "12")
    assert p["170"]["collected"] is False and p["170"]["account_handle"] == "acct_d"
    assert "180" not in p and p["302"]["ref_account_id"] == "13"


def test_pretty_printed_document_and_array(tmp_path):
    doc = tmp_path / "one.json"
    doc.write_text(json.dumps({"data": tweet("401"), "includes": {"users": USERS}}, indent=2))
    arr = tmp_path / "arr.json"
    arr.write_text(json.dumps([tweet("402"), tweet("403")], indent=2))
    assert registry.detect(doc).name == "twitter-v2" and registry.detect(arr).name == "twitter-v2"
    store, report = run(tmp_path, doc, arr)
    assert [f.n_stored for f in report.files] == [1, 2]
    lines = store.query("SELECT post_id, source_line FROM posts ORDER BY post_id").values.tolist()
    assert lines == [["401", 1], ["402", 1], ["403", 2]]


def test_sniff_is_specific(tmp_path):
    v1 = tmp_path / "v1.jsonl"
    v1.write_text('{"id": 1, "id_str": "1", "created_at": "Wed Mar 25 10:00:00 +0000 2020", "user": {}}\n')
    csv = tmp_path / "x.csv"
    csv.write_text("id,text\n1,a\n")
    src = ioscope.sources.twitter_v2.TwitterV2()
    assert src.sniff(v1, v1.read_bytes()) == 0.0
    assert src.sniff(csv, csv.read_bytes()) == 0.0
    # A page line longer than the sniffed head is still recognised from its prefix.
    big = b'{"data": [' + b",".join(orjson.dumps(tweet(str(i))) for i in range(2000)) + b"]}\n"
    assert src.sniff(tmp_path / "big.jsonl", big[:65536]) >= 0.9


# -- property: every input tweet is stored, counted duplicate, or quarantined -------------------------

_ids = st.sampled_from(["1", "2", "3", "1587654321098765437", "1.5e+18", "", None, 7, "abc"])
_int64 = st.integers(min_value=-(2**63), max_value=2**64 - 1)  # what JSON writers emit as integers
_text = st.one_of(st.text(max_size=30), st.none(), _int64)
_time = st.sampled_from(["2022-10-01T12:00:00.000Z", "2022-10-01T12:00:00+02:00", "bad", "", None, 0])
_ref = st.fixed_dictionaries({"type": st.sampled_from(["retweeted", "quoted", "replied_to", "x"]), "id": _ids})
_tweet = st.fixed_dictionaries(
    {"id": _ids, "text": _text},
    optional={
        "author_id": _ids, "created_at": _time, "lang": st.sampled_from(["en", "und", "EN", "in", 3]),
        "referenced_tweets": st.lists(_ref, max_size=2),
        "entities": st.fixed_dictionaries({}, optional={
            "urls": st.lists(st.fixed_dictionaries({"expanded_url": st.one_of(st.text(max_size=20), st.none())})),
            "hashtags": st.lists(st.fixed_dictionaries({"tag": st.text(max_size=10)}), max_size=3)}),
        "public_metrics": st.dictionaries(st.sampled_from(["like_count", "retweet_count"]),
                                          st.one_of(_int64, st.text(max_size=3), st.floats())),
        "edit_history_tweet_ids": st.lists(_ids, max_size=2),
    },
)
_page = st.fixed_dictionaries(
    {"data": st.lists(_tweet, max_size=4)},
    optional={"includes": st.fixed_dictionaries({}, optional={"tweets": st.lists(_tweet, max_size=2),
                                                               "users": st.just(USERS)})},
)


def _expected_units(obj) -> int:
    # Units the reader must account for: one per data item of a page, one per other line.
    if isinstance(obj, dict) and isinstance(obj.get("data"), list):
        return len(obj["data"])
    if isinstance(obj, list):
        return sum(_expected_units(x) for x in obj)
    return 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(st.one_of(_page, _tweet, st.just({"errors": [{"title": "x"}]}), st.binary(max_size=20)),
                      min_size=1, max_size=6))
def test_property_every_tweet_accounted_for(tmp_path_factory, items):
    tmp = tmp_path_factory.mktemp("v2prop")
    lines = [i if isinstance(i, bytes) else orjson.dumps(i) for i in items]
    lines = [b"x" + line if not line.strip() else line.replace(b"\n", b" ") for line in lines]
    # The first line must be a JSON object for the file to be this format at all.
    lines.insert(0, orjson.dumps({"data": [tweet("999")]}))
    path = tmp / "p.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    units = 1 + sum(_expected_units(orjson.loads(x)) if _is_json(x) else 1 for x in lines[1:])
    with Store(tmp / "s.duckdb") as store:
        f = ingest(store, [path], format="twitter-v2").files[0]
        assert f.n_read == f.n_stored + f.n_duplicate + f.n_quarantined
        assert f.n_read == units
        # IDs stay strings and no context post is counted as collected.
        assert store.scalar("SELECT count(*) FROM posts WHERE collected") == f.n_stored


def _is_json(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q"])
