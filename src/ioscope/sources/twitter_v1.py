"""X/Twitter API v1.1 tweet objects: JSON lines, or one JSON array, into canonical posts.

Format ``twitter-v1``, platform ``twitter``. Reference: Twitter API v1.1 "Tweet object" and "Extended
Tweets" docs; the cases named below are in ``../shared/cases``.

Mapping (:func:`tweet_to_record`, shared with the flattened-CSV reader ``twitter-v1-csv``):

* **kind**: ``repost`` when ``retweeted_status`` is present (ref = the original and its author); else
  ``quote`` when ``is_quote_status`` is true, a ``quoted_status``/``quoted_status_id_str`` is present,
  or a URL is a permalink to another tweet (ref from ``quoted_status``, else ``quoted_status_id_str``,
  else the permalink's id and handle; flag ``quoted_status_missing`` when the object is absent, case
  08); else ``reply`` when
  ``in_reply_to_status_id_str`` is set; else ``original``. A quote that is also a reply is a ``quote``.
* **text and entities** of a repost come from the original (case 01: the outer ``RT @x: …`` text is cut
  at 140 characters); text precedence ``extended_tweet.full_text`` > ``full_text`` > ``text``, entities
  from the same level (case 02). Text is HTML-unescaped once, and repaired with flag ``double_escaped``
  when an exporter escaped it twice (case 11); NFC. A compat-mode ``text`` that is cut
  (``truncated: true``, no ``extended_tweet``) is kept and flagged ``text_truncated``.
* **urls**: ``unwound.url`` > ``expanded_url`` > ``url`` per entity, as found, without Twitter
  permalinks (quotes, ``/i/web/status/`` self-links: references, not external links; cases 02, 08, 21);
  **domains**: their distinct registered domains (``t.co`` wrappers give none). Hashtags and mentions from
  the entities, or extracted from the text when the object has no entities.
* **counts** ``favorite_count``/``retweet_count``/``reply_count``/``quote_count`` -> like/share/reply/
  quote. On a retweet object these are the *original's* counts (Twitter docs), so a repost row gets NULL
  counts and the counts live on the original's context row.
* **context posts**: the retweeted original and any quoted tweet are yielded too, ``collected=False``.
* **accounts** from ``user`` (``friends_count`` -> following), ``last_seen_at`` = the time of the
  collected post it came with (for a profile embedded in a context post too: it was served then).
* **IDs** are strings, ``*_str`` preferred (case 03); a numeric ID without its twin above 2**53 is flagged
  ``<column>_lost_precision`` (:mod:`ioscope.ids`).

Quarantined (``Bad``) with a precise reason: stream notices (``delete``, ``limit``, ``status_withheld``,
...), JSON syntax errors (with the column), invalid UTF-8 (with the byte), a value that is not an
object, an object without an id or ``created_at``, or with an unparseable ``created_at``.

Files: JSON lines (one object per line, blank lines skipped, ``source_line`` = physical line), or a JSON
array (``[ {...}, ... ]``, ``source_line`` = array index + 1). Arrays are split into elements by a
streaming scanner over a memory map (strings and brackets tracked, each element parsed alone), so a
file of several hundred MB needs memory for one element at a time, and one broken element is
quarantined without losing the rest.

Speed (``bench/ingest.py``, 2 loaded cores): ~13.5 us of CPU per tweet for the mapping, ~3.6 us for
orjson; the whole ``ioscope ingest`` ran at 3,600 tweets/s at 100k and 5,700/s at 1M (0.40x and 0.19x
coordination-network-toolkit's ``preprocess``, which stores far less per tweet).
"""

from __future__ import annotations

import mmap
import re
from functools import lru_cache
from collections.abc import Iterator, Mapping  # Mapping: annotations; values are checked as dict
from pathlib import Path
from typing import Any

import orjson

from ioscope.ids import parse_count as _count
from ioscope.ids import pick_id
from ioscope.sources._jsonfile import decode_value
from ioscope.sources.base import Bad, Record, Source, SourceOptions
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, extract_mentions, nfc, normalize_lang, strip_bidi, unescape_tweet_text
from ioscope.timeparse import parse_time
from ioscope.urls import extract_urls, link_domains, parse_permalink, pick_expanded

PLATFORM = "twitter"
BOM = b"\xef\xbb\xbf"

STREAM_NOTICES = ("delete", "limit", "status_withheld", "user_withheld", "scrub_geo", "disconnect",
                  "warning", "event", "friends", "friends_str", "control", "direct_message")
"""Top-level keys of streaming API messages that are not tweets."""


# -- mapping: one tweet object -> canonical rows ----------------------------------------------------

