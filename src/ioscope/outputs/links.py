"""Links from a post back to the platform, so that every finding can be checked at its source.

Only IDs that are real platform IDs become links. IDs that ioscope or a dataset made up are never
turned into a URL, because the URL would point at a different (or no) post:

* IDs from research archives that are not platform IDs (prefix ``ira:``, e.g. the IRA troll dataset);
* IDs made unique after they lost precision upstream (they hold ``~``, see :mod:`ioscope.store`).
"""

from __future__ import annotations

import re

_TWITTER_ID = re.compile(r"\d{1,25}")
_TWITTER_HANDLE = re.compile(r"[A-Za-z0-9_]{1,50}")
_TELEGRAM_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_TELEGRAM_ID = re.compile(r"(?:(?P<chat>[^/:]+)[/:])?(?P<msg>\d{1,20})")
_BLUESKY_POST = re.compile(r"at://(?P<did>did:[a-z]+:[A-Za-z0-9._:%-]+)/app\.bsky\.feed\.post/"
                           r"(?P<rkey>[A-Za-z0-9._:~-]+)")
_YOUTUBE_VIDEO = re.compile(r"[A-Za-z0-9_-]{11}")
_NOT_PLATFORM_PREFIXES = ("ira:",)


def permalink(platform: str | None, post_id: str | None, handle: str | None = None) -> str | None:
    """The public URL of a post, or None when it cannot be built safely.

    ``platform``: ``twitter`` (or ``x``), ``telegram``, ``mastodon``, ``bluesky`` or ``youtube``;
    other platforms give None.
    ``post_id``: the canonical post ID (a string). ``handle``: the author's handle without ``@``.

    * twitter: ``https://x.com/{handle}/status/{post_id}``, or ``https://x.com/i/web/status/{post_id}``
      when the handle is missing or not a valid handle; only all-digit IDs.
    * telegram: ``https://t.me/{channel}/{message}`` when the ID holds a public channel username
      (``channel/42`` or ``channel:42``), or when the ID is a bare message number and ``handle`` is the
      channel's public username; otherwise None (numeric chat IDs have no public link).
    * mastodon: the post ID is the status URI (an https URL that opens the post): itself.
    * bluesky: ``at://{did}/app.bsky.feed.post/{rkey}`` -> ``https://bsky.app/profile/{did}/post/{rkey}``
      (repost records have no page: None).
    * youtube: an 11-character video ID -> ``https://www.youtube.com/watch?v={id}`` (comments: None).
    * IDs that are not platform IDs (starting with ``ira:`` or holding ``~``) give None.

    Never raises; the result is always an ``https://`` URL or None.
    """
    if not platform or not post_id or not isinstance(post_id, str):
        return None
    if "~" in post_id or post_id.lower().startswith(_NOT_PLATFORM_PREFIXES):
        return None
    platform = platform.lower()
    handle = handle.lstrip("@") if isinstance(handle, str) else None
    if platform in ("twitter", "x"):
        if not _TWITTER_ID.fullmatch(post_id):
            return None
        if handle and _TWITTER_HANDLE.fullmatch(handle):
            return f"https://x.com/{handle}/status/{post_id}"
        return f"https://x.com/i/web/status/{post_id}"
    if platform == "telegram":
        m = _TELEGRAM_ID.fullmatch(post_id)
        if not m:
            return None
        chat = m.group("chat")
        if chat is not None:
            chat = chat.lstrip("@")
            if _TELEGRAM_USERNAME.fullmatch(chat):
                return f"https://t.me/{chat}/{m.group('msg')}"
            return None
        if handle and _TELEGRAM_USERNAME.fullmatch(handle):
            return f"https://t.me/{handle}/{m.group('msg')}"
        return None
    if platform == "mastodon":
        return safe_href(post_id)
    if platform == "bluesky":
        m = _BLUESKY_POST.fullmatch(post_id)
        return f"https://bsky.app/profile/{m['did']}/post/{m['rkey']}" if m else None
    if platform == "youtube":
        return f"https://www.youtube.com/watch?v={post_id}" if _YOUTUBE_VIDEO.fullmatch(post_id) else None
    return None


def safe_href(url: object) -> str | None:
    """``url`` when it is an absolute ``http(s)://`` URL with a host and no control characters, else
    None. Use it before putting any URL into an ``href``: ``javascript:``, ``data:`` and relative URLs
    never become links."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not re.match(r"(?i)https?://[^/\s?#]+", url):
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return None
    return url
