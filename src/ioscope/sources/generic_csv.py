"""Any CSV of posts, driven by a column mapping; also the CSV record reader every CSV source uses.

Format ``csv``. ``options.mapping`` maps canonical columns to the file's columns, e.g.
``{"post_id": "message_id", "created_at": "timestamp", "text": "message"}``. Keys (:data:`MAPPING_KEYS`):

* required: ``post_id``; ``created_at`` (times through :func:`ioscope.timeparse.parse_time`, naive
  values read in ``options.tz`` and flagged ``assumed_utc``, or ``assumed_tz:<zone>``
  when ``options.tz`` is another zone; a time with ``Z``, an offset or epoch seconds is not flagged).
  Map ``created_at`` to ``""`` to state that the file has no time
  column: posts then get a NULL time and the flag ``created_at_missing``;
* optional post columns: ``account_id``, ``account_handle``, ``text``, ``lang``, ``kind``,
  ``ref_post_id``, ``ref_account_id``, ``ref_account_handle``, ``urls``, ``hashtags``, ``mentions``,
  ``like_count``, ``share_count``, ``reply_count``, ``quote_count``, ``view_count``, ``platform`` (a
  per-row platform column; ``options.platform`` wins; default ``"generic"``);
* relation columns, one per kind, whose non-empty value is the referenced post:
  ``repost_of_post_id``, ``quote_of_post_id``, ``reply_to_post_id`` (checked in that order; they set
  ``kind`` and ``ref_post_id``; e.g. twarc-csv's ``referenced_tweets.retweeted.id``, case 05);
* account columns: ``display_name``, ``followers``, ``following``;
* ``group_by`` (an option, not a field): for layouts with **one row per link** (or per hashtag), the
  rows of one post written one after another with the same post ID. Map it to the column mapped to
  ``post_id`` (``--map post_id=message_id --map group_by=message_id``; any other column is a
  ConfigError). Consecutive rows with the same post-ID cell are then one post: the first row's fields,
  with the union of all its rows' ``urls``, ``hashtags`` and ``mentions`` (in row order, each once)
  and the flag ``grouped_rows:<n>``. Every row yields that merged post, so the first row's line is
  stored and the other rows count as duplicates (read = stored + duplicate + quarantined still holds);
  a row that cannot be read is quarantined alone and adds nothing. The rows of a post must be adjacent
  (sort the file by the ID first): a later, separate run of rows of an ID already read is a duplicate
  whose links are not added, and the reader logs a warning naming such IDs. A post whose ID lost
  precision is never grouped (its rows stay apart). Without ``group_by``, a repeated post ID is a
  duplicate row: only its first row's links are kept.

A key that is not in this list, or a column the file lacks, raises ConfigError naming it (a typo is an
error, never a silently empty column). Without a mapping, common names are tried
(:data:`DEFAULT_NAMES`, case-insensitive; the first name of a key's list that the header has wins) and
ConfigError lists the header when no post ID or time column is found. The names tried for the author:
``account_id`` <- ``account_id``, ``user_id``, ``userid``, ``author_id``, ``user_id_str``, ``author.id``;
``account_handle`` <- ``account_handle``, ``screen_name``, ``username``, ``handle``,
``user_screen_name``, ``author.username``, ``user_name``, ``author_username``, ``author_handle``,
``author`` (a bare ``author`` may be a handle or a display name, never trusted as an ID: it fills the
handle only, and ``account_id`` stays NULL unless an ID column is found). The guessed mapping is logged
once per file at INFO on the ``ioscope.sources.generic_csv`` logger (the CLI prints it), e.g.
``csv: p.csv: guessed post_id <- id, created_at <- time, account_handle <- author; not used: views;
no account_id column: posts have no account (give --map account_id=COLUMN)``.
``kind`` values are normalised (``retweet``/``RT``/``share`` -> ``repost``, ...); an
unknown kind quarantines the row. Without kind or relation columns every post is ``original``.
List cells (``urls``, ``hashtags``, ``mentions``) may be JSON or Python lists (``["a","b"]``,
``['a', 'b']``, ``[a, b]``) or separated by whitespace, ``|`` or ``,`` (URLs: ``,`` only before a new
``http``, so a comma inside a URL survives); ``#``/``@`` signs are dropped. Without a list column,
hashtags, mentions and URLs are extracted from the text. IDs are kept as strings (:mod:`ioscope.ids`).
Counts (``*_count``, ``followers``, ``following``) go through :func:`ioscope.ids.parse_count` with
thousands separators accepted (``"1,234"`` -> 1234; beyond 64 bits -> NULL).

Files: ``.csv``, or ``.tsv`` (tab-separated); either may be gzip-compressed (``.csv.gz``: detected by
the gzip magic bytes, whatever the name). Without ``.tsv`` the delimiter is the most frequent of ``,``,
``;`` and tab in the header line.

CSV reading (:class:`CsvRecords`, the one CSV record reader of every CSV source): ``utf-8-sig`` (a BOM
never sticks to a header, case 14), quoted newlines kept (case 12), each record checked alone: invalid
UTF-8 or the wrong number of fields quarantines that record, not the file; NUL bytes are removed and the
row flagged ``had_nul`` (case 12). ``source_line`` is the physical line where the record starts (the
header is line 1), so a quarantined record can be found with an editor.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ioscope.errors import ConfigError, SourceError
from ioscope.ids import clean_id, parse_count
from ioscope.sources.base import (
    Bad, Record, Source, SourceOptions, assumed_zone_flag, gunzip_head, time_is_naive,
)
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, extract_mentions, nfc, normalize_lang, strip_bidi
from ioscope.timeparse import parse_time, zone
from ioscope.urls import extract_urls, is_platform_permalink, link_domains

log = logging.getLogger(__name__)

FIELD_SIZE_LIMIT = 1 << 30
"""Largest CSV field accepted, in characters (the stdlib default of 131,072 is too small for flattened
tweets; raised process-wide, once)."""

POST_KEYS = ("post_id", "created_at", "account_id", "account_handle", "text", "lang", "kind", "ref_post_id",
             "ref_account_id", "ref_account_handle", "urls", "hashtags", "mentions", "like_count",
             "share_count", "reply_count", "quote_count", "view_count", "platform")
RELATION_KEYS = {"repost_of_post_id": "repost", "quote_of_post_id": "quote", "reply_to_post_id": "reply"}
ACCOUNT_KEYS = ("display_name", "followers", "following")
OPTION_KEYS = ("group_by",)
_COUNT_KEYS = ("like_count", "share_count", "reply_count", "quote_count", "view_count")
MAPPING_KEYS = POST_KEYS + tuple(RELATION_KEYS) + ACCOUNT_KEYS + OPTION_KEYS
"""Every key a mapping may use."""

DEFAULT_NAMES: dict[str, tuple[str, ...]] = {
    "post_id": ("post_id", "id_str", "id", "tweet_id", "tweetid", "message_id", "status_id"),
    "created_at": ("created_at", "timestamp", "date", "datetime", "published_at", "publish_date",
                   "tweet_time", "time"),
    "account_id": ("account_id", "user_id", "userid", "author_id", "user_id_str", "author.id"),
    "account_handle": ("account_handle", "screen_name", "username", "handle", "user_screen_name",
                       "author.username", "user_name", "author_username", "author_handle", "author"),
    "text": ("text", "content", "message", "full_text", "tweet_text", "body"),
    "lang": ("lang", "language", "tweet_language"),
    "urls": ("urls", "expanded_urls", "links"),
    "hashtags": ("hashtags",),
    "mentions": ("mentions", "user_mentions"),
    "like_count": ("like_count", "likes", "favorite_count"),
    "share_count": ("share_count", "retweet_count", "shares"),
    "reply_count": ("reply_count",),
    "quote_count": ("quote_count",),
    "repost_of_post_id": ("repost_of_post_id", "repost_id", "retweet_id", "retweet_tweetid",
                          "retweeted_status_id", "referenced_tweets.retweeted.id"),
    "quote_of_post_id": ("quote_of_post_id", "quoted_tweet_tweetid", "quoted_status_id",
                         "referenced_tweets.quoted.id"),
    "reply_to_post_id": ("reply_to_post_id", "reply_id", "in_reply_to_status_id", "in_reply_to_tweetid",
                         "referenced_tweets.replied_to.id"),
    "ref_account_id": ("ref_account_id", "in_reply_to_user_id", "in_reply_to_userid"),
}
"""Column names tried, in order, when no mapping is given."""

KIND_NAMES = {
    "original": "original", "post": "original", "tweet": "original", "status": "original", "": "original",
    "repost": "repost", "retweet": "repost", "retweeted": "repost", "rt": "repost", "r": "repost",
    "share": "repost", "shared": "repost", "reblog": "repost", "boost": "repost", "forward": "repost",
    "quote": "quote", "quoted": "quote", "quote_tweet": "quote", "q": "quote",
    "reply": "reply", "replied_to": "reply", "comment": "reply",
}
"""Kind values accepted (lower-cased, stripped) and the canonical kind each stands for."""

_LIST_SPLIT = re.compile(r"[\s|,]+")
_URL_SPLIT = re.compile(r"[\s|]+|,\s*(?=https?://)", re.IGNORECASE)


class CsvRecords:
    """The records of one CSV file, read with the stdlib ``csv`` module: the one CSV record reader of
    every CSV source (``csv``, ``crowdtangle``, ``crowdtangle-shares``, ``twitter-io-archive``,
    ``twarc-csv``, ``twitter-v1-csv``, ``ira-csv``, ``coortweet``, ``articles-csv``, ``qut-cnt``).

    Use as a context manager: ``with CsvRecords(source, path) as recs: recs.header; for item in recs``.
    ``delimiter``: ``","``, ``";"``, ``"\\t"``, or None (default) to take the one most frequent in the
    header line. The file may be gzip-compressed (detected by its magic bytes, whatever its name).
    ``header``: column names (BOM, surrounding spaces and quotes removed; case 14). Iterating yields,
    per record, ``(line, cells, had_nul)`` or a :class:`Bad`:

    * ``line`` is the record's **physical line number in the file** (1-based; the header is line 1,
      leading blank lines count): for a record whose quoted field spans several lines, the line where
      the record starts — what an analyst opens in an editor;
    * ``cells`` has exactly ``len(header)`` strings, NUL bytes removed (``had_nul`` then True);
    * a Bad for a record with invalid UTF-8 (reason ``invalid UTF-8 bytes in column 'name'``), the wrong
      number of fields (``<n> fields, <w> expected (columns shifted or a quote missing)``), a CSV syntax
      error, or a damaged/truncated gzip stream (the last item; the records before it are kept).

    Blank lines are skipped. Raises SourceError when the file has no header line or its header holds
    bytes that are not UTF-8.
    """

    def __init__(self, source: Source, path: Path, delimiter: str | None = None):
        self.source, self.path, self.delimiter = source, Path(path), delimiter
        self.header: list[str] = []

    def __enter__(self) -> CsvRecords:
        if csv.field_size_limit() < FIELD_SIZE_LIMIT:
            csv.field_size_limit(FIELD_SIZE_LIMIT)
        self._bin = self.source.open_binary(self.path, gunzip=True)
        self._text = io.TextIOWrapper(self._bin, encoding="utf-8-sig", errors="surrogateescape", newline="")
        first, skipped = "", 0
        try:
            for first in self._text:
                if first.strip():
                    break
                skipped += 1
        except (EOFError, OSError, zlib.error) as exc:
            self.close()
            raise SourceError(self.path, f"cannot read the file: {exc}") from None
        if not first.strip():
            self.close()
            raise SourceError(self.path, "no header line (empty CSV file)")
        delimiter = self.delimiter or _guess_delimiter(first)
        self._reader = csv.reader(_chain(first, self._text), delimiter=delimiter)
        try:
            header = next(self._reader)
        except (csv.Error, EOFError, OSError, zlib.error) as exc:
            self.close()
            raise SourceError(self.path, f"unreadable CSV header: {exc}", 1) from None
        self.header = [clean_header_cell(h) for h in header]
        if any(_BAD_BYTES.search(h) for h in self.header):
            self.close()
            raise SourceError(self.path, "the CSV header holds bytes that are not UTF-8")
        self._header_lines = self._reader.line_num + skipped
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (idempotent)."""
        if hasattr(self, "_text"):
            self._text.close()  # closes the binary file under it too
        else:
            self._bin.close()

    def __iter__(self) -> Iterator[tuple[int, list[str], bool] | Bad]:
        reader, width, header = self._reader, len(self.header), self.header
        last, offset = self._header_lines, self._header_lines - reader.line_num
        while True:
            start = last + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                last = reader.line_num + offset
                yield Bad(start, f"CSV syntax error: {exc}", "")
                continue
            except (EOFError, OSError, zlib.error) as exc:
                yield Bad(start, f"gzip stream damaged or truncated: {exc}", "")
                return
            last = reader.line_num + offset
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            joined = "".join(row)
            if not joined.isascii() and _BAD_BYTES.search(joined):
                i = next(i for i, c in enumerate(row) if _BAD_BYTES.search(c))
                column = header[i] if i < width else f"#{i + 1}"
                yield Bad(start, f"invalid UTF-8 bytes in column {column!r}", raw_record(row, reader.dialect))
                continue
            if len(row) != width:
                yield Bad(start, f"{len(row)} fields, {width} expected (columns shifted or a quote missing)",
                          raw_record(row, reader.dialect))
                continue
            if "\x00" in joined:
                yield start, [c.replace("\x00", "") for c in row], True
            else:
                yield start, row, False


