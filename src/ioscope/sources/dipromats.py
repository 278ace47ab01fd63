"""The DIPROMATS 2023 diplomats' tweets (Moral et al. 2023, IberLEF), into canonical posts and actors.

Format ``dipromats``, platform ``twitter``. Reference: the dataset's ``README_EN.md`` ("Files format")
and Moral, P., Marco, G., Gonzalo, J., Carrillo-de-Albornoz, J., Gonzalo-Verdugo, I. (2023), Overview
of DIPROMATS 2023, *Procesamiento del Lenguaje Natural* 71, 397-407. Tweets of 2020 by diplomats,
embassies, ministries and authorities of China, Russia, the USA and the EU, in English and Spanish.

Files: one JSON array of objects per file (``train_t1_en.json``, ``val_t3_es.json``, ...), read
through :mod:`ioscope.sources._jsonfile` (a gzip copy or JSON lines are read too). The record number
(``source_line``) is the object's 1-based position in the array. The task 1, 2 and 3 files of one
split hold the same tweets with different labels: ingesting them all stores each tweet once (the
store keys posts by ID). Mapping, per object:

* post_id = ``tweet_id`` (a JSON integer), as its digits. Integers above 2**53 are normally flagged
  ``post_id_lost_precision`` by :func:`ioscope.ids.clean_id` because a JSON writer may have rounded
  them; not here: the integers are parsed exactly (no float on the way), and the release was checked
  whole (14,528 distinct tweets): every ID's Twitter snowflake time equals its ``UTC`` field to the
  second, and of the 6,083 IDs divisible by 256, 6,078 are divisible by 4,096 (snowflake sequence 0),
  where IDs rounded through a 64-bit float would be multiples of 256 but of 4,096 only one time in
  16. A ``tweet_id`` written as a float or a string in scientific notation is flagged as usual.
* account_id = ``"dipromats:" + user_name.casefold()``: the files carry handles (lower case), no
  account IDs; the prefix keeps the stand-in from ever meeting a real Twitter user ID (as ``ira:``);
  account_handle = ``user_name``.
* created_at = ``UTC`` (``2020-08-05 16:02:48+00:00``, offset given; a time without an offset is
  read as UTC and flagged ``assumed_utc``).
* kind from ``tweet_type``: ``Tweet`` -> ``original``, ``Retweet`` -> ``repost``, ``quoted`` ->
  ``quote``, ``Reply`` -> ``reply`` (case-insensitive); the referenced tweet and its author are not in
  the files, so ``ref_*`` stay NULL. A retweet's ``text`` is the retweeted text without the
  ``RT @user:`` prefix (it usually starts with a space), as the schema wants.
* text = ``text``, HTML entities unescaped once (the files keep Twitter's ``&amp;``), NFC; hashtags,
  mentions and URLs (the ``t.co`` links as written; no domain) extracted from it; lang =
  ``language`` (``en``/``es``).
* Not mapped (no canonical column): ``country`` (see :func:`actor_rows`), ``rts&fav`` (retweets
  *plus* likes: neither count alone), ``value`` (the propaganda labels), the dataset's own ``id``.

A record that is not an object, lacks ``tweet_id``, ``user_name`` or ``UTC`` (the test files hold only
``id`` and ``text``), has an unreadable ``UTC`` or an unknown ``tweet_type`` is quarantined; the rest of
the file keeps loading.

Actors: :func:`actor_rows` reads the same files and gives one ``actors`` row per account: country
``CN``/``RU``/``US``/``EU`` from ``country``, actor_type ``diplomat`` (the files do not tell ministries,
embassies and heads of state apart), overt. ``ioscope actors-from dipromats FILE... --out actors.csv``
writes them as an actors CSV for ``ioscope actors`` / ``ingest --actors``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ioscope.errors import SourceError
from ioscope.ids import clean_id
from ioscope.sources._jsonfile import iter_records, raw_json, sniff_head
from ioscope.sources.base import ASSUMED_UTC_FLAG, Bad, Record, Source, SourceOptions
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, extract_mentions, nfc, normalize_lang, unescape_tweet_text
from ioscope.timeparse import parse_time
from ioscope.urls import extract_urls, link_domains

PLATFORM = "twitter"
ACCOUNT_PREFIX = "dipromats:"
KINDS = {"tweet": "original", "retweet": "repost", "quoted": "quote", "reply": "reply"}
"""``tweet_type`` (lower-cased) -> canonical ``kind``."""
COUNTRIES = {"china": "CN", "russia": "RU", "usa": "US", "european union": "EU"}
"""``country`` (lower-cased) -> the actor's ISO 3166 alpha-2 code (``EU`` for the European Union)."""
_OFFSET = re.compile(r"(?:[+-]\d{2}:?\d{2}|Z)$")
ACTOR_SOURCE = "DIPROMATS 2023 (Moral et al. 2023, Procesamiento del Lenguaje Natural 71)"


def account_id_of(user_name: str) -> str:
    """The canonical account ID of a DIPROMATS ``user_name``: ``"dipromats:" + casefold``."""
    return ACCOUNT_PREFIX + user_name.strip().casefold()


