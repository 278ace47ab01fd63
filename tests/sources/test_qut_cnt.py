"""qut-cnt: the coordination-network-toolkit CSV, its time column."""

from __future__ import annotations

import datetime as dt

from ioscope.sources import SourceOptions, get

UTC = dt.timezone.utc
HEADER = "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"


def test_epoch_is_utc_and_a_naive_time_is_read_in_tz_and_flagged(tmp_path):
    path = tmp_path / "cnt.csv"
    path.write_text(HEADER + "1,10,a,,,hi,1585130400,\n"  # 18346 days * 86400 + 10 h = 2020-03-25 10:00 UTC
                    "2,10,a,,,hi,2020-03-25 10:00:00,\n"  # no zone: the toolkit's "consistent offset" unknown
                    "3,10,a,,,hi,2020-03-25T10:00:00+01:00,\n", encoding="utf-8")
    a, b, c = get("qut-cnt").read(path, SourceOptions())
    assert [r.posts[0]["created_at"] for r in (a, b, c)] == [
        dt.datetime(2020, 3, 25, 10, tzinfo=UTC), dt.datetime(2020, 3, 25, 10, tzinfo=UTC),
        dt.datetime(2020, 3, 25, 9, tzinfo=UTC)]
    assert [r.posts[0]["flags"] for r in (a, b, c)] == [[], ["assumed_utc"], []]
    # --tz Europe/Berlin: 2020-03-25 is before the 29 March DST switch, so CET = UTC+1 -> 09:00 UTC
    a, b, c = get("qut-cnt").read(path, SourceOptions(tz="Europe/Berlin"))
    assert (a.posts[0]["created_at"], b.posts[0]["created_at"]) == (
        dt.datetime(2020, 3, 25, 10, tzinfo=UTC), dt.datetime(2020, 3, 25, 9, tzinfo=UTC))
    assert b.posts[0]["flags"] == ["assumed_tz:Europe/Berlin"]
