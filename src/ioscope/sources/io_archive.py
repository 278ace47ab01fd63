"""Twitter's information-operations archive (state-linked takedown releases), tweets CSV.

Header (exact release names; matched exactly after removing a BOM, surrounding quotes and spaces; case
14): ``tweetid, userid, user_display_name, user_screen_name, user_reported_location,
user_profile_description, user_profile_url, follower_count, following_count, account_creation_date,
account_language, tweet_language, tweet_text, tweet_time, tweet_client_name, in_reply_to_userid,
in_reply_to_tweetid, quoted_tweet_tweetid, is_retweet, retweet_userid, retweet_tweetid, latitude,
longitude, quote_count, reply_count, like_count, retweet_count, hashtags, urls, user_mentions,
poll_choices`` (``poll_choices`` is absent in older releases). ``tweetid`` and ``userid`` are required
(SourceError otherwise). Unknown columns (e.g. a misspelt ``retweet_user_id``) and missing known
columns are logged as a warning naming them (with the closest known name); a post whose row lacks a
column that feeds a canonical field is flagged ``header_incomplete``, so no field is silently empty
because of a name mismatch (case 15).

Mapping (case 15):

* IDs are strings. ``userid`` is a 64-hex hash for accounts with fewer than 5,000 followers and the
  numeric ID otherwise (the release notes: "we have hashed certain identifying fields (such as user ID
  and screen name)"); both are kept as found, and a hashed author (``userid`` not all digits) is flagged
  ``account_hashed``: its ``user_screen_name`` is the same hash. Hashes are stable within one release
  only; do not join hashed IDs across releases;
* ``tweet_time`` ``YYYY-MM-DD HH:MM`` has no zone; the release notes say UTC, and it is read in
  ``options.tz`` (default UTC) and flagged ``assumed_utc`` (or ``assumed_tz:<zone>`` when
  another zone was given), plus ``created_at_minute_precision`` when it has no seconds;
* ``is_retweet``: ``true``/``false`` in any case (``True``, ``false``); anything else is NULL with flag
  ``is_retweet_unparsed``. A retweet needs ``retweet_tweetid``; ``is_retweet`` true without it is
  flagged ``is_retweet_inconsistent`` and gets no repost edge (it may still be a reply or quote);
* ``kind``: repost (``retweet_tweetid``, ``retweet_userid``) > quote (``quoted_tweet_tweetid``) > reply
  (``in_reply_to_tweetid``, ``in_reply_to_userid``);
* list columns ``hashtags``, ``urls``, ``user_mentions`` come in several encodings: ``[a, b]``,
  ``['a', 'b']``, ``["a","b"]``, Python 2 ``[u'\\u0422']``, ``[]`` or an empty cell. A quoted list is read
  with ``ast.literal_eval`` (which handles ``u''`` and ``\\u`` escapes); an unquoted one is split on
  commas, ``urls`` only at a comma followed by ``http`` (``?x=1,2`` stays one URL). An unreadable list
  falls back to splitting and is flagged ``<column>_unparsed``;
* ``mentions`` are the ``user_mentions`` values, which in this archive are account IDs (hashed or
  numeric), not handles (for a hashed account the two are the same hash);
* ``tweet_text`` is unescaped once (Twitter escapes ``& < >``) and NFC; a retweet's ``RT @user: `` prefix
  is removed (flag ``repost_text_unexpanded``), as the original tweet is usually not in the release;
* counts ``like_count``, ``retweet_count`` (share), ``reply_count``, ``quote_count``; an account from
  ``user_display_name``, ``account_creation_date``, ``follower_count``, ``following_count``,
  ``user_profile_description``.

Records are read by :class:`ioscope.sources.generic_csv.CsvRecords` (plain or gzip-compressed CSV).
Rows with a wrong number of cells, invalid UTF-8, no ``tweetid`` or an unparsable ``tweet_time`` are
:class:`Bad`; NUL bytes are removed (flag ``had_nul``). ``source_line`` is the physical line where the
record starts (header = line 1).
"""

from __future__ import annotations

import ast
import difflib
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from ioscope.errors import SourceError
from ioscope.ids import clean_id
from ioscope.ids import parse_count as _count
from ioscope.sources.base import Bad, Record, Source, SourceOptions, assumed_zone_flag
from ioscope.sources.registry import register
from ioscope.sources.generic_csv import CsvRecords, raw_record, sniff_header
from ioscope.textnorm import nfc, normalize_lang, unescape_once
from ioscope.timeparse import parse_time
from ioscope.urls import is_platform_permalink, link_domains

log = logging.getLogger(__name__)

