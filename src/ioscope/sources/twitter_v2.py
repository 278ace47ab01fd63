"""X/Twitter API v2 as twarc2 writes it: response pages, ``twarc2 flatten`` output, single tweets.

Shapes read (one JSON value per line; a file that is one pretty-printed JSON document, an object or an
array, is read whole, its array items numbered 1..n):

* a response page ``{"data": [...] | {...}, "includes": {"users", "tweets", "media", ...},
  "errors": [...], "meta": {...}, "__twarc": {...}}`` — one :class:`Record` per tweet in ``data``, all
  with the page's line number;
* a flattened tweet (``twarc2 flatten``): one tweet per line, with ``author``, ``in_reply_to_user`` and
  ``referenced_tweets[]`` expanded inline and ``__twarc`` metadata;
* a single tweet object (``id``, ``author_id``, ``text``, ``edit_history_tweet_ids``, ...).

Mapping (X API v2 data dictionary, https://developer.x.com/en/docs/x-api/data-dictionary):

* ``kind`` from ``referenced_tweets``: ``retweeted`` -> repost, ``quoted`` -> quote, ``replied_to`` ->
  reply (in that order of precedence when several are present; a quote that is also a reply is a quote);
* text: ``note_tweet.text`` (long posts) > ``text``, HTML entities unescaped once, NFC. A retweet's v2
  ``text`` is the truncated ``RT @user: ...`` form, as in v1.1 (case 01): its text and entities come from
  the retweeted tweet in ``includes.tweets`` when present; otherwise the ``RT @user: `` prefix is removed,
  ``ref_account_handle`` is taken from it and the post is flagged ``repost_text_unexpanded``;
* urls: ``entities.urls[]`` by ``unwound_url`` > ``expanded_url`` > ``url`` (case 21); platform
  permalinks (the quoted tweet's link, media links) are relations, not links (a tweet without
  ``referenced_tweets`` that links another post is a quote of it, flagged ``quote_from_permalink``); hashtags
  ``entities.hashtags[].tag``, mentions ``entities.mentions[].username``; when a tweet has no
  ``entities`` at all (fields not requested) they are extracted from the text with the shared helpers;
* counts from ``public_metrics`` (``retweet_count`` -> share_count, ``impression_count`` -> view_count);
  NULL on a repost row, whose metrics are the original's (as in v1.1; they belong on the original's row);
* NUL characters are removed from the text (flag ``had_nul``);
* the author from ``includes.users`` by ``author_id`` (or the inline ``author``); a tweet without its
  author expansion still loads, flagged ``author_not_expanded`` (handle NULL);
* ``includes.tweets`` become context posts (``collected=False``), each attached to the Record of the first
  tweet of the page that references it (directly or through another included tweet); included tweets
  no data tweet references go with the page's first Record; a page with no data stores none (case 09);
* a referenced tweet absent from ``includes`` keeps its edge (``ref_post_id``, and ``ref_account_id``
  when known, e.g. from ``in_reply_to_user_id``) and produces no ghost post; the referencing post is
  flagged ``ref_unavailable`` when ``errors`` lists the tweet (deleted, protected) and
  ``ref_not_expanded`` otherwise (``referenced_tweets`` go one level deep: case 07, twarc-csv#10);
* edited posts: every version keeps its own ``post_id`` (versions are not duplicates); when
  ``edit_history_tweet_ids`` names more than one version (or another one) the flag
  ``edit_group:<first id>`` records the group. Analyses count one post per edit group:
  ``coalesce(<id after "edit_group:">, post_id)``.

Errors: a line that is not JSON, not a tweet or page (an error-only object, a user object), or a tweet
without ``id`` or with an unparsable ``created_at`` becomes a :class:`Bad` naming the field; the rest of
the file keeps loading.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from ioscope.ids import clean_id, parse_count
from ioscope.sources.base import Bad, Record, Source, SourceOptions
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, extract_mentions, nfc, normalize_lang, unescape_once
from ioscope.timeparse import parse_time
from ioscope.urls import extract_urls, link_domains, parse_permalink, pick_expanded, registered_domain

PLATFORM = "twitter"
BOM = b"\xef\xbb\xbf"
_RT_PREFIX = re.compile(r"^RT @([A-Za-z0-9_]{1,50}): ?")
_KIND_OF = {"retweeted": "repost", "quoted": "quote", "replied_to": "reply"}
_PRECEDENCE = ("retweeted", "quoted", "replied_to")
_V2_ONLY = ("referenced_tweets", "public_metrics", "conversation_id", "edit_history_tweet_ids", "note_tweet")


class _Unreadable(ValueError):
    """A tweet that cannot be read; the message names the field."""


def _lost(flags: list[str]) -> bool:
    return any(f.endswith("_lost_precision") for f in flags)


def _join_id(value: Any, field: str, flags: list[str]) -> str | None:
    """An ID used for joins (account, reference): None when its digits cannot be trusted (case 05)."""
    ident, fl = clean_id(value, field=field)
    flags.extend(f for f in fl if f not in flags)
    return None if _lost(fl) or (fl and ident is None) else ident


class _Page:
    """Lookups for one page: users and included tweets by ID, tweet IDs named in ``errors``."""

    def __init__(self, users: dict[str, dict], tweets: dict[str, dict], errors: dict[str, str]):
        self.users, self.tweets, self.errors = users, tweets, errors

    @classmethod
    def from_response(cls, obj: Mapping[str, Any]) -> _Page:
        inc = obj.get("includes") if isinstance(obj.get("includes"), dict) else {}
        users = {str(u["id"]): u for u in _dicts(inc.get("users")) if u.get("id") is not None}
        tweets = {str(t["id"]): t for t in _dicts(inc.get("tweets")) if t.get("id") is not None}
        errors: dict[str, str] = {}
        for err in _dicts(obj.get("errors")):
            rid = err.get("resource_id") or err.get("value")
            if rid is not None and err.get("resource_type", "tweet") == "tweet":
                errors[str(rid)] = str(err.get("title") or err.get("detail") or "error")
        return cls(users, tweets, errors)

    @classmethod
    def from_flat(cls, tweet: Mapping[str, Any]) -> _Page:
        """Lookups rebuilt from a flattened tweet's inline expansions (twarc ``expansions.flatten``)."""
        page = cls({}, {}, {})
        page._absorb(tweet)
        return page

    def _absorb(self, tweet: Mapping[str, Any]) -> None:
        for key in ("author", "in_reply_to_user"):
            user = tweet.get(key)
            if isinstance(user, dict) and user.get("id") is not None:
                self.users.setdefault(str(user["id"]), user)
        for ref in _dicts(tweet.get("referenced_tweets")):
            if ref.get("id") is not None and _has_content(ref) and str(ref["id"]) not in self.tweets:
                self.tweets[str(ref["id"])] = ref
                self._absorb(ref)


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _has_content(tweet: Mapping[str, Any]) -> bool:
    # twarc's flatten leaves {"type", "id"} (plus __twarc) for a tweet missing from includes.
    return any(k in tweet for k in ("text", "author_id", "created_at", "note_tweet"))


