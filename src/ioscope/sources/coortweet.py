"""CooRTweet's data layouts (Righetti & Balluff, R package CooRTweet; MIT).

Format ``coortweet``. Two layouts, told apart by their header (columns found by name, any order);
plain CSV or gzip-compressed CSV (``.csv.gz``, detected by its magic bytes):

**Retweet layout** (``russian_coord_tweets``: ``object_id, account_id, content_id, timestamp_share``)
— one row per share of an object. Mapping, per row:

* post_id = ``content_id``, account_id = ``account_id``, kind ``repost``, ref_post_id = ``object_id``
  (CooRTweet's object: the ID of the retweeted tweet), created_at = ``timestamp_share`` (POSIX seconds,
  UTC), platform ``twitter`` (or ``options.platform``); no text, handle, URLs or hashtags. The IDs in the
  published data are SHA-256-derived hashes, so no post permalink can be built (none is).
* A ``content_id`` that appears again on a later row (39 rows of the published file give one
  ``content_id`` two different objects) is kept once: the store keys a post by its ID and keeps the
  first copy, as for every source.

**Multi-modal layout** (``german_elections``: ``account_id, post_id, url_id, hashtag_id, domain_id,
phash_id, timestamp``) — one row per (post, item); a post's rows need not be adjacent, so the whole
file is read before the posts are yielded (one Record per post, at the line of its first row; every
further row of a post yields an empty Record, so ``n_read`` still counts rows). Mapping, per post:

* platform from the ``account_id`` prefix: ``tw_`` -> ``twitter``, ``fb_`` -> ``facebook``, ``ig_`` ->
  ``instagram``, otherwise ``options.platform`` or ``unknown``; account_id = the value as given;
* post_id = ``"anon:" + post_id``: the IDs are anonymised integers, not platform IDs, and the prefix
  keeps them from ever becoming (wrong) permalinks and keeps Twitter and Facebook posts apart;
* kind ``original``; created_at = ``timestamp`` (POSIX seconds, UTC);
* urls = ``["anon-url:<url_id>", ...]``, domains = ``["anon-domain-<domain_id>.invalid", ...]``,
  hashtags = ``["h<hashtag_id>", ...]``: distinct values in row order. These stand-ins compare exactly as
  the anonymised items do (co-link, co-domain, co-hashtag), and cannot be mistaken for real ones;
* ``phash_id`` (perceptual hash of an image) has no canonical column (the schema has no media field)
  and is not mapped; the rows that hold only a phash still count in ``n_read``.

Rows with a missing ID or an unreadable time are quarantined; the rest of the file keeps loading.
Records are read by :class:`ioscope.sources.generic_csv.CsvRecords`, which also decompresses gzip:
``source_line`` is the physical line where the record starts (header = line 1).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ioscope.errors import SourceError
from ioscope.sources.base import Bad, Record, Source, SourceOptions
from ioscope.sources.generic_csv import CsvRecords, sniff_header
from ioscope.sources.registry import register
from ioscope.timeparse import parse_time

RETWEET_COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share")
MULTIMODAL_COLUMNS = ("account_id", "post_id", "url_id", "hashtag_id", "domain_id", "phash_id", "timestamp")
PLATFORM_PREFIXES = {"tw_": "twitter", "fb_": "facebook", "ig_": "instagram"}


@register
class CooRTweet(Source):
    """CooRTweet's retweet and multi-modal layouts (see the module docstring for the mapping)."""

    name = "coortweet"
    platform = "twitter"
    description = "CooRTweet data: object_id/account_id/content_id/timestamp_share or the multi-modal layout"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.95 when the header holds every column of one of the two layouts."""
        names = {c.lower() for c in sniff_header(head)}
        if set(RETWEET_COLUMNS) <= names or set(MULTIMODAL_COLUMNS) <= names:
            return 0.95
        return 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield Records (posts) and Bads per row. Raises SourceError when the header matches neither
        layout."""
        with CsvRecords(self, path, ",") as records:
            col = {name.lower(): i for i, name in enumerate(records.header)}
            if set(RETWEET_COLUMNS) <= set(col):
                yield from self._retweets(records, col, options)
            elif set(MULTIMODAL_COLUMNS) <= set(col):
                yield from self._multimodal(records, col, options)
            else:
                raise SourceError(path, "not a CooRTweet file: expected the columns "
                                        f"{', '.join(RETWEET_COLUMNS)} or {', '.join(MULTIMODAL_COLUMNS)}; "
                                        f"header: {', '.join(records.header)}")

    def _retweets(self, records: CsvRecords, col: dict[str, int],
                  options: SourceOptions) -> Iterator[Record | Bad]:
        platform = options.platform or "twitter"
        for item in records:
            if isinstance(item, Bad):
                yield item
                continue
            line, cells, _ = item
            obj, acc, cid, ts = (cells[col[c]].strip() for c in RETWEET_COLUMNS)
            if not (obj and acc and cid):
                yield Bad(line, "object_id, account_id and content_id are required", ",".join(cells))
                continue
            try:
                created = parse_time(float(ts))
            except ValueError as exc:
                yield Bad(line, f"bad timestamp_share: {exc}", ",".join(cells))
                continue
            post = {"platform": platform, "post_id": cid, "account_id": acc, "created_at": created,
                    "kind": "repost", "ref_post_id": obj, "collected": True}
            yield Record(line, posts=[post], accounts=[{"platform": platform, "account_id": acc,
                                                        "last_seen_at": created}])

    def _multimodal(self, records: CsvRecords, col: dict[str, int],
                    options: SourceOptions) -> Iterator[Record | Bad]:
        posts: dict[tuple[str, str], dict[str, Any]] = {}
        lines: list[tuple[int, tuple[str, str] | Bad]] = []
        for item in records:
            if isinstance(item, Bad):
                lines.append((item.line, item))
                continue
            line, cells, _ = item
            get = {c: cells[col[c]].strip() for c in MULTIMODAL_COLUMNS}
            acc, pid = get["account_id"], get["post_id"]
            if not (acc and pid):
                lines.append((line, Bad(line, "account_id and post_id are required", ",".join(cells))))
                continue
            key = (acc, pid)
            post = posts.get(key)
            if post is None:
                try:
                    created = parse_time(float(get["timestamp"]))
                except ValueError as exc:
                    lines.append((line, Bad(line, f"bad timestamp: {exc}", ",".join(cells))))
                    continue
                platform = next((p for pre, p in PLATFORM_PREFIXES.items() if acc.startswith(pre)),
                                options.platform or "unknown")
                post = {"platform": platform, "post_id": f"anon:{pid}", "account_id": acc,
                        "created_at": created, "kind": "original", "urls": [], "domains": [],
                        "hashtags": [], "collected": True, "_line": line}
                posts[key] = post
            for field, prefix, suffix, value in (("urls", "anon-url:", "", get["url_id"]),
                                                  ("domains", "anon-domain-", ".invalid", get["domain_id"]),
                                                  ("hashtags", "h", "", get["hashtag_id"])):
                if value:
                    v = f"{prefix}{_int_text(value)}{suffix}"
                    if v not in post[field]:
                        post[field].append(v)
            lines.append((line, key))
        for line, ref in lines:
            if isinstance(ref, Bad):
                yield ref
                continue
            post = posts[ref]
            if post["_line"] != line:
                yield Record(line)  # a further row of a post already yielded
                continue
            row = {k: v for k, v in post.items() if k != "_line"}
            yield Record(line, posts=[row], accounts=[{"platform": row["platform"], "account_id": ref[0],
                                                       "last_seen_at": row["created_at"]}])


def _int_text(value: str) -> str:
    """``"23678"`` and ``"23678.0"`` (an R numeric written as float) both give ``"23678"``."""
    return value[:-2] if value.endswith(".0") and value[:-2].isdigit() else value
