"""CrowdTangle CSV exports of Facebook and Instagram posts (format ``crowdtangle``).

One reader for the layouts CrowdTangle and the tools around it wrote (case 16), told apart by their
header (:func:`detect_layout`):

* ``historical-pre-2021-04`` — dashboard "historical data" CSV before April 2021: ``Created``,
  ``User Name``, ``Facebook Id``, ``URL``, ``Message``, ``Link``, ``Final Link``, ``Link Text`` ...
* ``historical-post-2021-04`` — the same export after CrowdTangle's April 2021 change (4cat#137):
  ``Post Created`` with ``Post Created Date``/``Post Created Time``, ``Page Name``/``Group Name`` ...
  Instagram dashboard exports (``Account``, ``User Name``, ``Post Created``, ``URL``, ``Description``)
  are read by the same rules; their caption is ``Description``.
* ``api-dotted`` — API posts flattened with dotted names (CooRnet's ``newformat``): ``date``,
  ``postUrl``, ``platformId``, ``id``, ``message``, ``title``, ``expandedLinks.original/expanded``,
  ``account.*``, ``statistics.actual.*``.
* ``api-underscore`` — the same flattened with ``_`` (pandas ``json_normalize(sep="_")``, as PyCooRnet's
  ``sample_ct_out.csv``): ``account_name``, ``statistics_actual_likeCount``, ``expanded``, ``link``.

Field rules (each source cited in ``docs/sources/crowdtangle.md``):

* ``post_id``: the platform's own post ID, because it is the one key every layout carries (case 16:
  "prefer the post URL or platform ID over the CrowdTangle ``id``"): the last numeric (or ``pfbid``)
  segment of a Facebook post URL (``URL``/``postUrl``; ``story_fbid``/``fbid``/``v`` queries too), the
  shortcode of an Instagram ``/p/<code>/`` URL, else the part after ``_`` of ``platformId``
  (``<page id>_<post id>``), else the CrowdTangle ``id`` as ``ct:<id>`` with flag
  ``post_id_crowdtangle_internal`` (internal, and its structure changed on 20 Oct 2020), else a
  synthesised ``ct-noid:<record>:<hash>`` with flag ``post_id_missing`` (stable when the same file is
  ingested again, never equal to a real ID).
* ``account_id``: ``Facebook Id`` / ``account.platformId`` (the platform's ID, the same in both
  families); handle ``User Name`` / ``account.handle``; display name ``Page Name``/``Group Name``/
  ``Account`` / ``account.name``; followers ``Followers at Posting`` / ``account.subscriberCount``.
* ``platform``: ``Platform`` / ``platform`` / ``account.platform`` lower-cased, else from the post URL's
  host, else ``facebook``; ``SourceOptions.platform`` overrides.
* link: ``Final Link`` (the expanded URL), else ``Link``; the API's ``expanded`` >
  ``expandedLinks.expanded`` > ``link`` > ``expandedLinks.original``. The re-share placeholder
  ``This is a re-share of a post`` (in ``Link Text``/``title``/``Message``/``Description``) is dropped
  and makes the post a ``repost`` whose ``ref_post_id`` comes from ``Link`` (CooRnet uses ``Link``, not
  ``Final Link``, for re-shares). A Facebook/Instagram post permalink is a relation, never a URL; a link
  to the post's own page (photo/video of the post itself) is dropped.
* times: the API documents ``date`` as UTC. Dashboard CSVs: a trailing zone (``EDT``, ``+0300``,
  ``UTC``) is read; an abbreviation is checked against ``options.tz`` first (so ``CST`` is China's when
  ``--tz Asia/Shanghai``), then a table of unambiguous ones; otherwise (no zone written) the time is
  read in ``options.tz`` and flagged ``assumed_utc``/``assumed_tz:<zone>`` — never the machine's zone
  (case 16).
* counts: ``Likes``/``Shares``/``Comments``/``Post Views`` (``Views`` on Instagram), thousands
  separators allowed (:func:`ioscope.ids.parse_count` with ``thousands=True``: ``"1,234"`` -> 1234;
  ``NA`` or beyond 64 bits -> NULL); ``statistics.actual.likeCount/shareCount/commentCount``.
* text: ``Message`` (Instagram: ``Description``) / ``message``, NFC; the link preview (``Link Text``,
  ``Description`` on Facebook, ``title``) is not the post's text and is not stored.

Every post carries the flag ``crowdtangle_layout:<layout>`` (the layout that was used).

Records are read by :class:`ioscope.sources.generic_csv.CsvRecords` (plain or gzip-compressed CSV):
``source_line`` is the physical line where the record starts (header = line 1); a record with the
wrong number of fields or invalid UTF-8 is quarantined at that line. The ``<record>`` in a
``ct-noid:`` stand-in ID is the 1-based data-record number (not the line), as in earlier versions, so
re-ingesting a file gives the same IDs.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import logging
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ioscope.errors import SourceError
from ioscope.ids import clean_id, parse_count
from ioscope.sources.base import Bad, Record, Source, SourceOptions, assumed_zone_flag
from ioscope.sources.generic_csv import CsvRecords, raw_record, sniff_header
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, extract_mentions, nfc, normalize_lang
from ioscope.timeparse import parse_time, zone
from ioscope.urls import link_domains, url_host

log = logging.getLogger(__name__)

RESHARE_PLACEHOLDER = "this is a re-share of a post"
"""CrowdTangle's link text for a post that re-shares another post (compared case-insensitively)."""

