"""Claim tables in CSV: built-in layouts of public fact-check datasets and a generic column mapping.

Layouts (detected from the header; :data:`LAYOUTS` names them for ``--layout``):

``ioscope``      ``claim_id,claim_text,lang,rating,reviewer,review_date,review_url`` (the demo's
                 claims.csv); claim_id kept as written.
``poynter``      the IFCN #CoronaVirusFacts scrape (``data.csv`` and ``file.csv`` of
                 ``poynter-coronavirusfacts-scrape``): text = "What did you fact-check?", rating =
                 "Final rating", reviewer = "Organization", review_url = "URL to fact-checked article
                 (in your language)", claimant = "Who said/posted it?", claim_date = "When did you see
                 the claim?" (M/D/YYYY). The scrape has no publication date, so review_date is that
                 same date (the fact-check appeared on or after it). Claim texts are English summaries
                 whatever the fact-check's language, so lang = ``en``.
``euvsdisinfo``  EUvsDisinfo cases (``posts.csv``: ``date,id,title,countries,keywords,languages,
                 outlets``): text = title (the case summary, English), rating ``Disinformation``,
                 reviewer ``EUvsDisinfo (EEAS East StratCom Task Force)``, review_date = date,
                 review_url = id (case URL), claimant = outlets (``; ``-separated).
``rumor-news``   COVID-19 rumour dataset (Cheng et al. 2021) ``news.csv``: no header,
                 ``no,label,text,n``; label T/F/U → True/False/Unverified.
``rumor-twitter`` the same dataset's ``Twitter.csv`` (``No.,label,content,source,...``).
``rumor-en-dup`` the same dataset's ``en_dup.csv`` (``label,content,source,author,time``).
``mapping``      any CSV, with ``mapping`` = claim column → CSV column; ``text`` is required;
                 mappable: claim_id, text, lang, rating, reviewer, review_date, review_url, claimant,
                 claim_date. Without claim_id the ID is a hash of (review_url, text).

``source_line`` is the 1-based data record number (the header is not counted). A record with a
different number of cells than the header, an empty text or an unreadable date is yielded as
:class:`~ioscope.sources.base.Bad`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from ioscope.claims.records import ClaimRow, make_row, parse_date, stable_id
from ioscope.errors import ConfigError, SourceError
from ioscope.sources.base import Bad

csv.field_size_limit(10_000_000)

MAPPABLE = ("claim_id", "text", "lang", "rating", "reviewer", "review_date", "review_url",
            "claimant", "claim_date")
"""Claim columns a generic mapping may fill."""

_RUMOR_REVIEWER = "COVID-19 rumor dataset (Cheng et al. 2021)"
_RUMOR_LABELS = {"T": "True", "F": "False", "U": "Unverified"}
_POYNTER_TEXT = "What did you fact-check?"
_POYNTER_URL = "URL to fact-checked article (in your language)"
_IOSCOPE = ("claim_id", "claim_text", "lang", "rating", "reviewer", "review_date", "review_url")
_EUVS = ("date", "id", "title", "countries", "keywords", "languages", "outlets")

Builder = Callable[[dict[str, str], str, int], ClaimRow]


def detect(header: list[str]) -> str | None:
    """The layout name for a CSV's first row, or None when no built-in layout fits."""
    h = [c.strip() for c in header]
    if tuple(h[:7]) == _IOSCOPE:
        return "ioscope"
    if _POYNTER_TEXT in h and "Final rating" in h:
        return "poynter"
    if tuple(h[:7]) == _EUVS:
        return "euvsdisinfo"
    if h[:3] == ["No.", "label", "content"]:
        return "rumor-twitter"
    if h[:2] == ["label", "content"]:
        return "rumor-en-dup"
    if len(h) == 4 and h[0].isdigit() and h[1] in _RUMOR_LABELS:
        return "rumor-news"
    return None


def _ioscope(r: dict[str, str], src: str, n: int) -> ClaimRow:
    return make_row(claim_id=r["claim_id"].strip() or stable_id("claims", r.get("review_url"), r["claim_text"]),
                    text=r["claim_text"], source="ioscope", source_file=src, source_line=n,
                    lang=r.get("lang"), rating=r.get("rating"), reviewer=r.get("reviewer"),
                    review_date=parse_date(r.get("review_date")), review_url=r.get("review_url"))


def _poynter(r: dict[str, str], src: str, n: int) -> ClaimRow:
    seen = parse_date(r.get("When did you see the claim?"), "%m/%d/%Y")
    return make_row(claim_id=stable_id("poynter", r.get(_POYNTER_URL), r[_POYNTER_TEXT]),
                    text=r[_POYNTER_TEXT], source="poynter", source_file=src, source_line=n, lang="en",
                    rating=r.get("Final rating"), reviewer=r.get("Organization"), review_date=seen,
                    review_url=r.get(_POYNTER_URL), claimant=r.get("Who said/posted it?"),
                    claim_date=seen)


