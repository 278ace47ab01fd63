"""Mastodon-API statuses (Mastodon, Akkoma/Pleroma, GoToSocial, ...) into canonical posts.

Format ``mastodon``, platform ``mastodon``. Reference: Mastodon API docs, "Status" and "Account"
entities (https://docs.joinmastodon.org/entities/Status/); case 22 in ``../shared/cases``.

Files: a JSON array of Status objects, JSON lines (one Status, or one page array, per line), a
paginated dump ``[[...], [...]]``, one Status, or a search result ``{"statuses": [...]}``; gzip is read
too (see :mod:`ioscope.sources._jsonfile`).

Mapping (:func:`status_to_record`):

* **post_id** = the status ``uri`` (the ActivityPub id, the same on every instance). The local ``id``
  differs on every instance that holds a copy (andstatus#96), so it is only kept as the flag
  ``local_id:<id>``. A status without ``uri`` is quarantined.
* **account_id** = **account_handle** = ``user@domain``: ``account.acct`` with the domain made explicit
  (local accounts have a bare ``acct``; the domain is taken from ``account.url``, else
  ``account.uri``, else the status ``uri``/``url``), domain lower-cased (case 22: ``account.id`` is
  local too: ``109000000000000190`` on one server is ``555`` on another).
* **boosts**: a status with ``reblog`` set is a ``repost`` whatever its own ``content`` says (Mastodon
  leaves it empty, Akkoma/GoToSocial copy the original: elk PR#1627). Its text, links, tags and mentions
  are the original's, taken once from ``reblog``; ``ref_post_id`` = ``reblog.uri``; the original is
  yielded as a context post (``collected=False``). The wrapper's own counts are kept (usually 0).
* **quotes**: ``quote.quoted_status`` (Mastodon 4.4) or a ``quote`` Status (Pleroma/Fedibird) makes a
  ``quote`` with the quoted post as context.
* **replies**: ``in_reply_to_id`` is a *local* id; it is resolved to the parent's ``uri`` when the parent
  is in the same file, else ``ref_post_id`` stays NULL and the flag ``ref_local_id:<id>`` keeps it. The
  replied-to account comes from ``mentions`` (matched on ``in_reply_to_account_id``) or is the author
  (self-thread).
* **text**: ``content`` HTML to plain text (:mod:`ioscope.sources._html`; entities unescaped once;
  ``<span class="invisible">`` URL parts kept), NFC. A non-empty ``spoiler_text`` (content warning) is
  put first, followed by a blank line.
* **urls**: ``<a href>`` in the content, except hashtag and mention anchors (``class`` containing
  ``hashtag``/``mention`` or ``rel=tag``) and links to the quoted post, then ``card.url``; in order,
  without repeats. **hashtags** = ``tags[].name`` (extracted from the text when ``tags`` is absent);
  **mentions** = ``mentions[].acct`` made explicit as ``user@domain``.
* **created_at** from ``created_at`` (ISO 8601 UTC); **lang** from ``language``; counts
  ``favourites_count`` / ``reblogs_count`` / ``replies_count`` / ``quotes_count``.
* **accounts**: ``display_name``, ``created_at``, ``followers_count``, ``following_count``, ``note`` (as
  text); ``last_seen_at`` = the post time.

Quarantined: a value that is not an object, a status without ``uri`` or ``created_at``, an unparseable
``created_at``, and the JSON and UTF-8 errors of :mod:`ioscope.sources._jsonfile`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ioscope.ids import parse_count as _count
from ioscope.sources._html import html_to_text
from ioscope.sources._jsonfile import iter_records, raw_json, sniff_head
from ioscope.sources.base import Bad, Record, Source, SourceOptions
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, nfc, normalize_lang, strip_bidi
from ioscope.timeparse import parse_time
from ioscope.urls import link_domains

PLATFORM = "mastodon"


def _expand(value: Any) -> list[Any] | None:
    # A v2 search result {"accounts": [...], "statuses": [...], "hashtags": [...]}: its statuses.
    if isinstance(value, Mapping) and "uri" not in value and isinstance(value.get("statuses"), list):
        return value["statuses"]
    return None


def _host(url: Any) -> str | None:
    if not isinstance(url, str) or "//" not in url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def full_acct(account: Mapping | None, fallback_url: Any = None) -> str | None:
    """``user@domain`` for a Mastodon Account (or Mention) object: ``acct`` with the domain made
    explicit and lower-cased; the domain of a bare (local) ``acct`` is the host of ``url``, else ``uri``,
    else ``fallback_url`` (the status's ``uri``). ``username`` stands in for a missing ``acct``. None
    when no name or no domain can be found."""
    if not isinstance(account, Mapping):
        return None
    acct = account.get("acct") or account.get("username")
    if not isinstance(acct, str) or not acct.strip():
        return None
    acct = nfc(strip_bidi(acct.strip().lstrip("@")))
    user, _, domain = acct.partition("@")
    if not domain:
        domain = _host(account.get("url")) or _host(account.get("uri")) or _host(fallback_url) or ""
    if not user or not domain:
        return None
    return f"{user}@{domain.lower()}"


def status_to_record(obj: Any, line: int, local_ids: Mapping[str, str] | None = None) -> Record | Bad:
    """Map one decoded Status to a :class:`Record` (the collected post first, then context posts: the
    boosted or quoted original) or a :class:`Bad` naming the field. ``local_ids``: local ``id`` ->
    ``uri`` of statuses in the same file, used to resolve ``in_reply_to_id``. Never raises."""
    if not isinstance(obj, Mapping):
        return Bad(line, "not a status: expected a JSON object")
    posts: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    error = _add_status(obj, True, posts, accounts, local_ids or {}, 0)
    if error:
        return Bad(line, error)
    return Record(line=line, posts=posts, accounts=accounts)


def _add_status(s: Mapping, collected: bool, posts: list, accounts: list, local_ids: Mapping,
                depth: int) -> str | None:
    uri = s.get("uri")
    if not isinstance(uri, str) or not uri.strip():
        return "missing uri (the status's global ActivityPub id)"
    uri = uri.strip()
    raw_time = s.get("created_at")
    if not isinstance(raw_time, str) or not raw_time.strip():
        return "missing created_at"
    try:
        created = parse_time(raw_time)
    except ValueError as exc:
        return f"bad created_at: {exc}"
    flags: list[str] = []
    local_id = s.get("id")
    if isinstance(local_id, (str, int)) and not isinstance(local_id, bool) and str(local_id):
        flags.append(f"local_id:{local_id}")
    account = _map(s.get("account"))
    handle = full_acct(account, uri)
    if handle is None:
        flags.append("account_unknown")

    reblog = _map(s.get("reblog")) or None
    quote = _quoted(s)
    content = reblog or s  # a boost's text is the original's, taken once (case 22)
    text, urls, hashtags, mentions = _content(content, quote)
    post: dict[str, Any] = {
        "platform": PLATFORM, "post_id": uri, "account_id": handle, "account_handle": handle,
        "created_at": created, "text": text, "lang": normalize_lang(_str(content.get("language"))),
        "urls": urls, "domains": link_domains(urls), "hashtags": hashtags, "mentions": mentions,
        "like_count": _count(s.get("favourites_count")), "share_count": _count(s.get("reblogs_count")),
        "reply_count": _count(s.get("replies_count")), "quote_count": _count(s.get("quotes_count")),
        "collected": collected,
    }
    context: list[Mapping] = []
    if reblog is not None:
        post["kind"] = "repost"
        _set_ref(post, flags, reblog)
        context.append(reblog)
    elif quote is not None:
        post["kind"] = "quote"
        _set_ref(post, flags, quote)
        context.append(quote)
    elif s.get("in_reply_to_id") not in (None, ""):
        post["kind"] = "reply"
        parent_local = str(s.get("in_reply_to_id"))
        post["ref_post_id"] = local_ids.get(parent_local)
        if post["ref_post_id"] is None:
            flags.append(f"ref_local_id:{parent_local}")
        ref_acct = _reply_account(s, account, handle)
        post["ref_account_id"] = post["ref_account_handle"] = ref_acct
    else:
        post["kind"] = "original"
    post["flags"] = list(dict.fromkeys(flags))
    posts.append(post)
    if handle is not None:
        accounts.append(_account(account, handle, created))
    if depth < 2:
        for inner in context:
            _add_status(inner, False, posts, accounts, local_ids, depth + 1)  # unreadable context: skipped
    return None


def _quoted(s: Mapping) -> Mapping | None:
    quote = _map(s.get("quote"))
    if not quote:
        return None
    if "quoted_status" in quote:  # Mastodon 4.4: {"state": ..., "quoted_status": Status | null}
        return _map(quote.get("quoted_status")) or None
    return quote if "uri" in quote else None  # Pleroma/Fedibird: the quoted Status itself


def _content(s: Mapping, quote: Mapping | None) -> tuple[str | None, list[str], list[str], list[str]]:
    parsed = html_to_text(_str(s.get("content")))
    text = parsed.text
    spoiler = nfc(_str(s.get("spoiler_text")) or "").strip()
    if spoiler:
        text = f"{spoiler}\n\n{text}" if text else spoiler
    skip = {u for u in ((quote or {}).get("uri"), (quote or {}).get("url")) if isinstance(u, str)}
    urls: list[str] = []
    for link in parsed.links:
        classes = {c.lower() for c in link.classes}
        if classes & {"hashtag", "mention"} or "tag" in link.rel:
            continue  # hashtag and mention anchors are not external links (case 22)
        if link.href.startswith(("http://", "https://")) and link.href not in skip and link.href not in urls:
            urls.append(link.href)
    card_url = (_str(_map(s.get("card")).get("url")) or "").strip()
    if card_url.startswith(("http://", "https://")) and card_url not in urls and card_url not in skip:
        urls.append(card_url)
    tags = s.get("tags")
    if isinstance(tags, list):
        hashtags = [nfc(strip_bidi(t["name"])).lstrip("#") for t in tags
                    if isinstance(t, Mapping) and isinstance(t.get("name"), str) and t["name"].strip()]
    else:
        hashtags = extract_hashtags(text)
    mentions: list[str] = []
    if isinstance(s.get("mentions"), list):
        for m in s["mentions"]:
            acct = full_acct(m) if isinstance(m, Mapping) else None
            if acct and acct not in mentions:
                mentions.append(acct)
    return (text or None), urls, hashtags, mentions


def _set_ref(post: dict, flags: list, ref: Mapping) -> None:
    ref_uri = ref.get("uri")
    post["ref_post_id"] = ref_uri.strip() if isinstance(ref_uri, str) and ref_uri.strip() else None
    if post["ref_post_id"] is None:
        flags.append("ref_uri_missing")
    acct = full_acct(_map(ref.get("account")), post["ref_post_id"])
    post["ref_account_id"] = post["ref_account_handle"] = acct


def _reply_account(s: Mapping, account: Mapping, handle: str | None) -> str | None:
    target = s.get("in_reply_to_account_id")
    if target in (None, ""):
        return None
    if str(target) == str(account.get("id")):
        return handle  # a self-reply (thread)
    for m in s.get("mentions") or ():
        if isinstance(m, Mapping) and str(m.get("id")) == str(target):
            return full_acct(m)
    return None


def _account(account: Mapping, handle: str, seen_at) -> dict[str, Any]:
    created = None
    if isinstance(account.get("created_at"), str) and account["created_at"]:
        try:
            created = parse_time(account["created_at"])
        except ValueError:
            created = None
    note = html_to_text(_str(account.get("note"))).text or None
    return {
        "platform": PLATFORM, "account_id": handle, "handle": handle,
        "display_name": nfc(_str(account.get("display_name")) or "") or None, "created_at": created,
        "followers": _count(account.get("followers_count")),
        "following": _count(account.get("following_count")),
        "description": note, "last_seen_at": seen_at,
    }


def _map(value: Any) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str | None:
    return value.replace("\x00", "") if isinstance(value, str) and value else None


@register
class Mastodon(Source):
    """Mastodon-API Status objects (see the module docstring for layouts and the mapping)."""

    name = "mastodon"
    platform = PLATFORM
    description = "Mastodon/ActivityPub API statuses: JSON array, pages, JSON lines (optionally gzip)"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.9 for JSON holding Status keys (``uri`` with ``account`` and ``reblog``/
        ``favourites_count``/``reblogs_count``/``visibility``); 0.0 otherwise (Bluesky's ``at://`` URIs
        and ``record`` are not Mastodon)."""
        text = sniff_head(head)
        if text[:1] not in (b"[", b"{") or b'"uri"' not in text or b'"account"' not in text:
            return 0.0
        if b'"at://' in text:
            return 0.0
        hits = sum(key in text for key in (b'"reblog"', b'"favourites_count"', b'"reblogs_count"',
                                           b'"visibility"', b'"acct"'))
        return 0.9 if hits >= 2 else 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record or Bad per status (see the module docstring). ``options`` is not used: Mastodon
        times are UTC. Reads the file once to map local ids to ``uri`` (for replies), then maps."""
        with self.open_binary(path) as fh:
            items = list(iter_records(fh, _expand))
        local_ids: dict[str, str] = {}
        for _, item in items:
            if isinstance(item, Mapping) and isinstance(item.get("uri"), str) and item.get("id") not in (None, ""):
                local_ids.setdefault(str(item["id"]), item["uri"].strip())
        for line, item in items:
            if isinstance(item, Bad):
                yield item
                continue
            rec = status_to_record(item, line, local_ids)
            if isinstance(rec, Bad):
                rec.raw = raw_json(item)
            yield rec


