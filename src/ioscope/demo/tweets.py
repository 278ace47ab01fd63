"""Build X/Twitter API v1.1 tweet objects (``tweet_mode=extended``) as real exports look.

Conventions reproduced here, because downstream readers must cope with them:

* IDs are snowflakes: ``((ms - TWITTER_EPOCH_MS) << 22) | low22`` where ``ms`` is the creation time in
  milliseconds since the Unix epoch (UTC), so IDs sort by time and exceed 2**53 (a float would corrupt
  them). Every object carries both ``id`` (int) and ``id_str``.
* ``created_at`` is ``"%a %b %d %H:%M:%S +0000 %Y"`` in English, UTC, whole seconds.
* ``full_text`` is HTML-escaped the way Twitter does it: only ``&``, ``<`` and ``>`` become ``&amp;``,
  ``&lt;`` and ``&gt;``. Entity ``indices`` are ``[start, end)`` offsets in Unicode code points over the
  escaped ``full_text`` as emitted, so ``full_text[start:end]`` is ``#tag``, ``@handle`` or the t.co URL.
* A retweet's ``full_text`` is ``"RT @handle: " + original full_text``; when that is longer than 140
  code points it is cut to 139 and ``"…"`` appended (140 in all; a few less when the cut would split
  ``&amp;``/``&lt;``/``&gt;``, which is then dropped whole). Its entities are those of the cut text (the
  ``@handle`` mention first, then the original's entities that still fit, shifted).
* A reply starts with ``"@handle "`` of the replied-to author; ``display_text_range`` starts after it.
* A quote ends with the t.co link to the quoted tweet (``expanded_url`` ``https://twitter.com/<handle>/
  status/<id>``), which ``display_text_range`` excludes; ``quoted_status_permalink`` repeats it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
import time
from random import Random
from typing import Any

TWITTER_EPOCH_MS = 1288834974657
"""Twitter's snowflake epoch (2010-11-04T01:42:54.657Z) in ms since the Unix epoch."""

RT_LIMIT = 140
"""Length, in code points, to which ``"RT @handle: " + text`` is cut (with a final ``"…"``)."""

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TOKENS = re.compile(r"(?<![\w&@#])(#\w+|@[A-Za-z0-9_]{1,15}(?![A-Za-z0-9_]))")
_TCO_ALPHABET = string.ascii_letters + string.digits


def snowflake(ms: int, low: int = 0) -> int:
    """Snowflake ID for a time ``ms`` (milliseconds since the Unix epoch, UTC) and 22 low bits.

    Raises ValueError for a time before Twitter's epoch or ``low`` outside ``[0, 2**22)``.
    """
    if ms < TWITTER_EPOCH_MS:
        raise ValueError(f"time {ms} ms is before the snowflake epoch")
    if not 0 <= low < (1 << 22):
        raise ValueError("low bits must be in [0, 2**22)")
    return ((ms - TWITTER_EPOCH_MS) << 22) | low


def snowflake_ms(tweet_id: int) -> int:
    """Creation time (ms since the Unix epoch, UTC) encoded in a snowflake ID."""
    return (tweet_id >> 22) + TWITTER_EPOCH_MS


