"""Post times to timezone-aware UTC ``datetime`` objects, from the layouts platform exports use.

Every layout is parsed by an explicit rule, never by a guessing parser (case 06: ``dateparser`` returns
None for the v1.1 layout; tools that hard-coded ``+0000`` failed on other offsets; naive times read as
the analyst's local time shift every bucket). Naive values are read in a named IANA zone (default UTC),
with :mod:`zoneinfo`; nothing depends on the machine's locale or local time zone. Zone names are
matched case-insensitively and stored in their canonical spelling (:func:`canonical_zone`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

UTC = dt.timezone.utc
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
_WEEKDAYS = frozenset(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d*)?")
_UTC_SUFFIX = re.compile(r"\s*(?:UTC|GMT)$")

_EXPECTED = ("expected Twitter v1.1 ('Wed Mar 25 10:00:00 +0000 2020'), ISO 8601 ('2020-03-25T10:00:00Z' "
             "or with an offset), naive 'YYYY-MM-DD HH:MM[:SS]' (read in the given zone) "
             "or epoch seconds/milliseconds")


@lru_cache(maxsize=1)
def _zones_by_lower_name() -> dict[str, str]:
    # lower-cased IANA name -> its canonical spelling, for every zone zoneinfo knows (no two IANA names
    # differ in case only); read once per process (about 20 ms).
    return {name.lower(): name for name in available_timezones()}


@lru_cache(maxsize=64)
def canonical_zone(tz: str) -> str:
    """The canonical spelling of the IANA zone name ``tz``, matched case-insensitively (surrounding
    white space ignored): ``"europe/moscow"`` -> ``"Europe/Moscow"``, ``"utc"`` and ``"Z"`` ->
    ``"UTC"``, ``"etc/utc"`` -> ``"Etc/UTC"``. A name :mod:`zoneinfo` can load but does not list
    (:func:`zoneinfo.available_timezones`) is returned as given. Raises ValueError naming ``tz`` (and
    up to three close known names, by :mod:`difflib`) when no zone has that name."""
    if not isinstance(tz, str):
        raise ValueError(f"unknown time zone {tz!r} (expected an IANA name such as 'Europe/Berlin')")
    name = tz.strip()
    if name.upper() in ("UTC", "Z"):
        return "UTC"
    known = _zones_by_lower_name()
    found = known.get(name.lower())
    if found is not None:
        return found
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        close = difflib.get_close_matches(name.lower(), known, n=3, cutoff=0.6)
        hint = f"closest: {', '.join(repr(known[c]) for c in close)}; " if close else ""
        raise ValueError(f"unknown time zone {tz!r} ({hint}expected an IANA name such as "
                         "'Europe/Berlin')") from None
    return name


@lru_cache(maxsize=64)
def zone(tz: str) -> dt.tzinfo:
    """The tzinfo of an IANA zone name (``"UTC"``, ``"Europe/Moscow"``), matched case-insensitively as
    by :func:`canonical_zone` (``"europe/moscow"`` is Moscow); raises ValueError if unknown."""
    name = canonical_zone(tz)
    if name == "UTC":
        return UTC
    return ZoneInfo(name)


def parse_time(value: Any, *, tz: str = "UTC") -> dt.datetime:
    """Parse one timestamp and return an aware ``datetime`` in UTC.

    Accepted ``value`` shapes:

    * Twitter v1.1 ``created_at``: ``"Wed Mar 25 10:00:00 +0000 2020"`` (``%a %b %d %H:%M:%S %z %Y``,
      any offset; parsed without the locale-dependent ``strptime``);
    * ISO 8601 with ``Z`` or an offset: ``"2020-03-25T10:00:00.000Z"``, ``"2011-02-27T22:25:40-05:00"``;
    * naive ``"YYYY-MM-DD HH:MM[:SS[.f]]"`` (``T`` or space), or a date alone: read as wall time in ``tz``
      (IANA name, default ``"UTC"``; in a DST gap or fold the first reading, ``fold=0``, is used). A
      trailing ``" UTC"``/``" GMT"`` means UTC whatever ``tz`` is;
    * epoch numbers (``int``, ``float`` or a numeric string): seconds when ``abs(v) < 1e11``, else
      milliseconds (< 1e14), microseconds (< 1e17) or nanoseconds. Milliseconds before 1973-03-03 are
      therefore read as seconds;
    * an aware ``datetime`` (converted) or a naive one (read in ``tz``).

    Raises ValueError with the offending value and the accepted layouts otherwise (``bool``, empty
    string, other layouts such as ``"10/6/2016 21:04"`` — use :func:`parse_time_format` with an explicit
    format for those), or when ``tz`` is unknown.
    """
    if type(value) is str and len(value) == 30 and value[19:26] == " +0000 ":
        fast = _parse_v1_utc(value)  # the v1.1 layout in UTC, as Twitter writes it: no split, no shift
        if fast is not None:
            return fast
    if isinstance(value, dt.datetime):
        return _to_utc(value, tz)
    if isinstance(value, bool) or value is None:
        raise ValueError(f"unrecognised time {value!r}: {_EXPECTED}")
    if isinstance(value, (int, float)):
        return _from_epoch(value)
    if not isinstance(value, str):
        raise ValueError(f"unrecognised time {value!r} (type {type(value).__name__}): {_EXPECTED}")
    s = value.strip()
    if not s:
        raise ValueError(f"empty time value: {_EXPECTED}")
    first = s[0]
    if first.isalpha():
        parsed = _parse_v1(s)
        if parsed is not None:
            return parsed
    elif _NUMBER.fullmatch(s):
        return _from_epoch(float(s) if "." in s else int(s))
    text = s
    forced_utc = _UTC_SUFFIX.search(text)
    if forced_utc:
        text = text[: forced_utc.start()]
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"unrecognised time {_short(value)}: {_EXPECTED}") from None
    if forced_utc and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return _to_utc(parsed, tz)


def parse_time_format(value: str, fmt: str, *, tz: str = "UTC") -> dt.datetime:
    """Parse ``value`` with one explicit ``strptime`` format chosen for a source, e.g. the original
    FiveThirtyEight IRA layout ``"%m/%d/%Y %H:%M"``; a naive result is read in ``tz``. Returns aware UTC.
    Raises ValueError naming the value and the format."""
    try:
        parsed = dt.datetime.strptime(value.strip(), fmt)
    except (ValueError, AttributeError):
        raise ValueError(f"unrecognised time {_short(value)}: expected the layout {fmt!r}") from None
    return _to_utc(parsed, tz)


def _to_utc(value: dt.datetime, tz: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=zone(tz))
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"time out of range: {value!r}") from None


def _from_epoch(number: float) -> dt.datetime:
    size = abs(number)
    if size != size or size == float("inf"):
        raise ValueError(f"unrecognised time {number!r}: not a finite epoch number")
    try:
        if size < 1e11:
            delta = dt.timedelta(seconds=number)
        elif size < 1e14:
            delta = dt.timedelta(milliseconds=number)
        elif size < 1e17:
            delta = dt.timedelta(microseconds=number)
        else:
            delta = dt.timedelta(microseconds=number / 1000)
        return _EPOCH + delta
    except OverflowError:
        raise ValueError(f"epoch time value {number!r} is out of range") from None


@lru_cache(maxsize=4096)
def _v1_day(weekday: str, month_day: str, year: str) -> tuple[int, int, int] | None:
    # "Wed", "Mar 25", "2020" -> (2020, 3, 25) when the parts are well formed and the date exists.
    month = _MONTHS.get(month_day[:3])
    if weekday not in _WEEKDAYS or month is None or month_day[3] != " " or not month_day[4:].isdecimal() \
            or not year.isdecimal() or not year.isascii():
        return None
    try:
        dt.date(int(year), month, int(month_day[4:]))
    except ValueError:
        return None
    return int(year), month, int(month_day[4:])


def _parse_v1_utc(s: str) -> dt.datetime | None:
    # "Wed Mar 25 10:00:00 +0000 2020" (fixed widths, offset +0000 checked by the caller); None when
    # anything is off, and the general path then parses it or names the error.
    day = _v1_day(s[0:3], s[4:10], s[26:30])
    if day is None or s[3] != " " or s[10] != " " or s[13] != ":" or s[16] != ":":
        return None
    hh, mm, ss = s[11:13], s[14:16], s[17:19]
    if not (hh.isdecimal() and mm.isdecimal() and ss.isdecimal() and hh.isascii() and mm.isascii()
            and ss.isascii()):
        return None
    try:
        return dt.datetime(day[0], day[1], day[2], int(hh), int(mm), int(ss), tzinfo=UTC)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _parse_v1(s: str) -> dt.datetime | None:
    # "Wed Mar 25 10:00:00 +0000 2020"; None when the shape does not match (the caller reports).
    parts = s.split()
    if len(parts) != 6 or parts[0] not in _WEEKDAYS or parts[1] not in _MONTHS:
        return None
    clock, offset = parts[3], parts[4]
    if len(offset) != 5 or offset[0] not in "+-" or not offset[1:].isdecimal():
        raise ValueError(f"unrecognised time {_short(s)}: bad UTC offset {offset!r} in the v1.1 layout")
    try:
        hh, mm, ss = (int(x) for x in clock.split(":"))
        local = dt.datetime(int(parts[5]), _MONTHS[parts[1]], int(parts[2]), hh, mm, ss)
    except ValueError:
        raise ValueError(f"unrecognised time {_short(s)}: not a valid v1.1 date") from None
    minutes = int(offset[1:3]) * 60 + int(offset[3:5])
    shift = dt.timedelta(minutes=minutes if offset[0] == "+" else -minutes)
    try:
        return (local - shift).replace(tzinfo=UTC)
    except OverflowError:
        raise ValueError(f"time out of range: {_short(s)}") from None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
