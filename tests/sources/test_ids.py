"""IDs stay exact strings; values that went through doubles are flagged (cases 03 and 05)."""

from __future__ import annotations

import pytest

from ioscope.ids import clean_id, parse_count, pick_id


@pytest.mark.parametrize(("value", "expected"), [
    (1587654321098765437, ("1587654321098765437", ["post_id_lost_precision"])),  # JSON number > 2**53
    (12345, ("12345", [])),
    (2**53, (str(2**53), [])),
    ("1587654321098765437", ("1587654321098765437", [])),
    (" 42 ", ("42", [])),
    ("1.5876543210987653e+18", ("1587654321098765312", ["post_id_lost_precision"])),  # case 05
    ("1.2e+18", ("1200000000000000000", ["post_id_lost_precision"])),
    ("1674084000.0", ("1674084000", ["post_id_lost_precision"])),
    (1.5876543210987653e18, ("1587654321098765312", ["post_id_lost_precision"])),
    (1674084000.0, ("1674084000", ["post_id_lost_precision"])),
    ("p001", ("p001", [])),  # non-numeric platform IDs pass unchanged
    ("100000000000001_200000000000001", ("100000000000001_200000000000001", [])),
    (None, (None, [])),
    ("", (None, [])),
    (True, (None, ["post_id_invalid"])),
    (float("nan"), (None, ["post_id_invalid"])),
    ({"a": 1}, (None, ["post_id_invalid"])),
])
def test_clean_id(value, expected):
    assert clean_id(value, field="post_id") == expected


def test_flag_names_the_field():
    assert clean_id(2**60, field="account_id")[1] == ["account_id_lost_precision"]


def test_pick_id_prefers_the_string_twin():
    # Case 03: the numeric id may be rounded; id_str is authoritative.
    obj = {"id": 1587654321098765312, "id_str": "1587654321098765437"}
    assert pick_id(obj, "id", field="post_id") == ("1587654321098765437", [])
    assert pick_id({"in_reply_to_status_id": 5, "in_reply_to_status_id_str": None},
                   "in_reply_to_status_id", field="ref_post_id") == ("5", [])
    assert pick_id({"id": 2**60}, "id", field="post_id") == (str(2**60), ["post_id_lost_precision"])
    assert pick_id(None, "id", field="post_id") == (None, [])


@pytest.mark.parametrize(("value", "expected"), [
    (5, 5), ("12", 12), ("12.0", 12), (3.0, 3), ("", None), (None, None), (True, None), (-1, None),
    ("abc", None), (2**64, None), ("1e3", 1000),
])
def test_parse_count(value, expected):
    assert parse_count(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    # Grouped by three with one separator used throughout: the digits without the separators.
    ("1,234", 1234), ("1,234,567", 1234567), ("1 234", 1234), ("1\u00a0234", 1234), ("1\u202f234", 1234),
    ("1'234'567", 1234567), (" 12,345 ", 12345), ("1,234.0", 1234), ("999", 999),
    # Not a grouping: a list, a decimal comma, mixed separators, a dot (a decimal, never a separator).
    ("1,2", None), ("12,34", None), ("1,2345", None), ("1,234 567", None), ("1.234", None), (",123", None),
    # The 64-bit guard (INT64_MAX = 9,223,372,036,854,775,807 is the largest BIGINT): same as without.
    ("9,223,372,036,854,775,807", 2**63 - 1), ("9,223,372,036,854,775,808", None),
    ("NA", None), ("-1,234", None),
])
def test_parse_count_thousands(value, expected):
    assert parse_count(value, thousands=True) == expected


def test_parse_count_without_thousands_refuses_separators_and_guards_64_bits():
    assert parse_count("1,234") is None  # the default: a separator is not read
    assert parse_count("9223372036854775807") == 2**63 - 1 and parse_count(2**63 - 1) == 2**63 - 1
    assert parse_count("9223372036854775808") is None and parse_count(2**63) is None
    assert parse_count(9.3e18) is None  # a float beyond 64 bits
    # 9007199254740993 = 2**53 + 1 has no double: read as digits, never through a float.
    assert parse_count("9007199254740993.0") == 9007199254740993
    assert parse_count("9" * 5000) is None  # far beyond 64 bits; int() of it would raise
    assert parse_count("00012") == 12 and parse_count("12.5") is None and parse_count("²") is None