def tweet_to_record(obj: Any, line: int) -> Record | Bad:
    """Map one decoded v1.1 tweet object (a ``dict``, as orjson or ``ast.literal_eval`` give it) to a
    :class:`Record` (the collected post first, then its context posts; the accounts seen), or to a
    :class:`Bad` with the reason (``raw`` left empty for the caller to fill). ``line``: the 1-based line
    or record number. Never raises on odd values: a value of the wrong type is treated as absent."""
    if not isinstance(obj, dict):
        return Bad(line, f"not a tweet: a JSON {_json_type(obj)}, expected an object")
    if "id_str" not in obj and "id" not in obj:
        for key in STREAM_NOTICES:
            if key in obj:
                return Bad(line, f"stream {key} notice, not a tweet")
        if "data" in obj:
            return Bad(line, "not a v1.1 tweet: has 'data' (a v2 response?); use a twitter-v2 format")
    posts: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    error = _add_post(obj, True, posts, accounts, set(), 0, None)
    if error:
        return Bad(line, error)
    return Record(line=line, posts=posts, accounts=accounts)


def _add_post(t: Mapping, collected: bool, posts: list, accounts: list, seen: set, depth: int,
              seen_at: Any) -> str | None:
    # seen_at: when the embedding (collected) post was served; profiles embedded in it date from then.
    post_id, flags = pick_id(t, "id", field="post_id")
    if post_id is None:
        return "missing id_str/id"
    raw_time = t.get("created_at")
    if raw_time is None or raw_time == "":
        return "missing created_at"
    try:
        created = parse_time(raw_time)
    except ValueError as exc:
        return f"bad created_at: {exc}"
    if post_id in seen:
        return None
    seen.add(post_id)

    user = _map(t.get("user"))
    account_id, f = pick_id(user, "id", field="account_id")
    flags += f
    handle = _str(user.get("screen_name")) if user else None
    rt = _map(t.get("retweeted_status")) or None
    quoted = _map(t.get("quoted_status")) or None
    content = rt or t

    text, entities, cut = _full_text(content)
    if cut:
        flags.append("text_truncated")
    if text:
        text, double = unescape_tweet_text(text)
        if double:
            flags.append("double_escaped")
        if "\x00" in text:
            text = text.replace("\x00", "")
            flags.append("had_nul")
        text = nfc(text)
    urls, permalinks = _urls(entities, text)
    permalinks = [link for link in permalinks if link[1] != post_id]  # a self-link refers to nothing
    post: dict[str, Any] = {
        "platform": PLATFORM, "post_id": post_id, "account_id": account_id, "account_handle": handle,
        "created_at": created, "text": text,
        "lang": normalize_lang(_str(t.get("lang")) or _str(content.get("lang"))),
        "urls": urls, "domains": link_domains(urls),
        "hashtags": _entity_texts(entities, "hashtags", "text", text, extract_hashtags),
        "mentions": _entity_texts(entities, "user_mentions", "screen_name", text, extract_mentions),
        "collected": collected,
    }
    if rt is not None:
        post["kind"] = "repost"
        _set_ref(post, flags, rt)
    elif _truthy(t.get("is_quote_status")) or quoted is not None or t.get("quoted_status_id_str") \
            or t.get("quoted_status_id") or permalinks:
        post["kind"] = "quote"
        _set_quote_ref(post, flags, t, quoted, permalinks)
    else:
        reply_id, f = pick_id(t, "in_reply_to_status_id", field="ref_post_id")
        if reply_id is not None:
            post["kind"] = "reply"
            post["ref_post_id"] = reply_id
            ref_account, f2 = pick_id(t, "in_reply_to_user_id", field="ref_account_id")
            post["ref_account_id"] = ref_account
            post["ref_account_handle"] = _str(t.get("in_reply_to_screen_name"))
            flags += f + f2
        else:
            post["kind"] = "original"
    if rt is None:
        post["like_count"] = _count(t.get("favorite_count"))
        post["share_count"] = _count(t.get("retweet_count"))
        post["reply_count"] = _count(t.get("reply_count"))
        post["quote_count"] = _count(t.get("quote_count"))
    post["flags"] = list(dict.fromkeys(flags))
    posts.append(post)
    if account_id is not None:
        accounts.append(_account(user, account_id, handle, seen_at or created))
    if depth < 2:
        for inner in (rt, quoted):
            if inner is not None:  # an unreadable context post is skipped
                _add_post(inner, False, posts, accounts, seen, depth + 1, seen_at or created)
    return None