def _is_tweet(obj: Mapping[str, Any]) -> bool:
    return "id" in obj and any(k in obj for k in ("text", "author_id", "edit_history_tweet_ids", "note_tweet"))


def _refs(tweet: Mapping[str, Any]) -> list[tuple[str, str]]:
    out = []
    for ref in _dicts(tweet.get("referenced_tweets")):
        if ref.get("id") is not None and ref.get("type") in _KIND_OF:
            out.append((ref["type"], str(ref["id"])))
    return out


def _count(metrics: Mapping[str, Any], key: str) -> int | None:
    return parse_count(metrics.get(key))


def _time_or_none(value: Any) -> Any:
    try:
        return parse_time(value) if value not in (None, "") else None
    except ValueError:
        return None


def account_from_user(user: Mapping[str, Any], last_seen_at: Any) -> dict[str, Any] | None:
    """Canonical ``accounts`` row from a v2 user object (``id``, ``username``, ``name``, ``created_at``,
    ``description``, ``public_metrics.followers_count``/``following_count``); None without a usable ID."""
    account_id = _join_id(user.get("id"), "account_id", [])
    if not account_id:
        return None
    metrics = user.get("public_metrics") if isinstance(user.get("public_metrics"), dict) else {}
    desc = user.get("description")
    return {
        "platform": PLATFORM,
        "account_id": account_id,
        "handle": user.get("username") or None,
        "display_name": nfc(user["name"]) if isinstance(user.get("name"), str) else None,
        "created_at": _time_or_none(user.get("created_at")),
        "followers": _count(metrics, "followers_count"),
        "following": _count(metrics, "following_count"),
        "description": nfc(unescape_once(desc)) if isinstance(desc, str) else None,
        "last_seen_at": last_seen_at,
    }


