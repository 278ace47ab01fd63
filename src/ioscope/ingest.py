"""Ingest input files into the store: detect the format, read, stage, merge, quarantine, report.

Each file is one transaction (see :mod:`ioscope.store`): a file either lands whole (good records
stored, bad records quarantined with their reason) or, on an error or Ctrl-C, not at all.
Records are staged in batches of ``batch_size`` (default 20,000) so memory stays flat in file size
(each batch is freed once merged; the file's uncommitted rows beyond DuckDB's limit spill to disk);
within a batch, the rows that the store's merge would drop anyway (a context copy of a post already in
the batch, an older copy of an account profile) are dropped before it (:class:`_Batch`), which changes
no stored row and no count. Speed and memory: ``bench/ingest.py``.
"""

from __future__ import annotations

import gc
import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ioscope._version import __version__
from ioscope.errors import SourceError, StrictIngestError
from ioscope.sources import registry
from ioscope.sources.base import (
    ASSUMED_TZ_PREFIX, ASSUMED_UTC_FLAG, Bad, Record, Source, SourceOptions, assumed_zone_of,
)
from ioscope import url_table
from ioscope.store import LOST_PRECISION_FLAG, Store, utcnow

RAW_LIMIT = 100_000
"""Quarantined raw text is cut to this many characters."""

ProgressFn = Callable[[Path, int, int], None]
"""Progress callback: (file, bytes read so far, file size in bytes)."""


@dataclass
class FileReport:
    """The outcome of ingesting one file. Counts: input records read, collected posts newly stored,
    duplicates (already stored or repeated), new context posts, quarantined records; ``seconds``;
    ``assumed_zones``: zone -> number of the store's posts from this file (collected and context) whose
    time had no zone and was read in that zone (``"UTC"`` for the flag ``assumed_utc``, ``<zone>`` for
    ``assumed_tz:<zone>``; see :func:`assumed_zones`), empty when none."""

    path: Path
    format: str
    n_read: int = 0
    n_stored: int = 0
    n_duplicate: int = 0
    n_context: int = 0
    n_quarantined: int = 0
    seconds: float = 0.0
    assumed_zones: dict[str, int] = field(default_factory=dict)


@dataclass
class IngestReport:
    """The outcome of one ingest run: a :class:`FileReport` per file and the totals."""

    files: list[FileReport] = field(default_factory=list)

    def total(self, attr: str) -> int:
        """Sum of one count (``n_read``, ``n_stored``, ...) over all files."""
        return sum(getattr(f, attr) for f in self.files)

    @property
    def seconds(self) -> float:
        """Wall time of all files, in seconds."""
        return sum(f.seconds for f in self.files)

    @property
    def assumed_zones(self) -> dict[str, int]:
        """Zone -> posts whose time had no zone and was read in it, over all files (most posts first)."""
        return _merged_zones(f.assumed_zones for f in self.files)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (read in 1 MiB blocks)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    *,
    format: str | None = None,
    options: SourceOptions | None = None,
    strict: bool = False,
    batch_size: int = 20_000,
    progress: ProgressFn | None = None,
) -> IngestReport:
    """Ingest ``paths`` into ``store`` and return an :class:`IngestReport`.

    ``format``: a registered source name (default: detected per file); ``options``: timezone for naive
    times, column mapping; ``strict``: raise StrictIngestError at the first record that would be
    quarantined (the file's transaction is rolled back); ``batch_size``: rows (posts and quarantined
    records) merged per batch (default 20,000). Raises SourceError (file missing, a directory, or
    unreadable as a whole), FormatDetectionError, ConfigError (unknown format).
    """
    options = options or SourceOptions()
    report = IngestReport()
    # Every file is found and its format recognised before any is read, so that a typo or an
    # unknown file in a batch stops the run before it has stored anything.
    planned = []
    for raw_path in paths:
        path = Path(raw_path)
        if path.is_dir():
            raise SourceError(path, f"is a directory (pass the files, e.g. {path / '*.jsonl'})")
        if not path.is_file():
            raise SourceError(path, "no such file")
        planned.append((path, registry.get(format) if format else registry.detect(path)))
    for path, source in planned:
        report.files.append(_ingest_file(store, path, source, options, strict, batch_size, progress))
    by_file = _assumed_zones_by_file(store, [f.path for f in report.files])
    for f in report.files:
        f.assumed_zones = by_file.get(str(f.path.resolve()), {})
    store.refresh_actor_accounts()
    url_table.refresh(store)  # canonical URLs, once per new URL, for the analyses that compare links
    return report


