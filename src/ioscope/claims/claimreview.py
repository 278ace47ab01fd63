"""Read fact-checks published as schema.org ClaimReview: JSON-LD files, saved HTML pages that embed
JSON-LD, and responses of the Google Fact Check Tools API saved to disk.

Layouts (detected from the content, not the file name):

* **JSON-LD** — one ``ClaimReview`` object, an array of them, a ``@graph``, or any JSON that holds
  ClaimReview objects somewhere (every object whose ``@type`` is or contains ``ClaimReview`` is one
  claim). A ``.jsonl`` file holds one JSON document per line. Fields used (schema.org/ClaimReview):
  ``claimReviewed`` → text; ``reviewRating.alternateName`` (else ``ratingValue``/``bestRating``) →
  rating; ``author.name`` (else ``publisher.name``) → reviewer; ``datePublished`` → review_date;
  ``url`` → review_url; ``inLanguage`` (review, else ``itemReviewed``) → lang;
  ``itemReviewed.author.name`` → claimant; ``itemReviewed.datePublished`` → claim_date.
* **HTML page** — every ``<script type="application/ld+json">`` block, found with the standard
  library's :class:`html.parser.HTMLParser` (nothing is executed or fetched); each block is read as
  JSON-LD above; ``source_line`` is the line of the ``<script>`` tag.
* **Google Fact Check Tools API** (``claims:search`` response): ``{"claims": [{"text", "claimant",
  "claimDate", "languageCode"?, "claimReview": [{"publisher": {"name", "site"}, "url", "title",
  "reviewDate", "textualRating", "languageCode"}]}]}`` — one claim row per ``claimReview`` entry.
  Source: developers.google.com/fact-check/tools/api/reference/rest/v1alpha1/claims/search.

Bad records (invalid JSON, a review without claim text, an unreadable date) are yielded as
:class:`~ioscope.sources.base.Bad` with the 1-based record number (JSON), line (JSON lines) or tag
line (HTML).
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import orjson

from ioscope.claims.records import ClaimRow, make_row, parse_date, stable_id
from ioscope.sources.base import Bad

RAW_LIMIT = 100_000


def sniff(head: str) -> str | None:
    """``"html"``, ``"google-factcheck"``, ``"claimreview"`` or None from the first KiB of a file."""
    s = head.lstrip("\ufeff \t\r\n")
    if s.startswith("<"):
        return "html"
    if s.startswith(("{", "[")):
        if '"claims"' in s[:200] and '"claimReview"' in head:
            return "google-factcheck"
        return "claimreview"
    return None


def read(path: str | Path) -> Iterator[ClaimRow | Bad]:
    """Claim rows (or Bad records) from a JSON-LD, JSON-lines, HTML or Fact Check API file.

    Raises OSError when the file cannot be read, UnicodeDecodeError for bytes that are not UTF-8.
    """
    p = Path(path)
    text = p.read_bytes().decode("utf-8-sig")
    src = str(p.resolve())
    kind = sniff(text[:4096])
    if kind == "html":  # a page's other JSON-LD blocks (Organization, ...) are not claims
        for line, block in _ld_json_blocks(text):
            yield from _from_json_text(block, src, line, page=True)
        return
    if p.suffix.lower() in (".jsonl", ".ndjson"):
        for i, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield from _from_json_text(line, src, i)
        return
    yield from _from_json_text(text, src, None)


def _from_json_text(text: str, src: str, line: int | None, *, page: bool = False
                    ) -> Iterator[ClaimRow | Bad]:
    # A JSON document (a file, a JSON line, or one ld+json block of a page when ``page``): every
    # ClaimReview in it. Items of a top-level array that are not objects, and a document (not a
    # page block) without any ClaimReview, are quarantined: nothing is dropped without a word.
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        yield Bad(line or 1, f"invalid JSON: {exc}", text[:RAW_LIMIT])
        return
    if isinstance(doc, dict) and isinstance(doc.get("claims"), list):
        yield from _google(doc["claims"], src, line)
        return
    n_bad = 0
    if isinstance(doc, list):
        for i, item in enumerate(doc, start=1):
            if not isinstance(item, (dict, list)):
                n_bad += 1
                yield Bad(line or i, f"array item {i} is not a JSON object but {type(item).__name__}",
                          orjson.dumps(item).decode()[:RAW_LIMIT])
    n = 0
    for n, obj in enumerate(_claimreviews(doc), start=1):
        yield _claimreview_row(obj, src, line if line is not None else n)
    if n == 0 and n_bad == 0 and not page:
        yield Bad(line or 1, "no ClaimReview object (schema.org @type ClaimReview) and no Fact Check "
                             "API 'claims' list in this JSON document", text[:RAW_LIMIT])


def _claimreviews(doc: Any) -> Iterator[dict]:
    """Every ClaimReview object in a JSON document, depth first, in document order."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            types = node.get("@type")
            types = types if isinstance(types, list) else [types]
            if "ClaimReview" in types:
                yield node
            else:
                stack.extend(reversed([v for v in node.values() if isinstance(v, (list, dict))]))


