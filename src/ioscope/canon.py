"""Canonical URLs: one resource, one string, whichever copy of a link a post carried.

Shared by the domains analysis, amplification of external sites and coordination (co-link). The
canonical form is an *identity key*: it removes what varies between copies of the same link and never
what tells two resources apart.

:func:`canonical_url` (never raises; ``None`` gives ``""``):

* **scheme** lower-cased (``http`` and ``https`` are kept apart: they can differ);
* **host** lower-cased, IDNA left as written, trailing dot and default port (``:80``/``:443``) dropped,
  and folded: ``www.``, mobile (``m.``, ``mobile.``) and AMP (``amp.``) prefixes removed when a
  registered domain remains (``m.facebook.com`` -> ``facebook.com``; ``m.com`` is left alone);
  ``x.com`` -> ``twitter.com``; ``youtu.be/ID`` -> ``youtube.com/watch?v=ID``;
* **AMP caches** unwrapped: ``*.cdn.ampproject.org/c/s/site/path`` and ``google.com/amp/s/site/path``
  become ``https://site/path``; a final ``/amp`` path segment and the ``amp``/``outputType=amp`` query
  keys are removed;
* **path, user info and the kept query** keep their case and their exact characters (``)``, ``%28``,
  ``;``, ``~`` ... are never touched, so ``https://en.wikipedia.org/wiki/Foo_(bar)`` survives); an empty
  path becomes ``/``;
* **tracking parameters** removed: every ``utm_*`` key and :data:`TRACKING_PARAMS`, compared
  case-insensitively; other parameters keep their order and encoding;
* the **fragment** is dropped, except a ``#!`` hash-bang route (it addresses content).

Anything that is not an absolute ``http(s)`` URL (an anonymised ID such as ``url:123``, a bare
domain, text that does not parse) is returned stripped of surrounding white space and otherwise
unchanged, unless ``schemeless=True`` and it looks like ``host.tld/path`` (exports that drop the
scheme, e.g. Telegram link tables): it is then read as ``https://host.tld/path``.

Short links (:data:`SHORTENER_HOSTS`: ``bit.ly``, ``t.co``, ``xhne.ws`` ...) are recognised by
:func:`is_shortener`; they stay as they are, since a short link's target is unknown without the
network. :func:`pick_expanded_url` chooses the expanded URL a source record carries
(``unwound_url`` > ``expanded_url`` > ``Final Link`` > ...). Resolving short links over the network is
only done by :class:`ShortLinkResolver`, which callers construct explicitly (CLI flag
``--resolve-urls``): rate-limited, cached, off by default.

Sources: the URL rules of the OSoMe ``top-FIBers`` and CooRnet pipelines (tracking-parameter
stripping, shortener expansion), Google's AMP cache URL format
(https://developers.google.com/amp/cache/overview), RFC 3986 (case rules: scheme and host are
case-insensitive, path and query are not).
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa
from urllib.parse import urlsplit, urlunsplit

from ioscope.urls import registered_domain as _registered_domain

TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "vero_id",
    "vero_conv", "oly_anon_id", "oly_enc_id", "rb_clickid", "wickedid", "__s", "s_cid",
    "ref_src", "ref_url", "cmpid", "ocid", "ncid", "smid", "smtyp", "sr_share", "at_medium",
    "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4", "fb_action_ids",
    "fb_action_types", "fb_source", "action_object_map", "action_type_map", "action_ref_map",
    "__twitter_impression", "spref", "xtor", "_openstat", "yclid", "zanpid", "feature",
})
"""Query keys removed by :func:`canonical_url` (compared case-insensitively), besides every ``utm_*``.
(``feature`` is YouTube's ``feature=share``/``youtu.be``; it never selects a video.)"""

SHORTENER_HOSTS = frozenset({
    "t.co", "bit.ly", "bitly.com", "j.mp", "goo.gl", "ow.ly", "tinyurl.com", "buff.ly", "dlvr.it",
    "ift.tt", "is.gd", "v.gd", "fb.me", "trib.al", "lnkd.in", "wp.me", "tiny.cc", "t.ly", "cutt.ly",
    "shorturl.at", "rebrand.ly", "rb.gy", "po.st", "s.id", "bl.ink", "soo.gd", "shar.es",
    "xhne.ws", "xhtxs.cn", "bbc.in", "reut.rs", "nyti.ms", "wapo.st", "cnn.it", "abcn.ws", "apne.ws",
    "on.rt.com", "sptnkne.ws", "politi.co", "hill.cm", "gu.com", "econ.st", "bloom.bg", "fxn.ws",
    "nbcnews.to", "cbsn.ws", "aje.io", "dw.com/p", "amzn.to", "youtu.be", "tass.ru/r",
    "chinadaily.com.cn/a", "ecns.cn/m", "cgtn.com/s", "t.me/iv", "ti.me", "usat.ly", "ind.pn",
})
"""Hosts (a few with a path prefix, ``host/prefix``) whose links are redirects to another site.
``youtu.be`` is listed because it hides the video page, though :func:`canonical_url` folds it."""

_DEFAULT_PORTS = {"http": 80, "https": 443}
_FOLD_PREFIXES = ("www.", "m.", "mobile.", "amp.", "www1.", "www2.")
_HOST_ALIASES = {"x.com": "twitter.com", "fb.com": "facebook.com"}
_SCHEMELESS = re.compile(r"(?i)^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
                         r"\.[a-z]{2,63}(?::\d{1,5})?(?:[/?#]|$)")
_AMP_CACHE = re.compile(r"^/[cvi]/(?:s/)?(?P<rest>.+)$")
_GOOGLE_AMP = re.compile(r"^/amp/(?:s/)?(?P<rest>.+)$")


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k.startswith("utm_") or k in TRACKING_PARAMS


def canonical_host(host: str | None) -> str:
    """``host`` lower-cased without trailing dot, ``www.``/``m.``/``mobile.``/``amp.`` prefixes (only
    while a registered domain remains: ``m.facebook.com`` -> ``facebook.com``, ``amp.dev`` kept) and
    with :data:`_HOST_ALIASES` applied (``x.com`` -> ``twitter.com``). ``""`` for None."""
    if not host:
        return ""
    return _canonical_host(host)


@lru_cache(maxsize=65536)
def _canonical_host(host: str) -> str:
    h = host.lower().rstrip(".")
    changed = True
    while changed:
        changed = False
        for prefix in _FOLD_PREFIXES:
            if h.startswith(prefix):
                rest = h[len(prefix):]
                dom = _registered_domain("//" + rest)
                if dom and "." in rest and (rest == dom or rest.endswith("." + dom)):
                    h, changed = rest, True
                    break
    return _HOST_ALIASES.get(h, h)


def canonical_url(url: str | None, *, schemeless: bool = False) -> str:
    """The canonical form of ``url`` (see the module docstring). Never raises; None gives ``""``.

    ``schemeless`` (default False): read ``host.tld/path`` without a scheme as ``https://``.

    >>> canonical_url("HTTPS://M.News.Example:443/A/Path_(x)/amp?utm_source=tw&id=7&fbclid=abc#top")
    'https://news.example/A/Path_(x)?id=7'
    """
    if url is None:
        return ""
    s = str(url).strip()
    if not s:
        return ""
    if not re.match(r"(?i)https?://", s):
        if schemeless and _SCHEMELESS.match(s):
            s = "https://" + s
        else:
            return s
    return _canonical(s)


@lru_cache(maxsize=131072)
def _canonical(s: str) -> str:
    try:
        parts = urlsplit(s)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return s
    if not host:
        return s
    scheme = parts.scheme.lower()
    path, query, fragment = parts.path, parts.query, parts.fragment
    host = canonical_host(host)
    # AMP caches: https://example-com.cdn.ampproject.org/c/s/example.com/path -> https://example.com/path
    if host.endswith("cdn.ampproject.org") or (host in ("google.com",) and path.startswith("/amp/")):
        m = (_AMP_CACHE if host.endswith("ampproject.org") else _GOOGLE_AMP).match(path)
        if m and "." in m.group("rest").split("/", 1)[0]:
            inner = "https://" + m.group("rest") + (f"?{query}" if query else "")
            return _canonical(inner)
    if host == "youtu.be" and len(path) > 1:
        vid, _, tail = path[1:].partition("/")
        if vid and not tail:
            host, path = "youtube.com", "/watch"
            query = f"v={vid}" + (f"&{query}" if query else "")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    if "@" in parts.netloc:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    kept = [p for p in query.split("&") if p and not _is_tracking(p.split("=", 1)[0])
            and p.lower() not in ("amp", "amp=1", "amp=true", "outputtype=amp")]
    if path.endswith("/amp") or path.endswith("/amp/"):
        path = path[: path.rstrip("/").rfind("/")] or "/"
    path = path or "/"
    frag = fragment if fragment.startswith("!") else ""
    return urlunsplit((scheme, netloc, path, "&".join(kept), frag))


def canonical_domain(url: str | None, *, schemeless: bool = False) -> str | None:
    """The registered domain of ``canonical_url(url)`` (public suffix list bundled with tldextract,
    offline; private suffixes on): ``bbc.co.uk``, ``name.blogspot.com``. None when there is no host."""
    c = canonical_url(url, schemeless=schemeless)
    return _registered_domain(c) if c.startswith(("http://", "https://")) else None


def is_shortener(url: str | None) -> bool:
    """True when ``url`` is a short link on a :data:`SHORTENER_HOSTS` host (``bit.ly/x``,
    ``https://on.rt.com/abc``); a ``www.``/``m.`` prefix is ignored. Scheme-less values are accepted."""
    if not url:
        return False
    s = str(url).strip()
    if not re.match(r"(?i)https?://", s):
        s = "https://" + s
    try:
        parts = urlsplit(s)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return False
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            host = host[len(prefix):]
    if host in SHORTENER_HOSTS:
        return True
    first = parts.path.strip("/").split("/", 1)[0]
    return bool(first) and f"{host}/{first}".lower() in SHORTENER_HOSTS


EXPANDED_KEYS = ("unwound_url", "expanded_url", "Final Link", "final_link", "expanded", "Link", "link",
                 "url")
"""Keys :func:`pick_expanded_url` tries, most expanded first (X v2 ``unwound_url``, v1.1/v2
``expanded_url``, CrowdTangle ``Final Link``, CrowdTangle API ``expanded``, then the link as posted)."""


def pick_expanded_url(entity: Mapping[str, Any] | None) -> str | None:
    """The most expanded URL of one link record: the first non-empty of ``unwound.url`` (v1.1
    enrichment) and :data:`EXPANDED_KEYS`, stripped. A value that is itself a short link loses to a
    later non-short one (a ``Final Link`` that is a ``bit.ly`` is not better than an expanded
    ``Link``). None when the record holds no URL."""
    if not entity:
        return None
    unwound = entity.get("unwound")
    values = [unwound.get("url") if isinstance(unwound, Mapping) else None]
    values += [entity.get(k) for k in EXPANDED_KEYS]
    found = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if not found:
        return None
    return next((v for v in found if not is_shortener(v)), found[0])


class ShortLinkResolver:
    """Resolve short links over the network, rate-limited and cached. Only built on request
    (``--resolve-urls``); ioscope never touches the network otherwise.

    ``ShortLinkResolver(cache_path, rate_per_s=1.0, timeout_s=10.0, opener=None)``: ``cache_path`` a
    JSON file (created; short URL -> final URL, or ``""`` when it could not be resolved, which is not
    retried); ``rate_per_s`` requests per second at most (default 1); ``opener(url, timeout_s) ->
    final_url`` replaces the HTTP call (tests pass a fake; the default sends a ``HEAD`` request with
    urllib and follows redirects). :meth:`resolve` returns ``{url: canonical final URL}`` for the
    short links among ``urls`` (others are left out); errors are cached as unresolved, never raised.
    """

    def __init__(self, cache_path: str | Path, *, rate_per_s: float = 1.0, timeout_s: float = 10.0,
                 opener: Callable[[str, float], str] | None = None):
        self.cache_path = Path(cache_path)
        self.rate_per_s = rate_per_s
        self.timeout_s = timeout_s
        self.opener = opener or _head_final_url
        self._lock = threading.Lock()
        self._last = 0.0
        self.cache: dict[str, str] = {}
        if self.cache_path.exists():
            self.cache = json.loads(self.cache_path.read_text(encoding="utf-8"))

    def resolve(self, urls: Iterable[str]) -> dict[str, str]:
        """``{short url: canonical final url}`` for the short links in ``urls`` that resolved."""
        out: dict[str, str] = {}
        dirty = False
        for url in dict.fromkeys(u for u in urls if is_shortener(u)):
            if url not in self.cache:
                self._wait()
                try:
                    self.cache[url] = canonical_url(self.opener(url, self.timeout_s))
                except (OSError, ValueError):
                    self.cache[url] = ""
                dirty = True
            if self.cache[url]:
                out[url] = self.cache[url]
        if dirty:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            self.cache_path.write_text(json.dumps(self.cache, indent=0, sort_keys=True), encoding="utf-8")
        return out

    def _wait(self) -> None:
        with self._lock:
            gap = 1.0 / self.rate_per_s if self.rate_per_s > 0 else 0.0
            now = time.monotonic()
            if now - self._last < gap:
                time.sleep(gap - (now - self._last))
            self._last = time.monotonic()


def _head_final_url(url: str, timeout_s: float) -> str:  # pragma: no cover - network
    if not re.match(r"(?i)https?://", url):
        url = "https://" + url
    req = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "ioscope (research)"})
    with urllib.request.urlopen(req, timeout=timeout_s) as resp:  # noqa: S310 - explicit opt-in
        return resp.geturl()


def canonical_table(urls: Iterable[str | None], *, schemeless: bool = False) -> pa.Table:
    """A lookup table for SQL joins: one row per distinct input URL with columns ``url`` (as given),
    ``canonical_url``, ``host`` (canonical host, ``""`` when none) and ``domain`` (registered domain
    or NULL), ``shortener`` (bool). Built in Python over the *distinct* URLs only (a reduced table),
    so analyses can join it in DuckDB instead of canonicalising per post."""
    import pyarrow as pa

    distinct = [u for u in dict.fromkeys(urls) if isinstance(u, str)]
    canon = [canonical_url(u, schemeless=schemeless) for u in distinct]
    hosts = [canonical_host(urlsplit(c).hostname) if c.startswith(("http://", "https://")) else ""
             for c in canon]
    domains = [_registered_domain(c) if h else None for c, h in zip(canon, hosts, strict=True)]
    return pa.table({"url": pa.array(distinct, pa.string()), "canonical_url": pa.array(canon, pa.string()),
                     "host": pa.array(hosts, pa.string()), "domain": pa.array(domains, pa.string()),
                     "shortener": pa.array([is_shortener(u) for u in distinct], pa.bool_())})
