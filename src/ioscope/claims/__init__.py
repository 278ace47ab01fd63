"""Fact-checked claims: read them (ClaimReview JSON-LD, the Google Fact Check Tools API, CSV layouts
of public fact-check datasets) and keep them in the store's ``claims`` table.

Matching posts to claims is the ``claims`` analysis (:mod:`ioscope.analyses.claims`).
"""

from __future__ import annotations

from ioscope.claims.records import CLAIM_COLUMNS, RATINGS, normalize_rating
from ioscope.claims.store import (
    ClaimFileReport,
    ClaimImportReport,
    ensure_tables,
    import_claims,
    read_claim_file,
    replace_matches,
)

__all__ = ["CLAIM_COLUMNS", "RATINGS", "ClaimFileReport", "ClaimImportReport", "ensure_tables",
           "import_claims", "normalize_rating", "read_claim_file", "replace_matches"]
