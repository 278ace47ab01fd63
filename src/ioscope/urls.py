"""URLs in posts: choosing the expanded form, registered domains, platform self-links, extraction.

URLs are kept as found (no lower-casing of paths, no tracking-parameter stripping here: that is a later,
separate canonicalisation step, and a cleaning rule must never damage a valid URL). Domains use the
public suffix list bundled with ``tldextract``, read offline and quietly (the default constructor tries a
download and logs a traceback; see the shared LIBRARIES notes), with private suffixes on so that
``name.blogspot.com`` stays apart from ``blogspot.com``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import tldextract

WRAPPER_DOMAINS = frozenset(("t.co",))
"""Link wrappers a platform puts around every link (Twitter's ``t.co``): a wrapped link says nothing
about where it points, so it yields no domain (else every post with a link would share one)."""

_PERMALINK_HOSTS = {
    "twitter": frozenset(("twitter.com", "x.com", "mobile.twitter.com", "mobile.x.com")),
}
_TWITTER_STATUS = re.compile(r"/(?:i/web|i|#!/)?(?:/?([A-Za-z0-9_]{1,50}))?/status(?:es)?/([0-9]+)")
_URL_IN_TEXT = re.compile(r"""(?i)\bhttps?://[^\s<>"\u00a0\u2026]+""")
_TRAILING = ".,;:!?'\"»”’"
_SIMPLE_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9.-]+)(?::[0-9]*)?(?:[/?#]|$)")

_EXTRACTOR: tldextract.TLDExtract | None = None


def _extractor() -> tldextract.TLDExtract:
    global _EXTRACTOR
    if _EXTRACTOR is None:
        # Built once; no network, no cache directory, bundled snapshot of the public suffix list.
        _EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None,
                                           include_psl_private_domains=True)
    return _EXTRACTOR


def url_host(url: str | None) -> str | None:
    """The host of ``url``, lower-cased, without ``www.``, port, credentials or a trailing dot; None
    for an empty or host-less value. A URL without a scheme (``xhne.ws/abc``) is read as ``//xhne.ws/abc``."""
    if not url:
        return None
    m = _SIMPLE_HOST.match(url)
    if m:  # fast path: scheme://host[:port]/...
        host = m.group(1).lower()
    else:
        url = url.strip()
        try:
            host = urlsplit(url if "//" in url[:12] else "//" + url).hostname
        except ValueError:
            return None
        if not host:
            return None
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host or None


@lru_cache(maxsize=65536)
def _domain_of_host(host: str) -> str | None:
    parts = _extractor().extract_str(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    if parts.ipv4 or parts.ipv6 or ":" in host:
        return host
    labels = host.split(".")
    # No public suffix (reserved TLDs such as .example/.test, or a TLD newer than the bundled list):
    # the last two labels stand for the registered domain; a single label is no domain.
    return ".".join(labels[-2:]) if len(labels) >= 2 and all(labels[-2:]) else None


@lru_cache(maxsize=65536)
def _registered_domain(url: str) -> str | None:
    host = url_host(url)
    return _domain_of_host(host) if host else None


def registered_domain(url: str | None) -> str | None:
    """The registered domain of ``url`` (public suffix + one label, lower-case): ``bbc.co.uk`` for
    ``https://www.BBC.co.uk/news``, ``foo.blogspot.com`` for a Blogspot blog, ``news-site.example`` for a
    reserved or unknown TLD (last two labels), the address for an IP host. None for an empty value or a
    value without a host. Offline; cached per URL and per host."""
    return _registered_domain(url) if url else None


def link_domains(urls: Iterable[str]) -> list[str]:
    """Distinct registered domains of ``urls``, in order, leaving out :data:`WRAPPER_DOMAINS` (an
    unexpanded ``t.co`` link has no known destination)."""
    out: list[str] = []
    for url in urls:
        if url.startswith(("https://t.co/", "http://t.co/")):
            continue  # fast path for the commonest wrapper
        domain = registered_domain(url)
        if domain and domain not in WRAPPER_DOMAINS and domain not in out:
            out.append(domain)
    return out


def parse_permalink(url: str | None, platform: str = "twitter") -> tuple[str | None, str] | None:
    """``(handle, post_id)`` when ``url`` is a post permalink on ``platform``, else None.

    Twitter/X: ``https://twitter.com/<user>/status/<id>`` (also ``x.com``, ``mobile.``, ``www.``,
    ``/statuses/``, ``/#!/<user>/status/<id>``, trailing ``/photo/1`` and queries) and the handle-less
    ``https://twitter.com/i/web/status/<id>`` self-link of truncated tweets (handle None). Only
    ``twitter`` is known; any other platform returns None.
    """
    hosts = _PERMALINK_HOSTS.get(platform)
    if not url or hosts is None or "/status" not in url:
        return None
    host = url_host(url)
    if host not in hosts:
        return None
    try:
        parts = urlsplit(url.strip() if "//" in url[:12] else "//" + url.strip())
    except ValueError:
        return None
    path = parts.path
    if parts.fragment.startswith("!/"):
        path = "/" + parts.fragment[1:]
    m = _TWITTER_STATUS.match(path)
    if not m:
        return None
    handle = m.group(1)
    if handle in (None, "i", "web"):
        handle = None
    return handle, m.group(2)


def is_platform_permalink(url: str | None, platform: str = "twitter") -> bool:
    """True when ``url`` links to a post on ``platform`` itself (a quote or a self-link), which is a
    post reference, not an external link or domain (cases 02, 08, 21). See :func:`parse_permalink`."""
    return parse_permalink(url, platform) is not None


def pick_expanded(entity: Mapping[str, Any] | None) -> str | None:
    """The best URL of one URL entity: ``unwound.url`` (v1.1 enrichment) or ``unwound_url`` (v2) >
    ``expanded_url`` > ``expanded`` > ``url`` (case 21). Empty strings count as absent; None when the
    entity holds no URL. The value is returned stripped, otherwise as found."""
    if not entity:
        return None
    unwound = entity.get("unwound")
    candidates = (
        unwound.get("url") if isinstance(unwound, Mapping) else None,
        entity.get("unwound_url"),
        entity.get("expanded_url"),
        entity.get("expanded"),
        entity.get("url"),
    )
    for value in candidates:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def extract_urls(text: str | None) -> list[str]:
    """``http(s)://`` URLs written in ``text``, in order, as found, with trailing sentence punctuation
    (``.,;:!?`` and quotes) and an unbalanced closing ``)`` removed; a ``…`` ends a URL (truncated
    text). Balanced parentheses stay (``https://en.wikipedia.org/wiki/Foo_(bar)``). Returns ``[]`` for
    None."""
    if not text or "://" not in text:
        return []
    out = []
    for m in _URL_IN_TEXT.finditer(text):
        url = m.group(0)
        while url:
            if url[-1] in _TRAILING:
                url = url[:-1]
            elif url[-1] == ")" and url.count("(") < url.count(")"):
                url = url[:-1]
            else:
                break
        if "://" in url and len(url) > url.index("://") + 3:
            out.append(url)
    return out