def _full_text(content: Mapping) -> tuple[str | None, Mapping | None, bool]:
    ext = _map(content.get("extended_tweet"))
    if ext and isinstance(ext.get("full_text"), str):
        entities = ext.get("entities")
        return ext["full_text"], entities if isinstance(entities, dict) else None, False
    entities = content.get("entities")
    entities = entities if isinstance(entities, dict) else None
    if isinstance(content.get("full_text"), str):
        return content["full_text"], entities, False
    text = _str(content.get("text"))
    return text, entities, bool(text) and _truthy(content.get("truncated"))


def _urls(entities: Mapping | None, text: str | None) -> tuple[list[str], list[tuple[str | None, str]]]:
    if entities is not None and isinstance(entities.get("urls"), list):
        found = [pick_expanded(e) for e in entities["urls"] if isinstance(e, dict)]
    else:
        found = extract_urls(text)
    urls: list[str] = []
    permalinks: list[tuple[str | None, str]] = []
    for url in found:
        if not url:
            continue
        link = parse_permalink(url, PLATFORM)
        if link is not None:
            permalinks.append(link)
        elif url not in urls:
            urls.append(url)
    return urls, permalinks


def _entity_texts(entities: Mapping | None, key: str, field: str, text: str | None, extract) -> list[str]:
    if entities is None or not isinstance(entities.get(key), list):
        return extract(text)
    out = []
    for e in entities[key]:
        value = e.get(field) if isinstance(e, dict) else None
        if isinstance(value, str) and value:
            # ASCII holds no bidi control and is NFC already: the common case costs one check.
            out.append(value if value.isascii() else nfc(strip_bidi(value)))
    return out


def _set_ref(post: dict, flags: list, ref: Mapping) -> None:
    post["ref_post_id"], f = pick_id(ref, "id", field="ref_post_id")
    ref_user = _map(ref.get("user"))
    post["ref_account_id"], f2 = pick_id(ref_user, "id", field="ref_account_id")
    post["ref_account_handle"] = _str(ref_user.get("screen_name")) if ref_user else None
    flags += f + f2


def _set_quote_ref(post: dict, flags: list, t: Mapping, quoted: Mapping | None, permalinks: list) -> None:
    if quoted is not None and pick_id(quoted, "id", field="ref_post_id")[0] is not None:
        _set_ref(post, flags, quoted)
        return
    flags.append("quoted_status_missing")
    ref_id, f = pick_id(t, "quoted_status_id", field="ref_post_id")
    flags += f
    perma = _map(t.get("quoted_status_permalink"))
    candidates = list(permalinks)
    if perma:
        link = parse_permalink(pick_expanded(perma), PLATFORM)
        if link is not None:
            candidates.insert(0, link)
    handle = None
    for link_handle, link_id in candidates:
        if ref_id is None or link_id == ref_id:
            ref_id, handle = link_id, link_handle
            break
    post["ref_post_id"] = ref_id
    post["ref_account_handle"] = handle
    if ref_id is None:
        flags.append("quote_target_unknown")


def _account(user: Mapping, account_id: str, handle: str | None, seen_at) -> dict[str, Any]:
    created = _profile_time(user.get("created_at"))
    return {
        "platform": PLATFORM, "account_id": account_id, "handle": handle,
        "display_name": _str(user.get("name")), "created_at": created,
        "followers": _count(user.get("followers_count")), "following": _count(user.get("friends_count")),
        "description": _str(user.get("description")), "last_seen_at": seen_at,
    }


@lru_cache(maxsize=16384)
def _profile_time_cached(value: str) -> Any:
    try:
        return parse_time(value)
    except ValueError:
        return None


def _profile_time(value: Any) -> Any:
    # Account creation times repeat on every post of an account: cached; unparseable -> None.
    return _profile_time_cached(value) if isinstance(value, str) and value else None


def _map(value: Any) -> Mapping:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value.replace("\x00", "") if isinstance(value, str) and value else None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return value is True or (isinstance(value, int) and value == 1)