_BAD_BYTES = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8, as surrogateescape decodes them


def clean_header_cell(cell: str) -> str:
    """A header cell as a column name: surrounding spaces, a BOM and stray quotes removed (case 14)."""
    return cell.strip().lstrip("\ufeff").strip().strip('"').strip()


def sniff_header(head: bytes) -> list[str]:
    """The header cells of a CSV whose first bytes are ``head`` (for ``sniff``): gzip decompressed as far
    as ``head`` goes, a BOM removed, the first line read as CSV (delimiter as :class:`CsvRecords` guesses
    it) and each cell cleaned by :func:`clean_header_cell`. ``[]`` when unreadable. Never raises."""
    text = gunzip_head(head).decode("utf-8-sig", errors="replace")
    lines = text.lstrip("\r\n").splitlines()
    if not lines:
        return []
    try:
        cells = next(csv.reader([lines[0]], delimiter=_guess_delimiter(lines[0])), [])
    except csv.Error:
        return []
    return [clean_header_cell(c) for c in cells]


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _guess_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def raw_record(row: list[str], dialect: Any = csv.excel) -> str:
    """One record's cells written back as a CSV line (for a quarantined record's ``raw``); invalid bytes
    become U+FFFD."""
    out = io.StringIO()
    csv.writer(out, dialect=dialect, lineterminator="").writerow(row)
    return out.getvalue().encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _handle(value: str | None) -> str | None:
    return (value.lstrip("@＠") or None) if value else None


