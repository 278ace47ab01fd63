"""State-media web content other than feeds: saved article pages, article CSVs, Tehran Times JSON lines.

Platform ``web`` for all three; a post is one article, its **post_id is the article URL** (the same key
as the ``rss`` source, so one article from several inputs is stored once and posts sharing it can be
joined on it), its **account** the publisher's registered domain (``sputniknews.com``, ``rt.com``),
kind ``original``. Article text is not HTML-escaped in these inputs, so it is not unescaped; it is NFC.
Hashtags are extracted from the text; there are no mentions; ``urls`` are links found inside the
article body (none for the CSV and JSONL inputs, which hold plain text), never the article's own URL.

Formats:

* ``html-article`` — one saved HTML page per file, read with ``trafilatura`` (Apache-2.0) offline
  (``trafilatura.bare_extraction``: main text, title, date, canonical URL, site name; never fetches).
  created_at from the page's publication date (``article:published_time`` and the like, through
  htmldate): with its zone when the page gives one; a date without time is midnight in ``options.tz``
  with ``date_only``; a time without zone is read in ``options.tz`` (``assumed_utc``/``assumed_tz:<tz>``).
  No URL in the page: post_id = ``sha256:<hex of the file>`` with ``post_id_synthesized``. Decoding as
  in case 26 (:mod:`ioscope.sources._encoding`).
* ``articles-csv`` — article CSVs such as ReCOVery's (Zhou et al. 2020) ``news_id, url, publisher,
  publish_date, author, title, image, body_text, ...``, plain or gzip-compressed (``.csv.gz``, detected
  by the gzip magic bytes), read by :class:`ioscope.sources.generic_csv.CsvRecords` (comma-separated,
  all cells strings, BOM-safe ``utf-8-sig``, quoted newlines kept, NUL bytes removed with flag
  ``had_nul``); ``source_line`` is the physical line where the record starts (header = line 1, so a
  body spanning several lines pushes the next article's line down). ``news_id`` restarts at 0 in every
  file, so it is not the key. text = title, blank line, body_text; display_name = ``publisher``;
  ``publish_date`` as in ``html-article`` (a bare date is midnight in ``options.tz``, flag
  ``date_only``); empty: NULL with ``created_at_missing``. Quarantined: a record with another number of
  fields than the header, invalid UTF-8, an empty ``url``, an unreadable date, a damaged gzip stream.
* ``tehran-times-jsonl`` — the Tehran Times crawl (Kmahmoudi/Tehran-Times-Dataset) as JSON lines,
  optionally gzip: ``news_id, slug, title_from_slug, url, text, covid_related``. The files hold **no
  dates**. When a file ``id_date_anchors.csv`` (``news_id,approx_date,...``) lies beside the input, the
  date is estimated by linear interpolation of ``news_id`` between anchors (extrapolated from the nearest
  two beyond them), as midnight UTC of the estimated day, flag ``date_estimated`` (and
  ``date_extrapolated`` outside the anchors). Without anchors created_at is NULL, flag
  ``created_at_missing``. text = ``title_from_slug`` (a title rebuilt from the URL slug: punctuation
  lost, flag ``title_from_slug``), blank line, ``text``; lang ``en`` (an English-language paper).
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ioscope.errors import SourceError
from ioscope.sources._encoding import decode_markup
from ioscope.sources._jsonfile import iter_records, sniff_head
from ioscope.sources.base import Bad, Record, Source, SourceOptions, assumed_zone_flag
from ioscope.sources.generic_csv import CsvRecords, raw_record, sniff_header
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, nfc, normalize_lang
from ioscope.timeparse import zone
from ioscope.urls import link_domains, registered_domain

PLATFORM = "web"
UTC = dt.timezone.utc
ANCHORS_FILE = "id_date_anchors.csv"
"""Beside a Tehran Times file: ``news_id,approx_date[,basis]`` rows used to estimate article dates."""


def parse_article_date(value: str | None, tz: str = "UTC") -> tuple[dt.datetime | None, list[str]]:
    """An article date (ISO date or date-time, with or without a zone) to aware UTC, with flags:
    ``date_only`` (midnight in ``tz``), ``assumed_utc``/``assumed_tz:<tz>`` (no zone written),
    ``created_at_missing`` (empty). Raises ValueError for an unreadable value."""
    s = (value or "").strip()
    if not s:
        return None, ["created_at_missing"]
    s = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", s)  # htmldate's %z writes +0300
    moment = dt.datetime.fromisoformat(s)
    flags: list[str] = []
    if moment.tzinfo is None:
        if len(s) <= 10 or (moment.time() == dt.time(0) and "T00:00:00" in s and len(s) == 19):
            flags.append("date_only")
        flags.append(assumed_zone_flag(tz))
        moment = moment.replace(tzinfo=zone(tz))
    return moment.astimezone(UTC), flags


def _article(url: str, site: str | None, created, text: str | None, flags: list[str],
             urls: list[str] | None = None, lang: str | None = None) -> dict[str, Any]:
    urls = [u for u in (urls or []) if u != url]
    return {
        "platform": PLATFORM, "post_id": url, "account_id": site, "account_handle": site,
        "created_at": created, "text": nfc(text) if text else None, "lang": lang, "kind": "original",
        "urls": urls, "domains": link_domains(urls), "hashtags": extract_hashtags(text), "mentions": [],
        "collected": True, "flags": list(dict.fromkeys(flags)),
    }


def _site_account(site: str | None, name: str | None, seen_at) -> list[dict[str, Any]]:
    if not site:
        return []
    return [{"platform": PLATFORM, "account_id": site, "handle": site, "display_name": name or None,
             "last_seen_at": seen_at}]


# -- html-article ------------------------------------------------------------------------------------

@register
class HtmlArticle(Source):
    """One saved HTML article page per file, extracted offline with trafilatura (module docstring)."""

    name = "html-article"
    platform = PLATFORM
    description = "Saved HTML article pages (one article per file), extracted with trafilatura"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.8 for an HTML document with article signs (``<article``, ``og:type`` article,
        ``article:published_time``), 0.5 for other HTML documents; 0.0 otherwise."""
        text = head.lstrip(b"\xef\xbb\xbf").lstrip()[:65536].lower()
        if not (text.startswith(b"<!doctype html") or text.startswith(b"<html")
                or (text.startswith(b"<!--") and b"<html" in text)):
            return 0.0
        signs = (b"<article", b'content="article"', b"article:published_time", b'"newsarticle"')
        return 0.8 if any(s in text for s in signs) else 0.5

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield one Record (or one Bad when no article text, title or URL can be found)."""
        try:
            import trafilatura
        except ImportError:
            raise SourceError(path, "the html-article format needs trafilatura: pip install trafilatura") from None
        zone(options.tz)
        with self.open_binary(path) as fh:
            raw = fh.read()
        html, _, flags = decode_markup(raw)
        params = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True, "extensive_search": False}
        try:
            doc = trafilatura.bare_extraction(html, with_metadata=True, include_links=True,
                                              include_comments=False, date_extraction_params=params)
            plain = trafilatura.bare_extraction(html, with_metadata=False, include_comments=False)
        except (ValueError, TypeError, AttributeError) as exc:  # lxml/trafilatura errors on broken pages
            yield Bad(1, f"trafilatura could not read the page: {exc}", html[:100_000])
            return
        if doc is None:
            yield Bad(1, "no article found by trafilatura (empty or non-article page)", html[:100_000])
            return
        body = (plain.text if plain is not None else None) or doc.text or ""
        title = (doc.title or "").strip()
        text = body if not title or body.startswith(title) else f"{title}\n\n{body}"
        url = (doc.url or "").strip()
        if not url.startswith(("http://", "https://")):
            url = "sha256:" + hashlib.sha256(raw).hexdigest()
            flags.append("post_id_synthesized")
        try:
            created, f = parse_article_date(doc.date, options.tz)
        except ValueError:
            created, f = None, ["created_at_unparseable"]
        links = []
        if doc.body is not None:
            for ref in doc.body.iter("ref"):
                target = (ref.get("target") or "").strip()
                if target.startswith(("http://", "https://")) and target not in links:
                    links.append(target)
        site = registered_domain(url) if url.startswith("http") else (doc.hostname or None)
        post = _article(url, site, created, text.strip() or None, flags + f, links,
                        normalize_lang(doc.language))
        yield Record(1, posts=[post], accounts=_site_account(site, doc.sitename, created))


# -- articles-csv ------------------------------------------------------------------------------------

REQUIRED_CSV = ("url", "publisher", "publish_date", "title", "body_text")


@register
class ArticlesCsv(Source):
    """Article CSVs (ReCOVery layout: ``news_id,url,publisher,publish_date,author,title,...``), plain or
    gzip-compressed; see the module docstring."""

    name = "articles-csv"
    platform = PLATFORM
    description = "News article CSVs (news_id,url,publisher,publish_date,author,title,image,body_text,...)"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.9 when the header line (of the decompressed content for gzip) holds ``url``, ``publisher``,
        ``publish_date``, ``title`` and ``body_text``; 0.0 otherwise."""
        cols = {c.lower() for c in sniff_header(head)}
        return 0.9 if all(c in cols for c in REQUIRED_CSV) else 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record or Bad per CSV record, read by :class:`~ioscope.sources.generic_csv.CsvRecords`
        (``source_line`` = the physical line where the record starts, the header being line 1). Raises
        SourceError for an empty file, an unreadable header or one without the required columns."""
        zone(options.tz)
        with CsvRecords(self, path, ",") as records:
            header = [c.strip().lower() for c in records.header]  # as sniff matches: any case
            missing = [c for c in REQUIRED_CSV if c not in header]
            if missing:
                raise SourceError(path, f"not an article CSV: missing column(s) {', '.join(missing)}", 1)
            for item in records:
                if isinstance(item, Bad):
                    yield item
                    continue
                line, cells, had_nul = item
                yield self._row(header, cells, line, had_nul, options.tz)

    @staticmethod
    def _row(header: list[str], row: list[str], n: int, had_nul: bool, tz: str) -> Record | Bad:
        cells = dict(zip(header, row))
        url = cells["url"].strip()
        if not url:
            return Bad(n, "empty url (the article's key)", raw_record(row))
        try:
            created, flags = parse_article_date(cells["publish_date"], tz)
        except ValueError:
            return Bad(n, f"bad publish_date {cells['publish_date']!r}", raw_record(row))
        title, body = cells["title"].strip(), cells["body_text"].strip()
        text = "\n\n".join(t for t in (title, body) if t) or None
        if had_nul:
            flags.append("had_nul")
        site = registered_domain(url)
        post = _article(url, site, created, text, flags)
        return Record(n, posts=[post], accounts=_site_account(site, cells["publisher"].strip(), created))


# -- tehran-times-jsonl ------------------------------------------------------------------------------

def load_anchors(path: Path) -> list[tuple[int, dt.date]]:
    """``(news_id, date)`` anchors from an ``id_date_anchors.csv`` (columns ``news_id``,
    ``approx_date`` ISO), sorted by id. Raises SourceError for an unreadable file or row."""
    out: list[tuple[int, dt.date]] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for i, row in enumerate(csv.DictReader(fh), 2):
                try:
                    out.append((int(row["news_id"]), dt.date.fromisoformat(row["approx_date"].strip())))
                except (KeyError, ValueError, TypeError, AttributeError) as exc:
                    raise SourceError(path, f"bad anchor row: {exc}", i) from None
    except OSError as exc:
        raise SourceError(path, f"cannot read anchors: {exc}") from exc
    return sorted(set(out))


def estimate_date(news_id: int, anchors: list[tuple[int, dt.date]]) -> tuple[dt.datetime, list[str]]:
    """The day of ``news_id`` by linear interpolation between the two nearest anchors (the outermost
    two beyond the ends), as midnight UTC, and flags (``date_estimated``, plus ``date_extrapolated``
    outside the anchors). One anchor: its date. Requires at least one anchor."""
    flags = ["date_estimated"]
    ids = [a[0] for a in anchors]
    if len(anchors) == 1:
        day = anchors[0][1]
        if news_id != ids[0]:
            flags.append("date_extrapolated")
    else:
        i = bisect.bisect_left(ids, news_id)
        if (i == 0 or i == len(ids)) and news_id not in ids:
            flags.append("date_extrapolated")
        lo, hi = (0, 1) if i == 0 else (len(ids) - 2, len(ids) - 1) if i >= len(ids) else (i - 1, i)
        (id0, d0), (id1, d1) = anchors[lo], anchors[hi]
        days = (d1 - d0).days * (news_id - id0) / (id1 - id0)
        day = d0 + dt.timedelta(days=round(days))
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC), flags


@register
class TehranTimesJsonl(Source):
    """The Tehran Times crawl as JSON lines (optionally gzip); see the module docstring."""

    name = "tehran-times-jsonl"
    platform = PLATFORM
    description = "Tehran Times articles (news_id, slug, title_from_slug, url, text) as JSON lines or .jsonl.gz"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.95 for JSON lines with ``news_id`` and ``title_from_slug`` keys (gzip or not); 0.0 otherwise."""
        text = sniff_head(head)
        return 0.95 if text[:1] == b"{" and b'"news_id"' in text and b'"title_from_slug"' in text else 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record or Bad per line. Dates: see the module docstring (anchors beside the file)."""
        anchor_file = path.parent / ANCHORS_FILE
        anchors = load_anchors(anchor_file) if anchor_file.is_file() else []
        with self.open_binary(path) as fh:
            for line, item in iter_records(fh):
                if isinstance(item, Bad):
                    yield item
                    continue
                yield self._item(item, line, anchors)

    @staticmethod
    def _item(item: Any, line: int, anchors: list) -> Record | Bad:
        if not isinstance(item, dict):
            return Bad(line, "not an article: expected a JSON object", repr(item)[:100_000])
        url = item.get("url")
        if not isinstance(url, str) or not url.strip():
            return Bad(line, "missing url (the article's key)", repr(item)[:100_000])
        url = url.strip()
        flags = ["title_from_slug"]
        news_id = item.get("news_id")
        if isinstance(news_id, str) and news_id.strip().isdigit():
            news_id = int(news_id)
        if anchors and isinstance(news_id, int) and not isinstance(news_id, bool):
            created, f = estimate_date(news_id, anchors)
        else:
            created, f = None, ["created_at_missing"]
        title = item.get("title_from_slug") if isinstance(item.get("title_from_slug"), str) else ""
        body = item.get("text") if isinstance(item.get("text"), str) else ""
        text = "\n\n".join(t.strip() for t in (title, body) if t and t.strip()) or None
        site = registered_domain(url)
        post = _article(url, site, created, text, flags + f, lang="en")
        return Record(line, posts=[post], accounts=_site_account(site, "Tehran Times", created))