PLATFORM = "twitter"
COLUMNS = (
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
    "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
    "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions", "poll_choices",
)
"""The release header, in order."""
REQUIRED = ("tweetid", "userid")
MAPPED = (
    "user_screen_name", "tweet_text", "tweet_time", "tweet_language", "in_reply_to_userid",
    "in_reply_to_tweetid", "quoted_tweet_tweetid", "is_retweet", "retweet_userid", "retweet_tweetid",
    "hashtags", "urls", "user_mentions", "like_count", "retweet_count", "reply_count", "quote_count",
)
"""Columns that feed canonical post fields: a file without one of them flags its posts."""

_RT_PREFIX = re.compile(r"^RT @([^\s:]{1,64}): ?")
_URL_SPLIT = re.compile(r",\s*(?=https?://)", re.I)
_MINUTES = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}$")


def parse_bool(value: str) -> bool | None:
    """``true``/``false`` in any case (surrounding spaces ignored) -> bool; anything else -> None."""
    s = value.strip().lower()
    return True if s == "true" else False if s == "false" else None


def parse_list(cell: str, *, urls: bool = False) -> tuple[list[str], bool]:
    """Read one list cell of the archive: ``(items, ok)``.

    Empty cell, ``[]``, ``nan`` -> ``([], True)``. ``['a', 'b']``/``["a","b"]``/``[u'\\u0422']`` ->
    ``ast.literal_eval``. ``[a, b]`` (or a bare ``a, b``) -> split on commas (for ``urls=True`` only where
    the next item starts with ``http``), items stripped of spaces and quotes. ``ok`` is False when a
    quoted list could not be evaluated (the split fallback was used) or the brackets do not close.
    """
    s = cell.strip()
    if not s or s in ("[]", "nan", "NaN", "None", "null"):
        return [], True
    ok = True
    if s.startswith("[") and ("'" in s or '"' in s):
        try:
            value = ast.literal_eval(s)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            value = None
        if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int)) for v in value):
            return [nfc(str(v).strip()) for v in value if str(v).strip()], True
        ok = False
    inner = s
    if inner.startswith("["):
        if inner.endswith("]"):
            inner = inner[1:-1]
        else:
            ok, inner = False, inner[1:]
    parts = _URL_SPLIT.split(inner) if urls else inner.split(",")
    items = []
    for part in parts:
        item = part.strip()
        if len(item) >= 2 and item[0] == item[-1] and item[0] in "'\"":
            item = item[1:-1].strip()
        if item:
            items.append(nfc(item))
    return items, ok