def _ingest_file(
    store: Store,
    path: Path,
    source: Source,
    options: SourceOptions,
    strict: bool,
    batch_size: int,
    progress: ProgressFn | None,
) -> FileReport:
    started = time.perf_counter()
    started_at = utcnow()
    abs_path = str(path.resolve())
    sha = file_sha256(path)
    size = path.stat().st_size
    provenance = {
        "source_format": source.name,
        "source_file": abs_path,
        "ingested_at": started_at,
        "ioscope_version": __version__,
    }
    rep = FileReport(path=path, format=source.name)
    batch = _Batch()
    bad: list[dict] = []

    account_constants = {"source_format": source.name, "source_file": abs_path}

    def flush() -> None:
        store.stage("posts", batch.post_rows(), provenance)
        store.stage("accounts", batch.account_rows(), account_constants)
        store.stage("quarantine", bad)
        batch.clear()
        bad.clear()
        if progress:
            progress(path, source.bytes_read(), size)

    store.begin_file()
    # The records are plain dicts and lists, without reference cycles: the cyclic garbage collector
    # has nothing to find in them, and its passes over a batch of live rows cost ~15 % of the time.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        for item in source.read(path, options):
            rep.n_read += 1
            if isinstance(item, Bad):
                if strict:
                    raise StrictIngestError(path, item.reason, item.line)
                bad.append({
                    "source_format": source.name, "source_file": abs_path, "source_line": item.line,
                    "reason": item.reason, "raw": item.raw[:RAW_LIMIT], "ingested_at": started_at,
                })
            else:
                _add_record(item, sha, batch)
            if batch.n_posts + len(bad) >= batch_size:
                flush()
        flush()
        counts = store.commit_file({
            "source_file": abs_path, "source_format": source.name, "sha256": sha,
            "started_at": started_at, "finished_at": utcnow(), "n_read": rep.n_read,
            "ioscope_version": __version__,
        })
    except BaseException as exc:
        store.abort_file()
        if _interrupted(exc):
            # DuckDB turns Ctrl-C during a query into its own error: report it as what it is.
            raise KeyboardInterrupt from exc
        raise
    finally:
        if gc_was_on:
            gc.enable()
    rep.n_stored, rep.n_duplicate = counts.n_stored, counts.n_duplicate
    rep.n_context, rep.n_quarantined = counts.n_context, counts.n_quarantined
    rep.seconds = time.perf_counter() - started
    return rep


