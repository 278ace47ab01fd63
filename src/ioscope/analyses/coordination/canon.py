"""Canonical URLs for co-link detection: one campaign URL must stay one object.

``canonical_url(url)`` removes what varies between copies of the same link and never what tells two
resources apart:

* scheme and host are lower-cased, a trailing dot on the host and the default port (``:80`` for
  http, ``:443`` for https) are dropped; user info, path, and the remaining query keep their case and
  their exact characters (``)``, ``%28``, ``;`` and so on are untouched);
* tracking parameters are removed from the query: every ``utm_*`` key and the click/campaign IDs in
  :data:`TRACKING_PARAMS` (``fbclid``, ``gclid``, ``igshid``, ``mc_eid``, ...); other parameters keep
  their order and encoding;
* the fragment (``#...``) is dropped, and an empty path becomes ``/``.

Anything that is not an absolute ``http(s)`` URL (an anonymised ID such as ``url:123``, a bare
domain, a string that does not parse) is returned stripped of surrounding white space and otherwise
unchanged, so it can still be matched exactly. An empty string stays empty (the caller drops it: an
empty URL cell is no URL).

Note for the lead: this helper belongs in a shared module (e.g. ``ioscope/urls.py``) so that sources,
the domains analysis and coordination canonicalise identically; it lives here until that module
exists.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "vero_id",
    "vero_conv", "oly_anon_id", "oly_enc_id", "rb_clickid", "wickedid", "__s", "s_cid",
})
"""Query keys removed by :func:`canonical_url` (compared case-insensitively), besides every ``utm_*``."""

_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k.startswith("utm_") or k in TRACKING_PARAMS


def canonical_url(url: str | None) -> str:
    """The canonical form of ``url`` (see the module docstring). Never raises; None gives ``""``.

    >>> canonical_url("HTTPS://News.Example:443/A/Path_(x)?utm_source=tw&id=7&fbclid=abc#top")
    'https://news.example/A/Path_(x)?id=7'
    """
    if url is None:
        return ""
    s = str(url).strip()
    if not re.match(r"(?i)https?://", s):
        return s
    try:
        parts = urlsplit(s)
        host = parts.hostname  # lower-cased by urlsplit
        port = parts.port
    except ValueError:
        return s
    if not host:
        return s
    scheme = parts.scheme.lower()
    host = host.rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host
    if port is not None and str(port) != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    if "@" in parts.netloc:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    kept = [p for p in parts.query.split("&") if p and not _is_tracking(p.split("=", 1)[0])]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, "&".join(kept), ""))
