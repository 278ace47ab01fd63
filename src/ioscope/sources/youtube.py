"""YouTube Data API v3 responses saved to disk, into canonical posts.

Format ``youtube``, platform ``youtube``. Reference: YouTube Data API v3 resource docs (``videos``,
``search``, ``playlistItems``, ``commentThreads``, ``comments``, ``channels``, ``playlists``:
https://developers.google.com/youtube/v3/docs); case 24 in ``../shared/cases``.

Files: one ``*ListResponse`` (``{"kind": ..., "items": [...]}``), pages of them as a JSON array or JSON
lines, or bare items; gzip is read too (see :mod:`ioscope.sources._jsonfile`). Each *item* is one input
record (its number is the running item count, or the line in JSON lines); a comment thread yields one
record per comment (the top-level comment and each reply), with the thread's number.

Dispatch on the item's ``kind`` (and ``id.kind`` for ``youtube#searchResult``; searx#1157: a search
mixes kinds, even with ``type=video``) — :func:`classify`:

* **video** (``youtube#video``, a search result of kind video, a ``youtube#playlistItem`` of a video):
  a post, kind ``original``. post_id = the video id; account_id = the uploading channel id; text =
  title, a blank line, description (search results' snippets are HTML-escaped by the API: unescaped
  once there, and only there; Youtarr#652); hashtags extracted from the text; urls written in the
  description, without YouTube links; lang = ``defaultLanguage`` > ``defaultAudioLanguage``; counts
  ``likeCount``, ``commentCount`` (reply_count), ``viewCount`` (strings in the API, read as integers).
* **playlist item**: ``snippet.publishedAt`` is when the item was *added to the playlist*, not the
  upload (YouTubeSubscriptionDownloader#28): created_at = ``contentDetails.videoPublishedAt``, and the
  add time is kept as the flag ``added_to_playlist_at:<ISO UTC>``. Without ``videoPublishedAt``
  (private/deleted video) created_at is NULL with flag ``video_published_at_missing`` — never the add
  date. The account is ``snippet.videoOwnerChannelId`` (``snippet.channelId`` is the playlist owner;
  used only as a fallback, flag ``account_is_playlist_owner``).
* **comment** (``youtube#comment``; threads' ``topLevelComment`` and ``replies.comments``): a post of
  kind ``reply``: a top-level comment replies to the video (ref = ``videoId``, ref account = the
  thread's ``channelId``), a reply to its ``parentId`` comment. text = ``textOriginal``; when only the
  HTML ``textDisplay`` is present it is converted to text (tags stripped, entities unescaped once;
  minet#481). urls = links written in the text and ``<a href>`` of ``textDisplay``, without YouTube links
  (timestamp links are not shares). handle = ``authorDisplayName`` without ``@`` when it is an
  ``@handle``. An edited comment (``updatedAt`` > ``publishedAt``) gets ``edited_at:<ISO UTC>``.
* **channel** (``youtube#channel``, a channel search result): an account row, no post.
* **playlist** (``youtube#playlist``, a playlist search result): no post; its owner channel is recorded
  as an account. Neither is an error (case 24).

Any other kind is quarantined with its name; so is an item without its id or with an unreadable date.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ioscope.ids import parse_count as _count
from ioscope.sources._html import html_to_text
from ioscope.sources._jsonfile import iter_records, raw_json, sniff_head
from ioscope.sources.base import Bad, Record, Source, SourceOptions
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, nfc, normalize_lang
from ioscope.timeparse import parse_time
from ioscope.urls import extract_urls, link_domains, registered_domain

PLATFORM = "youtube"
YOUTUBE_DOMAINS = frozenset(("youtube.com", "youtu.be", "youtube-nocookie.com"))
"""Links to these are YouTube's own pages (timestamps, videos, channels): references, not shares."""


def _expand(value: Any) -> list[Any] | None:
    if isinstance(value, Mapping) and str(value.get("kind", "")).endswith("ListResponse"):
        items = value.get("items")
        return list(items) if isinstance(items, list) else []
    return None