class _Batch:
    """The rows of one batch, with the repeats that the store's merge would drop removed early.

    Posts: one row per (platform, post_id), except collected copies, which are all kept (the store
    counts a repeated collected post as a duplicate). A context row (``collected`` False) is dropped
    when the key already has a row (the store keeps a collected row before a context row, then the
    earliest line, and lines only grow within a file); a collected row replaces a context row of its
    key. Accounts: one row per (platform, account_id), the one the store's merge would keep (latest
    ``last_seen_at``, then most followers, then smallest handle; NULLs last); a row without an
    account_id is dropped (the store ignores it). Rows whose keys or order values are of other types
    (None ``collected``, values that do not compare) are all kept and left to the store.
    """

    __slots__ = ("posts", "post_extra", "accounts", "account_extra", "n_posts")

    def __init__(self) -> None:
        self.posts: dict[tuple, dict] = {}
        self.post_extra: list[dict] = []
        self.accounts: dict[tuple, dict] = {}
        self.account_extra: list[dict] = []
        self.n_posts = 0

    def clear(self) -> None:
        self.posts = {}
        self.post_extra = []
        self.accounts = {}
        self.account_extra = []
        self.n_posts = 0

    def post_rows(self) -> list[dict]:
        rows = list(self.posts.values())
        rows += self.post_extra
        return rows

    def account_rows(self) -> list[dict]:
        rows = list(self.accounts.values())
        rows += self.account_extra
        return rows

    def add_post(self, post: dict) -> None:
        key = (post.get("platform"), post.get("post_id"))
        old = self.posts.get(key)
        if old is None:
            self.posts[key] = post
            self.n_posts += 1
            return
        new_c, old_c = post.get("collected"), old.get("collected")
        if new_c is False and old_c is not None:
            return  # the stored row of this key wins
        if new_c is True and old_c is False:
            self.posts[key] = post
            return
        self.post_extra.append(post)
        self.n_posts += 1

    def add_account(self, account: dict) -> None:
        account_id = account.get("account_id")
        if account_id is None:
            return
        key = (account.get("platform"), account_id)
        old = self.accounts.get(key)
        if old is None:
            self.accounts[key] = account
            return
        try:
            if _sorts_before(account, old):
                self.accounts[key] = account
        except TypeError:
            self.account_extra.append(account)


def _sorts_before(a: dict, b: dict) -> bool:
    # The store's order (see Store._merge_accounts): last_seen_at DESC, followers DESC, handle ASC,
    # NULLs last. True when ``a`` comes strictly first; a TypeError when values of two kinds meet.
    for col, descending in (("last_seen_at", True), ("followers", True), ("handle", False)):
        x, y = a.get(col), b.get(col)
        if x == y:
            continue
        if x is None or y is None:
            return y is None
        return x > y if descending else x < y
    return False


_COUNT_COLUMNS = ("like_count", "share_count", "reply_count", "quote_count", "view_count")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _interrupted(exc: BaseException) -> bool:
    """True when ``exc`` is Ctrl-C as DuckDB reports it: an InterruptException, the RuntimeError
    "Query interrupted" of COMMIT, or a KeyboardInterrupt wrapped in a DuckDB error."""
    if isinstance(exc, duckdb.InterruptException):
        return True
    return isinstance(exc, (RuntimeError, duckdb.Error)) and (
        "interrupt" in str(exc).lower() or "keyboardinterrupt" in str(exc).lower())


def _add_record(item: Record, sha: str, batch: _Batch) -> None:
    # The adapter's dicts are fresh per record: set the per-row provenance in place (no copies).
    for post in item.posts:
        post["source_line"] = item.line
        for col in _COUNT_COLUMNS:
            v = post.get(col)
            if isinstance(v, int) and not _INT64_MIN <= v <= _INT64_MAX:
                # A count beyond 64 bits is damaged data, not a count: keep the row, flag the value.
                post[col] = None
                post["flags"] = [*(post.get("flags") or ()), f"{col}_out_of_range"]
        if LOST_PRECISION_FLAG in (post.get("flags") or ()):
            # Never deduplicate on an ID that lost precision: one row per input record (stable per file).
            post["post_id"] = f"{post['post_id']}~{sha[:12]}:{item.line}"
        batch.add_post(post)
    for account in item.accounts:
        batch.add_account(account)


def ingest_rows(report: IngestReport | None) -> list[dict]:
    """The per-file table of an ingest (file, format, read, stored, duplicate, context, quarantined,
    no_zone, zone_used, seconds) as dicts, for the report and the terminal. ``no_zone``: the file's
    posts whose time had no zone; ``zone_used``: the zone they were read in (``"Europe/Moscow"``; when
    several, each with its count: ``"Europe/Moscow 2, UTC 1"``; ``""`` when none)."""
    if report is None:
        return []
    return [
        {"file": str(f.path), "format": f.format, "read": f.n_read, "stored": f.n_stored,
         "duplicate": f.n_duplicate, "context": f.n_context, "quarantined": f.n_quarantined,
         "no_zone": sum(f.assumed_zones.values()), "zone_used": _zones_used(f.assumed_zones),
         "seconds": round(f.seconds, 2)}
        for f in report.files
    ]


