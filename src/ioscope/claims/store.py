"""The claim tables in the ioscope store, and ``ioscope claims import``.

Tables (created with ``CREATE TABLE IF NOT EXISTS`` on first use; all times UTC):

``claims`` — one row per claim_id (see :mod:`ioscope.claims.records` for the meaning of each column)
    claim_id, text, lang, rating, rating_normalized (false|misleading|true|unproven|other), reviewer,
    review_date, review_url, claimant, claim_date, source, source_file, source_line, imported_at.

``claim_matches`` — posts that repeat a claim, written by the ``claims`` analysis
    platform, post_id, claim_id, score (cosine of post and claim vectors), rerank_score (the score the
    threshold was applied to), rule (which rule kept the match), model (embedding model name),
    rank (1 = the post's best claim), matched_at.

Write rules: importing is **idempotent** and keyed on ``claim_id`` — a claim already stored is kept
as first stored (its provenance too), so importing the same file twice adds nothing; each file is one
transaction; bad records go to the store's ``quarantine`` table (source_format ``claims-<layout>``,
source_file, source_line, reason, raw) and the rest of the file loads. Matches are replaced per model
by :func:`replace_matches`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ioscope.claims import claimreview, csv_layouts
from ioscope.claims.records import CLAIM_COLUMNS, ClaimRow
from ioscope.errors import SourceError, StrictIngestError
from ioscope.sources.base import Bad
from ioscope.store import Store, utcnow

RAW_LIMIT = 100_000

CLAIMS_SQL = """CREATE TABLE IF NOT EXISTS claims (
    claim_id VARCHAR PRIMARY KEY, text VARCHAR NOT NULL, lang VARCHAR, rating VARCHAR,
    rating_normalized VARCHAR, reviewer VARCHAR, review_date TIMESTAMPTZ, review_url VARCHAR,
    claimant VARCHAR, claim_date TIMESTAMPTZ, source VARCHAR, source_file VARCHAR,
    source_line BIGINT, imported_at TIMESTAMPTZ)"""

MATCHES_SQL = """CREATE TABLE IF NOT EXISTS claim_matches (
    platform VARCHAR NOT NULL, post_id VARCHAR NOT NULL, claim_id VARCHAR NOT NULL, score DOUBLE,
    rerank_score DOUBLE, rule VARCHAR, model VARCHAR, rank INTEGER, matched_at TIMESTAMPTZ)"""

_T = pa.timestamp("us", tz="UTC")
_CLAIM_ARROW = pa.schema([(c, _T if c in ("review_date", "claim_date", "imported_at")
                           else pa.int64() if c == "source_line" else pa.string())
                          for c in (*CLAIM_COLUMNS, "imported_at")])
MATCH_COLUMNS = ("platform", "post_id", "claim_id", "score", "rerank_score", "rule", "model", "rank",
                 "matched_at")


@dataclass
class ClaimFileReport:
    """One imported file: its reader, records read, claims newly stored, duplicates (already stored
    or repeated in the file), records quarantined."""

    path: Path
    reader: str
    n_read: int = 0
    n_stored: int = 0
    n_duplicate: int = 0
    n_quarantined: int = 0


@dataclass
class ClaimImportReport:
    """All files of one ``import_claims`` call."""

    files: list[ClaimFileReport] = field(default_factory=list)

    def total(self, attr: str) -> int:
        """Sum of one count (``n_read``, ``n_stored``, ...) over the files."""
        return sum(getattr(f, attr) for f in self.files)


def ensure_tables(store: Store) -> None:
    """Create ``claims`` and ``claim_matches`` if missing (no-op on a read-only store)."""
    if not store.read_only:
        store.con.execute(CLAIMS_SQL)
        store.con.execute(MATCHES_SQL)


def has_table(store: Store, name: str) -> bool:
    """Whether table ``name`` exists in the store."""
    return bool(store.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()[0][0])


JSON_READERS = ("claimreview", "google-factcheck", "html")
"""``--layout`` names of the JSON/HTML readers (:mod:`ioscope.claims.claimreview`); each reads all
three forms, so naming one only skips detection."""


def read_claim_file(path: str | Path, *, layout: str | None = None,
                    mapping: dict[str, str] | None = None) -> tuple[str, Iterator[ClaimRow | Bad]]:
    """``(reader name, records)`` for one claim file: JSON/JSON lines/HTML go to
    :mod:`ioscope.claims.claimreview`, anything else to :mod:`ioscope.claims.csv_layouts`
    (``layout``/``mapping`` as there; a ``layout`` of :data:`JSON_READERS` forces the JSON reader).
    Raises SourceError for a missing or unreadable file."""
    p = Path(path)
    if not p.is_file():
        raise SourceError(p, "no such file")
    try:
        with open(p, "rb") as fh:
            head = fh.read(4096).decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise SourceError(p, f"cannot read: {exc}") from exc
    if layout in JSON_READERS:  # the names the import table shows for the JSON readers
        return layout, claimreview.read(p)
    kind = None if layout or mapping else claimreview.sniff(head)
    if kind:
        return kind, claimreview.read(p)
    name = layout or ("mapping" if mapping else None)
    if name is None:
        first = next(iter(csv_layouts.csv.reader([head.splitlines()[0] if head else ""])), [])
        name = csv_layouts.detect(first) or "csv"
    return name, csv_layouts.read(p, layout=layout, mapping=mapping)


def import_claims(store: Store, paths: Iterable[str | Path], *, layout: str | None = None,
                  mapping: dict[str, str] | None = None, strict: bool = False,
                  batch_size: int = 20_000) -> ClaimImportReport:
    """Import claim files into ``store`` (tables created if missing) and return a report.

    Each file is one transaction; a claim_id already stored is not stored again; bad records are
    quarantined (``strict``: raise StrictIngestError instead and roll the file back). Raises
    SourceError (missing/unreadable file, no layout fits), ConfigError (bad layout or mapping),
    StoreError (read-only store).
    """
    ensure_tables(store)
    report = ClaimImportReport()
    for path in paths:
        report.files.append(_import_file(store, Path(path), layout, mapping, strict, batch_size))
    return report


def _import_file(store: Store, path: Path, layout: str | None, mapping: dict[str, str] | None,
                 strict: bool, batch_size: int) -> ClaimFileReport:
    reader, records = read_claim_file(path, layout=layout, mapping=mapping)
    rep = ClaimFileReport(path=path, reader=reader)
    now, src = utcnow(), str(path.resolve())
    con = store.con
    before = store.scalar("SELECT count(*) FROM claims")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE stg_claims AS SELECT * FROM claims LIMIT 0")
        rows: list[ClaimRow] = []
        bad: list[dict] = []
        for item in records:
            rep.n_read += 1
            if isinstance(item, Bad):
                if strict:
                    raise StrictIngestError(path, item.reason, item.line)
                bad.append({"source_format": f"claims-{reader}", "source_file": src,
                            "source_line": item.line, "reason": item.reason,
                            "raw": item.raw[:RAW_LIMIT], "ingested_at": now})
            else:
                rows.append(dict(item, imported_at=now))
            if len(rows) >= batch_size:
                _stage(store, rows)
        _stage(store, rows)
        con.execute("""INSERT INTO claims SELECT * FROM stg_claims s
                       WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.claim_id = s.claim_id)
                       QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY source_line) = 1""")
        if bad:
            qdf = pd.DataFrame(bad)
            con.register("_ioscope_qclaims", qdf)
            con.execute("""INSERT INTO quarantine SELECT source_format, source_file, source_line, reason,
                               raw, ingested_at FROM _ioscope_qclaims q
                           WHERE NOT EXISTS (SELECT 1 FROM quarantine x WHERE x.source_file = q.source_file
                                 AND x.source_line = q.source_line AND x.reason = q.reason)""")
            con.unregister("_ioscope_qclaims")
        con.execute("DROP TABLE IF EXISTS stg_claims")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    rep.n_quarantined = len(bad)
    rep.n_stored = store.scalar("SELECT count(*) FROM claims") - before
    rep.n_duplicate = rep.n_read - rep.n_quarantined - rep.n_stored
    return rep


def _stage(store: Store, rows: list[ClaimRow]) -> None:
    if not rows:
        return
    # from_arrow, not register: DuckDB keeps registered objects alive until the file's transaction
    # ends, so every batch would stay in memory (see Store.stage).
    store.con.from_arrow(pa.Table.from_pylist(rows, schema=_CLAIM_ARROW)).insert_into("stg_claims")
    rows.clear()


def replace_matches(store: Store, matches: pd.DataFrame, model: str) -> int:
    """Replace the stored matches of ``model`` with ``matches`` (columns :data:`MATCH_COLUMNS`;
    ``model`` and ``matched_at`` are filled here) in one transaction. Returns rows written. A
    read-only store is left alone (returns 0)."""
    if store.read_only:
        return 0
    ensure_tables(store)
    df = matches.assign(model=model, matched_at=utcnow())[list(MATCH_COLUMNS)]
    store.replace_rows("claim_matches", df, "model = ?", [model])
    return len(df)
