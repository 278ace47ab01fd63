"""CooRnet / PyCooRnet shares tables (format ``crowdtangle-shares``).

CooRnet's ``get_ctshares`` (R) and PyCooRnet's ``CrowdTangle.get_shares`` query the CrowdTangle
``/links`` endpoint for a list of URLs and write one row per (post, expanded link)::

    id, is_orig, expanded, date, account.url, account.name, account.handle, account.subscriberCount,
    account.id, account.platform, account.platformId, account.verified

Mapping (see ``docs/sources/crowdtangle-shares.md``):

* one canonical post per CrowdTangle ``id``. A post that carries several links has one row per link,
  written consecutively; the rows of one ``id`` are merged so that no link is lost: every row yields the
  same merged post, so the first is stored and the others count as duplicates (rows = stored +
  duplicate + quarantined). A later, non-adjacent group for the same ``id`` is a plain duplicate.
* ``post_id`` = ``ct:<id>`` with flag ``post_id_crowdtangle_internal``: the table has no post URL and no
  ``platformId``, so the CrowdTangle-internal ID is the only key (case 16); the ``ct:`` prefix keeps it
  apart from platform post IDs (``crowdtangle`` source) with which it cannot be joined.
* ``account_id`` = ``account.platformId`` (the Facebook/Instagram ID, the same key as the ``crowdtangle``
  source's ``Facebook Id``), handle ``account.handle`` (``NA`` -> NULL), display name ``account.name``,
  followers ``account.subscriberCount``; ``platform`` = ``account.platform`` lower-cased.
* ``created_at`` = ``date``, UTC (CrowdTangle API docs: post dates are UTC).
* ``urls`` = the ``expanded`` links, as found; a Facebook/Instagram post permalink among them is a
  ``repost`` relation (``ref_post_id``), never a URL; one of the account's own posts (its handle or
  ID in the permalink) is dropped.
* ``is_orig`` (TRUE when the link is one of the URLs queried): flag ``is_orig`` when any row of the post is
  TRUE; when only some are, flags ``orig_url:<url>`` name those links. A value other than TRUE/FALSE
  adds ``is_orig_invalid``.
* text, counts: not in the table (NULL); ``followers`` as :func:`ioscope.ids.parse_count` reads it
  (thousands separators accepted).

Rows are read by :class:`ioscope.sources.generic_csv.CsvRecords` (plain or gzip-compressed CSV):
``source_line`` is the physical line where the row starts (header = line 1).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ioscope.errors import SourceError
from ioscope.ids import clean_id, parse_count
from ioscope.sources.base import Bad, Record, Source, SourceOptions
from ioscope.sources.crowdtangle import na, parse_post_url
from ioscope.sources.generic_csv import CsvRecords, raw_record, sniff_header
from ioscope.sources.registry import register
from ioscope.timeparse import parse_time
from ioscope.urls import link_domains

COLUMNS = ("id", "is_orig", "expanded", "date", "account.url", "account.name", "account.handle",
           "account.subscriberCount", "account.id", "account.platform", "account.platformId",
           "account.verified")
"""The header CooRnet and PyCooRnet write (order may differ)."""

_REQUIRED = frozenset(("id", "is_orig", "expanded", "date"))
_TRUE, _FALSE = frozenset(("TRUE", "True", "true", "1")), frozenset(("FALSE", "False", "false", "0"))


@register
class CrowdTangleSharesSource(Source):
    """The CooRnet/PyCooRnet ``ct_shares`` table; see the module docstring for the mapping."""

    name = "crowdtangle-shares"
    platform = "facebook"
    description = "CooRnet/PyCooRnet CrowdTangle shares table (one row per post and link)"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.97 when the header holds ``id, is_orig, expanded, date`` and ``account.*`` columns and no
        post columns (``postUrl``, ``message``), else 0."""
        h = set(sniff_header(head))
        if _REQUIRED <= h and any(c.startswith("account.") for c in h) and not h & {"postUrl", "message"}:
            return 0.97
        return 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record (the merged post of its ``id``, and the account) or a Bad per data row, in
        file order, at the physical line where the row starts (header = line 1). The file may be
        gzip-compressed. Raises SourceError when the required columns are missing."""
        group: list[tuple[int, dict[str, str] | Bad]] = []
        group_id: str | None = None
        with CsvRecords(self, path, ",") as records:
            header = records.header
            missing = _REQUIRED - set(header)
            if missing:
                raise SourceError(path, f"not a CooRnet shares table: missing {sorted(missing)}")
            for item in records:
                if isinstance(item, Bad):
                    group.append((item.line, item))
                    continue
                line, cells, _ = item  # NUL bytes are already removed
                row = {h: c.strip() for h, c in zip(header, cells)}
                post_id = na(row.get("id"))
                if group and post_id != group_id:
                    yield from self._flush(group, options)
                    group = []
                group_id = post_id
                group.append((line, row))
            yield from self._flush(group, options)

    def _flush(self, group: list[tuple[int, dict[str, str] | Bad]],
               options: SourceOptions) -> Iterator[Record | Bad]:
        parsed: list[tuple[int, Any]] = [(n, r if isinstance(r, Bad) else self._row(n, r, options))
                                         for n, r in group]
        good = [p for _, p in parsed if isinstance(p, dict)]
        post, account = self._merge(good) if good else (None, None)
        for n, item in parsed:
            if isinstance(item, Bad):
                yield item
            else:
                yield Record(n, posts=[dict(post, flags=list(post["flags"]))],
                             accounts=[dict(account)] if account else [])

    def _row(self, n: int, row: dict[str, str], options: SourceOptions) -> dict[str, Any] | Bad:
        raw = raw_record(list(row.values()))
        ct_id, id_flags = clean_id(na(row.get("id")), field="post_id")
        if not ct_id:
            return Bad(n, "id: empty CrowdTangle post ID", raw)
        try:
            created = parse_time(na(row.get("date")) or "", tz="UTC")  # CrowdTangle API: dates are UTC
        except ValueError as exc:
            return Bad(n, f"date: {exc}", raw)
        account_id, acc_flags = clean_id(na(row.get("account.platformId")), field="account_id")
        is_orig = row.get("is_orig", "").strip()
        return {
            "ct_id": ct_id, "created_at": created, "account_id": account_id,
            "flags": id_flags + acc_flags + ([] if is_orig in _TRUE | _FALSE else ["is_orig_invalid"]),
            "is_orig": is_orig in _TRUE, "url": na(row.get("expanded")),
            "platform": options.platform or (na(row.get("account.platform")) or "facebook").lower(),
            "handle": na(row.get("account.handle")), "name": na(row.get("account.name")),
            "followers": parse_count(row.get("account.subscriberCount"), thousands=True),
        }

    @staticmethod
    def _merge(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any] | None]:
        first = rows[0]
        flags = list(dict.fromkeys(["post_id_crowdtangle_internal", *(f for r in rows for f in r["flags"])]))
        urls: list[str] = []
        ref = None
        own = {x.lower() for x in (first["handle"], first["account_id"]) if x}
        for r in rows:
            target = parse_post_url(r["url"])
            if target is None:
                if r["url"] and r["url"] not in urls:
                    urls.append(r["url"])
            elif (target[1] or "").lower() in own:
                continue  # the account's own video/post: neither a link nor a relation
            elif ref is None:
                ref = target
        orig = [r["url"] for r in rows if r["is_orig"] and r["url"]]
        if orig:
            flags.append("is_orig")
            if len(orig) < len([r for r in rows if r["url"]]):
                flags += [f"orig_url:{u}" for u in dict.fromkeys(orig)]
        owner = ref[1] if ref else None
        post = {
            "platform": first["platform"], "post_id": f"ct:{first['ct_id']}",
            "account_id": first["account_id"], "account_handle": first["handle"],
            "created_at": first["created_at"], "kind": "repost" if ref else "original",
            "ref_post_id": ref[2] if ref else None,
            "ref_account_id": owner if owner and owner.isdigit() else None,
            "ref_account_handle": owner if owner and not owner.isdigit() else None,
            "urls": urls, "domains": link_domains(urls), "hashtags": [], "mentions": [],
            "collected": True, "flags": flags,
        }
        account = None
        if first["account_id"]:
            account = {"platform": first["platform"], "account_id": first["account_id"],
                       "handle": first["handle"], "display_name": first["name"],
                       "followers": first["followers"], "last_seen_at": first["created_at"]}
        return post, account
