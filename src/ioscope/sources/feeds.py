"""RSS and Atom feeds (state-media outlets' own publication streams) into canonical posts.

Format ``rss`` (RSS 0.9x/1.0/2.0 and Atom), platform ``web``. Parsed with ``feedparser`` (BSD-2), which
never fetches anything here: it is given the decoded bytes. Cases 25 (dates) and 26 (encodings) in
``../shared/cases``.

Mapping, one post per entry (``source_line`` = the entry's 1-based position in the feed):

* **post_id** = the entry's ``link`` (an absolute URL), so that the same article read from a feed, an
  article CSV (``articles-csv``) or a saved page (``html-article``) has one key and posts linking to it
  can be joined on it; else the ``id``/``guid`` when it is globally unique-looking (has a ``:``, as URLs,
  ``urn:`` and ``tag:`` ids do); else ``<site>#<guid>`` (flag ``post_id_synthesized``; the site is the
  feed's registered domain, else its title, else the file name). An entry with
  neither link nor id is quarantined.
* **account_id** = **account_handle** = the registered domain of the feed's ``link`` (the site), else of
  the entry's link; the accounts row's display_name is the feed title.
* **text** = title, a blank line, the summary (or first content) as plain text (HTML stripped once by
  :mod:`ioscope.sources._html`), NFC. **urls** = absolute ``<a href>`` links in the summary/content,
  without the entry's own link; **hashtags** extracted from the text; no mentions.
* **created_at** from the raw ``published`` > ``updated`` (``dc:date``) > ``created`` string, by
  :func:`parse_feed_date` (case 25): numeric offsets; RFC 822 zone names (``UT``, ``GMT``, ``EST`` ... as
  fixed offsets; a standard-time label on a daylight-time date or the reverse adds
  ``zone_label_suspect``, ``CST`` adds ``zone_label_ambiguous`` (US Central per RFC 822, but China
  Standard Time in Chinese outlets)); ``GMT+0100`` is +01:00 (its human meaning, not POSIX's inverted
  sign) with ``nonstandard_zone``; a time with no zone is read in ``options.tz`` with ``assumed_utc`` (or
  ``assumed_tz:<zone>``); an unknown zone name likewise, with ``unknown_zone_label``. Other layouts fall
  back to feedparser's UTC tuple, converted with ``calendar.timegm`` (never ``time.mktime``, which
  applies the machine's zone; lemon24/reader#76), flag ``date_zone_unverified``. No date: NULL with
  ``created_at_missing``.
* **lang** = the feed's ``language``.
* Decoding (case 26): :mod:`ioscope.sources._encoding`; its flags (``encoding_repaired``,
  ``declared_encoding_mismatch``, ...) and feedparser's ``bozo`` (``feed_bozo:<exception>``) go on every
  entry as warnings: they never reject a feed. A document with no entries and a bozo error is one
  quarantined record.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ioscope.errors import SourceError
from ioscope.sources._encoding import decode_markup, rewrite_declaration
from ioscope.sources._html import html_to_text
from ioscope.sources.base import Bad, Record, Source, SourceOptions, assumed_zone_flag
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, nfc, normalize_lang
from ioscope.timeparse import zone
from ioscope.urls import link_domains, registered_domain

PLATFORM = "web"
UTC = dt.timezone.utc

ZONE_LABELS: dict[str, tuple[float, str | None, bool]] = {
    # label: (hours east of UTC, IANA zone used to check the label against the date, label is daylight)
    "UT": (0, None, False), "UTC": (0, None, False), "GMT": (0, None, False), "Z": (0, None, False),
    "EST": (-5, "America/New_York", False), "EDT": (-4, "America/New_York", True),
    "CST": (-6, "America/Chicago", False), "CDT": (-5, "America/Chicago", True),
    "MST": (-7, "America/Denver", False), "MDT": (-6, "America/Denver", True),
    "PST": (-8, "America/Los_Angeles", False), "PDT": (-7, "America/Los_Angeles", True),
    "WET": (0, "Europe/Lisbon", False), "WEST": (1, "Europe/Lisbon", True),
    "BST": (1, "Europe/London", True), "CET": (1, "Europe/Paris", False), "CEST": (2, "Europe/Paris", True),
    "EET": (2, "Europe/Athens", False), "EEST": (3, "Europe/Athens", True),
    "MSK": (3, None, False), "IRST": (3.5, None, False), "PKT": (5, None, False),
    "HKT": (8, None, False), "SGT": (8, None, False), "JST": (9, None, False), "KST": (9, None, False),
    "AEST": (10, "Australia/Sydney", False), "AEDT": (11, "Australia/Sydney", True),
}
"""Zone names seen in feeds, as fixed offsets (RFC 822 section 5 for UT/GMT and the US zones)."""

AMBIGUOUS_LABELS = frozenset(("CST",))
"""Labels with more than one common meaning (CST: US Central in RFC 822, China Standard Time in China)."""

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                       "oct", "nov", "dec"), start=1)}
_RFC822 = re.compile(r"""^(?:[A-Za-z]{2,9}\.?,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{2,4})
                         [\sT]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(.*?)\s*$""", re.VERBOSE)
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})(?:\s*\(.*\))?$")
_GMT_OFFSET = re.compile(r"^(?:GMT|UTC|UT)\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def parse_feed_date(raw: Any, tz: str = "UTC", parsed_utc: Any = None) -> tuple[dt.datetime | None, list[str]]:
    """Parse one feed date string to aware UTC; returns ``(datetime or None, flags)``.

    ``raw``: the date as written (RFC 822 ``pubDate`` or W3C-DTF/ISO 8601 ``dc:date``/Atom); ``tz``: IANA
    zone for a date without a zone (default UTC); ``parsed_utc``: feedparser's ``*_parsed`` UTC
    ``struct_time``, used (with ``calendar.timegm``) only when ``raw`` has no layout known here. Rules
    and flags: see the module docstring (case 25). Never raises (an unknown ``tz`` is an error earlier,
    in the source)."""
    s = raw.strip() if isinstance(raw, str) else ""
    if s:
        iso = _parse_iso(s, tz)
        if iso is not None:
            return iso
        rfc = _parse_rfc822(s, tz)
        if rfc is not None:
            return rfc
    if parsed_utc is not None:
        try:
            moment = dt.datetime.fromtimestamp(calendar.timegm(parsed_utc), UTC)
            return moment, ["date_zone_unverified"]
        except (TypeError, ValueError, OverflowError):
            pass
    return None, ["created_at_missing" if not s else "created_at_unparseable"]


def _parse_iso(s: str, tz: str) -> tuple[dt.datetime, list[str]] | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}", s):
        return None
    try:
        moment = dt.datetime.fromisoformat(s)
    except ValueError:
        return None
    flags: list[str] = []
    if moment.tzinfo is None:
        flags.append(assumed_zone_flag(tz))
        if len(s) <= 10:
            flags.append("date_only")
        moment = moment.replace(tzinfo=zone(tz))
    return moment.astimezone(UTC), flags


def _parse_rfc822(s: str, tz: str) -> tuple[dt.datetime, list[str]] | None:
    m = _RFC822.match(s)
    if not m:
        return None
    day, month_name, year, hh, mi, ss, zone_text = m.groups()
    month = _MONTHS.get(month_name[:3].lower())
    if month is None:
        return None
    year_n = int(year)
    if len(year) == 2:
        year_n += 2000 if year_n < 50 else 1900
    try:
        local = dt.datetime(year_n, month, int(day), int(hh), int(mi), int(ss or 0))
    except ValueError:
        return None
    flags: list[str] = []
    zone_text = zone_text.strip()
    if not zone_text:
        flags.append(assumed_zone_flag(tz))
        return local.replace(tzinfo=zone(tz)).astimezone(UTC), flags
    om = _OFFSET.match(zone_text)
    if om:
        minutes = int(om.group(2)) * 60 + int(om.group(3))
        return _shift(local, minutes if om.group(1) == "+" else -minutes), flags
    gm = _GMT_OFFSET.match(zone_text)
    if gm:  # "GMT+0100": the writer means +01:00 (not the POSIX TZ reading, -01:00)
        minutes = int(gm.group(2)) * 60 + int(gm.group(3) or 0)
        flags.append("nonstandard_zone")
        return _shift(local, minutes if gm.group(1) == "+" else -minutes), flags
    label = zone_text.split()[0].upper()
    if label in ZONE_LABELS:
        hours, iana, daylight = ZONE_LABELS[label]
        if iana is not None:
            in_dst = bool(local.replace(tzinfo=ZoneInfo(iana)).dst())
            if in_dst != daylight:
                flags.append("zone_label_suspect")  # e.g. EST in July: the publisher probably meant EDT
        if label in AMBIGUOUS_LABELS:
            flags.append("zone_label_ambiguous")
        return _shift(local, int(hours * 60)), flags
    flags += ["unknown_zone_label", assumed_zone_flag(tz)]
    return local.replace(tzinfo=zone(tz)).astimezone(UTC), flags


def _shift(local: dt.datetime, minutes_east: int) -> dt.datetime:
    return local.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes_east))).astimezone(UTC)


def _entry_post(entry: Any, site: str | None, lang: str | None, tz: str, feed_flags: list[str],
                feed_key: str) -> dict | str:
    link = (entry.get("link") or "").strip()
    guid = (entry.get("id") or "").strip()
    flags = list(feed_flags)
    if link.startswith(("http://", "https://")):
        post_id = link
    elif guid and ":" in guid:
        post_id = guid
    elif guid or link:
        post_id = f"{site or feed_key}#{guid or link}"
        flags.append("post_id_synthesized")
    else:
        return "entry has neither link nor id/guid"
    raw_date, parsed = None, None
    for key in ("published", "updated", "created"):
        if dict.get(entry, key):  # plain dict lookup: no feedparser updated->published alias
            raw_date, parsed = dict.get(entry, key), dict.get(entry, f"{key}_parsed")
            break
    created, f = parse_feed_date(raw_date, tz, parsed)
    flags += f
    title = html_to_text(entry.get("title") or "").text
    body_html = entry.get("summary") or ""
    if not body_html and entry.get("content"):
        body_html = entry["content"][0].get("value") or ""
    body = html_to_text(body_html)
    text = "\n\n".join(t for t in (title, body.text) if t) or None
    urls: list[str] = []
    for a in body.links:
        if a.href.startswith(("http://", "https://")) and a.href != link and a.href not in urls:
            urls.append(a.href)
    account = site or registered_domain(link)
    return {
        "platform": PLATFORM, "post_id": post_id, "account_id": account, "account_handle": account,
        "created_at": created, "text": nfc(text) if text else None, "lang": lang, "kind": "original",
        "urls": urls, "domains": link_domains(urls), "hashtags": extract_hashtags(text), "mentions": [],
        "collected": True, "flags": list(dict.fromkeys(flags)),
    }


@register
class RssFeed(Source):
    """An RSS or Atom feed file (see the module docstring for the mapping)."""

    name = "rss"
    platform = PLATFORM
    description = "RSS/Atom feed files (one post per entry), read with feedparser"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.9 for XML whose root is ``<rss``, ``<feed`` (Atom) or ``<rdf:RDF`` (RSS 1.0), after any BOM,
        whitespace, XML declaration, comments or stylesheet instructions; 0.0 otherwise."""
        text = head.lstrip(b"\xef\xbb\xbf").lstrip()
        if not text.startswith(b"<"):
            return 0.0
        body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", text[:8192], flags=re.DOTALL).lstrip()
        return 0.9 if re.match(rb"<(?:rss|feed|rdf:RDF)[\s>]", body) else 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield one Record per feed entry, or one Bad when the document has no entries and does not
        parse. ``options.tz``: zone for dates written without one (the per-feed override, case 25)."""
        try:
            import feedparser
        except ImportError:
            raise SourceError(path, "the rss format needs feedparser: pip install feedparser") from None
        zone(options.tz)  # an unknown zone name fails the file here, before any record
        with self.open_binary(path) as fh:
            raw = fh.read()
        text, _, flags = decode_markup(raw)
        parsed = feedparser.parse(rewrite_declaration(text),
                                  response_headers={"content-type": "application/xml; charset=utf-8"})
        if parsed.get("bozo"):
            exc = parsed.get("bozo_exception")
            flags.append(f"feed_bozo:{type(exc).__name__}" if exc is not None else "feed_bozo")
        if not parsed.entries:
            if parsed.get("bozo"):
                yield Bad(1, f"not a readable feed: {parsed.get('bozo_exception')}", text[:100_000])
            return
        feed = parsed.feed
        site = registered_domain(feed.get("link"))
        lang = normalize_lang(feed.get("language"))
        title = html_to_text(feed.get("title") or "").text or None
        for n, entry in enumerate(parsed.entries, 1):
            post = _entry_post(entry, site, lang, options.tz, flags, title or path.stem)
            if isinstance(post, str):
                yield Bad(n, post, str(dict(entry))[:100_000])
                continue
            accounts = []
            if post["account_id"]:
                accounts.append({"platform": PLATFORM, "account_id": post["account_id"],
                                 "handle": post["account_id"], "display_name": title,
                                 "last_seen_at": post["created_at"]})
            yield Record(n, posts=[post], accounts=accounts)