def classify(item: Any) -> tuple[str, str | None]:
    """``(kind, id)`` of one API item: kind is ``video``, ``playlist_item``, ``comment_thread``,
    ``comment``, ``channel``, ``playlist`` or ``unknown:<kind>``; id the video/channel/playlist/comment
    id (None when absent). Search results are classified by ``id.kind`` (case 24)."""
    if not isinstance(item, Mapping):
        return "unknown:not-an-object", None
    kind = str(item.get("kind", ""))
    ident = item.get("id")
    if kind == "youtube#searchResult" or (isinstance(ident, Mapping) and "kind" in ident):
        ident = _map(ident)
        sub = str(ident.get("kind", ""))
        key = {"youtube#video": ("video", "videoId"), "youtube#channel": ("channel", "channelId"),
               "youtube#playlist": ("playlist", "playlistId")}.get(sub)
        if key is None:
            return f"unknown:{sub or 'search result without id.kind'}", None
        return key[0], _str(ident.get(key[1]))
    simple = {"youtube#video": "video", "youtube#channel": "channel", "youtube#playlist": "playlist",
              "youtube#commentThread": "comment_thread", "youtube#comment": "comment"}
    if kind in simple:
        return simple[kind], _str(ident)
    if kind == "youtube#playlistItem":
        video = _str(_map(item.get("contentDetails")).get("videoId")) or \
            _str(_map(_map(item.get("snippet")).get("resourceId")).get("videoId"))
        return "playlist_item", video
    return f"unknown:{kind or 'no kind'}", None


def item_to_records(item: Any, line: int) -> list[Record | Bad]:
    """Map one API item to records (one per post; a comment thread gives one per comment; a channel or
    playlist gives a record without posts) or a single :class:`Bad`. Never raises."""
    kind, ident = classify(item)
    if kind.startswith("unknown:"):
        return [Bad(line, f"unsupported YouTube item kind {kind[8:]!r}")]
    if ident is None and kind not in ("comment_thread", "comment"):
        return [Bad(line, f"{kind} without its id")]
    snippet = _map(item.get("snippet"))
    try:
        if kind == "video":
            escaped = str(item.get("kind")) == "youtube#searchResult"
            return [_video(item, ident, snippet, line, escaped)]
        if kind == "playlist_item":
            return [_playlist_item(item, ident, snippet, line)]
        if kind == "comment":
            return [_comment(item, line, None, None)]
        if kind == "comment_thread":
            return _thread(item, line)
        if kind == "channel":
            return [Record(line, accounts=[_channel(item, ident, snippet)])]
        owner = _str(snippet.get("channelId"))  # a playlist: not a post; its owner is an account
        accounts = [_account(owner, None, _title(snippet.get("channelTitle"), False))] if owner else []
        return [Record(line, accounts=accounts)]
    except _BadField as exc:
        return [Bad(line, str(exc))]


class _BadField(ValueError):
    pass


def _time(value: Any, field: str, required: bool = True):
    if value is None or value == "":
        if required:
            raise _BadField(f"missing {field}")
        return None
    try:
        return parse_time(value)
    except ValueError as exc:
        raise _BadField(f"bad {field}: {exc}") from None


def _iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _video(item: Mapping, video_id: str, snippet: Mapping, line: int, escaped: bool) -> Record:
    created = _time(snippet.get("publishedAt"), "snippet.publishedAt")
    title = _title(snippet.get("title"), escaped)
    description = _title(snippet.get("description"), escaped)
    text = "\n\n".join(t for t in (title, description) if t) or None
    stats = _map(item.get("statistics"))
    urls = _external(extract_urls(description))
    channel = _str(snippet.get("channelId"))
    post = {
        "platform": PLATFORM, "post_id": video_id, "account_id": channel, "account_handle": None,
        "created_at": created, "text": text,
        "lang": normalize_lang(_str(snippet.get("defaultLanguage")) or _str(snippet.get("defaultAudioLanguage"))),
        "kind": "original", "urls": urls, "domains": link_domains(urls), "hashtags": extract_hashtags(text),
        "mentions": [], "like_count": _count(stats.get("likeCount")), "reply_count": _count(stats.get("commentCount")),
        "view_count": _count(stats.get("viewCount")), "collected": True, "flags": [],
    }
    accounts = [_account(channel, None, _title(snippet.get("channelTitle"), escaped), created)] if channel else []
    return Record(line, posts=[post], accounts=accounts)


