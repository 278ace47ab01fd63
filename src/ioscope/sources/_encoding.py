"""Decoding XML and HTML documents whose declared encoding may be wrong (case 26). Private helper of
the ``rss`` and ``html-article`` sources.

Rules (ruTorrent PR#3170, feedparser PR#421, commafeed#681):

1. A byte-order mark decides (UTF-8, UTF-16); it is removed.
2. Whitespace before ``<?xml`` is removed (flag ``xml_declaration_not_at_start``): libxml would otherwise
   ignore the declaration and read cp1251 bytes as UTF-8.
3. Bytes that are valid UTF-8 are UTF-8, whatever the declaration says (flag
   ``declared_encoding_mismatch`` when it named another, non-ASCII-compatible-subset codec): a wrong
   declaration is far more common than cp1251 text that happens to be valid UTF-8.
4. Otherwise, when the bytes are *mostly* UTF-8 (at most :data:`MAX_BAD_FRACTION` of the non-ASCII bytes
   are invalid, or no more than 3 bytes) they are decoded as UTF-8 with U+FFFD for the bad bytes (flag
   ``encoding_repaired``), never as a Latin codepage (which would garble every character).
5. Otherwise the declared (XML declaration or ``<meta charset>``) encoding is used: strictly, or with
   U+FFFD (flag ``encoding_repaired``) when some bytes are undefined in it.
6. With no usable declaration, windows-1252 (the WHATWG default for undeclared legacy documents), flag
   ``encoding_guessed``.

The result is never silently mojibake: every path other than 1-3 sets a flag.
"""

from __future__ import annotations

import codecs
import re

MAX_BAD_FRACTION = 0.05
"""Largest share of invalid non-ASCII bytes for which a document is still read as (repaired) UTF-8."""

_XML_DECL = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_UTF8_NAMES = frozenset(("utf-8", "ascii"))


def declared_encoding(data: bytes) -> str | None:
    """The encoding named by an XML declaration at the start of ``data`` or a ``<meta charset>`` in its
    first 4 KiB, as written (None when there is none)."""
    m = _XML_DECL.match(data) or _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_markup(data: bytes) -> tuple[str, str, list[str]]:
    """Decode an XML/HTML document. Returns ``(text, encoding_used, flags)``; see the module docstring.
    The text has no BOM and no whitespace before an XML declaration. Never raises."""
    flags: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
        text = data.decode("utf-8", "replace")
        if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
            flags.append("encoding_repaired")
        return text, "utf-8", flags
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            text = data[2:].decode(name, "replace")
            if "\ufffd" in text:
                flags.append("encoding_repaired")
            return text.lstrip(), name, flags
    stripped = data.lstrip()
    if stripped is not data and stripped.startswith(b"<?xml") and len(stripped) != len(data):
        flags.append("xml_declaration_not_at_start")
        data = stripped
    declared_name = declared_encoding(data)
    declared = _codec(declared_name)
    if declared_name and declared is None:
        flags.append("declared_encoding_unknown")
    try:
        text = data.decode("utf-8")
        if declared and declared not in _UTF8_NAMES and not data.isascii():
            flags.append("declared_encoding_mismatch")
        return text, "utf-8", flags
    except UnicodeDecodeError:
        pass
    non_ascii = sum(1 for b in data if b >= 0x80)
    repaired = data.decode("utf-8", "replace")
    bad = repaired.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if declared in (None, "utf-8") and (bad <= 3 or bad <= MAX_BAD_FRACTION * non_ascii) \
            or (declared not in (None, "utf-8") and bad <= 3 and bad <= MAX_BAD_FRACTION * non_ascii):
        flags.append("encoding_repaired")
        return repaired, "utf-8", flags
    if declared and declared != "utf-8":
        try:
            return data.decode(declared), declared, flags
        except UnicodeDecodeError:
            flags.append("encoding_repaired")
            return data.decode(declared, "replace"), declared, flags
    flags.append("encoding_guessed")
    return data.decode("cp1252", "replace"), "cp1252", flags


def rewrite_declaration(text: str) -> bytes:
    """UTF-8 bytes of ``text`` with its XML declaration (if any) saying ``encoding="utf-8"``, so a
    parser reads the already-decoded document as it is."""
    data = text.encode("utf-8")
    m = _XML_DECL.match(data)
    if m:
        data = data[: m.start(1)] + b"utf-8" + data[m.end(1):]
    return data