def parse_list(value: str | None, *, urls: bool = False) -> list[str]:
    """A list cell as a list of non-empty strings (see the module docstring for the accepted shapes).
    ``urls=True`` splits on commas only before ``http(s)://``. Never raises."""
    if value is None:
        return []
    s = value.strip()
    if not s:
        return []
    if s[0] == "[" and s[-1] == "]":
        for parse in (json.loads, ast.literal_eval):
            try:
                parsed = parse(s)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                continue
            if isinstance(parsed, list):
                return [str(x).strip() for x in parsed if x is not None and str(x).strip()]
        s = s[1:-1]
        parts = [p.strip().strip("'\"") for p in s.split(",")]
        return [p for p in parts if p]
    return [p for p in (_URL_SPLIT if urls else _LIST_SPLIT).split(s) if p]


def resolve_mapping(mapping: dict[str, str] | None, header: list[str], path: Path) -> dict[str, int | None]:
    """Validate a mapping against ``header`` and return canonical key -> column index (None: stated
    absent with ``""``). Without a mapping, :data:`DEFAULT_NAMES` are tried. Raises ConfigError for an
    unknown key, a column the file lacks, or a missing post ID/time column."""
    index = {name: i for i, name in enumerate(header)}
    if mapping:
        unknown = sorted(set(mapping) - set(MAPPING_KEYS))
        if unknown:
            raise ConfigError(f"{path}: unknown mapping key(s) {', '.join(map(repr, unknown))}; "
                              f"known keys: {', '.join(MAPPING_KEYS)}")
        resolved: dict[str, int | None] = {}
        for key, column in mapping.items():
            if column == "" or column is None:
                resolved[key] = None
            elif column in index:
                resolved[key] = index[column]
            else:
                raise ConfigError(f"{path}: mapping {key!r} names column {column!r}, which the file lacks; "
                                  f"columns: {', '.join(header)}")
    else:
        lower = {name.lower(): i for i, name in reversed(list(enumerate(header)))}
        resolved = {}
        for key, names in DEFAULT_NAMES.items():
            for name in names:
                if name in lower:
                    resolved[key] = lower[name]
                    break
    for key in ("post_id", "created_at"):
        if key not in resolved or (key == "post_id" and resolved[key] is None):
            how = "give a mapping" if not mapping else f"add {key!r} to the mapping"
            raise ConfigError(f"{path}: no {key} column found ({how}; map created_at to \"\" if the file "
                              f"has no time); columns: {', '.join(header)}")
    return resolved


