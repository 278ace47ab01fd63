"""Filters read from the URL, so that every view is a shareable link.

A :class:`Filters` holds what the analyst chose (period, country, actor type, platform, language,
account, hashtag, domain, URL, kind, text, referenced post) and turns it into SQL *fragments with
named parameters*: the fragments are fixed strings chosen here, the values travel only as
parameters, so nothing from a request is ever spliced into SQL. Unknown query keys are ignored;
a malformed date raises :class:`FilterError` (shown to the user as a 400 page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlencode

from ioscope.errors import IoscopeError

MAX_TEXT = 500
"""Longest filter value accepted (characters); longer values are cut."""

KINDS = ("original", "repost", "quote", "reply")


class FilterError(IoscopeError):
    """A filter value in the URL cannot be read (e.g. a malformed date)."""


@dataclass(frozen=True)
class Filters:
    """The filters of one view. Dates are UTC days, ``end`` inclusive; strings are as typed.

    ``actor_type`` ``untracked`` selects authors that are not tracked actors. ``account`` matches a
    handle (case-insensitive, without ``@``) or an account ID. ``q`` is a plain substring of the post
    text (case-insensitive; no operators). ``ref``: posts that repost, quote or reply to this post ID.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    country: str = ""
    actor_type: str = ""
    platform: str = ""
    lang: str = ""
    account: str = ""
    hashtag: str = ""
    domain: str = ""
    url: str = ""
    kind: str = ""
    q: str = ""
    ref: str = ""
    to_country: str = ""

    # -- reading and writing URLs ----------------------------------------------------------------------

    @classmethod
    def from_query(cls, params: Any) -> Filters:
        """Filters from a query-string mapping (Starlette ``request.query_params`` or a dict).

        Raises FilterError for a date that is not ``YYYY-MM-DD`` or a start after the end."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = params.get(f.name)
            if raw is None:
                continue
            raw = str(raw).strip()[:MAX_TEXT]
            if not raw:
                continue
            if f.name in ("start", "end"):
                try:
                    values[f.name] = dt.date.fromisoformat(raw)
                except ValueError:
                    raise FilterError(f"{f.name}={raw!r}: expected a date YYYY-MM-DD") from None
            elif f.name in ("account", "hashtag"):
                values[f.name] = raw.lstrip("@#")
            else:
                values[f.name] = raw
        out = cls(**values)
        if out.start and out.end and out.start > out.end:
            raise FilterError(f"start {out.start} is after end {out.end}")
        return out

    def items(self) -> list[tuple[str, str]]:
        """The filters that are set, as (key, value) strings in field order."""
        out = []
        for f in fields(self):
            v = getattr(self, f.name)
            if v:
                out.append((f.name, v.isoformat() if isinstance(v, dt.date) else str(v)))
        return out

    def query_string(self, **extra: Any) -> str:
        """``key=value&...`` of the set filters plus ``extra`` (None/"" values left out)."""
        pairs = self.items() + [(k, str(v)) for k, v in extra.items() if v not in (None, "")]
        return urlencode(pairs)

    def with_(self, **changes: Any) -> Filters:
        """A copy with ``changes`` applied."""
        return replace(self, **changes)

    # -- SQL -------------------------------------------------------------------------------------------

    def where(self, *, post: str = "p", actor: str = "aa",
              skip: tuple[str, ...] = ()) -> tuple[str, dict[str, Any]]:
        """SQL conditions (joined with AND; ``TRUE`` when none) and their named parameters.

        ``post``: alias of the ``posts`` table; ``actor``: alias of the joined ``actor_accounts``
        row of the author. ``skip``: filter names to leave out (e.g. the period, for a registry).
        Period bounds are UTC: ``created_at >= start 00:00`` and ``< (end + 1 day) 00:00``.
        """
        p, a = post, actor
        conds: list[str] = []
        params: dict[str, Any] = {}

        def add(name: str, sql: str, value: Any) -> None:
            if name in skip:
                return
            conds.append(sql)
            params[f"f_{name}"] = value

        if self.start:
            add("start", f"{p}.created_at >= $f_start", _utc(self.start))
        if self.end:
            add("end", f"{p}.created_at < $f_end", _utc(self.end + dt.timedelta(days=1)))
        if self.country:
            add("country", f"{a}.country = $f_country", self.country.upper())
        if self.actor_type:
            add("actor_type", f"(CASE WHEN {a}.account_id IS NULL THEN 'untracked' "
                              f"ELSE coalesce({a}.actor_type, 'unknown') END) = $f_actor_type",
                self.actor_type)
        if self.platform:
            add("platform", f"{p}.platform = $f_platform", self.platform.lower())
        if self.lang:
            add("lang", f"{p}.lang = $f_lang", self.lang)
        if self.account:
            add("account", f"(lower({p}.account_handle) = lower($f_account) "
                           f"OR {p}.account_id = $f_account)", self.account)
        if self.hashtag:
            add("hashtag", f"list_contains(list_transform({p}.hashtags, lambda x: lower(x)), "
                           f"lower($f_hashtag))", self.hashtag)
        if self.domain:
            add("domain", f"list_contains(list_transform({p}.domains, lambda x: lower(x)), "
                          f"lower($f_domain))", self.domain)
        if self.url:
            add("url", f"list_contains({p}.urls, $f_url)", self.url)
        if self.kind:
            add("kind", f"{p}.kind = $f_kind", self.kind)
        if self.q:
            add("q", f"strpos(lower({p}.text), lower($f_q)) > 0", self.q)
        if self.ref:
            add("ref", f"{p}.ref_post_id = $f_ref", self.ref)
        if self.to_country:
            add("to_country",
                f"{p}.kind IN ('repost', 'quote', 'reply') AND EXISTS (SELECT 1 FROM actor_accounts "
                f"fb2 WHERE fb2.platform = {p}.platform AND fb2.country = $f_to_country "
                f"AND fb2.account_id IS DISTINCT FROM {p}.account_id "
                f"AND fb2.account_id = coalesce({p}.ref_account_id, (SELECT any_value(o2.account_id) "
                f"FROM posts o2 WHERE o2.platform = {p}.platform AND o2.post_id = {p}.ref_post_id)))",
                self.to_country.upper())
        return (" AND ".join(conds) or "TRUE"), params


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def page_number(params: Any, key: str = "page") -> int:
    """The 1-based page number in ``params[key]`` (1 when absent or not a positive integer)."""
    try:
        n = int(str(params.get(key, "1")))
    except ValueError:
        return 1
    return max(1, min(n, 1_000_000))


FILTER_KEYS = frozenset(f.name for f in fields(Filters))
"""The query keys that are filters (every other key is a page's own argument)."""