def record_to_post(rec: Any, line: int) -> Record | Bad:
    """One DIPROMATS JSON object -> a Record (one post, one account) or a Bad with the reason."""
    if not isinstance(rec, dict):
        return Bad(line, f"not a JSON object: {type(rec).__name__}", repr(rec)[:1000])
    user, utc, raw_id = rec.get("user_name"), rec.get("UTC"), rec.get("tweet_id")
    if not (isinstance(user, str) and user.strip()) or utc in (None, "") or raw_id in (None, ""):
        return Bad(line, "tweet_id, user_name and UTC are required (a DIPROMATS test file holds only "
                         "id and text)")
    flags: list[str] = []
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        post_id = str(raw_id)  # an exact JSON integer (module docstring)
    else:
        post_id, f = clean_id(raw_id, field="post_id")
        flags += f
        if post_id is None:
            return Bad(line, f"tweet_id is not an ID: {raw_id!r}")
    try:
        created = parse_time(utc)
    except ValueError as exc:
        return Bad(line, f"bad UTC: {exc}")
    if isinstance(utc, str) and not _OFFSET.search(utc.strip()):
        flags.append(ASSUMED_UTC_FLAG)  # the field is named UTC; the files always give +00:00
    tweet_type = rec.get("tweet_type")
    kind = KINDS.get(tweet_type.strip().lower()) if isinstance(tweet_type, str) else None
    if kind is None:
        return Bad(line, f"unknown tweet_type {tweet_type!r} (expected Tweet, Retweet, quoted or Reply)")
    raw_text = rec.get("text")
    text = None
    if isinstance(raw_text, str):
        text, double = unescape_tweet_text(raw_text.replace("\x00", ""))
        text = nfc(text)
        if double:
            flags.append("double_escaped")
        if "\x00" in raw_text:
            flags.append("had_nul")
    lang = rec.get("language")
    urls = extract_urls(text)
    handle = user.strip()
    account_id = account_id_of(handle)
    post = {
        "platform": PLATFORM, "post_id": post_id, "account_id": account_id, "account_handle": handle,
        "created_at": created, "text": text, "lang": normalize_lang(lang) if isinstance(lang, str) else None,
        "kind": kind, "urls": urls, "domains": link_domains(urls), "hashtags": extract_hashtags(text),
        "mentions": extract_mentions(text), "collected": True, "flags": flags,
    }
    account = {"platform": PLATFORM, "account_id": account_id, "handle": handle, "last_seen_at": created}
    return Record(line=line, posts=[post], accounts=[account])


@register
class Dipromats(Source):
    """DIPROMATS 2023 JSON files (see the module docstring for the mapping)."""

    name = "dipromats"
    platform = PLATFORM
    description = "DIPROMATS 2023 diplomats' tweets (IberLEF; CN/RU/US/EU, 2020): the JSON task files"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.95 for JSON holding ``"test_case": "DIPROMATS20..."`` or the keys ``"rts&fav"`` and
        ``"tweet_type"``; 0.0 otherwise."""
        text = sniff_head(head)
        if text[:1] not in (b"[", b"{"):
            return 0.0
        if b'"test_case"' in text and b'"DIPROMATS20' in text:
            return 0.95
        return 0.95 if b'"rts&fav"' in text and b'"tweet_type"' in text else 0.0

    def actor_rows(self, paths: list[Path]) -> list[dict[str, Any]]:
        """The accounts of ``paths`` as actors (see :func:`actor_rows`)."""
        return actor_rows(paths)

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record or Bad per array element. ``options`` is not used: times carry their offset."""
        with self.open_binary(path) as fh:
            for line, item in iter_records(fh):
                if isinstance(item, Bad):
                    yield item
                    continue
                rec = record_to_post(item, line)
                if isinstance(rec, Bad) and not rec.raw:
                    rec.raw = raw_json(item)
                yield rec


def actor_rows(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """One ``actors`` row per account of the DIPROMATS files ``paths``, sorted by handle.

    Columns (:data:`ioscope.schema.ACTORS`): platform ``twitter``, account_id (``dipromats:<handle>``),
    handle, name (= handle), country (``CN``, ``RU``, ``US``, ``EU``; None for another value), actor_type
    ``diplomat``, overt True, source (the dataset paper). An account listed under two countries keeps
    the first seen. Records that are not readable objects with a ``user_name`` are skipped (the ingest
    quarantines them). Raises SourceError when a file cannot be opened.
    """
    out: dict[str, dict[str, Any]] = {}
    for path in paths:
        path = Path(path)
        try:
            fh = open(path, "rb")
        except OSError as exc:
            raise SourceError(path, f"cannot open: {exc.strerror or exc}") from exc
        with fh:
            for _, item in iter_records(fh):
                if not isinstance(item, dict) or not isinstance(item.get("user_name"), str):
                    continue
                handle = item["user_name"].strip()
                if not handle or handle.casefold() in out:
                    continue
                country = item.get("country")
                out[handle.casefold()] = {
                    "platform": PLATFORM, "account_id": account_id_of(handle), "handle": handle,
                    "name": handle,
                    "country": COUNTRIES.get(country.strip().lower()) if isinstance(country, str) else None,
                    "actor_type": "diplomat", "overt": True, "source": ACTOR_SOURCE,
                }
    return [out[k] for k in sorted(out)]