def _playlist_item(item: Mapping, video_id: str, snippet: Mapping, line: int) -> Record:
    details = _map(item.get("contentDetails"))
    flags: list[str] = []
    added = _time(snippet.get("publishedAt"), "snippet.publishedAt", required=False)
    if added is not None:
        flags.append(f"added_to_playlist_at:{_iso(added)}")
    created = _time(details.get("videoPublishedAt"), "contentDetails.videoPublishedAt", required=False)
    if created is None:
        flags.append("video_published_at_missing")  # never the add date (case 24)
    channel = _str(snippet.get("videoOwnerChannelId"))
    if channel is None and _str(snippet.get("channelId")):
        channel = _str(snippet.get("channelId"))
        flags.append("account_is_playlist_owner")
    title = _title(snippet.get("title"), False)
    description = _title(snippet.get("description"), False)
    text = "\n\n".join(t for t in (title, description) if t) or None
    urls = _external(extract_urls(description))
    post = {
        "platform": PLATFORM, "post_id": video_id, "account_id": channel, "account_handle": None,
        "created_at": created, "text": text, "kind": "original", "urls": urls, "domains": link_domains(urls),
        "hashtags": extract_hashtags(text), "mentions": [], "collected": True, "flags": flags,
    }
    owner_title = _title(snippet.get("videoOwnerChannelTitle"), False)
    accounts = [_account(channel, None, owner_title, created)] if channel and "account_is_playlist_owner" not in flags else []
    return Record(line, posts=[post], accounts=accounts)


def _thread(item: Mapping, line: int) -> list[Record | Bad]:
    snippet = _map(item.get("snippet"))
    top = _map(snippet.get("topLevelComment"))
    if not top:
        return [Bad(line, "comment thread without snippet.topLevelComment")]
    video = _str(snippet.get("videoId")) or _str(_map(top.get("snippet")).get("videoId"))
    out: list[Record | Bad] = []
    try:
        first = _comment(top, line, video, _str(snippet.get("channelId")), thread_id=_str(item.get("id")))
        total = _count(snippet.get("totalReplyCount"))
        if total is not None:
            first.posts[0]["reply_count"] = total
        out.append(first)
        parent_author = (first.posts[0]["account_id"], first.posts[0]["account_handle"])
    except _BadField as exc:
        out.append(Bad(line, f"topLevelComment: {exc}"))
        parent_author = (None, None)
    for reply in _map(item.get("replies")).get("comments") or ():
        try:
            out.append(_comment(_map(reply), line, video, None, parent_author))
        except _BadField as exc:
            out.append(Bad(line, f"reply comment: {exc}"))
    return out


