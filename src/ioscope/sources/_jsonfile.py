"""Reading JSON exports whose layout varies: one document, a JSON array, pages of arrays, JSON lines,
plain or gzip-compressed. Private helper of the ``mastodon``, ``bluesky``, ``youtube`` and
``tehran-times-jsonl`` sources.

Layouts (decided on the decompressed bytes, UTF-8 BOM skipped):

* a JSON **array** ``[v, v, ...]``; an element that is itself an array is a *page* and is flattened
  (``[[...], [...]]`` paginated dumps);
* one JSON **document** ``{...}`` (an API response with its envelope);
* **JSON lines**: one value per line (blank lines skipped), recognised when the whole text is not one
  JSON value but its first line is.

Each value is passed to ``expand(value)``, which returns the list of records it holds (an API
envelope's ``items``) or None for "the value is one record". Record numbers (``line``) are the physical
line in JSON lines, and a running 1-based record count otherwise (so items of one document are 1, 2, 3).

A broken array is salvaged element by element (every element before the break is kept; the rest of
the file is one ``Bad``); a broken line in JSON lines is one ``Bad``; a truncated gzip stream keeps
what was decompressed and ends with a ``Bad``. Values are held in memory: meant for API dumps up to a
few hundred MB.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any

import orjson

from ioscope.sources.base import Bad

_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
GZIP_MAGIC = b"\x1f\x8b"
BOM = b"\xef\xbb\xbf"

Expand = Callable[[Any], "list[Any] | None"]


def sniff_head(head: bytes) -> bytes:
    """The first bytes of a file as text bytes: decompressed when ``head`` is gzip (as far as the head
    allows), BOM and leading whitespace removed. Never raises."""
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 1 << 20)
        except zlib.error:
            return b""
    if head.startswith(BOM):
        head = head[3:]
    return head.lstrip()


def read_all(fh: IO[bytes]) -> tuple[bytes, Bad | None]:
    """All bytes of ``fh`` (an open binary file), gunzipped when it starts with the gzip magic.
    Returns ``(data, problem)``: ``problem`` is a Bad (line 0, to be renumbered) when a gzip stream is
    truncated or corrupt; ``data`` then holds what was decompressed before the damage."""
    magic = fh.read(2)
    fh.seek(0)
    if magic != GZIP_MAGIC:
        return fh.read(), None
    chunks: list[bytes] = []
    gz = gzip.GzipFile(fileobj=fh, mode="rb")
    try:
        while True:
            block = gz.read(1 << 20)
            if not block:
                break
            chunks.append(block)
    except (EOFError, OSError, zlib.error) as exc:
        return b"".join(chunks), Bad(0, f"gzip stream damaged or truncated: {exc}")
    return b"".join(chunks), None


def decode_value(raw: bytes, line: int) -> Any | Bad:
    """Decode one JSON text (orjson; on failure the stdlib parser, which also accepts NaN and integers
    beyond 64 bits, and names the error's position). Returns the value or a :class:`Bad` whose reason
    is ``"invalid UTF-8 at byte N"``, ``"invalid JSON: <message> at column N"`` (``at line L column N``
    when the text spans several lines), ``"invalid JSON: a string holds a lone surrogate ..."`` or
    ``"invalid JSON: <error>"`` (a number of over 4,300 digits, nesting too deep). The one JSON
    decoder of the JSON sources (twitter-v1 and the ``_jsonfile`` readers)."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Bad(line, f"invalid UTF-8 at byte {exc.start + 1}", raw.decode("utf-8", "replace"))
    text = text.rstrip("\r\n")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}" if "\n" in text else f"column {exc.colno}"
        msg = exc.msg.removesuffix(" at")  # "Unterminated string starting at" + " at column N"
        return Bad(line, f"invalid JSON: {msg} at {where}", text)
    except (ValueError, RecursionError) as exc:  # a number of over 4,300 digits; nesting too deep
        return Bad(line, f"invalid JSON: {exc}", text[:100_000])
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return Bad(line, "invalid JSON: a string holds a lone surrogate (\\ud800-\\udfff) escape", text)
    except (ValueError, RecursionError) as exc:
        return Bad(line, f"invalid JSON: {exc}", text[:100_000])
    return value