def _euvsdisinfo(r: dict[str, str], src: str, n: int) -> ClaimRow:
    url = r["id"].strip()
    slug = url.rstrip("/").rsplit("/", 1)[-1] or stable_id("x", url)
    return make_row(claim_id=f"euvsdisinfo:{slug}", text=r["title"], source="euvsdisinfo",
                    source_file=src, source_line=n, lang="en", rating="Disinformation",
                    reviewer="EUvsDisinfo (EEAS East StratCom Task Force)",
                    review_date=parse_date(r.get("date")), review_url=url,
                    claimant="; ".join(o for o in (r.get("outlets") or "").split("+") if o) or None)


def _rumor(kind: str, id_col: str | None, text_col: str) -> Builder:
    def build(r: dict[str, str], src: str, n: int) -> ClaimRow:
        label = (r.get("label") or "").strip()
        rid = (r.get(id_col) or "").strip() if id_col else ""
        return make_row(claim_id=f"{kind}:{rid}" if rid else stable_id(kind, r[text_col]),
                        text=r[text_col], source=kind, source_file=src, source_line=n, lang="en",
                        rating=_RUMOR_LABELS.get(label, label), reviewer=_RUMOR_REVIEWER)
    return build


_BUILDERS: dict[str, tuple[Builder, str]] = {
    "ioscope": (_ioscope, "claim_text"),
    "poynter": (_poynter, _POYNTER_TEXT),
    "euvsdisinfo": (_euvsdisinfo, "title"),
    "rumor-news": (_rumor("rumor-news", "no", "text"), "text"),
    "rumor-twitter": (_rumor("rumor-twitter", "No.", "content"), "content"),
    "rumor-en-dup": (_rumor("rumor-en-dup", None, "content"), "content"),
}
LAYOUTS = (*_BUILDERS, "mapping")
"""Names of the CSV layouts (``mapping`` needs a column mapping)."""


def _mapping_builder(mapping: dict[str, str]) -> tuple[Builder, str]:
    bad = sorted(set(mapping) - set(MAPPABLE))
    if bad or "text" not in mapping:
        raise ConfigError(f"claim CSV mapping: unknown keys {bad} (mappable: {', '.join(MAPPABLE)})"
                          if bad else "claim CSV mapping needs text=<column>")

    def build(r: dict[str, str], src: str, n: int) -> ClaimRow:
        v = {k: r.get(c) for k, c in mapping.items()}
        return make_row(claim_id=(v.get("claim_id") or "").strip()
                        or stable_id("csv", v.get("review_url"), v["text"]),
                        text=v["text"] or "", source="csv", source_file=src, source_line=n,
                        lang=v.get("lang"), rating=v.get("rating"), reviewer=v.get("reviewer"),
                        review_date=parse_date(v.get("review_date")), review_url=v.get("review_url"),
                        claimant=v.get("claimant"), claim_date=parse_date(v.get("claim_date")))
    return build, mapping["text"]


def read(path: str | Path, *, layout: str | None = None,
         mapping: dict[str, str] | None = None) -> Iterator[ClaimRow | Bad]:
    """Claim rows (or Bad records) from a claim CSV.

    ``layout``: one of :data:`LAYOUTS` (default: detected from the header; ``mapping`` given →
    ``mapping``). Raises SourceError when the file is empty, no layout fits or a mapped column is
    absent; ConfigError for an unknown layout or mapping key.
    """
    p = Path(path)
    src = str(p.resolve())
    if mapping and layout in (None, "mapping"):
        layout = "mapping"
    if layout is not None and layout not in LAYOUTS:
        raise ConfigError(f"unknown claim CSV layout {layout!r}; known: {', '.join(LAYOUTS)}")
    with open(p, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        first = next(reader, None)
        if first is None:
            raise SourceError(p, "empty claim CSV")
        layout = layout or detect(first)
        if layout is None:
            raise SourceError(p, "no claim CSV layout fits this header; pass --layout or --map text=COLUMN")
        if layout == "mapping":
            if not mapping:
                raise ConfigError("claim CSV layout 'mapping' needs a column mapping")
            build, text_col = _mapping_builder(mapping)
        else:
            build, text_col = _BUILDERS[layout]
        if layout == "rumor-news":
            header, rows = ["no", "label", "text", "n"], _chain([first], reader)
        else:
            header, rows = [c.strip() for c in first], reader
        missing = [c for c in ((mapping or {}).values() if layout == "mapping" else (text_col,))
                   if c not in header]
        if missing:
            raise SourceError(p, f"columns {missing} not in the header")
        for n, cells in enumerate(rows, start=1):
            raw = ",".join(cells)
            if len(cells) != len(header) and not (len(cells) == len(header) + 1 and cells[-1] == ""):
                if any(c.strip() for c in cells):
                    yield Bad(n, f"{len(cells)} cells, header has {len(header)}", raw)
                continue
            record = dict(zip(header, cells, strict=False))
            if not (record.get(text_col) or "").strip():
                yield Bad(n, "empty claim text", raw)
                continue
            try:
                yield build(record, src, n)
            except ValueError as exc:
                yield Bad(n, f"unreadable date: {exc}", raw)


def _chain(first: list[list[str]], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield from first
    yield from rest
