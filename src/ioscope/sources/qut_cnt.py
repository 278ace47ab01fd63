"""The CSV input of QUT Digital Observatory's coordination-network-toolkit (Graham et al.; MIT).

Format ``qut-cnt``. Header, in this order (the toolkit reads by position; ioscope by name):
``message_id, user_id, username, repost_id, reply_id, message, timestamp, urls``.

Mapping, per row:

* platform: ``options.platform``, else ``unknown`` — the format does not say which platform the IDs
  belong to, and a wrong platform would turn IDs into wrong post links. Pass ``--platform twitter``
  (``SourceOptions(platform="twitter")``) for real tweet IDs;
* post_id = ``message_id``; account_id = ``user_id``; account_handle = ``username`` (without ``@``);
* kind: ``repost`` with ref_post_id = ``repost_id`` when it is non-empty, else ``reply`` with
  ref_post_id = ``reply_id`` when that is non-empty, else ``original`` (the toolkit also treats
  ``repost_id`` first: a repost is excluded from every other network type);
* text = ``message`` (NFC); hashtags and mentions are extracted from it;
* created_at = ``timestamp``: seconds since 1970-01-01 UTC (the toolkit only needs a consistent
  offset; ioscope reads the number as POSIX seconds, with fractions). A date-time written instead
  (``2020-03-25 10:00:00``) is read by :func:`ioscope.timeparse.parse_time`; without a zone it is read in
  ``options.tz`` and flagged ``assumed_utc``/``assumed_tz:<zone>``;
* urls = ``urls`` split as the toolkit does (a space-separated string) or read as a JSON/Python list
  (``['http://a', 'http://b']``, as in the toolkit's generated sample data); empty cells give no URL;
  domains = registered domains of the URLs.

A row without ``message_id`` or with an unreadable ``timestamp`` is quarantined; the rest of the file
keeps loading. Records are read by :class:`ioscope.sources.generic_csv.CsvRecords` (plain or
gzip-compressed CSV): ``source_line`` is the physical line where the record starts (header = line 1).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ioscope.errors import ConfigError, SourceError
from ioscope.ids import clean_id
from ioscope.sources.base import Bad, Record, Source, SourceOptions, assumed_zone_flag, time_is_naive
from ioscope.sources.generic_csv import CsvRecords, parse_list, sniff_header
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, extract_mentions, nfc
from ioscope.timeparse import parse_time, zone
from ioscope.urls import link_domains

COLUMNS = ("message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls")


@register
class QutCnt(Source):
    """coordination-network-toolkit CSV (see the module docstring for the mapping)."""

    name = "qut-cnt"
    platform = "unknown"
    description = "QUT coordination-network-toolkit CSV (message_id,user_id,username,repost_id,...)"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.97 when the header is exactly the toolkit's eight columns (a generic CSV reader would
        also read it, with less certainty)."""
        names = tuple(c.lower() for c in sniff_header(head))
        return 0.97 if names == COLUMNS else 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record or a Bad per CSV record. Raises SourceError when a column is missing, ConfigError
        for an unknown ``options.tz``."""
        platform = options.platform or "unknown"
        try:
            zone(options.tz)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        with CsvRecords(self, path, ",") as records:
            col = {name.lower(): i for i, name in enumerate(records.header)}
            missing = [c for c in COLUMNS if c not in col]
            if missing:
                raise SourceError(path, f"not a coordination-network-toolkit CSV: missing {', '.join(missing)}")
            for item in records:
                if isinstance(item, Bad):
                    yield item
                    continue
                line, cells, had_nul = item
                get = {c: cells[col[c]] for c in COLUMNS}
                post_id, flags = clean_id(get["message_id"], field="post_id")
                if post_id is None:
                    yield Bad(line, "message_id is empty", ",".join(cells))
                    continue
                try:
                    created = parse_time(get["timestamp"].strip(), tz=options.tz)
                except ValueError as exc:
                    yield Bad(line, f"bad timestamp: {exc}", ",".join(cells))
                    continue
                if time_is_naive(get["timestamp"]):
                    flags = [*flags, assumed_zone_flag(options.tz)]
                account_id, f2 = clean_id(get["user_id"], field="account_id")
                repost, _ = clean_id(get["repost_id"], field="ref_post_id")
                reply, _ = clean_id(get["reply_id"], field="ref_post_id")
                kind, ref = ("repost", repost) if repost else ("reply", reply) if reply else ("original", None)
                text = nfc(get["message"])
                urls = parse_list(get["urls"], urls=True)
                handle = get["username"].strip().lstrip("@") or None
                post = {
                    "platform": platform, "post_id": post_id, "account_id": account_id,
                    "account_handle": handle, "created_at": created, "text": text, "kind": kind,
                    "ref_post_id": ref, "urls": urls, "domains": link_domains(urls),
                    "hashtags": extract_hashtags(text), "mentions": extract_mentions(text),
                    "collected": True, "flags": flags + f2 + (["had_nul"] if had_nul else []),
                }
                accounts = [{"platform": platform, "account_id": account_id, "handle": handle,
                             "last_seen_at": created}] if account_id else []
                yield Record(line, posts=[post], accounts=accounts)
