"""Platform IDs as exact strings, with a flag when an ID may have lost precision upstream.

Twitter/X IDs are 64-bit integers; anything that carried them through IEEE-754 doubles (JavaScript,
pandas ``float64`` columns with blanks, Excel, PHP) rounds IDs above 2**53 and can merge two posts
into one (cases 03 and 05; Twitter docs: "use ``id_str``"). The rule here: keep IDs as strings, prefer
the ``*_str`` twin, and *flag* any value whose digits cannot be trusted instead of guessing them back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MAX_EXACT_DOUBLE = 2**53
"""Integers above this cannot all be represented by a double; a JSON number above it is suspect."""

_DIGITS = re.compile(r"[+-]?\d+")
_INT_DOT_ZERO = re.compile(r"([+-]?\d+)\.0*")
_FLOATISH = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def clean_id(value: Any, *, field: str) -> tuple[str | None, list[str]]:
    """Return ``(id_as_string, flags)`` for one ID value.

    ``value``: an ``int``, a ``str`` (digits, or any non-numeric platform ID such as ``"p001"`` or
    ``"1000_2000"``, returned stripped and unchanged), a ``float``, or None/``""`` (no ID: returns
    ``(None, [])``). ``field``: the canonical column name used in the flag, e.g. ``post_id``.

    Flags ``<field>_lost_precision`` (e.g. ``post_id_lost_precision``) when the digits cannot be
    trusted (cases 03, 05):

    * a ``float`` (whatever its size: its source text is unknown), returned as its integer digits;
    * a string in scientific notation (``"1.2e+18"``) or with a fraction (``".0"`` suffix written by
      pandas for a float column), returned as the integer digits it spells (``"1200000000000000000"``);
    * an ``int`` above 2**53, which only reaches here when a JSON number had no ``*_str`` twin (callers
      use :func:`pick_id` first).

    A ``bool``, a non-finite float or another type (dict, list) is no ID: ``(None, ["<field>_invalid"])``.
    NUL characters are removed. Never raises.
    """
    if type(value) is str and value.isascii() and value.isdigit():
        return value, []  # the common case, first: a clean digit string
    if value is None or isinstance(value, bool):
        return (None, [f"{field}_invalid"]) if isinstance(value, bool) else (None, [])
    if isinstance(value, int):
        return str(value), ([f"{field}_lost_precision"] if abs(value) > MAX_EXACT_DOUBLE else [])
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None, [f"{field}_invalid"]
        return str(int(value)) if value.is_integer() else repr(value), [f"{field}_lost_precision"]
    if not isinstance(value, str):
        return None, [f"{field}_invalid"]
    s = value.replace("\x00", "").strip()
    if not s:
        return None, []
    if _DIGITS.fullmatch(s):
        return s, []
    m = _INT_DOT_ZERO.fullmatch(s)
    if m:
        return m.group(1), [f"{field}_lost_precision"]
    if _FLOATISH.fullmatch(s):
        try:
            number = float(s)
        except ValueError:  # pragma: no cover - the pattern only admits float syntax
            return s, [f"{field}_lost_precision"]
        if number != number or not abs(number) < float("inf"):
            return None, [f"{field}_invalid"]
        return (str(int(number)) if number.is_integer() else s), [f"{field}_lost_precision"]
    return s, []


def pick_id(obj: Mapping[str, Any] | None, key: str = "id", *, field: str) -> tuple[str | None, list[str]]:
    """The ID under ``key`` of a JSON object, preferring its string twin ``<key>_str`` (Twitter docs).

    ``pick_id(tweet, "in_reply_to_status_id", field="ref_post_id")`` reads
    ``in_reply_to_status_id_str`` when it is present and non-empty, else ``in_reply_to_status_id``,
    through :func:`clean_id`. ``obj`` may be None (returns ``(None, [])``).
    """
    if not obj:
        return None, []
    twin = obj.get(key + "_str")
    if twin is not None and twin != "":
        return clean_id(twin, field=field)
    return clean_id(obj.get(key), field=field)


INT64_MAX = 2**63 - 1
"""Largest count a ``BIGINT`` column holds; a larger count is damaged data (the ingest's own guard
flags one that reaches it as ``<column>_out_of_range``)."""

_THOUSANDS = re.compile(r"\d{1,3}([,\u00a0\u202f '\u2019])\d{3}(?:\1\d{3})*(?:\.0*)?")
_MAX_COUNT_DIGITS = len(str(INT64_MAX))


def parse_count(value: Any, *, thousands: bool = False) -> int | None:
    """A non-negative count (likes, shares, followers) as an ``int``, or None.

    ``value``: an ``int``; an integral ``float`` (``12.0``); a numeric string: digits (``"12"``), an
    integral decimal or float spelling (``"12.0"``, ``"1.2e3"``), surrounding spaces ignored. With
    ``thousands=True`` (default False) a string may also group its digits by three with one thousands
    separator used throughout: ``,`` (``"1,234,567"``), a space, a no-break or narrow no-break space, or
    an apostrophe (``"1'234"``), as spreadsheet and dashboard exports (CrowdTangle) write them. A dot is
    never a thousands separator (``"1.234"`` is not a count: it is a decimal), and a badly grouped value
    (``"1,2"``, ``"12,34"``: a list or a decimal comma) is None.

    None for None, booleans, negatives, fractions (``"12.5"``), NaN/infinity, empty or non-numeric text
    (``""``, ``"NA"``, ``"nan"``) and for values beyond 64 bits (above :data:`INT64_MAX`: damaged data,
    not a count, the same bound as the ingest's guard). Never raises.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 0 <= value <= INT64_MAX else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and 0 <= value <= INT64_MAX else None
    if not isinstance(value, str):
        return None
    s = value.strip()
    if thousands:
        m = _THOUSANDS.fullmatch(s)
        if m:
            s = s.replace(m.group(1), "")
    m = _INT_DOT_ZERO.fullmatch(s)
    if m:  # "12.0": the digits themselves, never through a float (exact above 2**53)
        s = m.group(1)
    if s.isdecimal():
        if len(s.lstrip("0")) > _MAX_COUNT_DIGITS:
            return None  # beyond 64 bits (and int() of a huge string would raise)
        return parse_count(int(s))
    if _FLOATISH.fullmatch(s):
        try:
            return parse_count(float(s))
        except (ValueError, OverflowError):  # pragma: no cover - the pattern only admits float syntax
            return None
    return None
