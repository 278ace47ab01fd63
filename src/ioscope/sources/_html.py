"""HTML fragments to plain text and links, for sources whose post text is HTML (Mastodon ``content``,
YouTube ``textDisplay``, RSS ``summary``).

Private helper of the ``mastodon``, ``youtube`` and ``rss`` sources. Uses the standard library's
:class:`html.parser.HTMLParser` with ``convert_charrefs=True``, so character references are unescaped
exactly once (``&amp;lt;`` becomes ``&lt;``, not ``<``), never by a second ``html.unescape`` pass.

Rules: text is kept whole, including Mastodon's ``<span class="invisible">https://</span>`` URL parts
(they are part of the written text; case 22); runs of HTML whitespace collapse to one space; ``<br>``
is a line break; block elements (``p``, ``div``, ``li``, headings, ``blockquote``, ``pre`` ...) are
separated by a blank line; ``script``/``style``/``template`` content is dropped. The result is NFC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ioscope.textnorm import nfc

_BLOCK = frozenset((
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr",
    "table", "section", "article", "header", "footer", "figure", "figcaption", "dd", "dt", "hr",
))
_SKIP = frozenset(("script", "style", "template", "noscript"))
_SPACES = re.compile(r"[ \t\r\n\f]+")


@dataclass(frozen=True)
class Link:
    """One ``<a href>``: the ``href`` as written (stripped), its ``class`` tokens and ``rel`` tokens,
    and the anchor's text."""

    href: str
    classes: tuple[str, ...] = ()
    rel: tuple[str, ...] = ()
    text: str = ""


@dataclass
class HtmlText:
    """Plain ``text`` of a fragment and its ``links`` in document order."""

    text: str
    links: list[Link] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[Link] = []
        self._skip = 0
        self._anchor: tuple[str, tuple[str, ...], tuple[str, ...], int] | None = None

    def _break(self, sep: str) -> None:
        # Collapse adjacent breaks: keep the strongest one ("\n\n" over "\n").
        while self.parts and self.parts[-1] in ("\n", "\n\n", " "):
            prev = self.parts.pop()
            if prev == "\n\n":
                sep = "\n\n"
        if self.parts:
            self.parts.append(sep)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag == "br":
            self._break("\n")
        elif tag in _BLOCK:
            self._break("\n\n")
        elif tag == "a":
            a = {k: (v or "") for k, v in attrs}
            href = a.get("href", "").strip()
            self._anchor = (href, tuple(a.get("class", "").split()), tuple(a.get("rel", "").split()),
                            len(self.parts))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._break("\n")
        elif tag in _BLOCK:
            self._break("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self._break("\n\n")
        elif tag == "a" and self._anchor is not None:
            href, classes, rel, start = self._anchor
            self._anchor = None
            if href:
                text = _SPACES.sub(" ", "".join(self.parts[start:])).strip()
                self.links.append(Link(href, classes, rel, text))

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        data = _SPACES.sub(" ", data)
        if not data:
            return
        if data.startswith(" ") and (not self.parts or self.parts[-1] in ("\n", "\n\n", " ")
                                     or self.parts[-1].endswith(" ")):
            data = data[1:]
        if data:
            self.parts.append(data)


def html_to_text(html: str | None) -> HtmlText:
    """Plain text and links of an HTML fragment (see the module docstring for the rules).

    Returns ``HtmlText("", [])`` for None or ``""``. Never raises on malformed HTML (the parser is
    lenient: unclosed tags are closed at the end)."""
    if not html:
        return HtmlText("")
    parser = _Parser()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [line.strip(" ") for line in text.split("\n")]
    text = "\n".join(lines).strip()
    return HtmlText(nfc(text), parser.links)


def looks_like_html(text: str | None) -> bool:
    """True when ``text`` holds an HTML tag or a character reference (``<p>``, ``<br/>``, ``&amp;``)."""
    return bool(text) and bool(re.search(r"<[A-Za-z/!][^>]*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);", text))