def describe_guess(cols: dict[str, int | None], header: list[str], path: Path) -> str:
    """One line saying what a mapping guessed from :data:`DEFAULT_NAMES` does with the file's columns:
    ``"csv: <file name>: guessed <key> <- <column>, ...; not used: <column>, ..."``, in the order of
    :data:`DEFAULT_NAMES`, and, when no account column was found, a note that posts have no account
    (so co-action and amplification analyses cannot use them). ``cols`` is what
    :func:`resolve_mapping` returned for ``header``. Never raises."""
    used = [f"{key} <- {header[i]}" for key, i in cols.items() if i is not None]
    taken = {i for i in cols.values() if i is not None}
    unused = [name for i, name in enumerate(header) if i not in taken]
    line = f"csv: {path.name}: guessed {', '.join(used)}"
    if unused:
        line += f"; not used: {', '.join(unused)}"
    if cols.get("account_id") is None:
        line += "; no account_id column: posts have no account (give --map account_id=COLUMN)"
    return line


@register
class GenericCsv(Source):
    """Posts from any CSV through a column mapping (see the module docstring)."""

    name = "csv"
    platform = "generic"
    description = "any CSV of posts, through a column mapping (options.mapping) or common column names"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.1 for a ``.csv``/``.tsv`` file, plain or ``.csv.gz``/``.tsv.gz`` (a fallback: specific CSV
        formats score higher), else 0."""
        return 0.1 if _csv_suffix(path) in (".csv", ".tsv") else 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record (one post, and its account when ``account_id`` is mapped) or a Bad per CSV
        record; with ``group_by``, every row of a group yields the group's merged post (see the module
        docstring). Raises ConfigError for a bad mapping or ``options.tz``, SourceError for an empty
        file."""
        try:
            zone(options.tz)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        delimiter = "\t" if _csv_suffix(path) == ".tsv" else None
        with CsvRecords(self, path, delimiter) as records:
            cols = resolve_mapping(options.mapping, records.header, Path(path))
            if not options.mapping:
                log.info("%s", describe_guess(cols, records.header, Path(path)))
            group_col = cols.pop("group_by", None)
            if group_col is not None and group_col != cols.get("post_id"):
                raise ConfigError(f"{path}: mapping 'group_by' must name the post_id column "
                                  f"({records.header[cols['post_id']]!r}), not "
                                  f"{records.header[group_col]!r}")
            if group_col is None:
                for item in records:
                    if isinstance(item, Bad):
                        yield item
                        continue
                    line, cells, had_nul = item
                    yield self._row(line, cells, had_nul, cols, options)
            else:
                yield from self._grouped(records, group_col, cols, options, Path(path))

    def _grouped(self, records: CsvRecords, group_col: int, cols: dict[str, int | None],
                 options: SourceOptions, path: Path) -> Iterator[Record | Bad]:
        # Consecutive records with the same post-ID cell are one post (one row per link); see docstring.
        group: list[Record | Bad] = []
        key: str | None = None
        done: set[str] = set()
        scattered: list[str] = []
        for item in records:
            if isinstance(item, Bad):
                group.append(item)  # kept in file order, inside the group it interrupts
                continue
            line, cells, had_nul = item
            k = cells[group_col].strip()
            if group and (k != key or not k):
                yield from _merge_group(group)
                if key:
                    done.add(key)
                group = []
            if k and k in done and k != key and len(scattered) < 5:
                scattered.append(f"{k!r} (line {line})")
            key = k
            group.append(self._row(line, cells, had_nul, cols, options))
        yield from _merge_group(group)
        if scattered:
            log.warning("%s: group_by: rows of a post are not adjacent, e.g. %s; a later run of rows of an "
                        "ID already read is a duplicate and its links are not added (sort the file by "
                        "the post ID column first)", path, ", ".join(scattered))

    def _row(self, line: int, cells: list[str], had_nul: bool, cols: dict[str, int | None],
             options: SourceOptions) -> Record | Bad:
        def get(key: str) -> str | None:  # the stripped cell of a mapped key; None when absent or empty
            i = cols.get(key)
            return (cells[i].strip() or None) if i is not None else None

        flags = ["had_nul"] if had_nul else []
        post_id, f = clean_id(get("post_id"), field="post_id")
        if post_id is None:
            return Bad(line, "empty post_id", raw_record(cells))
        flags += f
        created = None
        if cols.get("created_at") is None:
            flags.append("created_at_missing")
        else:
            raw_time = get("created_at")
            if raw_time is None:
                return Bad(line, "empty created_at", raw_record(cells))
            try:
                created = parse_time(raw_time, tz=options.tz)
            except ValueError as exc:
                return Bad(line, f"bad created_at: {exc}", raw_record(cells))
            if time_is_naive(raw_time):
                flags.append(assumed_zone_flag(options.tz))
        platform = options.platform or get("platform") or "generic"
        text = get("text")
        text = nfc(cells[cols["text"]]) if text is not None else None
        kind_raw = get("kind")
        kind = KIND_NAMES.get((kind_raw or "").strip().lower()) if kind_raw is not None else None
        if kind_raw is not None and kind is None:
            return Bad(line, f"unknown kind {kind_raw!r} (expected one of original, repost, quote, reply)",
                       raw_record(cells))
        ref_post_id, f = clean_id(get("ref_post_id"), field="ref_post_id")
        flags += f
        for key, relation in RELATION_KEYS.items():
            rel_id, f = clean_id(get(key), field="ref_post_id")
            if rel_id is not None:
                kind, ref_post_id = kind or relation, ref_post_id or rel_id
                flags += f
                break
        account_id, f = clean_id(get("account_id"), field="account_id")
        ref_account_id, f2 = clean_id(get("ref_account_id"), field="ref_account_id")
        flags += f + f2
        urls = parse_list(get("urls"), urls=True) if "urls" in cols else extract_urls(text)
        urls = [u for u in dict.fromkeys(urls) if not is_platform_permalink(u, platform)]
        hashtags = parse_list(get("hashtags")) if "hashtags" in cols else extract_hashtags(text)
        mentions = parse_list(get("mentions")) if "mentions" in cols else extract_mentions(text)
        post = {
            "platform": platform, "post_id": post_id, "account_id": account_id,
            "account_handle": _handle(get("account_handle")), "created_at": created, "text": text,
            "lang": normalize_lang(get("lang")), "kind": kind or "original", "ref_post_id": ref_post_id,
            "ref_account_id": ref_account_id, "ref_account_handle": _handle(get("ref_account_handle")),
            "urls": urls, "domains": link_domains(urls),
            "hashtags": [nfc(strip_bidi(h)).lstrip("#＃") for h in hashtags if h.lstrip("#＃")],
            "mentions": [m.lstrip("@＠") for m in mentions if m.lstrip("@＠")],
            **{key: parse_count(get(key), thousands=True) for key in _COUNT_KEYS}, "collected": True,
            "flags": list(dict.fromkeys(flags)),
        }
        accounts = []
        if account_id is not None:
            accounts.append({
                "platform": platform, "account_id": account_id, "handle": post["account_handle"],
                "display_name": get("display_name"), "followers": parse_count(get("followers"), thousands=True),
                "following": parse_count(get("following"), thousands=True),
                "last_seen_at": created,
            })
        return Record(line=line, posts=[post], accounts=accounts)