def iter_records(fh: IO[bytes], expand: Expand | None = None) -> Iterator[tuple[int, Any | Bad]]:
    """Yield ``(line, record_or_Bad)`` for every record of the JSON file ``fh`` (see the module
    docstring). Never raises for malformed content."""
    data, problem = read_all(fh)
    if data.startswith(BOM):
        data = data[3:]
    body = data.strip()
    counter = 0
    if body:
        whole = decode_value(body, 1)
        if not isinstance(whole, Bad):
            values = whole if isinstance(whole, list) else [whole]
            for value in _flatten_pages(values):
                for item in _expanded(value, expand):
                    counter += 1
                    yield counter, item
        elif _first_line_parses(body):
            for lineno, raw in enumerate(data.split(b"\n"), 1):
                raw = raw.strip()
                if not raw:
                    continue
                value = decode_value(raw, lineno)
                if isinstance(value, Bad):
                    counter = lineno
                    yield lineno, value
                    continue
                values = value if isinstance(value, list) else [value]
                for v in _flatten_pages(values):
                    for item in _expanded(v, expand):
                        counter = lineno
                        yield lineno, item
        elif body[:1] == b"[":
            for item in _salvage_array(body, expand):
                counter += 1
                if isinstance(item, Bad):
                    item.line = counter
                yield counter, item
        else:
            whole.line = 1
            counter = 1
            yield 1, whole
    if problem is not None:
        problem.line = counter + 1
        yield counter + 1, problem


def _flatten_pages(values: list[Any]) -> Iterator[Any]:
    for value in values:
        if isinstance(value, list):
            yield from value
        else:
            yield value


def _expanded(value: Any, expand: Expand | None) -> list[Any]:
    if expand is None:
        return [value]
    items = expand(value)
    return [value] if items is None else items


def _first_line_parses(body: bytes) -> bool:
    # JSON lines when there are several lines and one of the first 20 is, alone, an object or a
    # non-empty array (a broken first line must not turn the whole file into one bad record).
    lines = [ln.strip() for ln in body.split(b"\n", 21)[:20] if ln.strip()]
    if len(lines) < 2:
        return False
    for raw in lines:
        if raw[:1] in (b"{", b"[") and raw[-1:] in (b"}", b"]"):
            value = decode_value(raw, 1)
            if isinstance(value, dict) or (isinstance(value, list) and value):
                return True
    return False


def raw_json(item: Any) -> str:
    """The text to keep as a quarantined record's ``raw`` for a decoded JSON value: compact JSON
    (orjson), or ``repr`` (cut at 100,000 characters) for a value orjson cannot write."""
    try:
        return orjson.dumps(item).decode()
    except (TypeError, orjson.JSONEncodeError):
        return repr(item)[:100_000]


def _printable(text: str) -> str:
    # Raw text kept for the quarantine: the undecodable bytes (lone surrogates after
    # ``surrogateescape``) become U+FFFD, so the text can be stored; everything else is kept as is.
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _salvage_array(body: bytes, expand: Expand | None) -> Iterator[Any | Bad]:
    # A broken JSON array: decode element by element; everything before the break is kept.
    text = body.decode("utf-8", "surrogateescape")  # invalid bytes become lone surrogates
    decoder = json.JSONDecoder()
    pos, n = 1, len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n:
            yield Bad(0, "JSON array not closed with ']' (truncated file?)", "")
            return
        if text[pos] == "]":
            return
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield Bad(0, f"invalid JSON in array element: {exc.msg.removesuffix(' at')} (at character {exc.pos}); "
                         "the rest of the array cannot be split", _printable(text[pos:pos + 100_000]))
            return
        start, pos = pos, end
        if _ESCAPED_BYTE.search(text, start, end):
            bad = _ESCAPED_BYTE.search(text, start, end)
            yield Bad(0, f"invalid UTF-8 in array element (byte 0x{ord(bad.group(0)) - 0xDC00:02X})",
                      _printable(text[start:end]))
            continue
        for v in _flatten_pages([value]):
            yield from _expanded(v, expand)