def _zones_used(zones: Mapping[str, int]) -> str:
    if len(zones) == 1:
        return next(iter(zones))
    return ", ".join(f"{zone} {n:,}" for zone, n in zones.items())


def assumed_zones(store: Store, files: Iterable[str | Path] | None = None) -> dict[str, int]:
    """Zone -> number of posts in ``store`` (collected and context; among those read from ``files``,
    paths compared resolved, when given) whose ``created_at`` was written without a zone and read in
    that zone: the flags of :func:`ioscope.sources.base.assumed_zone_flag`, ``assumed_utc`` counted as
    ``"UTC"`` and ``assumed_tz:<zone>`` as ``<zone>``. Most posts first; empty when no time was
    assumed. Issue #3's rule: "a naive time is read in the zone the user gives (``--tz``), and the
    report says which". One scan of ``posts``' ``flags``."""
    return _merged_zones(_assumed_zones_by_file(store, None if files is None else list(files)).values())


def _merged_zones(counts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Sum of several zone -> posts counts, most posts first (then by zone name)."""
    total: dict[str, int] = {}
    for zones in counts:
        for zone, n in zones.items():
            total[zone] = total.get(zone, 0) + n
    return dict(sorted(total.items(), key=lambda kv: (-kv[1], kv[0])))


def _assumed_zones_by_file(store: Store, files: list[str | Path] | None) -> dict[str, dict[str, int]]:
    """source_file -> zone -> posts (see :func:`assumed_zones`); ``files`` None: every file."""
    where = "len(flags) > 0"
    params: list = [ASSUMED_UTC_FLAG, ASSUMED_TZ_PREFIX]
    if files is not None:
        if not files:
            return {}
        where += " AND list_contains(?, source_file)"
        params.insert(0, [str(Path(f).resolve()) for f in files])
    rows = store.con.execute(
        f"SELECT source_file, flag, count(*) FROM (SELECT source_file, unnest(flags) AS flag FROM posts "
        f"WHERE {where}) WHERE flag = ? OR starts_with(flag, ?) GROUP BY ALL ORDER BY 3 DESC, 2",
        params).fetchall()
    out: dict[str, dict[str, int]] = {}
    for source_file, flag, n in rows:
        zone = assumed_zone_of(flag)
        if zone is not None:
            zones = out.setdefault(source_file, {})
            zones[zone] = zones.get(zone, 0) + int(n)
    return out


def assumed_zone_note(zones: Mapping[str, int]) -> str | None:
    """One plain-text line for the end of an ingest saying how many posts had no time zone and in
    which zone they were read (``zones``: zone -> posts, as :func:`assumed_zones` returns), e.g.
    ``"2,314 posts had no time zone; read as UTC (assumed_utc) — --tz sets the zone when a post is
    first stored"``; None when ``zones`` counts no post. Not escaped: the caller escapes for its
    medium."""
    zones = {z: n for z, n in zones.items() if n}
    if not zones:
        return None
    total = sum(zones.values())
    head = f"{total:,} post{'s' if total != 1 else ''} had no time zone"
    if len(zones) == 1:
        [(zone, _)] = zones.items()
        return f"{head}; {_read_in(zone)}{_ZONE_HINT}"
    parts = ", ".join(f"{n:,} {_read_in(zone)}" for zone, n in zones.items())
    return f"{head}: {parts}{_ZONE_HINT}"


_ZONE_HINT = " — --tz sets the zone when a post is first stored"
"""The end of :func:`assumed_zone_note`: a re-ingest does not re-read posts already stored."""


def _read_in(zone: str) -> str:
    if zone == "UTC":
        return f"read as UTC ({ASSUMED_UTC_FLAG})"
    return f"read in {zone} ({ASSUMED_TZ_PREFIX}{zone})"
