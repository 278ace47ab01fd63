"""The ``bluesky`` source: UTF-8 byte facets on non-Latin text, reposts, client-set createdAt, a property test."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ioscope.sources.bluesky  # noqa: F401  (registers the source)
from ioscope.ingest import ingest
from ioscope.sources import registry
from ioscope.sources.bluesky import slice_utf8
from ioscope.store import Store

UTC = dt.timezone.utc
DID_A, DID_B, DID_C = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb", "did:plc:cccccccccccccccccccccccc"
URI_1 = f"at://{DID_A}/app.bsky.feed.post/3kaaaaaaaaa21"
URI_2 = f"at://{DID_B}/app.bsky.feed.post/3kbbbbbbbbb22"

# Persian text: every letter is 2 bytes in UTF-8, so byte offsets differ from character offsets.
TEXT_1 = "خبر مهم @acct-b.bsky.social ببینید #خبر_فوری"


def _span(text: str, part: str) -> dict:
    start = text.encode("utf-8").index(part.encode("utf-8"))
    return {"byteStart": start, "byteEnd": start + len(part.encode("utf-8"))}


def post_view(uri, did, handle, text, created, indexed, facets=None, **extra) -> dict:
    record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": created, "langs": ["fa"]}
    if facets is not None:
        record["facets"] = facets
    record.update(extra.pop("record", {}))
    view = {"uri": uri, "cid": "bafyreid", "author": {"did": did, "handle": handle, "displayName": handle},
            "record": record, "indexedAt": indexed, "likeCount": 5, "repostCount": 2, "replyCount": 1,
            "quoteCount": 0}
    view.update(extra)
    return view


def feed_file(tmp_path: Path) -> Path:
    facets = [
        {"index": _span(TEXT_1, "@acct-b.bsky.social"),
         "features": [{"$type": "app.bsky.richtext.facet#mention", "did": DID_B}]},
        {"index": _span(TEXT_1, "#خبر_فوری"), "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "خبر_فوری"}]},
        {"index": {"byteStart": 0, "byteEnd": 3},
         "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://state-media.example/news/77"}]},
    ]
    p1 = post_view(URI_1, DID_A, "acct-a.bsky.social", TEXT_1, "2024-02-01T10:00:00.000Z",
                   "2024-02-01T10:00:01.500Z", facets)
    # Client clock wrong by a year: createdAt kept as created_at but flagged against indexedAt.
    p2 = post_view(URI_2, DID_B, "acct-b.bsky.social", "reply", "2025-02-01T10:00:00Z", "2024-02-02T10:00:00Z",
                   [], record={"reply": {"root": {"uri": URI_1, "cid": "x"}, "parent": {"uri": URI_1, "cid": "x"}}})
    repost = {"post": p1, "reason": {"$type": "app.bsky.feed.defs#reasonRepost",
                                     "by": {"did": DID_C, "handle": "acct-c.bsky.social"},
                                     "indexedAt": "2024-02-01T11:00:00.000Z"}}
    page = {"feed": [{"post": p1}, {"post": p2, "reply": {"parent": p1, "root": p1}}, repost], "cursor": "x"}
    path = tmp_path / "author_feed.json"
    path.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    return path


def test_feed_mapping(tmp_path, store, fetch):
    path = feed_file(tmp_path)
    assert registry.detect(path).name == "bluesky"
    rep = ingest(store, [path]).files[0]
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (3, 3, 0)
    posts = fetch()
    p1 = posts[URI_1]
    assert p1["account_id"] == DID_A and p1["account_handle"] == "acct-a.bsky.social"
    # Mention cut out of the UTF-8 bytes (a character-offset slice would give Persian letters).
    assert list(p1["mentions"]) == ["acct-b.bsky.social"]
    assert list(p1["hashtags"]) == ["خبر_فوری"]
    assert list(p1["urls"]) == ["https://state-media.example/news/77"] and list(p1["domains"]) == ["state-media.example"]
    assert p1["created_at"] == dt.datetime(2024, 2, 1, 10, tzinfo=UTC) and p1["lang"] == "fa"
    assert "indexed_at:2024-02-01T10:00:01.500000Z" in p1["flags"]
    assert "created_at_suspect" not in p1["flags"]
    p2 = posts[URI_2]
    assert (p2["kind"], p2["ref_post_id"], p2["ref_account_id"]) == ("reply", URI_1, DID_A)
    # createdAt one year after indexedAt: kept (the client's time) and flagged.
    assert p2["created_at"] == dt.datetime(2025, 2, 1, 10, tzinfo=UTC) and "created_at_suspect" in p2["flags"]
    reposts = [p for p in posts.values() if p["kind"] == "repost"]
    assert len(reposts) == 1
    r = reposts[0]
    # No reason.uri in this response: a synthesized, stable key; time = reason.indexedAt; text = original's.
    assert r["post_id"] == f"{DID_C}/repost/{URI_1}" and "post_id_synthesized" in r["flags"]
    assert (r["account_id"], r["ref_post_id"], r["ref_account_id"]) == (DID_C, URI_1, DID_A)
    assert r["created_at"] == dt.datetime(2024, 2, 1, 11, tzinfo=UTC) and r["text"] == TEXT_1
    assert r["like_count"] is None  # the counts are the original's, kept on the original's row


def test_slice_utf8_rejects_split_characters():
    assert slice_utf8("ab", 0, 1) == "a"
    assert slice_utf8("خبر", 0, 2) == "خ"
    assert slice_utf8("خبر", 0, 1) is None  # cuts a 2-byte letter
    assert slice_utf8("abc", 2, 9) is None and slice_utf8("abc", "0", 1) is None


def test_bad_offsets_fall_back_to_did(tmp_path, store, fetch):
    view = post_view(URI_1, DID_A, "a.example", "hi @b", "2024-02-01T10:00:00Z", "2024-02-01T10:00:00Z",
                     [{"index": {"byteStart": 1, "byteEnd": 99},
                       "features": [{"$type": "app.bsky.richtext.facet#mention", "did": DID_B}]}])
    path = tmp_path / "posts.json"
    path.write_text(json.dumps({"posts": [view, {"uri": URI_2}]}))
    rep = ingest(store, [path], format="bluesky").files[0]
    assert (rep.n_stored, rep.n_quarantined) == (1, 1)  # the second has no author: quarantined
    p = fetch()[URI_1]
    assert list(p["mentions"]) == [DID_B] and "facet_offsets_invalid" in p["flags"]
    assert store.scalar("SELECT reason FROM quarantine") == "missing author.did"


def test_counts_through_parse_count(tmp_path, store, fetch):
    # ioscope.ids.parse_count without thousands separators: 12.0 is the integer 12, "7" is 7; -1, true,
    # "1,234" (a JSON API never groups digits) and 2**63 (beyond 64 bits) are not counts: NULL.
    view = post_view(URI_1, DID_A, "a.example", "hi", "2024-02-01T10:00:00Z", "2024-02-01T10:00:00Z",
                     likeCount=12.0, repostCount="7", replyCount=-1, quoteCount="1,234")
    view["author"].update(followersCount=2**63, followsCount=True)
    path = tmp_path / "posts.json"
    path.write_text(json.dumps({"posts": [view]}))
    assert ingest(store, [path], format="bluesky").files[0].n_stored == 1
    p = fetch()[URI_1]
    assert (p["like_count"], p["share_count"], p["reply_count"], p["quote_count"]) == (12, 7, None, None)
    assert store.con.execute("SELECT followers, following FROM accounts").fetchall() == [(None, None)]


_value = st.one_of(st.none(), st.booleans(), st.integers(-5, 300), st.text(max_size=12),
                   st.lists(st.integers(0, 50), max_size=2), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


@st.composite
def _feed(draw):
    items = []
    for n in range(draw(st.integers(1, 5))):
        text = draw(st.text(max_size=20))
        start = draw(st.integers(0, 40))
        view = post_view(f"at://{DID_A}/app.bsky.feed.post/{n}", DID_A, "a", text, "2024-02-01T10:00:00Z",
                         "2024-02-01T10:00:00Z", [{"index": {"byteStart": start, "byteEnd": start + draw(st.integers(-2, 9))},
                                                   "features": [{"$type": "app.bsky.richtext.facet#mention", "did": DID_B}]}])
        for key in draw(st.lists(st.sampled_from(sorted(view)), max_size=3)):
            view[key] = draw(_value)
        item = {"post": view}
        if draw(st.booleans()):
            item["reason"] = {"$type": "app.bsky.feed.defs#reasonRepost", "by": {"did": DID_C}, "indexedAt": draw(_value)}
        items.append(item if draw(st.integers(0, 9)) else draw(_value))
    return {"feed": items}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_feed())
def test_property_every_record_is_stored_duplicate_or_quarantined(page):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "x.json"
        path.write_text(json.dumps(page))
        store = Store(Path(d) / "s.duckdb")
        rep = ingest(store, [path], format="bluesky").files[0]
        assert rep.n_read == len(page["feed"])
        assert rep.n_read == rep.n_stored + rep.n_duplicate + rep.n_quarantined
        store.close()
