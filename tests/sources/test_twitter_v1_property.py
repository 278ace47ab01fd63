"""Property: whatever the lines of a v1.1 JSON-lines file hold (mutated tweets, random JSON, random
bytes), twitter-v1 never crashes and every non-blank line is stored, a duplicate, or quarantined."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ioscope.ingest import ingest
from ioscope.sources.base import SourceOptions
from ioscope.store import Store

DELETE = object()
KEYS = ["id", "id_str", "created_at", "full_text", "text", "user", "entities", "extended_tweet",
        "retweeted_status", "quoted_status", "is_quote_status", "quoted_status_id_str",
        "in_reply_to_status_id_str", "in_reply_to_user_id_str", "lang", "favorite_count", "truncated",
        "delete", "quoted_status_permalink"]

scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
           | st.sampled_from(["", "Wed Mar 25 10:00:00 +0000 2020", "2020-03-25T10:00:00Z", "1585130400",
                              "https://twitter.com/a/status/5", "&amp;lt;", "\x00", "\ud800x", "und", "#tag @u"]))
values = st.recursive(scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                      max_leaves=6)


def base(n: int) -> dict:
    return {"id_str": str(1242750000000000000 + n), "id": 1242750000000000000 + n,
            "created_at": "Wed Mar 25 10:00:00 +0000 2020", "full_text": f"text {n} #t @u https://t.co/x",
            "user": {"id_str": str(n % 3), "screen_name": f"u{n % 3}"},
            "entities": {"hashtags": [{"text": "t"}], "urls": [{"url": "https://t.co/x", "expanded_url": "https://a.example"}],
                         "user_mentions": [{"screen_name": "u"}]}}


@st.composite
def tweets(draw, depth: int = 0) -> dict:
    t = base(draw(st.integers(min_value=0, max_value=6)))
    replacements = [st.just(DELETE), values] + ([tweets(depth=1)] if depth == 0 else [])  # nested tweets
    for key, value in draw(st.dictionaries(st.sampled_from(KEYS), st.one_of(*replacements), max_size=4)).items():
        if value is DELETE:
            t.pop(key, None)
        else:
            t[key] = value
    return t


def dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


lines = st.lists(st.one_of(tweets().map(dumps), values.map(dumps),
                           st.binary(max_size=30).map(lambda b: b.replace(b"\n", b" ")), st.just(b""),
                           st.just(b'{"id_str": "1", "created_at": ')), max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(first=tweets(), rest=lines)
def test_every_line_stored_duplicate_or_quarantined(tmp_path_factory, first, rest):
    path = tmp_path_factory.mktemp("prop") / "tweets.jsonl"
    body = [dumps(first), *rest]  # the first line is an object, so the file is JSON lines
    path.write_bytes(b"\n".join(body) + b"\n")
    non_blank = sum(1 for line in body if line.strip(b" \t\r\x0b\x0c"))
    with Store(":memory:") as store:
        rep = ingest(store, [path], format="twitter-v1", options=SourceOptions())
        f = rep.files[0]
        assert f.n_read == non_blank
        assert f.n_stored + f.n_duplicate + f.n_quarantined == f.n_read
        assert store.scalar("SELECT count(*) FROM quarantine") == f.n_quarantined
        assert store.scalar("SELECT count(*) FROM posts WHERE collected") == f.n_stored
        for post_id, created in store.con.execute("SELECT post_id, created_at FROM posts").fetchall():
            assert isinstance(post_id, str) and post_id
            assert created is None or created.tzinfo is not None and created.utcoffset() == dt.timedelta(0)
        again = ingest(store, [path], format="twitter-v1").files[0]
        assert (again.n_stored, again.n_context) == (0, 0)