def tweet_to_post(
    tweet: Mapping[str, Any], page: _Page, *, collected: bool, seen_at: Any = None
) -> tuple[dict, list[dict]]:
    """Map one v2 tweet to ``(post row, account rows)`` using the page lookups (see module docstring).

    ``seen_at``: when the author's profile was served (the collected post's time; default this
    post's own time), used as the account's ``last_seen_at``.
    Raises _Unreadable (message names the field) for a collected tweet without ``id`` or with an
    unparsable ``created_at``; a context tweet with a bad time keeps ``created_at`` NULL and a flag.
    """
    flags: list[str] = []
    post_id, fl = clean_id(tweet.get("id"), field="post_id")
    flags.extend(fl)
    if post_id is None:
        raise _Unreadable("id: missing or empty")
    raw_time = tweet.get("created_at")
    created_at = None
    if raw_time in (None, ""):
        flags.append("created_at_missing")
    else:
        try:
            created_at = parse_time(raw_time)
        except ValueError as exc:
            if collected:
                raise _Unreadable(f"created_at: {exc}") from None
            flags.append("created_at_invalid")

    account_id = _join_id(tweet.get("author_id"), "account_id", flags)
    user = page.users.get(account_id) if account_id else None
    inline = tweet.get("author")
    if user is None and isinstance(inline, dict) and inline:
        user = inline
        if account_id is None and "account_id_lost_precision" not in flags:
            account_id = _join_id(inline.get("id"), "account_id", flags)
    if user is None:
        flags.append("author_not_expanded")

    kind, ref_type, ref_post_id = "original", None, None
    refs = dict(reversed(_refs(tweet)))  # first of each type wins
    for typ in _PRECEDENCE:
        if typ in refs:
            kind, ref_type = _KIND_OF[typ], typ
            ref_post_id = _join_id(refs[typ], "ref_post_id", flags)
            break
    ref_tweet = page.tweets.get(refs[ref_type]) if ref_type else None
    ref_account_id = ref_account_handle = None
    if ref_type:
        if ref_tweet is not None:
            ref_account_id = _join_id(ref_tweet.get("author_id"), "ref_account_id", flags)
        elif refs[ref_type] in page.errors:
            flags.append("ref_unavailable")
        else:
            flags.append("ref_not_expanded")
        if ref_account_id is None and ref_type == "replied_to":
            ref_account_id = _join_id(tweet.get("in_reply_to_user_id"), "ref_account_id", flags)
        ref_user = page.users.get(ref_account_id) if ref_account_id else None
        if ref_user is None and ref_tweet is not None and isinstance(ref_tweet.get("author"), dict):
            ref_user = ref_tweet["author"]
        if ref_user:
            ref_account_handle = ref_user.get("username") or None

    # Text and entities: the retweeted tweet's when we have it (v2 retweet text is truncated).
    source = ref_tweet if (kind == "repost" and ref_tweet is not None) else tweet
    note = source.get("note_tweet") if isinstance(source.get("note_tweet"), dict) else None
    text = (note or {}).get("text") or source.get("text") or ""
    entities = (note or {}).get("entities") or source.get("entities")
    text = nfc(unescape_once(text)) if isinstance(text, str) else ""
    if "\x00" in text:
        text = text.replace("\x00", "")
        flags.append("had_nul")
    rt_handle = None
    if kind == "repost" and ref_tweet is None:
        m = _RT_PREFIX.match(text)
        if m:
            rt_handle, text = m.group(1), text[m.end():]
        ref_account_handle = ref_account_handle or rt_handle
        flags.append("repost_text_unexpanded")

    if isinstance(entities, dict):
        urls = [u for u in (pick_expanded(e) for e in _dicts(entities.get("urls"))) if u]
        hashtags = [nfc(str(h["tag"])) for h in _dicts(entities.get("hashtags")) if h.get("tag")]
        mentions = [str(m["username"]) for m in _dicts(entities.get("mentions")) if m.get("username")]
    else:
        urls = [u for u in extract_urls(text) if registered_domain(u) != "t.co"]
        hashtags, mentions = extract_hashtags(text), extract_mentions(text)
    if rt_handle and mentions and mentions[0].lower() == rt_handle.lower():
        mentions = mentions[1:]  # the "RT @user:" mention is the relation, not a mention in the text
    links = [(u, parse_permalink(u, PLATFORM)) for u in urls]
    urls = [u for u, link in links if link is None]
    if kind == "original":
        # referenced_tweets not requested: a link to another post is a quote (case 21, tweet 4)
        target = next((link for _, link in links if link and link[1] != post_id), None)
        if target is not None:
            kind, ref_account_handle = "quote", target[0]
            ref_post_id = _join_id(target[1], "ref_post_id", flags)
            flags.append("quote_from_permalink")

    history = tweet.get("edit_history_tweet_ids")
    if isinstance(history, list) and history and (len(history) > 1 or str(history[0]) != post_id):
        flags.append(f"edit_group:{history[0]}")

    metrics = tweet.get("public_metrics") if isinstance(tweet.get("public_metrics"), dict) else {}
    if kind == "repost":
        metrics = {}  # a retweet's public_metrics are the original's (as in v1.1): they live on its row
    lang = tweet.get("lang")
    post = {
        "platform": PLATFORM,
        "post_id": post_id,
        "account_id": account_id,
        "account_handle": (user or {}).get("username") or None,
        "created_at": created_at,
        "text": text,
        "lang": normalize_lang(lang) if isinstance(lang, str) else None,
        "kind": kind,
        "ref_post_id": ref_post_id,
        "ref_account_id": ref_account_id,
        "ref_account_handle": ref_account_handle,
        "urls": urls,
        "domains": link_domains(urls),
        "hashtags": hashtags,
        "mentions": mentions,
        "like_count": _count(metrics, "like_count"),
        "share_count": _count(metrics, "retweet_count"),
        "reply_count": _count(metrics, "reply_count"),
        "quote_count": _count(metrics, "quote_count"),
        "view_count": _count(metrics, "impression_count"),
        "collected": collected,
        "flags": flags,
    }
    accounts = []
    if user is not None and account_id:
        acc = account_from_user(dict(user, id=account_id), seen_at if seen_at is not None else created_at)
        if acc:
            accounts.append(acc)
    return post, accounts


