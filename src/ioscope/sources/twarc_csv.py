"""twarc-csv's CSV of X API v2 tweets (``twarc2 csv``; DocNow/twarc-csv ``DEFAULT_TWEET_COLUMNS``).

Columns read (any subset; others are ignored): ``id, conversation_id, referenced_tweets.replied_to.id,
referenced_tweets.retweeted.id, referenced_tweets.quoted.id, author_id, in_reply_to_user_id,
in_reply_to_username, retweeted_user_id, retweeted_username, quoted_user_id, quoted_username,
created_at, text, lang, public_metrics.{impression,reply,retweet,quote,like}_count,
edit_history_tweet_ids, entities.{hashtags,mentions,urls}, author.{id,username,name,created_at,
description}, author.public_metrics.{followers,following}_count``. List and object columns are JSON
strings; twarc-csv writes entities processed (``["#tag"]``, ``["@user"]``, ``["https://..."]``) by default
and raw entity objects with ``--no-process-entities``; both are read.

Rules:

* every cell is read as a string (never through a float: case 05, twarc-csv#51). An ID written as a
  float (``1.5876543210987653e+18``, ``1587654321098765400.0``: pandas turned a sparse ID column into
  float64) is flagged ``<field>_lost_precision`` (``post_id``, ``account_id``, ``ref_post_id``,
  ``ref_account_id``); such a reference or account ID is set to NULL so it is never joined on, and a
  post ID in that state is never deduplicated (the store suffixes it);
* ``kind``: ``referenced_tweets.retweeted.id`` -> repost (ref account ``retweeted_user_id``),
  ``.quoted.id`` -> quote (``quoted_user_id``), ``.replied_to.id`` -> reply (``in_reply_to_user_id``);
* text: twarc-csv writes newlines as the two characters ``\\n`` (and drops ``\\r``); they are turned back
  into newlines, then HTML entities are unescaped once and the text is NFC. By default twarc-csv puts the
  retweeted tweet's full text in a retweet's row; a row still in the ``RT @user: ...`` form loses that
  prefix (its handle becomes ``ref_account_handle``) and is flagged ``repost_text_unexpanded``;
* urls: platform permalinks and ``pic.twitter.com`` media links are relations, not links; an empty cell
  is no URL; hashtags/mentions lose their ``#``/``@``; without entity columns they come from the text;
* ``edit_history_tweet_ids`` -> flag ``edit_group:<first id>`` for a later version of an edited post;
* ``created_at`` ISO 8601 with ``Z`` (UTC); a value without a zone (a file edited by hand or by a
  spreadsheet) is read in ``options.tz`` and flagged ``assumed_utc``/``assumed_tz:<zone>``.

Records are read by :class:`ioscope.sources.generic_csv.CsvRecords` (plain or gzip-compressed CSV; a
BOM and quotes around header names are removed, case 14). A row with a wrong number of cells, invalid
UTF-8, no ``id`` or an unparsable ``created_at`` becomes a :class:`Bad`; NUL bytes are removed (flag
``had_nul``). ``source_line`` is the physical line where the record starts (header = line 1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ioscope.errors import ConfigError, SourceError
from ioscope.ids import clean_id
from ioscope.ids import parse_count as _count
from ioscope.sources.base import Bad, Record, Source, SourceOptions, assumed_zone_flag, time_is_naive
from ioscope.sources.generic_csv import CsvRecords, raw_record, sniff_header
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, extract_mentions, nfc, normalize_lang, unescape_once
from ioscope.timeparse import parse_time, zone
from ioscope.urls import is_platform_permalink, link_domains, pick_expanded

PLATFORM = "twitter"
_RT_PREFIX = re.compile(r"^RT @([A-Za-z0-9_]{1,50}): ?")
_MEDIA_PREFIX = re.compile(r"^(?:https?://)?pic\.(?:twitter|x)\.com/", re.I)
_REFS = (  # (kind, id column, user-id column, username column), in order of precedence
    ("repost", "referenced_tweets.retweeted.id", "retweeted_user_id", "retweeted_username"),
    ("quote", "referenced_tweets.quoted.id", "quoted_user_id", "quoted_username"),
    ("reply", "referenced_tweets.replied_to.id", "in_reply_to_user_id", "in_reply_to_username"),
)
_MARKERS = ("referenced_tweets.", "public_metrics.", "author.", "entities.", "__twarc.", "conversation_id")


def _json_list(cell: str) -> tuple[list[Any] | None, bool]:
    """A JSON list cell: ``(items, ok)``; empty cell -> ``([], True)``; not a JSON list -> ``(None, False)``."""
    s = cell.strip()
    if not s:
        return [], True
    try:
        value = orjson.loads(s)
    except orjson.JSONDecodeError:
        return None, False
    return (value, True) if isinstance(value, list) else (None, False)


def _entity_strings(items: list[Any], key: str, sign: str) -> list[str]:
    out = []
    for item in items:
        value = item.get(key) if isinstance(item, dict) else item
        if isinstance(value, str) and value.strip():
            out.append(nfc(value.strip().removeprefix(sign)))
    return out


@register
class TwarcCsv(Source):
    """Reader of twarc-csv output (``twarc2 csv``): one :class:`Record` per data row.

    Options: none used (``created_at`` carries its zone). Raises SourceError when the header lacks ``id``.
    Sources: DocNow/twarc-csv ``dataframe_converter.py`` (column list, entity processing, newline escape);
    case 05 (float IDs).
    """

    name = "twarc-csv"
    platform = PLATFORM
    description = "twarc-csv CSV of X API v2 tweets (twarc2 csv)"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.9 when the header has ``id`` and ``author_id`` (or ``author.id``) and twarc-csv's dotted
        column names (``referenced_tweets.``, ``public_metrics.``, ``author.``, ...); else 0."""
        cols = set(sniff_header(head))
        if "id" not in cols or not ({"author_id", "author.id"} & cols):
            return 0.0
        hits = sum(any(c.startswith(m) for c in cols) for m in _MARKERS)
        return 0.9 if hits >= 2 else 0.6 if hits == 1 else 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record or Bad per CSV record, in file order, at the physical line where the record
        starts (header = line 1); the file may be gzip-compressed (see the module docstring)."""
        try:
            zone(options.tz)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        with CsvRecords(self, path, ",") as records:
            cols = records.header
            if "id" not in cols:
                raise SourceError(path, "not a twarc-csv file: no 'id' column", 1)
            idx = {c: i for i, c in enumerate(cols) if c}
            for item in records:
                if isinstance(item, Bad):
                    yield item
                    continue
                line, cells, had_nul = item
                yield self._row(line, {c: cells[i] for c, i in idx.items()}, cells, had_nul, options.tz)

    def _row(self, n: int, row: dict[str, str], cells: list[str], had_nul: bool,
             tz: str = "UTC") -> Record | Bad:
        def g(col: str) -> str:
            return row.get(col, "") or ""

        flags: list[str] = ["had_nul"] if had_nul else []

        def join_id(value: str, field: str) -> str | None:
            ident, fl = clean_id(value, field=field)
            flags.extend(f for f in fl if f not in flags)
            return None if any(f.endswith("_lost_precision") for f in fl) else ident

        post_id, fl = clean_id(g("id"), field="post_id")
        flags.extend(fl)
        if post_id is None:
            return Bad(n, "id: empty", raw_record(cells))
        try:
            created_at = parse_time(g("created_at"), tz=tz) if g("created_at").strip() else None
        except ValueError as exc:
            return Bad(n, f"created_at: {exc}", raw_record(cells))
        if created_at is not None and time_is_naive(g("created_at")):
            flags.append(assumed_zone_flag(tz))
        if created_at is None:
            flags.append("created_at_missing")
        account_id = join_id(g("author_id") or g("author.id"), "account_id")

        kind, ref_post_id, ref_account_id, ref_handle = "original", None, None, None
        for k, id_col, user_col, name_col in _REFS:
            if g(id_col).strip():
                kind = k
                ref_post_id = join_id(g(id_col), "ref_post_id")
                ref_account_id = join_id(g(user_col), "ref_account_id")
                ref_handle = g(name_col).strip() or None
                break
        if kind == "original" and g("in_reply_to_user_id").strip():
            kind = "reply"  # a reply whose target tweet ID was not written
            ref_account_id = join_id(g("in_reply_to_user_id"), "ref_account_id")
            ref_handle = g("in_reply_to_username").strip() or None

        text = nfc(unescape_once(g("text").replace("\\n", "\n")))
        rt_handle = None
        if kind == "repost":
            m = _RT_PREFIX.match(text)
            if m:
                rt_handle, text = m.group(1), text[m.end():]
                ref_handle = ref_handle or rt_handle
                flags.append("repost_text_unexpanded")

        urls: list[str] = []
        if "entities.urls" in row:
            items, ok = _json_list(g("entities.urls"))
            if not ok:
                flags.append("urls_unparsed")
            for item in items or []:
                url = pick_expanded(item) if isinstance(item, dict) else (item.strip() if isinstance(item, str) else None)
                if url and not _MEDIA_PREFIX.match(url) and not is_platform_permalink(url, PLATFORM):
                    urls.append(url)
        hashtags = self._entities(row, "entities.hashtags", "tag", "#", flags)
        mentions = self._entities(row, "entities.mentions", "username", "@", flags)
        if hashtags is None:
            hashtags = extract_hashtags(text)
        if mentions is None:
            mentions = extract_mentions(text)
        if rt_handle and mentions and mentions[0].lower() == rt_handle.lower():
            mentions = mentions[1:]

        history, _ = _json_list(g("edit_history_tweet_ids"))
        if history and (len(history) > 1 or str(history[0]) != post_id):
            flags.append(f"edit_group:{history[0]}")

        def metric(key: str) -> int | None:
            # On a retweet these are the original's counts (twarc-csv merges them): they belong to it.
            return None if kind == "repost" else _count(g(f"public_metrics.{key}"))

        post = {
            "platform": PLATFORM, "post_id": post_id, "account_id": account_id,
            "account_handle": g("author.username").strip() or None, "created_at": created_at,
            "text": text, "lang": normalize_lang(g("lang")), "kind": kind,
            "ref_post_id": ref_post_id, "ref_account_id": ref_account_id, "ref_account_handle": ref_handle,
            "urls": urls, "domains": link_domains(urls), "hashtags": hashtags, "mentions": mentions,
            "like_count": metric("like_count"),
            "share_count": metric("retweet_count"),
            "reply_count": metric("reply_count"),
            "quote_count": metric("quote_count"),
            "view_count": metric("impression_count"),
            "collected": True, "flags": flags,
        }
        accounts = []
        if account_id:
            try:
                acc_created = parse_time(g("author.created_at")) if g("author.created_at").strip() else None
            except ValueError:
                acc_created = None
            desc = g("author.description")
            accounts.append({
                "platform": PLATFORM, "account_id": account_id, "handle": post["account_handle"],
                "display_name": nfc(g("author.name")) or None, "created_at": acc_created,
                "followers": _count(g("author.public_metrics.followers_count")),
                "following": _count(g("author.public_metrics.following_count")),
                "description": nfc(unescape_once(desc.replace("\\n", "\n"))) or None,
                "last_seen_at": created_at,
            })
        return Record(n, [post], accounts)

    @staticmethod
    def _entities(row: dict[str, str], col: str, key: str, sign: str, flags: list[str]) -> list[str] | None:
        if col not in row:
            return None
        items, ok = _json_list(row[col])
        if not ok:
            flags.append(f"{col.split('.')[-1]}_unparsed")
            return None
        return _entity_strings(items, key, sign)