def twitter_time(ms: int) -> str:
    """``created_at`` string for ``ms`` (ms since the Unix epoch): ``"Thu Mar 12 14:37:05 +0000 2020"``.

    Locale-independent; the milliseconds are dropped.
    """
    t = time.gmtime(ms // 1000)
    return (f"{_DAYS[t.tm_wday]} {_MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} {t.tm_hour:02d}:{t.tm_min:02d}:"
            f"{t.tm_sec:02d} +0000 {t.tm_year}")


def escape_text(text: str) -> str:
    """Escape tweet text as Twitter does: ``&`` → ``&amp;``, ``<`` → ``&lt;``, ``>`` → ``&gt;`` only."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def display_url(url: str) -> str:
    """Twitter-style ``display_url``: no scheme nor ``www.``, cut to 24 code points plus ``"…"`` when
    longer than 25."""
    d = re.sub(r"^https?://(www\.)?", "", url)
    return d if len(d) <= 25 else d[:24] + "…"


class IdFactory:
    """Unique snowflake IDs drawn from one seeded generator (deterministic for a given call order)."""

    def __init__(self, rng: Random) -> None:
        self._rng = rng
        self._used: set[int] = set()

    def new(self, ms: int) -> int:
        """A fresh snowflake ID for time ``ms`` (ms since the Unix epoch, UTC); never repeats."""
        while True:
            tid = snowflake(ms, self._rng.getrandbits(22))
            if tid not in self._used:
                self._used.add(tid)
                return tid


class TcoFactory:
    """Unique ``https://t.co/XXXXXXXXXX`` links (10 random letters/digits) from one seeded generator."""

    def __init__(self, rng: Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def new(self) -> str:
        """A fresh t.co URL (23 characters)."""
        while True:
            url = "https://t.co/" + "".join(self._rng.choices(_TCO_ALPHABET, k=10))
            if url not in self._used:
                self._used.add(url)
                return url


@dataclass(frozen=True, slots=True)
class Link:
    """A URL posted in a tweet: ``expanded_url`` and, if the user pasted a shortener link, the
    ``display_url`` that shows (e.g. ``"bit.ly/3aXyZ1q"``); otherwise the display URL is derived."""

    expanded_url: str
    display: str | None = None


@dataclass(frozen=True, slots=True)
class Composed:
    """A tweet's escaped ``text``, its ``entities`` dict and ``display_text_range`` ``[start, end]``."""

    text: str
    entities: dict[str, list[dict[str, Any]]]
    display_text_range: tuple[int, int]


MentionLookup = Callable[[str], tuple[int, str]]
"""``screen_name -> (user id, display name)``; raises KeyError for an unknown handle."""


def _mention(screen_name: str, uid: int, name: str, start: int) -> dict[str, Any]:
    return {"screen_name": screen_name, "name": name, "id": uid, "id_str": str(uid),
            "indices": [start, start + 1 + len(screen_name)]}


def _url_entity(tco: str, link: Link, start: int) -> dict[str, Any]:
    return {"url": tco, "expanded_url": link.expanded_url,
            "display_url": link.display or display_url(link.expanded_url),
            "indices": [start, start + len(tco)]}


def compose(
    plain: str,
    *,
    lookup: MentionLookup,
    tco: TcoFactory,
    links: Sequence[Link] = (),
    reply_to: tuple[str, int, str] | None = None,
    quote_link: Link | None = None,
) -> Composed:
    """Turn unescaped ``plain`` text into an escaped tweet text with entities.

    ``#word`` and ``@handle`` tokens in ``plain`` become hashtag / mention entities (all-digit hashtags
    stay text); each of ``links`` is appended as ``" " + t.co URL``; ``reply_to`` = ``(screen_name, user
    id, name)`` prefixes ``"@screen_name "``; ``quote_link`` appends the quoted tweet's t.co link after
    the display range. Raises KeyError (from ``lookup``) for a mention of an unknown handle.
    """
    parts: list[str] = []
    n = 0
    hashtags: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    urls: list[dict[str, Any]] = []

    def emit(s: str) -> None:
        nonlocal n
        parts.append(s)
        n += len(s)

    start = 0
    if reply_to is not None:
        sn, uid, name = reply_to
        mentions.append(_mention(sn, uid, name, 0))
        emit(f"@{sn} ")
        start = n
    pos = 0
    for m in _TOKENS.finditer(plain):
        tok = m.group(1)
        if tok[0] == "#" and tok[1:].isdigit():
            continue
        emit(escape_text(plain[pos:m.start(1)]))
        b = n
        emit(tok)
        if tok[0] == "#":
            hashtags.append({"text": tok[1:], "indices": [b, n]})
        else:
            uid, name = lookup(tok[1:])
            mentions.append(_mention(tok[1:], uid, name, b))
        pos = m.end(1)
    emit(escape_text(plain[pos:]))
    for link in links:
        if n and not parts[-1].endswith((" ", "\n")):
            emit(" ")
        url = tco.new()
        urls.append(_url_entity(url, link, n))
        emit(url)
    end = n
    if quote_link is not None:
        emit(" ")
        url = tco.new()
        urls.append(_url_entity(url, quote_link, n))
        emit(url)
    entities = {"hashtags": hashtags, "symbols": [], "user_mentions": mentions, "urls": urls}
    return Composed("".join(parts), entities, (start, end))


def compose_retweet(screen_name: str, uid: int, name: str, original: Composed) -> Composed:
    """The text and entities of a retweet of ``original`` by way of its author ``screen_name``.

    ``"RT @screen_name: " + original.text``, cut to :data:`RT_LIMIT` code points with a final ``"…"``
    when longer (shorter if the cut would split an ``&amp;``-style escape); entities that no longer fit
    whole are dropped.
    """
    prefix = f"RT @{screen_name}: "
    full = prefix + original.text
    if len(full) > RT_LIMIT:
        limit = RT_LIMIT - 1
        amp = full.rfind("&", limit - 4, limit)  # never cut inside &amp; &lt; &gt;
        if amp >= 0 and full.startswith(("&amp;", "&lt;", "&gt;"), amp) and full.index(";", amp) >= limit:
            limit = amp
        text = full[:limit] + "…"
    else:
        text, limit = full, len(full)
    off = len(prefix)
    ents: dict[str, list[dict[str, Any]]] = {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []}
    ents["user_mentions"].append(_mention(screen_name, uid, name, 3))
    for key, items in original.entities.items():
        for e in items:
            s, t = e["indices"][0] + off, e["indices"][1] + off
            if t <= limit:
                ents[key].append(dict(e, indices=[s, t]))
    return Composed(text, ents, (0, len(text)))


def tweet_object(
    *,
    tweet_id: int,
    ms: int,
    user: dict[str, Any],
    composed: Composed,
    lang: str,
    source: str,
    counts: tuple[int, int, int, int],
    reply_parent: dict[str, Any] | None = None,
    quoted: dict[str, Any] | None = None,
    retweeted: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One v1.1 tweet object (a dict ready for JSON).

    ``ms``: creation time in ms since the Unix epoch (UTC); ``user``: the v1.1 user object;
    ``counts``: ``(retweet_count, favorite_count, reply_count, quote_count)``; ``reply_parent``: the
    replied-to tweet object; ``quoted``: the quoted tweet object (its permalink must be the last URL of
    ``composed``); ``retweeted``: the original tweet object for a retweet.
    """
    parent_user = reply_parent["user"] if reply_parent else None
    obj: dict[str, Any] = {
        "created_at": twitter_time(ms),
        "id": tweet_id,
        "id_str": str(tweet_id),
        "full_text": composed.text,
        "truncated": False,
        "display_text_range": list(composed.display_text_range),
        "entities": composed.entities,
        "source": source,
        "in_reply_to_status_id": reply_parent["id"] if reply_parent else None,
        "in_reply_to_status_id_str": reply_parent["id_str"] if reply_parent else None,
        "in_reply_to_user_id": parent_user["id"] if parent_user else None,
        "in_reply_to_user_id_str": parent_user["id_str"] if parent_user else None,
        "in_reply_to_screen_name": parent_user["screen_name"] if parent_user else None,
        "user": user,
        "geo": None,
        "coordinates": None,
        "place": None,
        "contributors": None,
    }
    if retweeted is not None:
        obj["retweeted_status"] = retweeted
    obj["is_quote_status"] = quoted is not None
    if quoted is not None:
        link = composed.entities["urls"][-1]
        obj["quoted_status_id"] = quoted["id"]
        obj["quoted_status_id_str"] = quoted["id_str"]
        obj["quoted_status_permalink"] = {"url": link["url"], "expanded": link["expanded_url"],
                                          "display": link["display_url"]}
        obj["quoted_status"] = quoted
    obj["retweet_count"], obj["favorite_count"], obj["reply_count"], obj["quote_count"] = counts
    obj["favorited"] = False
    obj["retweeted"] = False
    if composed.entities["urls"]:
        obj["possibly_sensitive"] = False
    obj["lang"] = lang
    return obj
