"""Bluesky (AT Protocol) posts from saved API responses into canonical posts.

Format ``bluesky``, platform ``bluesky``. Reference: AT Protocol lexicons ``app.bsky.feed.defs``
(``feedViewPost``, ``postView``, ``reasonRepost``), ``app.bsky.feed.post`` and
``app.bsky.richtext.facet`` (https://docs.bsky.app/docs/advanced-guides/post-richtext: facet indices
are UTF-8 *byte* offsets into the text).

Files: a response of ``app.bsky.feed.getAuthorFeed``/``getTimeline``/``getFeed`` (``{"feed":
[{"post", "reply", "reason"}]}``), of ``app.bsky.feed.searchPosts`` or ``getPosts`` (``{"posts":
[postView]}``); pages of those as a JSON array or JSON lines; or bare feed items / post views, one per
line or in an array. gzip is read too (see :mod:`ioscope.sources._jsonfile`).

Mapping (:func:`item_to_record`):

* **post_id** = the post's ``at://`` ``uri``; **account_id** = ``author.did``; **account_handle** =
  ``author.handle``. ``cid`` (content hash of one version) is not used as a key.
* **created_at** = ``record.createdAt``, which the *client* sets and which can be wrong or in the future;
  the server's ``indexedAt`` is kept as the flag ``indexed_at:<ISO UTC>``, and the flag
  ``created_at_suspect`` is added when the two differ by more than one day. When ``createdAt`` is
  missing or unparseable, ``indexedAt`` is used with the flag ``created_at_from_indexed_at``.
* **text** = ``record.text`` (NFC; Bluesky does not HTML-escape); **lang** = first of ``record.langs``.
* **facets**: ``#link`` -> urls, ``#mention`` -> mentions (the handle written in the text, cut out of the
  UTF-8 bytes at ``byteStart:byteEnd``; the ``did`` when the offsets are invalid, flag
  ``facet_offsets_invalid``), ``#tag`` -> hashtags (plus ``record.tags``). Posts without a ``facets``
  key get hashtags and mentions extracted from the text. ``app.bsky.embed.external`` adds its ``uri``.
  Links to ``bsky.app`` post pages are references, not external links.
* **kind**: a feed item with ``reason`` ``#reasonRepost`` is a ``repost`` by ``reason.by``: post_id =
  ``reason.uri`` (the repost record) when present, else ``<reposter did>/repost/<post uri>`` with flag
  ``post_id_synthesized``; created_at = ``reason.indexedAt``; text, links and tags are the original's;
  the original is a context post. Otherwise ``reply`` when ``record.reply.parent`` is set (ref = its uri,
  ref account = the did in that uri), else ``quote`` for an ``app.bsky.embed.record``/``recordWithMedia``
  embed of a post, else ``original``. Embedded post views (quoted post, reply parent and root) are context
  posts.
* counts ``likeCount``, ``repostCount``, ``replyCount``, ``quoteCount`` (and the author's
  ``followersCount``/``followsCount``) through :func:`ioscope.ids.parse_count` without thousands
  separators (the API writes JSON integers; a string such as ``"1,234"`` is not one): a negative, a
  fraction, a boolean or a value beyond 64 bits is NULL.

Quarantined: a value that is not an object, a post without ``uri`` or without ``author.did``, a post
with neither a readable ``createdAt`` nor ``indexedAt``; JSON and UTF-8 errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ioscope.ids import parse_count
from ioscope.sources._jsonfile import iter_records, sniff_head
from ioscope.sources.base import Bad, Record, Source, SourceOptions
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, extract_mentions, nfc, normalize_lang, strip_bidi
from ioscope.timeparse import parse_time
from ioscope.urls import link_domains, url_host

PLATFORM = "bluesky"
SUSPECT_DRIFT = dt.timedelta(days=1)
"""``createdAt`` and ``indexedAt`` further apart than this flag ``created_at_suspect``."""

_POST_COLLECTION = "app.bsky.feed.post"


def _expand(value: Any) -> list[Any] | None:
    if isinstance(value, Mapping) and "uri" not in value and "post" not in value:
        for key in ("feed", "posts"):
            if isinstance(value.get(key), list):
                return value[key]
        if isinstance(value.get("thread"), Mapping):
            return [value["thread"]]
    return None


def did_of(at_uri: Any) -> str | None:
    """The authority (a ``did:``) of an ``at://did/collection/rkey`` URI, or None."""
    if not isinstance(at_uri, str) or not at_uri.startswith("at://"):
        return None
    authority = at_uri[5:].split("/", 1)[0]
    return authority or None


def _is_post_uri(uri: Any) -> bool:
    return isinstance(uri, str) and uri.startswith("at://") and f"/{_POST_COLLECTION}/" in uri


def slice_utf8(text: str, start: Any, end: Any) -> str | None:
    """``text[start:end]`` where ``start``/``end`` are UTF-8 byte offsets (AT Protocol facets). None
    when the offsets are not integers, out of range, reversed, or cut a character in two."""
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        return None
    data = text.encode("utf-8")
    if not 0 <= start < end <= len(data):
        return None
    try:
        return data[start:end].decode("utf-8")
    except UnicodeDecodeError:
        return None