def _json_type(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


# -- reading files -----------------------------------------------------------------------------------

_ARRAY_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_GAP_JUNK = re.compile(rb"[^\s,]")


decode_json = decode_value
"""The JSON decoder shared with the other JSON sources: :func:`ioscope.sources._jsonfile.decode_value`."""


@register
class TwitterV1(Source):
    """X/Twitter API v1.1 tweets as JSON lines or a JSON array (see the module docstring)."""

    name = "twitter-v1"
    platform = PLATFORM
    description = "X/Twitter API v1.1 tweet objects, one per line (JSON lines) or a JSON array"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.9 for JSON whose first object has ``id_str`` and ``created_at``/``user`` keys (v1.1);
        0.0 for non-JSON and for v2 shapes (``data``/``includes``, ``author_id`` without ``id_str``)."""
        text = head[3:] if head.startswith(BOM) else head
        text = text.lstrip()
        if not text or text[:1] not in b"{[":
            return 0.0
        if text[:1] == b"{" and re.match(rb'\{\s*"(?:data|includes|meta)"\s*:', text):
            return 0.0
        has_id_str = b'"id_str"' in head
        if not has_id_str and (b'"author_id"' in head or b'"edit_history_tweet_ids"' in head):
            return 0.0
        has_user = b'"user"' in head and b'"screen_name"' in head
        if not has_id_str and not has_user:
            score = 0.0  # created_at alone is shared by many JSON formats (Mastodon, v2)
        else:
            score = (0.5 if has_id_str else 0.2) + (0.2 if b'"created_at"' in head else 0.0) \
                + (0.2 if has_user else 0.0)
        if re.match(rb'\{\s*"(?:delete|limit|status_withheld)"\s*:', text):
            score = max(score, 0.5)
        return min(score, 0.9)

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record or Bad per JSON line or array element (see the module docstring). ``options``
        is not used: v1.1 times carry their offset."""
        with self.open_binary(path) as fh:
            array = _is_array_file(fh)
            fh.seek(0)
            yield from self._read_array(fh) if array else self._read_lines(fh)

    def _read_lines(self, fh) -> Iterator[Record | Bad]:
        for lineno, raw in enumerate(fh, 1):
            if lineno == 1 and raw.startswith(BOM):
                raw = raw[3:]
            if raw.isspace() or not raw:
                continue
            yield _decode_and_map(raw, lineno)

    def _read_array(self, fh) -> Iterator[Record | Bad]:
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            start = data.find(b"[")
            depth, index, elem_start, last_end, closed = 0, 0, 0, start + 1, False
            for m in _ARRAY_TOKENS.finditer(data, start + 1):
                ch = data[m.start()]
                if ch == 0x22:  # a string, skipped whole
                    continue
                if ch in (0x7B, 0x5B):  # { [
                    if depth == 0:
                        for bad in self._gap(data, last_end, m.start(), index):
                            index += 1
                            yield bad
                        elem_start = m.start()
                    depth += 1
                    continue
                if depth == 0:
                    for bad in self._gap(data, last_end, m.start(), index):
                        index += 1
                        yield bad
                    last_end = m.end()
                    if ch == 0x5D:  # ] closing the array
                        closed = True
                        break
                    index += 1
                    yield Bad(index, "unbalanced '}' between array elements", "}")
                    continue
                depth -= 1
                if depth == 0:
                    index += 1
                    last_end = m.end()
                    fh.seek(last_end)  # byte progress for the ingest
                    yield _decode_and_map(data[elem_start:last_end], index)
            if depth > 0:
                yield Bad(index + 1, "unterminated JSON value at end of file (truncated file?)",
                          data[elem_start:elem_start + 100_000].decode("utf-8", "replace"))
            elif not closed:
                yield Bad(index + 1, "JSON array not closed with ']' (truncated file?)", "")
            elif _GAP_JUNK.search(data, last_end):
                yield Bad(index + 1, "data after the end of the JSON array",
                          data[last_end:last_end + 1000].decode("utf-8", "replace"))

    @staticmethod
    def _gap(data, begin: int, end: int, index: int) -> Iterator[Bad]:
        # Text between array elements must be whitespace and commas; anything else is a non-object element.
        if end > begin and _GAP_JUNK.search(data, begin, end):
            for piece in bytes(data[begin:end]).split(b","):
                if piece.strip():
                    index += 1
                    yield Bad(index, "array element is not a JSON object",
                              piece.strip().decode("utf-8", "replace"))


def _is_array_file(fh) -> bool:
    # A JSON array file starts with "["; but a JSON-lines file may begin with a line that is an array.
    # Array unless the first non-blank line is valid JSON on its own and more content follows it.
    limit = 1 << 20
    first = b""
    for first in iter(lambda: fh.readline(limit), b""):
        if first.strip(b"\xef\xbb\xbf \t\r\n"):
            break
    first = first[3:] if first.startswith(BOM) else first
    if not first.lstrip().startswith(b"["):
        return False
    if len(first) >= limit - 3 and not first.endswith(b"\n"):
        return True  # a line of a megabyte or more opening with "[" is an array, not a JSON line
    try:
        orjson.loads(first)
    except orjson.JSONDecodeError:
        return True
    return not any(line.strip() for line in iter(lambda: fh.readline(1 << 16), b""))


def _decode_and_map(raw: bytes, line: int) -> Record | Bad:
    value = decode_json(raw, line)
    if isinstance(value, Bad):
        return value
    item = tweet_to_record(value, line)
    if isinstance(item, Bad):
        item.raw = raw.decode("utf-8", "replace").rstrip("\r\n")
    return item
