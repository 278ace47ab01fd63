"""The ``telegram-json`` source: cases 17 and 18, full exports, replies, bad bytes, a property test."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ioscope.sources.telegram  # noqa: F401  (registers the source)
from ioscope.ingest import ingest
from ioscope.sources import SourceOptions, registry
from ioscope.sources.telegram import flatten_text
from ioscope.store import Store

CASE17 = "17-telegram-export-text-string-or-list"
CASE18 = "18-telegram-export-local-dates-and-forward-names"
UTC = dt.timezone.utc


def _post(store: Store, post_id: str) -> dict:
    return store.query("SELECT * FROM posts WHERE post_id = ?", [post_id]).to_dict("records")[0]


def test_case17_text_string_or_list(tmp_path, shared_cases):
    path = shared_cases / CASE17 / "result.json"
    assert registry.detect(path).name == "telegram-json"
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [path]).files[0]
    # Posts = 4 (ids 1, 2, 3, 5); id 4 is a service message (pin): not a post, not quarantined.
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (4, 4, 0)
    assert sorted(store.query("SELECT post_id FROM posts")["post_id"]) == [
        "1234567890/1", "1234567890/2", "1234567890/3", "1234567890/5"]
    p1, p2, p3, p5 = (_post(store, f"1234567890/{i}") for i in (1, 2, 3, 5))
    assert p1["text"] == "Plain invented post"
    # The list is concatenated (never str(list)); the text_link URL is hidden from the text.
    assert p2["text"] == ("Breaking: invented event see this report #Topic_A via @acct_160 "
                          "https://t.me/acct_160/5")
    assert list(p2["urls"]) == ["https://state-media.example/news/78", "https://t.me/acct_160/5"]
    assert "state-media.example" in p2["domains"]
    assert list(p2["hashtags"]) == ["Topic_A"] and list(p2["mentions"]) == ["acct_160"]
    assert p3["text"] == ""
    # Photo with a placeholder instead of a path: media photo, file not available.
    assert {"media:photo", "media_file_unavailable"} <= set(p3["flags"])
    assert p5["text"] == "Forwarded: invented quote"  # list text, no text_entities key (older export)
    assert p5["kind"] == "repost" and "forwarded_from:Another Invented Channel" in p5["flags"]
    # Channel posts are authored by the channel (from_id), display name from `from`.
    assert p1["account_id"] == "channel1234567890" and p1["account_handle"] is None
    assert store.scalar("SELECT display_name FROM accounts") == "Invented Channel"
    # date_unixtime 1646128800 = 2022-03-01T10:00:00Z (1646092800 is midnight that day, + 36,000 s).
    assert p1["created_at"].to_pydatetime() == dt.datetime(2022, 3, 1, 10, 0, tzinfo=UTC)


def test_case18_unixtime_wins_and_exports_dedupe(tmp_path, shared_cases):
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [shared_cases / CASE18 / "export_machine_utc+3.json",
                         shared_cases / CASE18 / "export_machine_utc.json"])
    # date_unixtime 1646087400 = 2022-02-28T22:30:00Z for both; dedupe on (chat id, message id).
    assert rep.total("n_stored") == 1 and rep.total("n_duplicate") == 1
    post = _post(store, "1234567890/42")
    assert post["created_at"].to_pydatetime() == dt.datetime(2022, 2, 28, 22, 30, tzinfo=UTC)
    assert not [f for f in post["flags"] if f.startswith("assumed")]  # epoch seconds: no zone assumed
    # The forward source is a display name only: no ref account ID or handle, name kept in flags.
    assert post["kind"] == "repost"
    assert post["ref_account_id"] is None and post["ref_account_handle"] is None
    assert "forwarded_from:Look-alike Channel" in post["flags"]
    assert store.scalar("SELECT count(*) FROM accounts WHERE display_name = 'Look-alike Channel'") == 0


def test_case18_old_client_reads_date_in_given_zone(tmp_path, shared_cases):
    path = shared_cases / CASE18 / "export_old_client_no_unixtime.json"
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [path], options=SourceOptions(tz="Europe/Moscow"))  # the exporter was on UTC+3
    post = _post(store, "1234567890/42")
    assert post["created_at"].to_pydatetime() == dt.datetime(2022, 2, 28, 22, 30, tzinfo=UTC)
    assert "assumed_tz:Europe/Moscow" in post["flags"]  # never silently UTC: the assumption is recorded
    store2 = Store(tmp_path / "s2.duckdb")
    ingest(store2, [path])  # default zone UTC: 01:30Z, flagged
    post2 = _post(store2, "1234567890/42")
    assert post2["created_at"].to_pydatetime() == dt.datetime(2022, 3, 1, 1, 30, tzinfo=UTC)
    assert "assumed_utc" in post2["flags"]


def test_full_export_replies_forward_ids_and_bad_bytes(tmp_path):
    doc = {"personal_information": {}, "chats": {"list": [
        {"name": "G", "type": "private_supergroup", "id": 7, "messages": [
            {"id": 1, "type": "message", "date_unixtime": "1600000000", "from": "Ann", "from_id": "user11",
             "text": "hi http://a.example/x #Tag"},
            {"id": 2, "type": "message", "date_unixtime": "1600000060", "from": "Bob", "from_id": "user12",
             "reply_to_message_id": 1, "text": "re"},
            {"id": 3, "type": "message", "date_unixtime": "1600000120", "from": "Bob", "from_id": "user12",
             "forwarded_from": "Chan", "forwarded_from_id": "channel99", "text": "fw"},
            {"id": 4, "type": "message", "date_unixtime": "1600000180", "from": "Bob", "from_id": "user12",
             "text": "BADBYTE"},
            {"type": "message", "date_unixtime": "1600000240", "text": "no id"},
        ]},
        {"name": "H", "type": "public_channel", "id": 8, "messages": [
            {"id": 1, "type": "message", "date_unixtime": "1600000000", "text": "same message id, other chat"},
        ]},
    ]}}
    path = tmp_path / "result.json"
    path.write_bytes(json.dumps(doc).encode().replace(b"BADBYTE", b"bad \xff byte"))
    assert registry.detect(path).name == "telegram-json"
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [path]).files[0]
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (6, 4, 2)
    p1 = _post(store, "7/1")
    assert list(p1["urls"]) == ["http://a.example/x"] and list(p1["hashtags"]) == ["Tag"]
    p2 = _post(store, "7/2")
    assert (p2["kind"], p2["ref_post_id"]) == ("reply", "7/1")
    p3 = _post(store, "7/3")
    assert (p3["kind"], p3["ref_account_id"]) == ("repost", "channel99")
    assert _post(store, "8/1")["account_id"] == "channel8"  # channel post without from_id
    reasons = sorted(store.query("SELECT reason FROM quarantine")["reason"])
    assert reasons == ["id: missing message id", "invalid UTF-8 bytes in field 'text'"]


def test_flatten_text_shapes():
    assert flatten_text("a") == ("a", [])
    assert flatten_text(["a", {"type": "bold", "text": "b"}, 3]) == ("ab", [{"type": "bold", "text": "b"}])
    assert flatten_text(None) == ("", [])


_text = st.one_of(st.text(max_size=20), st.lists(st.one_of(
    st.text(max_size=10),
    st.fixed_dictionaries({"type": st.sampled_from(["link", "text_link", "hashtag", "mention", "bold"]),
                           "text": st.text(max_size=10)},
                          optional={"href": st.text(max_size=10)})), max_size=4), st.none(), st.integers())
_message = st.fixed_dictionaries(
    {"type": st.sampled_from(["message", "message", "service"])},
    optional={"id": st.one_of(st.integers(0, 10), st.text(max_size=3), st.none()),
              "date": st.sampled_from(["2022-03-01T01:30:00", "bad", ""]),
              "date_unixtime": st.sampled_from(["1646087400", "x", ""]),
              "from_id": st.one_of(st.text(max_size=8), st.integers()),
              "forwarded_from": st.one_of(st.text(max_size=8), st.none()),
              "reply_to_message_id": st.integers(0, 5),
              "text": _text, "photo": st.text(max_size=8)})


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messages=st.lists(st.one_of(_message, st.integers()), max_size=8))
def test_property_every_message_is_stored_duplicate_or_quarantined(tmp_path_factory, messages):
    path = tmp_path_factory.mktemp("tg") / "result.json"
    path.write_text(json.dumps({"name": "C", "type": "public_channel", "id": 5, "messages": messages}))
    store = Store(path.with_suffix(".duckdb"))
    rep = ingest(store, [path], format="telegram-json").files[0]
    n_service = sum(1 for m in messages if isinstance(m, dict) and m.get("type") == "service")
    assert rep.n_read == len(messages) - n_service
    assert rep.n_read == rep.n_stored + rep.n_duplicate + rep.n_quarantined
    store.close()
