"""The shared JSON reader (``ioscope.sources._jsonfile``): a broken array keeps what precedes the
break, and what it quarantines can always be stored (no lone surrogates in ``raw``)."""

from __future__ import annotations

import io

from ioscope.sources._jsonfile import iter_records, raw_json
from ioscope.sources.base import Bad


def _records(data: bytes):
    return list(iter_records(io.BytesIO(data)))


def test_invalid_byte_between_elements_is_quarantined_as_storable_text():
    # Element 1 is fine; an invalid byte (0xFF) sits between elements 1 and 2, so the array cannot
    # be split any further: record 1 loads, record 2 is one Bad carrying the rest, with U+FFFD for
    # the byte (written back as UTF-8 without error).
    out = _records(b'[{"a": 1},\xff {"a": 2}]')
    assert out[0] == (1, {"a": 1})
    line, bad = out[1]
    assert line == 2 and isinstance(bad, Bad)
    assert bad.raw.startswith("\ufffd")
    bad.raw.encode("utf-8")  # raises UnicodeEncodeError on a lone surrogate


def test_invalid_byte_inside_an_element_names_the_byte():
    out = _records(b'[{"a": 1}, {"a": "x\xfey"}, {"a": 3}]')
    assert [x for _, x in out if not isinstance(x, Bad)] == [{"a": 1}, {"a": 3}]
    bad = next(x for _, x in out if isinstance(x, Bad))
    assert "0xFE" in bad.reason and bad.raw == '{"a": "x\ufffdy"}'


def test_raw_json_falls_back_to_repr():
    assert raw_json({"a": [1, "é"]}) == '{"a":[1,"é"]}'
    assert raw_json({1: {2}}) == "{1: {2}}"  # integer keys and sets are not JSON


def test_reason_names_the_column_once():
    # json's message "Unterminated string starting at" already ends in "at": the reason must not
    # read "starting at at column 7". The string opens at the 7th character of {"a": "xyz.
    from ioscope.sources._jsonfile import decode_value

    assert decode_value(b'{"a": "xyz', 3).reason == "invalid JSON: Unterminated string starting at column 7"