@register
class TwitterV2(Source):
    """Reader of X API v2 JSON as twarc2 writes it (pages, flattened tweets, single tweets).

    ``read`` yields one :class:`Record` per collected tweet (``line`` = the JSON line, or the item number
    of a whole-file JSON array), its first post collected, then its context posts (``collected=False``),
    and a :class:`Bad` for each line or tweet that cannot be read. Options: none used (v2 times carry
    their zone). Sources: X API v2 data dictionary; twarc ``expansions.flatten``; cases 07 and 09.
    """

    name = "twitter-v2"
    platform = PLATFORM
    description = "X/Twitter API v2 JSON: twarc2 response pages, twarc2 flatten output, single tweets"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.95 for a v2 response page, 0.9 for a v2/flattened tweet (``author_id`` with
        ``edit_history_tweet_ids``/``__twarc``/``conversation_id``/``author``), 0.7 for a digit-string
        ``id`` + ``text`` with an ``author`` object or a v2-only field, 0.3 for a bare digit-string ``id`` +
        ``text``; 0 for v1.1 tweets (``id_str``, ``user``), CSV and other JSON."""
        text = head[len(BOM):] if head.startswith(BOM) else head
        text = text.lstrip()
        if text[:1] not in (b"{", b"["):
            return 0.0
        first = text.split(b"\n", 1)[0]
        try:
            obj = orjson.loads(first)
        except orjson.JSONDecodeError:
            return self._sniff_prefix(text)
        if isinstance(obj, list):
            obj = obj[0] if obj and isinstance(obj[0], dict) else None
        return _score(obj) if isinstance(obj, dict) else 0.0

    @staticmethod
    def _sniff_prefix(text: bytes) -> float:
        # A first line longer than the sniffed head (a page of 100 tweets), or a pretty-printed document.
        window = text[:65536]
        if b'"id_str"' in window or b'"user"' in window[:4000]:
            return 0.0
        if re.match(rb'\[?\s*\{\s*"data"\s*:\s*[\[{]', window):
            return 0.9 if (b'"author_id"' in window or b'"text"' in window) else 0.5
        if b'"author_id"' in window and (b'"edit_history_tweet_ids"' in window or b'"__twarc"' in window):
            return 0.8
        return 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record per collected tweet and a Bad per unreadable line or tweet, in file order."""
        with self.open_binary(path) as fh:
            first = True
            for line_no, raw in enumerate(fh, start=1):
                if first and raw.startswith(BOM):
                    raw = raw[len(BOM):]
                stripped = raw.strip()
                if not stripped:
                    continue
                try:
                    obj = orjson.loads(stripped)
                except orjson.JSONDecodeError as exc:
                    if first and len(stripped) < 200 and stripped[-1:] in (b"{", b"["):
                        # the opening of a pretty-printed document: read the file as one JSON value
                        doc = self._whole_document(raw + fh.read())
                        if doc is not None:
                            yield from doc
                            return
                        fh.seek(0)
                        next(fh, None)  # resume line by line after the first line
                    first = False
                    yield Bad(line_no, f"invalid JSON: {exc}", raw.decode("utf-8", "replace"))
                    continue
                first = False
                if isinstance(obj, list) and line_no == 1 and not fh.peek(1):
                    for i, item in enumerate(obj, start=1):
                        yield from self._value(item, i, orjson.dumps(item).decode())
                    continue
                for item in obj if isinstance(obj, list) else [obj]:
                    yield from self._value(item, line_no, raw.decode("utf-8", "replace"))

    def _whole_document(self, blob: bytes) -> list[Record | Bad] | None:
        try:
            obj = orjson.loads(blob)
        except orjson.JSONDecodeError:
            return None
        if isinstance(obj, list):
            out: list[Record | Bad] = []
            for i, item in enumerate(obj, start=1):
                out.extend(self._value(item, i, orjson.dumps(item).decode()))
            return out
        return list(self._value(obj, 1, blob.decode("utf-8", "replace")))

    def _value(self, obj: Any, line: int, raw: str) -> Iterator[Record | Bad]:
        if not isinstance(obj, dict):
            yield Bad(line, f"expected a JSON object (tweet or response page), got {type(obj).__name__}", raw)
        elif "data" in obj:
            yield from self._page(obj, line, raw)
        elif _is_tweet(obj):
            yield from self._page({"data": [obj]}, line, raw, _Page.from_flat(obj))
        elif "errors" in obj:
            titles = sorted({str(e.get("title") or e.get("message") or "error") for e in _dicts(obj["errors"])})
            yield Bad(line, f"API error object without data: {', '.join(titles) or 'errors'}", raw)
        else:
            yield Bad(line, f"not a v2 tweet or response page (keys: {', '.join(sorted(obj)[:8])})", raw)

    def _page(self, obj: dict, line: int, raw: str, page: _Page | None = None) -> Iterator[Record | Bad]:
        data = obj["data"]
        items = [data] if isinstance(data, dict) else data if isinstance(data, list) else None
        if items is None:
            yield Bad(line, f"data: expected a list or object, got {type(data).__name__}", raw)
            return
        page = page or _Page.from_response(obj)
        data_ids = {str(t["id"]) for t in items if isinstance(t, dict) and t.get("id") is not None}
        assigned: set[str] = set()
        records: list[Record] = []
        for i, tweet in enumerate(items):
            where = f"data[{i}]" if isinstance(data, list) else "data"
            if not isinstance(tweet, dict) or not _is_tweet(tweet):
                what = "a user object" if isinstance(tweet, dict) and "username" in tweet else "no tweet"
                yield Bad(line, f"{where}: {what} (expected id and text/author_id)", _dump(tweet))
                continue
            try:
                post, accounts = tweet_to_post(tweet, page, collected=True)
            except _Unreadable as exc:
                yield Bad(line, f"{where} (id {tweet.get('id')}): {exc}", _dump(tweet))
                continue
            rec = Record(line, [post], accounts)
            self._attach(rec, [rid for _, rid in _refs(tweet)], page, data_ids, assigned)
            records.append(rec)
            yield rec
        if records:  # included tweets that no data tweet references: context of the page
            self._attach(records[0], list(page.tweets), page, data_ids, assigned)

    @staticmethod
    def _attach(rec: Record, todo: list[str], page: _Page, data_ids: set[str], assigned: set[str]) -> None:
        while todo:
            rid = todo.pop(0)
            if rid in assigned or rid in data_ids or rid not in page.tweets:
                continue
            assigned.add(rid)
            included = page.tweets[rid]
            try:
                post, accounts = tweet_to_post(included, page, collected=False,
                                               seen_at=rec.posts[0].get("created_at"))
            except _Unreadable:
                continue
            rec.posts.append(post)
            rec.accounts.extend(accounts)
            todo.extend(r for _, r in _refs(included))


def _score(obj: Mapping[str, Any]) -> float:
    if "id_str" in obj or "user" in obj:
        return 0.0  # v1.1
    if "data" in obj:
        data = obj["data"]
        first = data[0] if isinstance(data, list) and data else data
        if isinstance(first, dict):
            return 0.95 if _is_tweet(first) and "id_str" not in first else 0.0
        return 0.6 if ("meta" in obj or "includes" in obj) and data == [] else 0.0
    if "author_id" in obj and "id" in obj and any(
        k in obj for k in ("edit_history_tweet_ids", "__twarc", "conversation_id", "author")
    ):
        return 0.9
    if not (isinstance(obj.get("id"), str) and obj["id"].isdigit() and "text" in obj):
        return 0.0  # X IDs are digit strings in v2 ({"id": "h1", "text": ...} is generic JSON)
    if isinstance(obj.get("author"), dict) or any(k in obj for k in _V2_ONLY):
        return 0.7
    return 0.3


def _dump(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return repr(value)
