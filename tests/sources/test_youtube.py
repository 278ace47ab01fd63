"""The ``youtube`` source: case 24 (mixed search kinds, playlist dates, comment HTML), replies, a property test."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ioscope.sources.youtube  # noqa: F401  (registers the source)
from ioscope.ingest import ingest
from ioscope.sources import registry
from ioscope.sources.youtube import classify
from ioscope.store import Store

CASE24 = "24-youtube-data-api-kinds-dates-comment-html"
UTC = dt.timezone.utc


def test_case24_search_kinds(tmp_path, shared_cases):
    path = shared_cases / CASE24 / "search_list.json"
    assert registry.detect(path).name == "youtube"
    items = json.loads(path.read_text())["items"]
    # expected.md: dispatch on id.kind -> one video, one channel, one playlist; none is an error.
    assert [classify(i) for i in items] == [("video", "inventedV01"), ("channel", "UCinvented00000000000002"),
                                           ("playlist", "PLinvented000000000000000000000001")]
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [path]).files[0]
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (3, 1, 0)  # all 3 read, only the video is a post
    assert store.query("SELECT post_id FROM posts")["post_id"].tolist() == ["inventedV01"]
    # The title is HTML-escaped in search snippets; unescaped once.
    assert store.scalar("SELECT text FROM posts") == "Invented \"news\" clip & more 'today'"
    # The channel result is an account (no post); the playlist's owner channel too.
    assert sorted(store.query("SELECT account_id FROM accounts")["account_id"]) == [
        "UCinvented00000000000001", "UCinvented00000000000002"]


def test_case24_playlist_item_dates(tmp_path, shared_cases):
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [shared_cases / CASE24 / "playlist_items.json"])
    p = store.query("SELECT * FROM posts").to_dict("records")[0]
    # Upload time = contentDetails.videoPublishedAt 2019-01-15T12:00:00Z, not the 2022 add date ...
    assert p["post_id"] == "inventedV02"
    assert p["created_at"].to_pydatetime() == dt.datetime(2019, 1, 15, 12, tzinfo=UTC)
    # ... which is kept as a flag.
    assert "added_to_playlist_at:2022-05-10T08:00:00Z" in p["flags"]


def test_case24_comment_text_and_links(tmp_path, shared_cases):
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [shared_cases / CASE24 / "comment_threads.json"]).files[0]
    assert (rep.n_stored, rep.n_quarantined) == (1, 0)
    p = store.query("SELECT * FROM posts").to_dict("records")[0]
    # text = textOriginal (no &#39;, <br> or <a>); only the external URL; the &t=37 self-link is no share.
    assert p["text"] == "Great point 'really' 0:37\nsee https://state-media.example/news/77"
    assert list(p["urls"]) == ["https://state-media.example/news/77"]
    assert list(p["domains"]) == ["state-media.example"]
    # A top-level comment is a reply to the video; updatedAt > publishedAt: edited.
    assert p["kind"] == "reply" and p["ref_post_id"] == "inventedV01"
    assert "edited_at:2022-03-02T09:00:00Z" in p["flags"]
    assert p["account_id"] == "UCinvented00000000000210" and p["account_handle"] == "acct_210"


def test_html_only_comment_and_replies(tmp_path, store, fetch):
    thread = {"kind": "youtube#commentThread", "id": "Ug1", "snippet": {
        "videoId": "vid1", "channelId": "UCowner", "totalReplyCount": 1,
        "topLevelComment": {"kind": "youtube#comment", "id": "Ug1", "snippet": {
            "authorDisplayName": "Some Name", "authorChannelId": {"value": "UCa"},
            "textDisplay": "it&#39;s &amp;lt; <b>bold</b><br><a href=\"https://youtu.be/vid1?t=5\">0:05</a>",
            "publishedAt": "2022-03-01T11:00:00Z", "updatedAt": "2022-03-01T11:00:00Z", "likeCount": 4}}},
        "replies": {"comments": [{"kind": "youtube#comment", "id": "Ug1.r1", "snippet": {
            "parentId": "Ug1", "authorDisplayName": "@bee", "authorChannelId": {"value": "UCb"},
            "textOriginal": "agree", "publishedAt": "2022-03-01T12:00:00Z"}}]}}
    path = tmp_path / "threads.jsonl"
    path.write_text(json.dumps({"kind": "youtube#commentThreadListResponse", "items": [thread]}) + "\n"
                    + json.dumps({"kind": "youtube#caption", "id": "c1"}) + "\n")
    rep = ingest(store, [path]).files[0]
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (3, 2, 1)  # 2 comments + 1 unsupported kind
    posts = fetch()
    top = posts["Ug1"]
    # HTML only: tags stripped, entities unescaped exactly once (&amp;lt; -> "&lt;"), youtu.be is no share.
    assert top["text"] == "it's &lt; bold\n0:05" and "text_from_html" in top["flags"]
    assert list(top["urls"]) == [] and top["reply_count"] == 1 and top["like_count"] == 4
    assert top["account_handle"] is None  # "Some Name" is a display name, not an @handle
    reply = posts["Ug1.r1"]
    assert (reply["kind"], reply["ref_post_id"], reply["ref_account_id"]) == ("reply", "Ug1", "UCa")


_value = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=15),
                   st.dictionaries(st.sampled_from(["kind", "videoId", "channelId", "value"]), st.text(max_size=8), max_size=2))


@st.composite
def _items(draw):
    base = [
        {"kind": "youtube#video", "id": "v1", "snippet": {"publishedAt": "2022-01-01T00:00:00Z", "channelId": "UC1",
                                                          "title": "t", "description": "d https://x.example/a"},
         "statistics": {"viewCount": "10"}},
        {"kind": "youtube#searchResult", "id": {"kind": "youtube#video", "videoId": "v2"},
         "snippet": {"publishedAt": "2022-01-01T00:00:00Z", "title": "a &amp; b"}},
        {"kind": "youtube#playlistItem", "snippet": {"publishedAt": "2022-01-01T00:00:00Z"},
         "contentDetails": {"videoId": "v3", "videoPublishedAt": "2020-01-01T00:00:00Z"}},
        {"kind": "youtube#comment", "id": "c1", "snippet": {"videoId": "v1", "textOriginal": "x",
                                                            "publishedAt": "2022-01-01T00:00:00Z"}},
    ]
    out = []
    for _ in range(draw(st.integers(1, 6))):
        item = json.loads(json.dumps(draw(st.sampled_from(base))))
        target = item["snippet"] if draw(st.booleans()) else item
        for key in draw(st.lists(st.sampled_from(sorted(target) + ["id", "kind"]), max_size=3)):
            target[key] = draw(_value)
        out.append(item)
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_items())
def test_property_every_item_is_stored_duplicate_quarantined_or_not_a_post(items):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "x.json"
        path.write_text(json.dumps({"kind": "youtube#videoListResponse", "items": items}))
        store = Store(Path(d) / "s.duckdb")
        rep = ingest(store, [path], format="youtube").files[0]
        not_posts = sum(classify(i)[0] in ("channel", "playlist") for i in items)
        assert rep.n_read == rep.n_stored + rep.n_duplicate + rep.n_quarantined + not_posts
        store.close()