def _name(value: Any) -> str | None:
    """``x.name`` of an object (or the first of a list), or the string itself."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return value.get("name") or value.get("legalName") or value.get("url")
    return str(value) if value else None


def _lang(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("alternateName") or value.get("name")
    return str(value) if value else None


def _rating(r: Any) -> str | None:
    if isinstance(r, list):
        r = r[0] if r else None
    if not isinstance(r, dict):
        return str(r) if r else None
    if r.get("alternateName"):
        return str(r["alternateName"])
    if r.get("ratingValue") is not None:
        best, worst = r.get("bestRating"), r.get("worstRating")
        scale = f" ({worst}..{best})" if best is not None and worst is not None else ""
        return f"{r['ratingValue']}{scale}"
    return r.get("name")


def _claimreview_row(obj: dict, src: str, line: int) -> ClaimRow | Bad:
    raw = orjson.dumps(obj).decode()[:RAW_LIMIT]
    item = obj.get("itemReviewed") if isinstance(obj.get("itemReviewed"), dict) else {}
    text = obj.get("claimReviewed") or item.get("text") or item.get("name")
    if not text or not isinstance(text, str) or not text.strip():
        return Bad(line, "ClaimReview without claimReviewed text", raw)
    try:
        review_date = parse_date(obj.get("datePublished"))
        claim_date = parse_date(item.get("datePublished") or item.get("dateCreated"))
    except ValueError as exc:
        return Bad(line, f"unreadable date: {exc}", raw)
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    return make_row(
        claim_id=stable_id("claimreview", url, text), text=text, source="claimreview",
        source_file=src, source_line=line, lang=_lang(obj.get("inLanguage") or item.get("inLanguage")),
        rating=_rating(obj.get("reviewRating")), reviewer=_name(obj.get("author") or obj.get("publisher")),
        review_date=review_date, review_url=url, claimant=_name(item.get("author")), claim_date=claim_date)


def _google(claims: list, src: str, line: int | None) -> Iterator[ClaimRow | Bad]:
    n = 0
    for claim in claims:
        reviews = claim.get("claimReview") if isinstance(claim, dict) else None
        if not isinstance(reviews, list) or not reviews:
            n += 1
            yield Bad(line or n, "Fact Check API claim without claimReview",
                      orjson.dumps(claim).decode()[:RAW_LIMIT])
            continue
        for review in reviews:
            n += 1
            where = line or n
            raw = orjson.dumps({"claim": {k: v for k, v in claim.items() if k != "claimReview"},
                                "review": review}).decode()[:RAW_LIMIT]
            text = claim.get("text")
            if not isinstance(text, str) or not text.strip() or not isinstance(review, dict):
                yield Bad(where, "Fact Check API claim without text", raw)
                continue
            try:
                review_date = parse_date(review.get("reviewDate"))
                claim_date = parse_date(claim.get("claimDate"))
            except ValueError as exc:
                yield Bad(where, f"unreadable date: {exc}", raw)
                continue
            publisher = review.get("publisher") or {}
            yield make_row(
                claim_id=stable_id("google-factcheck", review.get("url"), text), text=text,
                source="google-factcheck", source_file=src, source_line=where,
                lang=review.get("languageCode") or claim.get("languageCode"),
                rating=review.get("textualRating"),
                reviewer=publisher.get("name") or publisher.get("site"), review_date=review_date,
                review_url=review.get("url"), claimant=claim.get("claimant"), claim_date=claim_date)


class _LdJsonFinder(HTMLParser):
    """Collects the text of ``<script type="application/ld+json">`` blocks with their tag line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[tuple[int, str]] = []
        self._current: list[str] | None = None
        self._line = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            kind = (dict(attrs).get("type") or "").strip().lower()
            if kind.split(";")[0].strip() == "application/ld+json":
                self._current, self._line = [], self.getpos()[0]

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.blocks.append((self._line, "".join(self._current)))
            self._current = None


def _ld_json_blocks(html: str) -> list[tuple[int, str]]:
    """``(line, json text)`` of every JSON-LD script block of an HTML page (inert parsing only)."""
    finder = _LdJsonFinder()
    finder.feed(html)
    finder.close()
    return finder.blocks
