"""One claim record, whatever the source: the row shape of the ``claims`` table, rating normalisation
and stable claim IDs.

Every claim reader yields :class:`ClaimRow` dicts (the columns below) or :class:`ioscope.sources.base.Bad`
records (1-based line, reason, raw text) that the store quarantines.

Columns of a claim row (all strings unless noted; None when the source does not say):

``claim_id``      stable key: ``<source>:<natural id>`` (a case URL, the dataset's number) or
                  ``<source>:<sha1(review_url, text)[:16]>`` when the source has no ID
``text``          the claim as the fact-checker summarised it (NFC, whitespace collapsed)
``lang``          language of ``text`` (BCP-47-ish, :func:`ioscope.textnorm.normalize_lang`)
``rating``        the verdict as written (``"False"``, ``"Mostly false"``, ``"Pants on Fire"``)
``rating_normalized`` one of :data:`RATINGS` (see :func:`normalize_rating`)
``reviewer``      organisation that reviewed it
``review_date``   ``datetime`` UTC of the review (a bare date is midnight UTC)
``review_url``    the fact-check article
``claimant``      who said or posted the claim, as the reviewer names it
``claim_date``    ``datetime`` UTC when the claim was seen or made
``source``        the reader that produced it (``claimreview``, ``google-factcheck``, ``poynter``, ...)
``source_file``   absolute path of the input file; ``source_line``: 1-based line or record number (int)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from typing import Any

from ioscope.textnorm import normalize_lang
from ioscope.timeparse import parse_time, parse_time_format

RATINGS = ("false", "misleading", "true", "unproven", "other")
"""Normalised verdicts, from the ClaimReview/ IFCN vocabulary collapsed to five buckets."""

CLAIM_COLUMNS = ("claim_id", "text", "lang", "rating", "rating_normalized", "reviewer", "review_date",
                 "review_url", "claimant", "claim_date", "source", "source_file", "source_line")
"""Columns of a claim row, in table order (``imported_at`` is added by the store)."""

ClaimRow = dict[str, Any]

# Ordered rules: the first pattern that matches the lower-cased, accent-folded verdict wins. Partial
# verdicts come before the plain ones ("mostly false" is misleading-ish, not false; "half true" is not
# true). Vocabulary: IFCN #CoronaVirusFacts ratings, Google Fact Check Tools textualRating values,
# PolitiFact, Washington Post Pinocchios, Spanish/Portuguese/French/Russian/German verdict words.
_RULES: tuple[tuple[str, str], ...] = (
    (r"^(explanatory|satire|satirical|opinion|\(?org\.? doesn.t apply|not rated|no rating)", "other"),
    (r"(no evidence|unproven|unverified|unsupported|suspicion|sin evidencia|sem evid|"
     r"inconclusive|not proven|insufficient|unclear|disput|^u$|не доказано)", "unproven"),
    (r"(mostly true|largely true|true but|partly true|partially true|half.?true|half.?truth|mixture|mixed|unlikely|"
     r"mostly false|partly false|partially false|half.?false|misleading|missing context|"
     r"out of context|lacks context|distort|exaggerat|cherry|one pinocchio|two pinocchios|"
     r"three pinocchios|enganos|engañoso|impreciso|verdadero pero|parcialmente|trompeur|"
     r"manipul|вводит в заблуждение|полуправда|irrefuhrend|irreführend)", "misleading"),
    (r"(^false|false$|\bfalse\b|fake|misinformation|not true|untrue|incorrect|wrong|pants on fire|four pinocchios|"
     r"hoax|fabricat|baseless|disinformation|debunked|^f$|falso|falsa|faux|fausse|ложь|фейк|"
     r"неправда|falsch)", "false"),
    (r"(^true$|^t$|\btrue\b|correct|accurate|verdadero|verdadeiro|vrai|правда|richtig|^real$)", "true"),
)
_COMPILED = tuple((re.compile(p), label) for p, label in _RULES)


def normalize_rating(rating: str | None) -> str:
    """Collapse a verdict as written into one of :data:`RATINGS`.

    Rules (ordered, case- and accent-insensitive): opinion/satire/"explanatory" -> ``other``;
    "no evidence", "unproven" -> ``unproven``; partial verdicts ("mostly false", "half true",
    "missing context", two/three Pinocchios) -> ``misleading``; "false", "fake", "pants on fire",
    "disinformation" (EUvsDisinfo cases) -> ``false``; "true", "correct" -> ``true``; anything else
    (including an empty rating) -> ``other``. Source: the ClaimReview ``alternateName`` vocabulary
    used by IFCN signatories (schema.org/ClaimReview; Google Fact Check Tools).
    """
    if not rating:
        return "other"
    s = unicodedata.normalize("NFKD", str(rating)).strip().lower()
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = re.sub(r"\s+", " ", s)
    for pattern, label in _COMPILED:
        if pattern.search(s):
            return label
    return "other"


def clean_text(value: Any) -> str:
    """A claim text: NFC, whitespace runs collapsed to one space, stripped ("" for None)."""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(value))).strip()


def stable_id(source: str, *parts: Any) -> str:
    """``<source>:<first 16 hex of sha1 of the parts joined by U+001F>`` (deterministic)."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{source}:{hashlib.sha1(joined.encode('utf-8')).hexdigest()[:16]}"


def parse_date(value: Any, fmt: str | None = None) -> dt.datetime | None:
    """A review or claim date as an aware UTC ``datetime`` (None for an empty value).

    ``fmt``: an explicit ``strptime`` format (e.g. ``%m/%d/%Y`` for the Poynter scrape); without it
    ISO 8601 and the other layouts of :func:`ioscope.timeparse.parse_time` are accepted; naive values
    are UTC. Raises ValueError when the value cannot be read (the caller quarantines the record).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if fmt:
        return parse_time_format(str(value).strip(), fmt)
    return parse_time(str(value).strip())


def make_row(*, claim_id: str, text: str, source: str, source_file: str, source_line: int,
             lang: str | None = None, rating: str | None = None, reviewer: str | None = None,
             review_date: dt.datetime | None = None, review_url: str | None = None,
             claimant: str | None = None, claim_date: dt.datetime | None = None) -> ClaimRow:
    """A claim row with every column of :data:`CLAIM_COLUMNS` (rating normalised here)."""
    rating = clean_text(rating) or None
    return {
        "claim_id": claim_id, "text": clean_text(text), "lang": normalize_lang(lang),
        "rating": rating, "rating_normalized": normalize_rating(rating),
        "reviewer": clean_text(reviewer) or None, "review_date": review_date,
        "review_url": (review_url or "").strip() or None, "claimant": clean_text(claimant) or None,
        "claim_date": claim_date, "source": source, "source_file": source_file,
        "source_line": int(source_line),
    }