def item_to_record(obj: Any, line: int) -> Record | Bad:
    """Map one feed item (``{"post", "reply"?, "reason"?}``) or post view to a :class:`Record` (the
    collected post first, then context posts) or a :class:`Bad`. Never raises."""
    if not isinstance(obj, Mapping):
        return Bad(line, "not a post: expected a JSON object")
    post = obj.get("post") if isinstance(obj.get("post"), Mapping) else obj
    posts: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    reason = _map(obj.get("reason"))
    reason_type = str(reason.get("$type", ""))
    if reason_type.endswith("#reasonRepost") or (not reason_type and "by" in reason):
        error = _add_repost(reason, post, posts, accounts)
    else:
        error = _add_post(post, True, posts, accounts)
    if error:
        return Bad(line, error)
    reply = _map(obj.get("reply"))
    for key in ("parent", "root"):
        ctx = _map(reply.get(key))
        if ctx.get("uri") and "record" in ctx:
            _add_post(ctx, False, posts, accounts)
    seen: set[str] = set()
    posts[:] = [p for p in posts if not (p["post_id"] in seen or seen.add(p["post_id"]))]
    return Record(line=line, posts=posts, accounts=accounts)


def _add_repost(reason: Mapping, post: Mapping, posts: list, accounts: list) -> str | None:
    by = _map(reason.get("by"))
    did = _str(by.get("did"))
    uri = _str(post.get("uri"))
    if not did:
        return "repost without reason.by.did"
    if not uri:
        return "missing post.uri"
    flags: list[str] = []
    repost_id = _str(reason.get("uri"))
    if not repost_id:
        repost_id = f"{did}/repost/{uri}"
        flags.append("post_id_synthesized")
    created, f = _times(None, reason.get("indexedAt"))
    if created is None:
        created, f = _times(None, post.get("indexedAt"))
    if created is None:
        return "repost without a readable reason.indexedAt"
    flags += f
    original: list[dict] = []
    error = _add_post(post, False, original, [])
    if error:
        return f"reposted post: {error}"
    orig = original[0]
    row = dict(orig, post_id=repost_id, account_id=did, account_handle=_str(by.get("handle")),
               created_at=created, kind="repost", ref_post_id=orig["post_id"],
               ref_account_id=orig["account_id"], ref_account_handle=orig["account_handle"],
               like_count=None, share_count=None, reply_count=None, quote_count=None,
               collected=True, flags=list(dict.fromkeys(flags)))
    posts.append(row)
    accounts.append(_account(by, did, created))
    return _add_post(post, False, posts, accounts)


def _add_post(p: Mapping, collected: bool, posts: list, accounts: list, depth: int = 0) -> str | None:
    uri = _str(p.get("uri"))
    if not uri:
        return "missing uri"
    author = _map(p.get("author"))
    did = _str(author.get("did"))
    if not did:
        return "missing author.did"
    record = _map(p.get("record")) or _map(p.get("value"))  # a postView, or an embed viewRecord
    created, flags = _times(record.get("createdAt"), p.get("indexedAt"))
    if created is None:
        return "missing or unreadable record.createdAt and indexedAt"
    text = record.get("text")
    text = nfc(text.replace("\x00", "")) if isinstance(text, str) else None
    urls, hashtags, mentions, f = _facets(record, text or "")
    flags += f
    embed = _map(record.get("embed"))
    external = _str(_map(embed.get("external")).get("uri"))
    if external and external.startswith(("http://", "https://")) and external not in urls \
            and url_host(external) != "bsky.app":
        urls.append(external)
    langs = record.get("langs")
    row: dict[str, Any] = {
        "platform": PLATFORM, "post_id": uri, "account_id": did, "account_handle": _str(author.get("handle")),
        "created_at": created, "text": text,
        "lang": normalize_lang(langs[0]) if isinstance(langs, list) and langs and isinstance(langs[0], str) else None,
        "urls": urls, "domains": link_domains(urls), "hashtags": hashtags, "mentions": mentions,
        "like_count": parse_count(p.get("likeCount")), "share_count": parse_count(p.get("repostCount")),
        "reply_count": parse_count(p.get("replyCount")), "quote_count": parse_count(p.get("quoteCount")),
        "collected": collected,
    }
    parent = _str(_map(_map(record.get("reply")).get("parent")).get("uri"))
    quoted = _quoted_uri(embed)
    if parent:
        row.update(kind="reply", ref_post_id=parent, ref_account_id=did_of(parent))
    elif quoted:
        row.update(kind="quote", ref_post_id=quoted, ref_account_id=did_of(quoted))
    else:
        row["kind"] = "original"
    row["flags"] = list(dict.fromkeys(flags))
    posts.append(row)
    accounts.append(_account(author, did, created))
    if depth < 2:
        view = _quoted_view(_map(p.get("embed")))
        if view is not None:
            if row.get("ref_post_id") == view.get("uri"):
                row["ref_account_handle"] = _str(_map(view.get("author")).get("handle"))
            _add_post(view, False, posts, accounts, depth + 1)  # an unreadable context is skipped
    return None