@register
class IoArchive(Source):
    """Reader of the Twitter information-operations archive tweets CSV: one Record per data row.

    Options: ``tz`` — zone of the naive ``tweet_time`` (default and per the release notes ``"UTC"``).
    Raises SourceError when the header lacks ``tweetid`` or ``userid``. Source: Twitter's IO archive
    release notes and readme; case 15; case 14 (BOM).
    """

    name = "twitter-io-archive"
    platform = PLATFORM
    description = "Twitter information-operations archive (state-linked takedowns) tweets CSV"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.95 when the header holds ``tweetid`` and ``userid`` and only release column names, 0.85 when
        it holds both and at least one other release column among unknown ones; else 0."""
        cols = set(sniff_header(head))
        if not set(REQUIRED) <= cols:
            return 0.0
        known = cols & set(COLUMNS)
        if known == cols and len(known) >= 3:
            return 0.95
        return 0.85 if len(known) >= 3 else 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record or Bad per CSV record, in file order, at the physical line where the record
        starts (header = line 1); the file may be gzip-compressed (see the module docstring)."""
        with CsvRecords(self, path, ",") as records:
            cols = records.header
            missing_req = [c for c in REQUIRED if c not in cols]
            if missing_req:
                raise SourceError(path, f"not an IO archive tweets file: no {', '.join(missing_req)} column", 1)
            self._report_header(path, cols)
            incomplete = any(c not in cols for c in MAPPED)
            idx = {c: i for i, c in enumerate(cols) if c in COLUMNS}
            for item in records:
                if isinstance(item, Bad):
                    yield item
                    continue
                line, cells, had_nul = item
                yield self._row(line, {c: cells[i] for c, i in idx.items()}, cells, options, incomplete,
                                had_nul)

    @staticmethod
    def _report_header(path: Path, cols: list[str]) -> None:
        unknown = [c for c in cols if c not in COLUMNS]
        missing = [c for c in COLUMNS if c not in cols and c != "poll_choices"]
        for c in unknown:
            close = difflib.get_close_matches(c, COLUMNS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            log.warning("%s: unknown IO archive column %r ignored%s", path, c, hint)
        if missing:
            log.warning("%s: IO archive columns missing, their fields stay NULL: %s", path, ", ".join(missing))

    def _row(self, n: int, row: dict[str, str], cells: list[str], options: SourceOptions, incomplete: bool,
             had_nul: bool) -> Record | Bad:
        def g(col: str) -> str:
            return row.get(col, "") or ""

        flags: list[str] = ["header_incomplete"] if incomplete else []
        if had_nul:
            flags.append("had_nul")

        def join_id(value: str, field: str) -> str | None:
            ident, fl = clean_id(value, field=field)
            flags.extend(f for f in fl if f not in flags)
            return None if any(f.endswith("_lost_precision") for f in fl) else ident

        post_id, fl = clean_id(g("tweetid"), field="post_id")
        flags.extend(fl)
        if post_id is None:
            return Bad(n, "tweetid: empty", raw_record(cells))
        created_at = None
        tweet_time = g("tweet_time").strip()
        if tweet_time:
            try:
                created_at = parse_time(tweet_time, tz=options.tz)
            except ValueError as exc:
                return Bad(n, f"tweet_time: {exc}", raw_record(cells))
            flags.append(assumed_zone_flag(options.tz))
            if _MINUTES.match(tweet_time):
                flags.append("created_at_minute_precision")
        else:
            flags.append("created_at_missing")
        account_id = join_id(g("userid"), "account_id")
        if account_id and not account_id.isdigit():
            flags.append("account_hashed")

        is_retweet = parse_bool(g("is_retweet"))
        if is_retweet is None and g("is_retweet").strip():
            flags.append("is_retweet_unparsed")
        kind, ref_post_id, ref_account_id = "original", None, None
        if g("retweet_tweetid").strip():
            kind = "repost"
            ref_post_id = join_id(g("retweet_tweetid"), "ref_post_id")
            ref_account_id = join_id(g("retweet_userid"), "ref_account_id")
        elif g("quoted_tweet_tweetid").strip():
            kind, ref_post_id = "quote", join_id(g("quoted_tweet_tweetid"), "ref_post_id")
        elif g("in_reply_to_tweetid").strip() or g("in_reply_to_userid").strip():
            kind = "reply"
            ref_post_id = join_id(g("in_reply_to_tweetid"), "ref_post_id")
            ref_account_id = join_id(g("in_reply_to_userid"), "ref_account_id")
        if is_retweet and kind != "repost":
            flags.append("is_retweet_inconsistent")
        if is_retweet is False and kind == "repost":
            flags.append("is_retweet_inconsistent")

        text = nfc(unescape_once(g("tweet_text")))
        ref_handle = None
        if kind == "repost":
            m = _RT_PREFIX.match(text)
            if m:
                ref_handle, text = m.group(1), text[m.end():]
                flags.append("repost_text_unexpanded")

        hashtags, ok = parse_list(g("hashtags"))
        if not ok:
            flags.append("hashtags_unparsed")
        hashtags = [h.lstrip("#＃") for h in hashtags if h.lstrip("#＃")]
        urls, ok = parse_list(g("urls"), urls=True)
        if not ok:
            flags.append("urls_unparsed")
        urls = [u for u in urls if not is_platform_permalink(u, PLATFORM)]
        mentions, ok = parse_list(g("user_mentions"))
        if not ok:
            flags.append("user_mentions_unparsed")
        mentions = [m.lstrip("@＠") for m in mentions if m.lstrip("@＠")]

        handle = g("user_screen_name").strip() or None
        post = {
            "platform": PLATFORM, "post_id": post_id, "account_id": account_id, "account_handle": handle,
            "created_at": created_at, "text": text, "lang": normalize_lang(g("tweet_language")),
            "kind": kind, "ref_post_id": ref_post_id, "ref_account_id": ref_account_id,
            "ref_account_handle": ref_handle, "urls": urls, "domains": link_domains(urls),
            "hashtags": hashtags, "mentions": mentions,
            "like_count": _count(g("like_count")), "share_count": _count(g("retweet_count")),
            "reply_count": _count(g("reply_count")), "quote_count": _count(g("quote_count")),
            "view_count": None, "collected": True, "flags": flags,
        }
        accounts = []
        if account_id:
            try:
                acc_created = parse_time(g("account_creation_date"), tz=options.tz) \
                    if g("account_creation_date").strip() else None
            except ValueError:
                acc_created = None
            accounts.append({
                "platform": PLATFORM, "account_id": account_id, "handle": handle,
                "display_name": nfc(g("user_display_name").strip()) or None, "created_at": acc_created,
                "followers": _count(g("follower_count")), "following": _count(g("following_count")),
                "description": nfc(unescape_once(g("user_profile_description"))) or None,
                "last_seen_at": created_at,
            })
        return Record(n, [post], accounts)