def _comment(c: Mapping, line: int, video: str | None, video_channel: str | None,
             parent_author: tuple[str | None, str | None] = (None, None), thread_id: str | None = None) -> Record:
    s = _map(c.get("snippet"))
    created = _time(s.get("publishedAt"), "snippet.publishedAt")
    flags: list[str] = []
    comment_id = _str(c.get("id")) or thread_id
    author_id = _str(_map(s.get("authorChannelId")).get("value"))
    if not comment_id:
        # An export without comment ids: a stable key from (video, author, time), flagged.
        video_key = _str(s.get("parentId")) or video or _str(s.get("videoId"))
        if not (video_key and author_id):
            raise _BadField("comment without id, and without videoId/parentId and authorChannelId to key it")
        comment_id = f"{video_key}/{author_id}/{_iso(created)}"
        flags.append("post_id_synthesized")
    updated = _time(s.get("updatedAt"), "snippet.updatedAt", required=False)
    if updated is not None and updated > created:
        flags.append(f"edited_at:{_iso(updated)}")
    display = _str(s.get("textDisplay"))
    parsed = html_to_text(display) if display else None
    text = s.get("textOriginal") if isinstance(s.get("textOriginal"), str) else None
    if text is None and parsed is not None:
        text = parsed.text
        flags.append("text_from_html")
    text = nfc(text.replace("\x00", "")) if text else None
    found = extract_urls(text) + [link.href for link in (parsed.links if parsed else ())]
    urls = _external(found)
    name = _str(s.get("authorDisplayName"))
    handle = name[1:] if name and name.startswith("@") and " " not in name else None
    parent = _str(s.get("parentId"))
    if parent:
        ref = (parent, *parent_author)
    else:
        video = video or _str(s.get("videoId"))
        ref = (video, video_channel or _str(s.get("channelId")), None)
    post = {
        "platform": PLATFORM, "post_id": comment_id, "account_id": author_id, "account_handle": handle,
        "created_at": created, "text": text, "kind": "reply", "ref_post_id": ref[0],
        "ref_account_id": ref[1], "ref_account_handle": ref[2], "urls": urls, "domains": link_domains(urls),
        "hashtags": extract_hashtags(text), "mentions": [], "like_count": _count(s.get("likeCount")),
        "collected": True, "flags": flags,
    }
    accounts = [_account(author_id, handle, name, created)] if author_id else []
    return Record(line, posts=[post], accounts=accounts)


def _channel(item: Mapping, channel_id: str, snippet: Mapping) -> dict[str, Any]:
    escaped = str(item.get("kind")) == "youtube#searchResult"
    custom = _str(snippet.get("customUrl"))
    stats = _map(item.get("statistics"))
    row = _account(channel_id, custom.lstrip("@") if custom else None, _title(snippet.get("title"), escaped))
    row["created_at"] = _time(snippet.get("publishedAt"), "snippet.publishedAt", required=False)
    row["followers"] = _count(stats.get("subscriberCount"))
    row["description"] = _title(snippet.get("description"), escaped)
    return row


def _account(channel_id: str | None, handle: str | None, name: str | None, seen_at=None) -> dict[str, Any]:
    return {"platform": PLATFORM, "account_id": channel_id, "handle": handle, "display_name": name,
            "last_seen_at": seen_at}


def _external(urls: list[str]) -> list[str]:
    out: list[str] = []
    for url in urls:
        url = url.strip()
        if url and url.startswith(("http://", "https://")) and registered_domain(url) not in YOUTUBE_DOMAINS \
                and url not in out:
            out.append(url)
    return out


def _title(value: Any, escaped: bool) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.replace("\x00", "")
    if escaped:
        value = html.unescape(value)  # one pass: search snippets are escaped once by the API (case 24)
    return nfc(value)


def _map(value: Any) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


@register
class YouTube(Source):
    """YouTube Data API v3 list responses (see the module docstring for the kinds and the mapping)."""

    name = "youtube"
    platform = PLATFORM
    description = "YouTube Data API v3 responses (videos, search, playlistItems, commentThreads, ...)"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.95 for JSON holding a ``"youtube#...`` kind; 0.0 otherwise."""
        text = sniff_head(head)
        if text[:1] not in (b"[", b"{"):
            return 0.0
        return 0.95 if b'"youtube#' in text else 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield records per item (see the module docstring). ``options`` is not used: API times are UTC."""
        with self.open_binary(path) as fh:
            for line, item in iter_records(fh, _expand):
                if isinstance(item, Bad):
                    yield item
                    continue
                for rec in item_to_records(item, line):
                    if isinstance(rec, Bad) and not rec.raw:
                        rec.raw = raw_json(item)
                    yield rec
