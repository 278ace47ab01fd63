"""The FiveThirtyEight/Clemson IRA troll-tweet CSVs (Linvill & Warren), whole or split per author.

Format ``ira-csv``, platform ``twitter``. Two layouts are read (columns found by name, any order):

* per-author files (bet4a/russian-troll-tweets-by-author): ``author_id, content, region, language,
  publish_date, harvested_date, following, followers, updates, post_type, retweet``, with ISO times
  (``2015-08-11 08:14:00``) and ``post_type`` ``R``/``Q``/empty; ``author_id`` is the handle (in a
  handful of cases the handle with the external id appended, as that repository documents);
* the original 538 files: ``external_author_id, author, content, region, language, publish_date, ...,
  post_type, account_type, retweet, account_category, new_june_2018, alt_external_id, tweet_id,
  article_url, tco1_step1, tco2_step1, tco3_step1`` with times like ``10/6/2016 21:04`` (month first)
  and ``post_type`` ``RETWEET``/``QUOTE_TWEET``. A subset of these columns is enough (case 12).

Mapping:

* **post_id**: ``tweet_id`` when the file has one with exact digits; otherwise derived, independent of
  the file's path: ``"ira:" + sha1(handle.casefold() | created_at UTC ISO | content | n)[:20 hex]``,
  where ``n`` counts earlier rows of this file with the same handle, time and content (so identical
  rows stay distinct posts and re-ingesting gives the same IDs).
* **account_id**: ``external_author_id`` (else ``alt_external_id``) when its digits are exact (a value
  such as ``9.06E+17`` lost precision and is not used); otherwise ``"ira:" + handle.casefold()``.
* **created_at**: ``publish_date``, naive, read in ``options.tz`` (default UTC: the 538 times are
  believed to be UTC, which the source does not state). Every post is flagged
  ``assumed_utc`` (``assumed_tz:<zone>`` when ``--tz`` names another zone): the file never
  writes a zone, so the zone is always an assumption (:func:`ioscope.sources.base.assumed_zone_flag`).
* **kind**: ``R``/``RETWEET`` -> ``repost`` (the original and its author are not in the data: ref
  columns stay NULL), ``Q``/``QUOTE_TWEET`` -> ``quote``, else ``original`` (``retweet=1`` with an
  empty ``post_type`` counts as a repost).
* **lang**: language names (``English``, ``Farsi (Persian)``) -> ISO 639-1 by :data:`LANGUAGES`;
  ``LANGUAGE UNDEFINED`` and unknown names -> NULL (unknown ones flagged ``lang_unknown``).
* **text**: ``content``, HTML-unescaped once (the export keeps Twitter's ``&amp;``); hashtags, mentions
  and URLs are extracted from it; URLs are the ``t.co`` links as found, replaced by ``tcoN_step1`` (the
  first redirect) where the 538 layout has it. Unexpanded ``t.co`` links give no domain.
* **accounts**: ``followers``, ``following`` as of the post (:func:`ioscope.ids.parse_count`: beyond
  64 bits -> NULL), ``last_seen_at`` = its time.

Rows are checked column by column so that a shift that keeps the field count is caught (case 12): a
row is quarantined when ``publish_date`` does not parse, a count column is not a number, ``language``
or ``region`` looks like a date or a number, or ``post_type``/``retweet`` holds an unknown value.

Records are read by :class:`ioscope.sources.generic_csv.CsvRecords` (plain or gzip-compressed CSV):
``source_line`` is the physical line where the record starts (header = line 1).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from ioscope.errors import ConfigError, SourceError
from ioscope.ids import clean_id, parse_count
from ioscope.sources.base import Bad, Record, Source, SourceOptions, assumed_zone_flag
from ioscope.sources.generic_csv import CsvRecords, sniff_header
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, extract_mentions, nfc, unescape_tweet_text
from ioscope.timeparse import parse_time, parse_time_format, zone
from ioscope.urls import extract_urls, link_domains

PLATFORM = "twitter"

LANGUAGES = {
    "english": "en", "russian": "ru", "german": "de", "ukrainian": "uk", "serbian": "sr", "norwegian": "no",
    "italian": "it", "uzbek": "uz", "spanish": "es", "french": "fr", "bulgarian": "bg", "swedish": "sv",
    "vietnamese": "vi", "macedonian": "mk", "romanian": "ro", "farsi (persian)": "fa", "persian": "fa",
    "farsi": "fa", "dutch": "nl", "arabic": "ar", "estonian": "et", "icelandic": "is", "lithuanian": "lt",
    "albanian": "sq", "croatian": "hr", "tagalog (filipino)": "tl", "tagalog": "tl", "catalan": "ca",
    "finnish": "fi", "polish": "pl", "turkish": "tr", "japanese": "ja", "pushto": "ps", "pashto": "ps",
    "czech": "cs", "latvian": "lv", "kurdish": "ku", "somali": "so", "portuguese": "pt", "slovak": "sk",
    "hungarian": "hu", "malay": "ms", "danish": "da", "urdu": "ur", "indonesian": "id", "korean": "ko",
    "thai": "th", "hebrew": "he", "hindi": "hi", "slovenian": "sl", "greek": "el", "belarusian": "be",
    "kazakh": "kk", "georgian": "ka", "armenian": "hy", "azerbaijani": "az", "bengali": "bn",
    "chinese": "zh", "simplified chinese": "zh-Hans", "traditional chinese": "zh-Hant", "tamil": "ta",
    "welsh": "cy", "irish": "ga", "basque": "eu", "galician": "gl", "bosnian": "bs", "tajik": "tg",
    "kyrgyz": "ky", "mongolian": "mn", "swahili": "sw", "amharic": "am", "nepali": "ne", "sindhi": "sd",
    "punjabi": "pa", "gujarati": "gu", "marathi": "mr", "telugu": "te", "kannada": "kn",
    "malayalam": "ml", "sinhalese": "si", "burmese": "my", "khmer": "km", "lao": "lo", "tibetan": "bo",
    "uyghur": "ug", "maltese": "mt", "latin": "la", "esperanto": "eo", "haitian": "ht", "dhivehi": "dv",
}
"""Language names used by Social Studio in the 538 data (lower-cased) -> ISO 639-1 codes."""

NO_LANGUAGE = frozenset(("", "language undefined", "undefined", "unknown"))

POST_TYPES = {"": None, "r": "repost", "retweet": "repost", "q": "quote", "quote_tweet": "quote"}
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?")
_LOOKS_NUMERIC = re.compile(r"[\d\s/:.+-]+")
_US_FORMAT = "%m/%d/%Y %H:%M"
_COUNTS = ("following", "followers", "updates")


@register
class IraCsv(Source):
    """The IRA troll-tweet CSVs, per-author or original 538 layout (see the module docstring)."""

    name = "ira-csv"
    platform = PLATFORM
    description = "FiveThirtyEight/Clemson IRA troll tweets CSV (per-author or original 538 layout)"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.9 when the header line has ``content`` and ``publish_date`` and an author column."""
        names = {n.lower() for n in sniff_header(head)}
        if {"content", "publish_date"} <= names and names & {"author_id", "author", "external_author_id"}:
            return 0.9
        return 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record (the post and its account) or a Bad per CSV record. Raises ConfigError for an
        unknown ``options.tz``, SourceError when the header lacks ``content``, ``publish_date`` or an
        author column."""
        try:
            zone(options.tz)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        with CsvRecords(self, path, ",") as records:
            col = {name: i for i, name in enumerate(records.header)}
            handle_col = col.get("author", col.get("author_id"))
            if handle_col is None or "content" not in col or "publish_date" not in col:
                raise SourceError(path, "not an IRA CSV: needs content, publish_date and author or author_id "
                                        f"columns; header: {', '.join(records.header)}")
            reader = _RowReader(col, handle_col, options.tz)
            for item in records:
                if isinstance(item, Bad):
                    yield item
                else:
                    yield reader.row(*item)


class _RowReader:
    # Per-file state: column positions, a cache of parsed times, occurrence counts of (handle, time, text).
    def __init__(self, col: dict[str, int], handle_col: int, tz: str):
        self.col, self.handle_col, self.tz = col, handle_col, tz
        self.zone_flag = assumed_zone_flag(tz)  # both layouts are naive: every time is read in tz
        self.times: dict[str, object] = {}
        self.seen: dict[tuple[str, str, str], int] = {}
        self.ids = [col[c] for c in ("external_author_id", "alt_external_id") if c in col]
        self.counts = [(c, col[c]) for c in _COUNTS if c in col]
        self.tco = [col[c] for c in ("tco1_step1", "tco2_step1", "tco3_step1") if c in col]
        self.get = lambda cells, name: cells[col[name]].strip() if name in col else ""

    def row(self, line: int, cells: list[str], had_nul: bool) -> Record | Bad:
        get = self.get
        raw_time = get(cells, "publish_date")
        created = self.times.get(raw_time)
        if created is None:
            try:
                if _ISO_TIME.fullmatch(raw_time):
                    created = parse_time(raw_time, tz=self.tz)
                else:
                    created = parse_time_format(raw_time, _US_FORMAT, tz=self.tz)
            except ValueError as exc:
                return _bad(line, f"bad publish_date: {exc}", cells)
            self.times[raw_time] = created
        for name, i in self.counts:
            value = cells[i].strip()
            if value and not value.isdecimal():
                return _bad(line, f"{name} is not a count: {value!r} (columns shifted?)", cells)
        language, region = get(cells, "language"), get(cells, "region")
        for name, value in (("language", language), ("region", region)):
            if value and _LOOKS_NUMERIC.fullmatch(value):
                return _bad(line, f"{name} looks like a date or number: {value!r} (columns shifted?)", cells)
        post_type = get(cells, "post_type").lower()
        if post_type not in POST_TYPES:
            return _bad(line, f"unknown post_type {post_type!r} (expected R, Q, RETWEET, QUOTE_TWEET or empty)",
                        cells)
        retweet = get(cells, "retweet")
        if retweet not in ("", "0", "1"):
            return _bad(line, f"retweet flag is not 0/1: {retweet!r} (columns shifted?)", cells)
        kind = POST_TYPES[post_type] or ("repost" if retweet == "1" else "original")

        flags = [self.zone_flag, "had_nul"] if had_nul else [self.zone_flag]
        handle = cells[self.handle_col].strip()
        account_id = None
        for i in self.ids:
            account_id, f = clean_id(cells[i], field="account_id")
            if account_id is not None and not f:
                break
            account_id = None
        if account_id is None:
            account_id = "ira:" + handle.casefold()
        content = cells[self.col["content"]]
        stamp = created.isoformat()
        post_id = None
        if "tweet_id" in self.col:
            post_id, f = clean_id(cells[self.col["tweet_id"]], field="post_id")
            if f:
                post_id = None
        if post_id is None:
            key = (handle.casefold(), stamp, content)
            n = self.seen.get(key, 0)
            self.seen[key] = n + 1
            digest = hashlib.sha1(f"{key[0]}|{stamp}|{content}|{n}".encode("utf-8", "surrogatepass"))
            post_id = "ira:" + digest.hexdigest()[:20]
        text, double = unescape_tweet_text(content)
        if double:
            flags.append("double_escaped")
        text = nfc(text)
        lang = LANGUAGES.get(language.lower())
        if lang is None and language.lower() not in NO_LANGUAGE:
            flags.append("lang_unknown")
        urls = extract_urls(text)
        if self.tco:
            urls = _expand_tco(urls, [cells[i].strip() for i in self.tco])
        counts = {name: parse_count(cells[i]) for name, i in self.counts}  # checked decimal above
        post = {
            "platform": PLATFORM, "post_id": post_id, "account_id": account_id, "account_handle": handle,
            "created_at": created, "text": text, "lang": lang, "kind": kind,
            "urls": urls, "domains": link_domains(urls),
            "hashtags": extract_hashtags(text), "mentions": extract_mentions(text),
            "collected": True, "flags": flags,
        }
        account = {
            "platform": PLATFORM, "account_id": account_id, "handle": handle,
            "followers": counts.get("followers"), "following": counts.get("following"),
            "last_seen_at": created,
        }
        return Record(line=line, posts=[post], accounts=[account])


def _expand_tco(urls: list[str], step1: list[str]) -> list[str]:
    # tcoN_step1 is the first redirect of the N-th t.co link in the text.
    out, n = [], 0
    for url in urls:
        if "://t.co/" in url and n < len(step1):
            out.append(step1[n] or url)
            n += 1
        else:
            out.append(url)
    return list(dict.fromkeys(out))


def _bad(line: int, reason: str, cells: list[str]) -> Bad:
    return Bad(line, reason, ",".join(cells))