def _times(created_raw: Any, indexed_raw: Any) -> tuple[dt.datetime | None, list[str]]:
    flags: list[str] = []
    indexed = _parse(indexed_raw)
    if indexed is not None:
        flags.append("indexed_at:" + indexed.strftime("%Y-%m-%dT%H:%M:%S.%fZ").replace(".000000Z", "Z"))
    created = _parse(created_raw)
    if created is None:
        if indexed is not None:
            flags.append("created_at_from_indexed_at")
        return indexed, flags
    if indexed is not None and abs(created - indexed) > SUSPECT_DRIFT:
        flags.append("created_at_suspect")
    return created, flags


def _parse(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_time(value)
    except ValueError:
        return None


def _facets(record: Mapping, text: str) -> tuple[list[str], list[str], list[str], list[str]]:
    urls: list[str] = []
    tags: list[str] = []
    mentions: list[str] = []
    flags: list[str] = []
    facets = record.get("facets")
    if not isinstance(facets, list):
        tags = extract_hashtags(text)
        mentions = extract_mentions(text)
    for facet in facets if isinstance(facets, list) else ():
        if not isinstance(facet, Mapping):
            continue
        index = _map(facet.get("index"))
        for feature in facet.get("features") or ():
            if not isinstance(feature, Mapping):
                continue
            kind = str(feature.get("$type", ""))
            if kind.endswith("#link"):
                uri = _str(feature.get("uri"))
                if uri and uri not in urls and url_host(uri) != "bsky.app":
                    urls.append(uri.strip())
            elif kind.endswith("#tag"):
                tag = _str(feature.get("tag"))
                if tag:
                    tags.append(nfc(strip_bidi(tag)).lstrip("#＃"))
            elif kind.endswith("#mention"):
                written = slice_utf8(text, index.get("byteStart"), index.get("byteEnd"))
                if written is None or not written.lstrip().startswith(("@", "＠")):
                    flags.append("facet_offsets_invalid")
                    handle = _str(feature.get("did"))
                else:
                    handle = nfc(strip_bidi(written.strip()))[1:]
                if handle and handle not in mentions:
                    mentions.append(handle)
    for tag in record.get("tags") or ():
        if isinstance(tag, str) and tag.strip():
            tags.append(nfc(strip_bidi(tag.strip())).lstrip("#＃"))
    return urls, list(dict.fromkeys(tags)), mentions, flags


def _quoted_uri(embed: Mapping) -> str | None:
    kind = str(embed.get("$type", ""))
    if kind == "app.bsky.embed.record":
        uri = _str(_map(embed.get("record")).get("uri"))
    elif kind == "app.bsky.embed.recordWithMedia":
        uri = _str(_map(_map(embed.get("record")).get("record")).get("uri"))
    else:
        return None
    return uri if _is_post_uri(uri) else None


def _quoted_view(embed_view: Mapping) -> Mapping | None:
    rec = _map(embed_view.get("record"))
    if "record" in rec and isinstance(rec.get("record"), Mapping) and "uri" not in rec:
        rec = _map(rec.get("record"))  # recordWithMedia#view
    if str(rec.get("$type", "")).endswith("#viewRecord") and _is_post_uri(rec.get("uri")):
        return rec
    return None


def _account(author: Mapping, did: str, seen_at) -> dict[str, Any]:
    return {
        "platform": PLATFORM, "account_id": did, "handle": _str(author.get("handle")),
        "display_name": nfc(_str(author.get("displayName")) or "") or None,
        "created_at": _parse(author.get("createdAt")),
        "followers": parse_count(author.get("followersCount")), "following": parse_count(author.get("followsCount")),
        "description": _str(author.get("description")), "last_seen_at": seen_at,
    }


def _map(value: Any) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str | None:
    return value.replace("\x00", "").strip() or None if isinstance(value, str) else None


@register
class Bluesky(Source):
    """Bluesky feed and search responses (see the module docstring for layouts and the mapping)."""

    name = "bluesky"
    platform = PLATFORM
    description = "Bluesky API responses (getAuthorFeed, searchPosts, ...): JSON, JSON lines, optionally gzip"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.9 for JSON with ``at://`` post URIs and Bluesky keys (``indexedAt``, ``app.bsky.`` types,
        ``did:``); 0.0 otherwise."""
        text = sniff_head(head)
        if text[:1] not in (b"[", b"{") or b'"at://' not in text:
            return 0.0
        hits = sum(key in text for key in (b'"indexedAt"', b'app.bsky.', b'"did:', b'"cid"'))
        return 0.9 if hits >= 2 else 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record or Bad per feed item or post view. ``options`` is not used: AT Protocol
        times carry their zone."""
        import orjson

        with self.open_binary(path) as fh:
            for line, item in iter_records(fh, _expand):
                if isinstance(item, Bad):
                    yield item
                    continue
                rec = item_to_record(item, line)
                if isinstance(rec, Bad):
                    try:
                        rec.raw = orjson.dumps(item).decode()
                    except (TypeError, orjson.JSONEncodeError):
                        rec.raw = repr(item)[:100_000]
                yield rec
