"""Times to aware UTC by explicit layouts (case 06)."""

from __future__ import annotations

import datetime as dt

import pytest

from ioscope.timeparse import canonical_zone, parse_time, parse_time_format, zone

UTC = dt.timezone.utc


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("value", "expected"), [
    ("Wed Mar 25 10:00:00 +0000 2020", utc(2020, 3, 25, 10)),
    ("Sun Feb 27 22:25:40 -0500 2011", utc(2011, 2, 28, 3, 25, 40)),  # the UTC date differs
    ("Mon Jun 01 12:30:00 +0530 2020", utc(2020, 6, 1, 7)),
    ("2020-03-25T10:00:00.000Z", utc(2020, 3, 25, 10)),
    ("2020-03-25T12:00:00+02:00", utc(2020, 3, 25, 10)),
    ("2020-03-25T10:00:00+0000", utc(2020, 3, 25, 10)),
    ("2020-03-25 10:00", utc(2020, 3, 25, 10)),  # IO archive, minute resolution, naive
    ("2020-03-25 10:00:00", utc(2020, 3, 25, 10)),  # CrowdTangle, documented UTC
    ("2020-03-25 10:00:00 UTC", utc(2020, 3, 25, 10)),
    (1585130400, utc(2020, 3, 25, 10)),
    (1585130400000, utc(2020, 3, 25, 10)),
    (1585130400.5, dt.datetime(2020, 3, 25, 10, 0, 0, 500000, tzinfo=UTC)),
    ("1585130400", utc(2020, 3, 25, 10)),
    ("1585130400000", utc(2020, 3, 25, 10)),
    (dt.datetime(2020, 3, 25, 13, tzinfo=dt.timezone(dt.timedelta(hours=3))), utc(2020, 3, 25, 10)),
])
def test_layouts(value, expected):
    got = parse_time(value)
    assert got == expected
    assert got.tzinfo is UTC


def test_naive_times_are_read_in_the_given_zone():
    assert parse_time("2020-03-25 13:00", tz="Europe/Moscow") == utc(2020, 3, 25, 10)
    assert parse_time("2020-07-01 12:00:00", tz="America/New_York") == utc(2020, 7, 1, 16)  # EDT
    assert parse_time(dt.datetime(2020, 1, 1), tz="Asia/Tokyo") == utc(2019, 12, 31, 15)
    # An explicit offset wins over tz.
    assert parse_time("2020-03-25T10:00:00Z", tz="Asia/Tokyo") == utc(2020, 3, 25, 10)
    assert parse_time("Wed Mar 25 10:00:00 +0000 2020", tz="Asia/Tokyo") == utc(2020, 3, 25, 10)


def test_case_06_hour_buckets(shared_cases):
    import json
    lines = (shared_cases / "06-created-at-formats-and-timezones" / "mixed_timestamps.jsonl").read_text().splitlines()
    times = []
    for line in lines:
        rec = json.loads(line)
        times.append(parse_time(rec.get("created_at") or rec.get("tweet_time") or rec.get("date")))
    assert [t.isoformat() for t in times] == [
        "2020-03-25T10:00:00+00:00", "2011-02-28T03:25:40+00:00", "2020-03-25T10:00:00+00:00",
        "2020-03-25T10:00:00+00:00", "2020-03-25T10:00:00+00:00",
    ]


@pytest.mark.parametrize("value", [
    "", "   ", "10/6/2016 21:04", "yesterday", "Wed Mar 32 10:00:00 +0000 2020",
    "Wed Mar 25 10:00:00 0000 2020", True, None, [1], 10**30, float("nan"),
])
def test_errors_are_value_errors_with_the_value(value):
    with pytest.raises(ValueError) as info:
        parse_time(value)
    assert "time" in str(info.value)


def test_unknown_zone():
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Base'"):
        parse_time("2020-03-25 10:00", tz="Mars/Base")
    with pytest.raises(ValueError):
        zone("Not/AZone")


@pytest.mark.parametrize(("name", "canonical"), [
    ("europe/moscow", "Europe/Moscow"), ("EUROPE/MOSCOW", "Europe/Moscow"), ("Europe/Moscow", "Europe/Moscow"),
    ("utc", "UTC"), ("Utc", "UTC"), ("z", "UTC"), ("etc/utc", "Etc/UTC"),
    ("america/argentina/buenos_aires", "America/Argentina/Buenos_Aires"), (" asia/tehran ", "Asia/Tehran"),
])
def test_zone_names_are_matched_case_insensitively(name, canonical):
    assert canonical_zone(name) == canonical
    # the user trial: `--tz europe/moscow` failed although the zone exists; 13:00 Moscow is 10:00 UTC
    assert parse_time("2020-03-25 13:00", tz=name) == parse_time("2020-03-25 13:00", tz=canonical)
    assert parse_time("2020-03-25 13:00", tz="europe/moscow") == utc(2020, 3, 25, 10)


def test_unknown_zone_names_the_closest_zones():
    with pytest.raises(ValueError) as info:
        canonical_zone("Europe/Moskow")
    assert str(info.value).startswith("unknown time zone 'Europe/Moskow' (closest: 'Europe/Moscow'")
    # nothing close: the value and what is expected, no empty list of suggestions
    with pytest.raises(ValueError) as info:
        canonical_zone("Mars/Base")
    assert str(info.value) == "unknown time zone 'Mars/Base' (expected an IANA name such as 'Europe/Berlin')"


def test_explicit_format():
    assert parse_time_format("10/6/2016 21:04", "%m/%d/%Y %H:%M") == utc(2016, 10, 6, 21, 4)
    assert parse_time_format("10/6/2016 21:04", "%m/%d/%Y %H:%M", tz="Europe/Moscow") == utc(2016, 10, 6, 18, 4)
    with pytest.raises(ValueError, match="expected the layout"):
        parse_time_format("2016-10-06", "%m/%d/%Y %H:%M")