NA_VALUES = frozenset(("", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"))
"""Cell values that mean "no value" in ID, URL and count columns (R writes ``NA``, pandas ``nan``)."""

_FB_HOSTS = frozenset(("facebook.com", "m.facebook.com", "web.facebook.com", "mbasic.facebook.com",
                       "business.facebook.com", "fb.com", "mobile.facebook.com", "touch.facebook.com"))
_IG_HOSTS = frozenset(("instagram.com", "instagr.am"))
_FB_POST_WORDS = frozenset(("posts", "permalink", "photos", "videos", "notes", "reel", "reels"))
_FB_NOT_OWNER = frozenset(("groups", "permalink.php", "photo.php", "story.php", "watch", "video.php",
                           "reel", "media", "events", "notes", "pages", "people", "pg"))
_ZONE_OFFSETS_H = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
}
"""Zone abbreviations with one meaning; ambiguous ones (CST, IST, BST, AST) need ``--tz``."""
_LOCAL = re.compile(r"(\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(.*)")
_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?")


# -- cells (shared with crowdtangle_shares) ------------------------------------------------------------

def na(value: str | None) -> str | None:
    """``value`` stripped, or None when it is one of :data:`NA_VALUES`."""
    if value is None:
        return None
    value = value.strip()
    return None if value in NA_VALUES else value


# -- Facebook / Instagram permalinks ---------------------------------------------------------------

def parse_post_url(url: str | None) -> tuple[str, str | None, str] | None:
    """``(platform, owner, post_id)`` when ``url`` is a Facebook or Instagram post permalink, else None.

    Facebook: ``/<owner>/posts/<id>``, ``/<owner>/photos/a.<album>/<id>/``, ``/<owner>/videos/<id>``,
    ``/groups/<group>/permalink/<id>/`` (owner None), ``/permalink.php?story_fbid=<id>&id=<owner>``,
    ``/photo.php?fbid=<id>``, ``/watch/?v=<id>``; the ID is numeric or a ``pfbid…`` token. Instagram:
    ``/p/<code>/``, ``/reel/<code>/``, ``/tv/<code>/`` (owner None). ``owner`` is the page's vanity
    name or numeric ID as written in the URL."""
    url = na(url)
    if not url:
        return None
    host = url_host(url)
    try:
        parts = urlsplit(url if "//" in url[:12] else "//" + url)
    except ValueError:
        return None
    segs = [s for s in parts.path.split("/") if s]
    if host in _IG_HOSTS:
        if len(segs) >= 2 and segs[0] in ("p", "reel", "tv"):
            return "instagram", None, segs[1]
        return None
    if host not in _FB_HOSTS:
        return None
    query = parse_qs(parts.query)
    for key in ("story_fbid", "fbid", "v"):
        if query.get(key) and _fb_id(query[key][0]):
            owner = query.get("id", [None])[0]
            return "facebook", owner, query[key][0]
    owner = segs[0] if segs and segs[0] not in _FB_NOT_OWNER else None
    for i in range(len(segs) - 1, 0, -1):
        if _fb_id(segs[i]) and any(w in _FB_POST_WORDS for w in segs[1:i]):
            return "facebook", owner, segs[i]
    return None


def _fb_id(seg: str) -> bool:
    return seg.isdigit() or (seg.startswith("pfbid") and seg[5:].isalnum())


def platform_of_url(url: str | None) -> str | None:
    """``facebook`` or ``instagram`` from a URL's host, else None."""
    host = url_host(na(url))
    return "instagram" if host in _IG_HOSTS else "facebook" if host in _FB_HOSTS else None


# -- times ---------------------------------------------------------------------------------------------

def parse_dashboard_time(value: str, tz: str) -> tuple[dt.datetime, list[str]]:
    """A dashboard CSV time (``2021-03-01 12:00:00`` with an optional trailing zone) as aware UTC, with
    flags: ``assumed_utc``/``assumed_tz:<tz>`` when no zone was written and ``tz`` was used. A zone
    abbreviation is accepted when ``tz`` uses it at that date (DST-aware), else when it is in the
    unambiguous table; numeric offsets (``+0300``, ``GMT+3``) always. Raises ValueError naming the
    problem."""
    m = _LOCAL.fullmatch(value.strip())
    if not m:
        raise ValueError(f"unrecognised time {value!r}: expected 'YYYY-MM-DD HH:MM:SS' with an "
                         "optional zone")
    local, zone_text = m.group(1), m.group(2).strip()
    if not zone_text:
        return parse_time(local, tz=tz), [assumed_zone_flag(tz)]
    naive = dt.datetime.fromisoformat(local.replace(" ", "T") if "T" not in local else local)
    off = _OFFSET.fullmatch(zone_text)
    if off:
        minutes = int(off.group(2)) * 60 + int(off.group(3) or 0)
        delta = dt.timedelta(minutes=minutes if off.group(1) == "+" else -minutes)
        return (naive - delta).replace(tzinfo=dt.timezone.utc), []
    abbr = zone_text.upper()
    user_zone = zone(tz)
    for fold in (0, 1):
        aware = naive.replace(tzinfo=user_zone, fold=fold)
        if aware.tzname() == abbr:
            return aware.astimezone(dt.timezone.utc), []
    if abbr in _ZONE_OFFSETS_H:
        return (naive - dt.timedelta(hours=_ZONE_OFFSETS_H[abbr])).replace(tzinfo=dt.timezone.utc), []
    raise ValueError(f"time zone {zone_text!r} in {value!r} is ambiguous or unknown; pass the "
                     "dashboard's IANA zone with --tz")


# -- layouts -------------------------------------------------------------------------------------------

def detect_layout(header: Sequence[str]) -> str | None:
    """The CrowdTangle layout of a CSV header (see the module docstring), or None when it is not one.
    A CooRnet shares table (``is_orig`` + ``expanded``, no post columns) is not a post layout."""
    h = set(header)
    if {"is_orig", "expanded"} <= h and not h & {"postUrl", "message", "platformId"}:
        return None
    if "URL" in h and h & {"User Name", "Facebook Id", "Page Name", "Account"}:
        if h & {"Post Created", "Post Created Date"}:
            return "historical-post-2021-04"
        if "Created" in h:
            return "historical-pre-2021-04"
    dotted = any(c.startswith(("account.", "statistics.", "expandedLinks.")) for c in h)
    under = any(c.startswith(("account_", "statistics_actual_")) for c in h)
    if dotted and h & {"date", "postUrl", "platformId", "type"}:
        return "api-dotted"
    if under and h & {"postUrl", "platformId"}:
        return "api-underscore"
    return None


@register
class CrowdTangleSource(Source):
    """CrowdTangle CSV posts (historical dashboard exports and flattened API posts); see the module
    docstring for the layouts and field rules. After :meth:`read` starts, ``layout`` names the layout."""

    name = "crowdtangle"
    platform = "facebook"
    description = "CrowdTangle CSV exports of Facebook/Instagram posts (dashboard and flattened API)"

    def __init__(self) -> None:
        super().__init__()
        self.layout: str | None = None

    def sniff(self, path: Path, head: bytes) -> float:
        """0.95 for a historical header, 0.9 for a flattened API header, else 0."""
        layout = detect_layout(sniff_header(head))
        return 0.0 if layout is None else 0.95 if layout.startswith("historical") else 0.9

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield one Record (one collected post and its account) or Bad per CSV record, at the physical
        line where the record starts (header = line 1). The file may be gzip-compressed. Raises
        SourceError when the header is not a CrowdTangle layout."""
        with CsvRecords(self, path, ",") as records:
            header = records.header
            self.layout = detect_layout(header)
            if self.layout is None:
                raise SourceError(path, "not a CrowdTangle CSV header (no URL/Created/"
                                        "Post Created or account./statistics. columns)")
            log.info("%s: CrowdTangle layout %s", path, self.layout)
            historical = self.layout.startswith("historical")
            n = 0  # data records, for the stable ``ct-noid:<record>:<hash>`` stand-in ID
            for item in records:
                n += 1
                if isinstance(item, Bad):
                    yield item
                    continue
                line, cells, _ = item  # NUL bytes are already removed
                row = {h: c.strip() for h, c in zip(header, cells)}
                if historical:
                    yield self._historical(line, n, row, options)
                else:
                    yield self._api(line, n, row, options)

    # -- one record per layout family -----------------------------------------------------------

    def _historical(self, line: int, n: int, row: dict[str, str], options: SourceOptions) -> Record | Bad:
        raw_time = row.get("Post Created") or row.get("Created")
        if not raw_time and row.get("Post Created Date"):
            raw_time = f"{row['Post Created Date']} {row.get('Post Created Time', '')}".strip()
        time_col = "Post Created" if "Post Created" in row else "Created"
        if not raw_time:
            return Bad(line, f"{time_col}: empty post time", raw_record(list(row.values())))
        try:
            created, flags = parse_dashboard_time(raw_time, options.tz)
        except ValueError as exc:
            return Bad(line, f"{time_col}: {exc}", raw_record(list(row.values())))
        post_url = na(row.get("URL"))
        platform = options.platform or (na(row.get("Platform")) or platform_of_url(post_url)
                                        or "facebook").lower()
        text_col = "Description" if platform == "instagram" and "Message" not in row else "Message"
        fields = {
            "post_url": post_url, "platform_id": None, "ct_id": na(row.get("id")),
            "account_id": row.get("Facebook Id"), "handle": na(row.get("User Name")),
            "display_name": na(row.get("Page Name") or row.get("Group Name") or row.get("Account")),
            "followers": parse_count(row.get("Followers at Posting"), thousands=True),
            "text": row.get(text_col), "titles": [row.get("Link Text"), row.get("Title")],
            "previews": [row.get("Description") if text_col == "Message" else None],
            "final": [na(row.get("Final Link"))], "link": na(row.get("Link")),
            "likes": row.get("Likes"), "shares": row.get("Shares"), "comments": row.get("Comments"),
            "views": row.get("Post Views") or row.get("Views"), "lang": None,
        }
        return self._record(line, n, row, created, flags, platform, fields)

    def _api(self, line: int, n: int, row: dict[str, str], options: SourceOptions) -> Record | Bad:
        if self.layout == "api-underscore":
            row = {k.replace("_", "."): v for k, v in row.items()}
        flags: list[str] = []
        created = None
        if "date" in row:
            try:
                created = parse_time(na(row["date"]) or "", tz="UTC")  # API docs: date is UTC
            except ValueError as exc:
                return Bad(line, f"date: {exc}", raw_record(list(row.values())))
        else:
            flags.append("created_at_missing")  # e.g. PyCooRnet's sample_ct_out.csv has only `updated`
        post_url = na(row.get("postUrl"))
        platform = options.platform or (na(row.get("platform")) or na(row.get("account.platform"))
                                        or platform_of_url(post_url) or "facebook").lower()
        finals = [na(row.get("expanded")), na(row.get("expandedLinks.expanded"))]
        finals += _literal_links(row.get("expandedLinks"))
        fields = {
            "post_url": post_url, "platform_id": na(row.get("platformId")), "ct_id": na(row.get("id")),
            "account_id": row.get("account.platformId"), "handle": na(row.get("account.handle")),
            "display_name": na(row.get("account.name")),
            "followers": parse_count(row.get("account.subscriberCount"), thousands=True),
            "text": na(row.get("message")), "titles": [row.get("title")],
            "previews": [row.get("description")], "final": finals,
            "link": na(row.get("link")) or na(row.get("expandedLinks.original")),
            "likes": row.get("statistics.actual.likeCount"),
            "shares": row.get("statistics.actual.shareCount"),
            "comments": row.get("statistics.actual.commentCount"),
            "views": row.get("statistics.actual.videoViewCount"),
            "lang": row.get("languageCode"),
        }
        return self._record(line, n, row, created, flags, platform, fields)

    def _record(self, line: int, n: int, row: dict[str, str], created: dt.datetime | None, flags: list[str],
                platform: str, f: dict[str, Any]) -> Record:
        flags = [f"crowdtangle_layout:{self.layout}", *flags]
        text = f["text"]
        reshare = False
        if text is not None and text.strip().lower() == RESHARE_PLACEHOLDER:
            text, reshare = None, True
        for cell in (*f["titles"], *f["previews"]):
            if cell and cell.strip().lower() == RESHARE_PLACEHOLDER:
                reshare = True
        post_id, id_flags = self._post_id(n, row, f)
        flags += id_flags
        account_id, acc_flags = clean_id(na(f["account_id"]), field="account_id")
        flags += acc_flags
        handle = f["handle"]
        # The link: for a re-share CrowdTangle's `Link` is the shared post (CooRnet); else Final Link.
        links = [f["link"]] if reshare else [u for u in f["final"] if u] or [f["link"]]
        urls: list[str] = []
        kind, ref = "original", None
        own = {x.lower() for x in (handle, account_id) if x}
        for link in dict.fromkeys(u for u in links if u):
            target = parse_post_url(link)
            if target is None:
                urls.append(link)
            elif target[2] == post_id or (target[1] or "").lower() in own and not reshare:
                continue  # the post's own photo/video/permalink: neither a link nor a relation
            elif ref is None:
                kind, ref = "repost", target
        if reshare and ref is None:
            kind = "repost"
            flags.append("reshare_source_unknown")
        text = nfc(text) if text else None
        post = {
            "platform": platform, "post_id": post_id, "account_id": account_id,
            "account_handle": handle, "created_at": created, "text": text,
            "lang": normalize_lang(na(f["lang"])), "kind": kind,
            "ref_post_id": ref[2] if ref else None,
            "ref_account_id": ref[1] if ref and ref[1] and ref[1].isdigit() else None,
            "ref_account_handle": ref[1] if ref and ref[1] and not ref[1].isdigit() else None,
            "urls": urls, "domains": link_domains(urls),
            "hashtags": extract_hashtags(text), "mentions": extract_mentions(text),
            "like_count": parse_count(f["likes"], thousands=True),
            "share_count": parse_count(f["shares"], thousands=True),
            "reply_count": parse_count(f["comments"], thousands=True),
            "view_count": parse_count(f["views"], thousands=True),
            "collected": True, "flags": flags,
        }
        accounts = []
        if account_id:
            accounts.append({"platform": platform, "account_id": account_id, "handle": handle,
                             "display_name": nfc(f["display_name"]) if f["display_name"] else None,
                             "followers": f["followers"], "last_seen_at": created})
        return Record(line, posts=[post], accounts=accounts)

    def _post_id(self, n: int, row: dict[str, str], f: dict[str, Any]) -> tuple[str, list[str]]:
        parsed = parse_post_url(f["post_url"])
        if parsed:
            return parsed[2], []
        if f["platform_id"]:
            pid, flags = clean_id(f["platform_id"].rpartition("_")[2], field="post_id")
            if pid:
                return pid, flags
        if f["ct_id"]:
            cid, flags = clean_id(f["ct_id"], field="post_id")
            if cid:
                return f"ct:{cid}", [*flags, "post_id_crowdtangle_internal"]
        digest = hashlib.sha1("\x1f".join(row.values()).encode("utf-8", "replace")).hexdigest()[:16]
        return f"ct-noid:{n}:{digest}", ["post_id_missing"]


def _literal_links(value: str | None) -> list[str]:
    # An unflattened `expandedLinks` list written as a Python/JSON literal: [{'original':…,'expanded':…}].
    value = na(value)
    if not value or not value.startswith("["):
        return []
    try:
        items = ast.literal_eval(value)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return []
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            url = item.get("expanded") or item.get("original")
            if isinstance(url, str) and url.strip():
                out.append(url.strip())
    return out