def _csv_suffix(path: Path) -> str:
    # ".csv" for a.csv and a.csv.gz; ".tsv" likewise; else the last suffix.
    suffixes = [x.lower() for x in Path(path).suffixes]
    if len(suffixes) >= 2 and suffixes[-1] == ".gz":
        return suffixes[-2]
    return suffixes[-1] if suffixes else ""


def _merge_group(group: list[Record | Bad]) -> Iterator[Record | Bad]:
    """The records of one ``group_by`` group: every good row yields the merged post (the first row's
    fields; the union of the rows' ``urls``, ``hashtags`` and ``mentions``; flag ``grouped_rows:<n>``
    when n > 1 rows were merged), so the first is stored and the others count as duplicates; a bad row
    stays a Bad. A post whose ID lost precision is never merged (its rows stay apart, as the store
    keeps them)."""
    good = [r for r in group if isinstance(r, Record)]
    if len(good) < 2 or "post_id_lost_precision" in good[0].posts[0]["flags"]:
        yield from group
        return
    first = good[0].posts[0]
    merged = dict(first)
    for col in ("urls", "hashtags", "mentions"):
        merged[col] = list(dict.fromkeys(v for r in good for v in r.posts[0][col]))
    merged["domains"] = link_domains(merged["urls"])
    flags = dict.fromkeys(f for r in good for f in r.posts[0]["flags"])
    merged["flags"] = [*flags, f"grouped_rows:{len(good)}"]
    accounts = good[0].accounts
    for item in group:
        if isinstance(item, Bad):
            yield item
        else:
            yield Record(line=item.line, posts=[dict(merged, urls=list(merged["urls"]),
                                                     domains=list(merged["domains"]),
                                                     flags=list(merged["flags"]))],
                         accounts=[dict(a) for a in accounts])
