"""The ``mastodon`` source: case 22 (boosts and cross-instance duplicates), layouts, replies, a property test."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ioscope.sources.mastodon  # noqa: F401  (registers the source)
from ioscope.ingest import ingest
from ioscope.sources import registry
from ioscope.sources.mastodon import full_acct
from ioscope.store import Store

CASE22 = "22-mastodon-reblogs-and-cross-instance-duplicates"
ORIGINAL = "https://instance-a.example/users/acct_190/statuses/110000000000000001"
UTC = dt.timezone.utc


def status(n: int, **fields) -> dict:
    s = {"id": str(100 + n), "created_at": "2023-05-01T10:00:00.000Z",
         "uri": f"https://inst.example/users/acct_1/statuses/{n}",
         "account": {"id": "1", "acct": "acct_1", "username": "acct_1", "url": "https://inst.example/@acct_1"},
         "content": f"<p>post {n}</p>", "tags": [], "reblog": None, "language": "en",
         "favourites_count": 1, "reblogs_count": 2, "replies_count": 3}
    s.update(fields)
    return s


def test_case22_boosts_and_cross_instance_duplicates(tmp_path, shared_cases):
    files = sorted((shared_cases / CASE22).glob("*.json"))
    assert [registry.detect(f).name for f in files] == ["mastodon", "mastodon"]
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, files)
    posts = store.query("SELECT * FROM posts ORDER BY post_id").to_dict("records")
    by_id = {p["post_id"]: p for p in posts}
    # expected.md: one original (keyed on `uri`, although instance B gives it local id ...555) ...
    originals = [p for p in posts if p["kind"] == "original"]
    assert [p["post_id"] for p in originals] == [ORIGINAL]
    assert originals[0]["collected"]  # collected in both files: the second copy is a duplicate
    # ... and 2 boost edges, acct_191 -> acct_190 (Mastodon, empty content) and acct_192 -> acct_190
    # (Akkoma, content copied): both are reposts whatever their own content says.
    edges = sorted((p["account_id"], p["ref_account_id"]) for p in posts if p["kind"] == "repost")
    assert edges == [("acct_191@instance-a.example", "acct_190@instance-a.example"),
                     ("acct_192@instance-c.example", "acct_190@instance-a.example")]
    assert all(p["ref_post_id"] == ORIGINAL for p in posts if p["kind"] == "repost")
    # Read order: a (original, boost 191 with the original as context), b (original again: duplicate,
    # boost 192 with context). 3 collected posts stored, 1 duplicate, no quarantine.
    assert rep.total("n_read") == 4 and rep.total("n_stored") == 3 and rep.total("n_duplicate") == 1
    assert rep.total("n_quarantined") == 0
    # Text of the original: HTML stripped, `&amp;` unescaped once, the "invisible" https:// kept.
    text = "Invented claim & more #topic_a https://state-media.example/news/77"
    assert by_id[ORIGINAL]["text"] == text
    assert list(by_id[ORIGINAL]["hashtags"]) == ["topic_a"]  # from tags[].name, no <span> fragments
    # Only the external link; the hashtag anchor (class "mention hashtag") is not a link.
    assert list(by_id[ORIGINAL]["urls"]) == ["https://state-media.example/news/77"]
    assert list(by_id[ORIGINAL]["domains"]) == ["state-media.example"]
    # The account key is acct with the domain explicit: one account for acct_190 (ids ...190 and 555).
    assert store.scalar("SELECT count(*) FROM accounts WHERE handle LIKE 'acct_190%'") == 1
    # The boosts carry the original's text once (never doubled), so a copy-paste detector that skips
    # reposts sees no acct_190/acct_192 pair; the Akkoma copy is not an original by acct_192.
    assert all(p["text"] == text for p in posts)
    assert not any(p["account_id"].startswith("acct_192") and p["kind"] != "repost" for p in posts)


def test_full_acct_domain_rules():
    # A bare (local) acct takes the domain of account.url, else of the status uri; the domain is lower-cased.
    assert full_acct({"acct": "alice", "url": "https://Social.Example/@alice"}) == "alice@social.example"
    assert full_acct({"acct": "bob"}, "https://inst.example/users/bob/statuses/1") == "bob@inst.example"
    assert full_acct({"acct": "carol@Other.Example"}) == "carol@other.example"
    assert full_acct({"acct": "dave"}) is None  # no domain anywhere: unknown, not a guess


def test_paginated_dump_replies_and_mentions(tmp_path, store, fetch):
    parent = status(1)
    reply = status(2, in_reply_to_id="101", in_reply_to_account_id="7",
                   mentions=[{"id": "7", "acct": "zed@far.example", "username": "zed",
                              "url": "https://far.example/@zed"}],
                   content='<p><span class="h-card"><a href="https://far.example/@zed" class="u-url mention">'
                           '@<span>zed</span></a></span> see <a href="https://news.example/x">link</a></p>',
                   card={"url": "https://news.example/x"})
    orphan = status(3, in_reply_to_id="999", in_reply_to_account_id="1")
    path = tmp_path / "pages.json"
    path.write_text(json.dumps([[reply, orphan], [parent]]))  # newest first, parent on the next page
    rep = ingest(store, [path]).files[0]
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (3, 3, 0)
    posts = fetch()
    r = posts["https://inst.example/users/acct_1/statuses/2"]
    # in_reply_to_id 101 is the local id of status 1 in this file: resolved to its uri.
    assert r["kind"] == "reply" and r["ref_post_id"] == "https://inst.example/users/acct_1/statuses/1"
    assert r["ref_account_id"] == "zed@far.example" and list(r["mentions"]) == ["zed@far.example"]
    assert r["text"] == "@zed see link"
    assert list(r["urls"]) == ["https://news.example/x"]  # mention anchor skipped; card url not repeated
    o = posts["https://inst.example/users/acct_1/statuses/3"]
    # Parent not in the file: no guessed uri, the local id kept as a flag; self-reply account resolved.
    assert o["ref_post_id"] is None and "ref_local_id:999" in o["flags"]
    assert o["ref_account_id"] == "acct_1@inst.example"
    assert (r["like_count"], r["share_count"], r["reply_count"]) == (1, 2, 3)
    assert r["created_at"] == dt.datetime(2023, 5, 1, 10, tzinfo=UTC)


def test_jsonl_bad_lines_are_quarantined_not_fatal(tmp_path, store):
    path = tmp_path / "s.jsonl"
    lines = [json.dumps(status(1)), "{not json", json.dumps(status(2, uri=None)),
             json.dumps(status(3, created_at="yesterday")), json.dumps(status(4))]
    path.write_text("\n".join(lines) + "\n")
    rep = ingest(store, [path], format="mastodon").files[0]
    # The first record is kept (detection never consumes it); 3 bad lines, each with its reason.
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (5, 2, 3)
    reasons = store.query("SELECT source_line, reason FROM quarantine ORDER BY 1").values.tolist()
    assert [r[0] for r in reasons] == [2, 3, 4]
    assert reasons[1][1].startswith("missing uri") and reasons[2][1].startswith("bad created_at")


_value = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                   st.lists(st.text(max_size=5), max_size=2), st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))


@st.composite
def _statuses(draw):
    out = []
    for n in range(draw(st.integers(1, 6))):
        s = status(n)
        for key in draw(st.lists(st.sampled_from(sorted(s) + ["quote", "mentions", "card"]), max_size=4)):
            s[key] = draw(_value)
        if draw(st.booleans()):
            s["reblog"] = status(n + 50)
        s["content"] = draw(st.one_of(st.just(s["content"]), st.text(alphabet="<>&;ap/ #x\u0627", max_size=30)))
        out.append(s if draw(st.integers(0, 9)) else draw(_value))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_statuses(), st.booleans())
def test_property_every_record_is_stored_duplicate_or_quarantined(items, as_lines):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "x.json"
        if as_lines:
            path.write_text("\n".join(json.dumps(i) for i in items) + "\n")
        else:
            path.write_text(json.dumps(items))
        store = Store(Path(d) / "s.duckdb")
        rep = ingest(store, [path], format="mastodon").files[0]
        assert rep.n_read == rep.n_stored + rep.n_duplicate + rep.n_quarantined
        types = store.query("SELECT typeof(post_id) t, created_at FROM posts")
        assert set(types["t"]) <= {"VARCHAR"}
        store.close()
