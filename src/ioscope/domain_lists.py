"""Domain credibility and type lists: readers, the store's ``domain_labels`` table, combined labels.

ioscope ships **no** list (their licences do not allow redistribution): the analyst points ioscope at
the files (``ioscope domains import FILE --format lin2023|mbfc|iffy|csv``), and they are copied into
the store's ``domain_labels`` table, one row per (list, host, label), with the source of each label.

Readers (:func:`read_domain_list`) return a DataFrame with columns
``host, label, score, country, detail`` (``host``: the list entry's canonical host, see
:func:`ioscope.canon.canonical_host`; ``score``: a number in [0, 1] or NULL; ``country``: ISO alpha-2
or the list's own name or NULL):

* ``lin2023`` — Lin et al. 2023, "High level of correspondence across different news domain quality
  rating sets", PNAS Nexus 2(9), files ``data_domain_pc1.csv`` or ``data_domain_ratings.csv``
  (``domain, pc1, ...``): ``low_credibility`` when ``pc1 < low_pc1`` (default 0.4, the threshold the
  dataset's README suggests), else ``rated``; ``score`` = pc1 (1 = most reliable).
* ``mbfc`` — Media Bias/Fact Check scrape (OSoMe ``mbfc_ratings.csv``): ``low_credibility`` when
  ``credibility_rating`` is LOW CREDIBILITY or ``factual_reporting`` LOW/VERY LOW; ``conspiracy`` when
  the bias rating holds CONSPIRACY or PSEUDOSCIENCE or ``leaning`` is ``conspiracy``; ``satire``;
  ``reliable`` for HIGH CREDIBILITY; ``state_media`` (inferred, said so in ``detail``) for TV
  stations and news agencies whose country is one of ``state_countries`` (default Russia, China, Iran).
* ``iffy`` — the Iffy.news list as used by OSoMe Top FIBers (``YYYY-MM-DD__iffy_list.txt``, one URL
  pattern ``https://www.site/*`` a line): ``low_credibility``; the snapshot date, when the file name
  has one, in ``detail``.
* ``csv`` — any CSV with a column mapping (keys ``domain``, ``label``, ``score``, ``country``,
  ``detail``; defaults are the same names): ``label`` cells may hold several labels separated by
  ``;`` or ``|``. Imported with ``user=True`` it **overrides** every other list for its hosts.

**Every row is accounted for** (:class:`ListReport`, returned by :func:`import_domain_list`): rows
read = rows stored as a host + rows merged into a host already read + rows skipped, each merged or
skipped row with its line and reason:

* an entry **with a path** (``facebook.com/news``, ``rfi.fr/en``, ``twitter.com/capnews``) rates one
  section, page or account of a site, not the site: it is **skipped** (reason ``path-specific``), since
  storing it under the host would give its rating to every link to that host (a low-rated Facebook page
  would make every facebook.com link low-credibility). ``https://www.site/*`` and ``site/`` have no
  path. Exception: ``iffy`` lists *sites*, each by the URL where it lives (``https://russia-insider.com/en*``,
  ``https://www.stormfront.org/forum/*``), so there the path is dropped and the host labelled; such rows
  are listed in ``ListReport.path_dropped``;
* entries that fold to **the same host** (``www.``/``m.``/``mobile.``/``amp.``/``www1.`` prefixes,
  :func:`ioscope.canon.canonical_host`, or the same host written twice) are **merged**: for ``lin2023``,
  ``mbfc`` and ``iffy`` (one rating per site) the entry spelled as the bare host wins, else the first
  in file order, and the others' ratings are appended to its ``detail`` (``also m.espn.com: pc1=0.574``);
  for ``csv`` the labels of all its rows are united (one row per label is a normal layout);
* a row without a domain, with an unreadable ``pc1``, or with no label under the format's rules (an
  MBFC rating that is neither low, conspiracy, satire nor high credibility) is **skipped**.

Labels are normalised to lower case with ``_`` (``Low-Credibility`` -> ``low_credibility``); common
ones: :data:`LABELS`. A user list may use ``none`` to clear a host's labels.

Combining (:data:`COMBINED_SQL`, :func:`combined_labels`): per host, the union of the labels of every
list, each with its list name; when a user list names the host, only the user list's labels count.
A post URL host matches a list host when equal or a subdomain of it (``de.rt.com`` matches ``rt.com``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ioscope.canon import canonical_host
from ioscope.errors import ConfigError, SourceError
from ioscope.store import Store, utcnow

FORMATS = ("lin2023", "mbfc", "iffy", "csv")
"""Formats :func:`read_domain_list` reads."""

LABELS = ("low_credibility", "conspiracy", "state_media", "satire", "reliable", "rated")
"""Labels the built-in readers give (a user list may add others)."""

CSV_KEYS = ("domain", "label", "score", "country", "detail")

TABLE_SQL = """CREATE TABLE IF NOT EXISTS domain_labels (
    list_name VARCHAR, list_format VARCHAR, is_user BOOLEAN, host VARCHAR, label VARCHAR,
    score DOUBLE, country VARCHAR, detail VARCHAR, source_file VARCHAR, imported_at TIMESTAMPTZ)"""
"""The store table: one row per (list_name, host, label)."""

_COLUMNS = ["list_name", "list_format", "is_user", "host", "label", "score", "country", "detail",
            "source_file", "imported_at"]
_ARROW = pa.schema([("list_name", pa.string()), ("list_format", pa.string()), ("is_user", pa.bool_()),
                    ("host", pa.string()), ("label", pa.string()), ("score", pa.float64()),
                    ("country", pa.string()), ("detail", pa.string()), ("source_file", pa.string()),
                    ("imported_at", pa.timestamp("us", tz="UTC"))])
_STATE_COUNTRIES = {"russia": "RU", "china": "CN", "iran": "IR"}
_STATE_MEDIA_TYPES = ("tv station", "news agency", "radio station", "tv station/website", "radio/tv")

COMBINED_SQL = """
SELECT host,
       coalesce(list(DISTINCT label ORDER BY label) FILTER (WHERE label <> 'none'), [])
           AS labels,
       coalesce(list(DISTINCT label || ':' || list_name ORDER BY label || ':' || list_name)
                FILTER (WHERE label <> 'none'), []) AS label_sources,
       bool_or(label = 'low_credibility') AS low_credibility,
       bool_or(label = 'conspiracy') AS conspiracy,
       bool_or(label = 'state_media') AS state_media,
       any_value(country) FILTER (WHERE label = 'state_media') AS state_country,
       max(score) FILTER (WHERE list_format = 'lin2023') AS lin2023_score,
       bool_or(is_user) AS from_user
FROM (SELECT d.* FROM domain_labels d
      WHERE d.is_user OR NOT EXISTS (SELECT 1 FROM domain_labels u
                                     WHERE u.is_user AND u.host = d.host))
GROUP BY host
"""
"""One row per list host: labels (list, sorted), label_sources (``label:list_name``), flags
low_credibility / conspiracy / state_media, state_country, lin2023_score, from_user (labels from a user
list). Needs ``domain_labels``. When a link host matches several list hosts (``de.rt.com`` and
``rt.com``) and any of them is from a user list, only the user-list matches count."""


@dataclass
class ListReport:
    """What reading (and importing) one list file did with each of its rows.

    ``rows_read``: data rows (CSV records without the header; for ``iffy``, non-blank lines that are not
    ``#`` comments); ``hosts``: distinct hosts labelled; ``labels_stored``: rows of ``domain_labels``
    (host, label pairs; 0 until imported); ``merged``: ``(line, entry, host, reason)`` for rows folded
    into a host already read; ``skipped``: ``(line, entry, reason)`` for rows that label nothing. ``line``
    is 1-based in the file (the CSV header is line 1). Invariant: ``rows_read == hosts + len(merged) +
    len(skipped)``. ``path_dropped``: ``(line, entry, host)`` for ``iffy`` rows whose URL had a path,
    labelled as their host (counted among ``hosts`` or ``merged``)."""

    rows_read: int = 0
    hosts: int = 0
    labels_stored: int = 0
    merged: list[tuple[int, str, str, str]] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)
    path_dropped: list[tuple[int, str, str]] = field(default_factory=list)

    def reasons(self) -> dict[str, int]:
        """Counts per reason kind (the text before the first ``:`` of a reason), merged then skipped,
        e.g. ``{"merged: www./m. variant": 24, "skipped: path-specific": 46}``."""
        out: dict[str, int] = {}
        for kind, reasons in (("merged", [m[3] for m in self.merged]), ("skipped", [s[2] for s in self.skipped])):
            for r in reasons:
                key = f"{kind}: {r.split(':', 1)[0]}"
                out[key] = out.get(key, 0) + 1
        return out

    def summary(self) -> str:
        """One line: ``"11520 rows read: 11450 hosts (N labels), 24 merged (...), 46 skipped (...)"``."""
        def part(kind: str, n: int) -> str:
            detail = ", ".join(f"{k.split(': ', 1)[1]} {v:,}" for k, v in self.reasons().items()
                               if k.startswith(kind))
            return f"{n:,} {kind}" + (f" ({detail})" if detail else "")
        line = (f"{self.rows_read:,} rows read: {self.hosts:,} hosts ({self.labels_stored:,} labels), "
                f"{part('merged', len(self.merged))}, {part('skipped', len(self.skipped))}")
        if self.path_dropped:
            line += f"; {len(self.path_dropped):,} site URLs with a path labelled as their host"
        return line


def _norm_label(value: str) -> str:
    return re.sub(r"[\s\-/]+", "_", value.strip().lower())


def _host_of(entry: str) -> str:
    """Canonical host of a list entry: a domain, a host or a URL pattern (``https://www.x.ca/*``)."""
    return _host_path(entry)[0]


def _host_path(entry: str) -> tuple[str, str]:
    # (canonical host, path) of a list entry; the path without a trailing "/", "*" or query ("" if none)
    s = entry.strip().rstrip("*").strip()
    s = re.sub(r"(?i)^[a-z][a-z0-9+.-]*://", "", s)
    host, _, path = s.partition("/")
    host = host.split("?", 1)[0].split("@")[-1].split(":", 1)[0]
    path = path.split("?", 1)[0].split("#", 1)[0].rstrip("/*").strip()
    return canonical_host(host), path


@dataclass
class _Item:
    # One row of a list file: its line, the entry as written, and the labels it gives (label, score,
    # country, detail), a short rating text for a merge note, or the reason it gives none.
    line: int
    entry: str
    labels: list[tuple] = field(default_factory=list)
    rating: str = ""
    skip: str | None = None


def _assemble(items: list[_Item], *, union: bool, sites: bool = False) -> tuple[pd.DataFrame, ListReport]:
    # The module docstring's rules: path-specific entries and label-less rows skipped; rows of one host
    # merged (union of labels for csv; else the bare-host spelling wins, the others noted in detail).
    report = ListReport(rows_read=len(items))
    chosen: dict[str, _Item] = {}
    notes: dict[str, list[str]] = {}
    for it in items:
        host, path = _host_path(it.entry)
        if it.skip:
            report.skipped.append((it.line, it.entry, it.skip))
        elif not host:
            report.skipped.append((it.line, it.entry, "no domain"))
        elif path and not sites:
            report.skipped.append((it.line, it.entry, f"path-specific: rates {host}/{path}, not all of {host}"))
        elif not it.labels:
            report.skipped.append((it.line, it.entry, "no label under the format's rules"))
        elif host not in chosen:
            chosen[host] = it
            if path:
                report.path_dropped.append((it.line, it.entry, host))
        else:
            first = chosen[host]
            if path:
                report.path_dropped.append((it.line, it.entry, host))
            kind = "repeated host" if it.entry.strip().lower() == first.entry.strip().lower() else \
                "www./m. variant"
            if union:
                first.labels = first.labels + it.labels
                report.merged.append((it.line, it.entry, host, f"{kind}: labels added to line {first.line}"))
                continue
            bare = it.entry.strip().lower() == host and first.entry.strip().lower() != host
            if bare:  # the entry spelled as the bare host wins over an earlier prefixed one
                chosen[host] = it
                it, first = first, it
            notes.setdefault(host, []).append(f"{it.entry.strip()}: {it.rating}")
            report.merged.append((it.line, it.entry, host, f"{kind}: rating of line {first.line} "
                                                           f"({first.entry.strip()}) kept"))
    out = []
    for host, it in chosen.items():
        extra = "; also " + "; ".join(notes[host]) if host in notes else ""
        out.extend((host, lab, score, country, (detail or "") + extra if extra else detail)
                   for lab, score, country, detail in it.labels)
    report.merged.sort()
    report.hosts = len(chosen)
    return _frame(out), report


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    # (line where the record starts, record) for every CSV record; the header is line 1.
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            out, last = [], 1
            for r in reader:
                out.append((last + 1, r))
                last = reader.line_num
            return out
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(path, f"cannot read domain list: {exc}") from exc


def _need(path: Path, rows: list[tuple[int, dict[str, str]]], cols: tuple[str, ...], fmt: str) -> None:
    have = set(rows[0][1]) if rows else set()
    missing = [c for c in cols if c not in have]
    if rows and missing:
        raise SourceError(path, f"not a {fmt} file: missing column(s) {', '.join(missing)}; "
                                f"found {', '.join(sorted(have))}")


def read_lin2023(path: Path, *, low_pc1: float = 0.4) -> pd.DataFrame:
    """Lin et al. 2023 ratings (``domain, pc1, ...``); see the module docstring."""
    return _read_lin2023(path, low_pc1=low_pc1)[0]


def _read_lin2023(path: Path, *, low_pc1: float = 0.4) -> tuple[pd.DataFrame, ListReport]:
    rows = _rows(path)
    _need(path, rows, ("domain", "pc1"), "lin2023")
    items = []
    for line, r in rows:
        entry = r["domain"] or ""
        try:
            pc1 = float(r["pc1"])
        except (TypeError, ValueError):
            items.append(_Item(line, entry, skip=f"pc1 is not a number: {r['pc1']!r}"))
            continue
        if pc1 != pc1:
            items.append(_Item(line, entry, skip="pc1 is not a number: NaN"))
            continue
        items.append(_Item(line, entry, [("low_credibility" if pc1 < low_pc1 else "rated", pc1, None,
                                          f"pc1={pc1:.3f} (low below {low_pc1})")], f"pc1={pc1:.3f}"))
    return _assemble(items, union=False)


def read_mbfc(path: Path, *, state_countries: dict[str, str] | None = None) -> pd.DataFrame:
    """MBFC ratings (OSoMe scrape); see the module docstring. ``state_countries``: lower-case MBFC
    country name -> ISO code of countries whose TV stations/news agencies are labelled state_media."""
    return _read_mbfc(path, state_countries=state_countries)[0]


def _read_mbfc(path: Path, *, state_countries: dict[str, str] | None = None) -> tuple[pd.DataFrame, ListReport]:
    states = _STATE_COUNTRIES if state_countries is None else state_countries
    rows = _rows(path)
    _need(path, rows, ("domain", "bias_rating", "factual_reporting", "credibility_rating", "country",
                       "media_type", "leaning"), "mbfc")
    items = []
    for line, r in rows:
        entry = r.get("domain") or ""
        host = _host_of(entry)
        bias, fact = (r["bias_rating"] or "").upper(), (r["factual_reporting"] or "").upper()
        cred, lean = (r["credibility_rating"] or "").upper(), (r["leaning"] or "").lower()
        country = re.sub(r"\s*\(.*$", "", r["country"] or "").strip()
        rating = f"bias {bias or '?'}, factual {fact or '?'}, {cred or 'no rating'}"
        detail = f"{r.get('page') or host}: {rating}"
        labels = []
        if cred == "LOW CREDIBILITY" or fact in ("LOW", "VERY LOW"):
            labels.append("low_credibility")
        if "CONSPIRACY" in bias or "PSEUDOSCIENCE" in bias or lean == "conspiracy":
            labels.append("conspiracy")
        if "SATIRE" in bias or lean == "satire":
            labels.append("satire")
        if cred == "HIGH CREDIBILITY" and not labels:
            labels.append("reliable")
        out = []
        iso = states.get(country.lower())
        if iso and (r["media_type"] or "").strip().lower() in _STATE_MEDIA_TYPES:
            out.append(("state_media", None, iso, f"inferred: MBFC country {country}, media type {r['media_type']}"))
        out.extend((lab, None, country or None, detail) for lab in labels)
        items.append(_Item(line, entry, out, rating))
    return _assemble(items, union=False)


def read_iffy(path: Path) -> pd.DataFrame:
    """Iffy.news list, one URL pattern a line; see the module docstring."""
    return _read_iffy(path)[0]


def _read_iffy(path: Path) -> tuple[pd.DataFrame, ListReport]:
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"cannot read domain list: {exc}") from exc
    m = re.match(r"(\d{4}-\d{2}-\d{2})", Path(path).name)
    detail = f"Iffy list snapshot {m.group(1)}" if m else "Iffy list"
    items = [_Item(n, x, [("low_credibility", None, None, detail)], "listed")
             for n, x in enumerate(lines, start=1) if x.strip() and not x.startswith("#")]
    return _assemble(items, union=False, sites=True)


def read_csv_list(path: Path, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """A CSV list through ``mapping`` (canonical key -> column; keys :data:`CSV_KEYS`; ``domain`` and
    ``label`` required). Raises ConfigError for an unknown key or a column the file lacks."""
    return _read_csv_list(path, mapping)[0]


def _read_csv_list(path: Path, mapping: dict[str, str] | None = None) -> tuple[pd.DataFrame, ListReport]:
    mapping = dict(mapping or {})
    bad = [k for k in mapping if k not in CSV_KEYS]
    if bad:
        raise ConfigError(f"domain list mapping: unknown key(s) {', '.join(bad)}; known: {', '.join(CSV_KEYS)}")
    rows = _rows(path)
    cols = {k: mapping.get(k, k) for k in CSV_KEYS}
    have = set(rows[0][1]) if rows else set()
    for key in ("domain", "label"):
        if rows and cols[key] not in have:
            raise ConfigError(f"{path}: no column {cols[key]!r} for {key}; found {', '.join(sorted(have))}")
    items = []
    for line, r in rows:
        score = r.get(cols["score"]) if cols["score"] in have else None
        try:
            score_f = float(score) if score not in (None, "") else None
        except ValueError:
            score_f = None
        country = (r.get(cols["country"]) or None) if cols["country"] in have else None
        detail = (r.get(cols["detail"]) or None) if cols["detail"] in have else None
        labels = [(_norm_label(lab), score_f, country, detail)
                  for lab in re.split(r"[;|]", r.get(cols["label"]) or "") if lab.strip()]
        items.append(_Item(line, r.get(cols["domain"]) or "", labels, ", ".join(x[0] for x in labels)))
    return _assemble(items, union=True)


def _frame(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["host", "label", "score", "country", "detail"])
    return df.drop_duplicates(["host", "label"]).reset_index(drop=True)


def read_domain_list(path: str | Path, format: str, *, mapping: dict[str, str] | None = None,
                     low_pc1: float = 0.4) -> pd.DataFrame:
    """Read one list file. ``format``: one of :data:`FORMATS`. Returns host, label, score, country,
    detail (one row per host and label). Raises ConfigError for an unknown format, SourceError when
    the file cannot be read or lacks the format's columns. :func:`read_domain_list_report` also says
    what was done with every row."""
    return read_domain_list_report(path, format, mapping=mapping, low_pc1=low_pc1)[0]


def read_domain_list_report(path: str | Path, format: str, *, mapping: dict[str, str] | None = None,
                            low_pc1: float = 0.4) -> tuple[pd.DataFrame, ListReport]:
    """:func:`read_domain_list` and the :class:`ListReport` of the file's rows (``labels_stored`` set to
    the frame's rows). Raises as :func:`read_domain_list`."""
    path = Path(path)
    if format == "lin2023":
        df, report = _read_lin2023(path, low_pc1=low_pc1)
    elif format == "mbfc":
        df, report = _read_mbfc(path)
    elif format == "iffy":
        df, report = _read_iffy(path)
    elif format == "csv":
        df, report = _read_csv_list(path, mapping)
    else:
        raise ConfigError(f"unknown domain list format {format!r}; known: {', '.join(FORMATS)}")
    report.labels_stored = len(df)
    return df, report


def ensure_table(store: Store) -> None:
    """Create ``domain_labels`` in ``store`` when missing (no-op on a read-only store)."""
    if not store.read_only:
        store.con.execute(TABLE_SQL)


def has_labels(store: Store) -> bool:
    """True when the store has a ``domain_labels`` table (possibly empty)."""
    return bool(store.scalar("SELECT count(*) FROM information_schema.tables "
                             "WHERE table_name = 'domain_labels'"))


def import_domain_list(store: Store, path: str | Path, format: str, *, list_name: str | None = None,
                       mapping: dict[str, str] | None = None, user: bool | None = None,
                       low_pc1: float = 0.4) -> ListReport:
    """Read a list (see :func:`read_domain_list`) and store it in ``domain_labels``, replacing an
    earlier import under the same ``list_name`` (default: the format, or for ``csv`` the file stem).
    ``user`` (default: True for ``csv``): the list overrides the others for its hosts. Returns the
    :class:`ListReport` (``labels_stored``: rows stored; rows read, merged and skipped with reasons).
    Raises as :func:`read_domain_list`, StoreError on a read-only store."""
    df, report = read_domain_list_report(path, format, mapping=mapping, low_pc1=low_pc1)
    name = list_name or (Path(path).stem if format == "csv" else format)
    is_user = (format == "csv") if user is None else bool(user)
    ensure_table(store)
    df = df.assign(list_name=name, list_format=format, is_user=is_user,
                   source_file=str(Path(path).resolve()), imported_at=utcnow())[_COLUMNS]
    batch = pa.Table.from_pandas(df, schema=_ARROW, preserve_index=False)
    store.replace_rows("domain_labels", batch, "list_name = ?", [name])
    return report


def combined_labels(store: Store) -> pd.DataFrame:
    """The combined label of every list host (columns of :data:`COMBINED_SQL`), sorted by host;
    an empty frame with those columns when nothing was imported."""
    if not has_labels(store):
        return pd.DataFrame(columns=["host", "labels", "label_sources", "low_credibility", "conspiracy",
                                     "state_media", "state_country", "lin2023_score", "from_user"])
    return store.query(COMBINED_SQL + " ORDER BY host")


def lists_summary(store: Store) -> pd.DataFrame:
    """One row per imported list: list_name, list_format, is_user, n_hosts, n_rows, source_file,
    imported_at (empty when nothing was imported)."""
    if not has_labels(store):
        return pd.DataFrame(columns=["list_name", "list_format", "is_user", "n_hosts", "n_rows",
                                     "source_file", "imported_at"])
    return store.query("""SELECT list_name, any_value(list_format) AS list_format,
        bool_or(is_user) AS is_user, count(DISTINCT host) AS n_hosts, count(*) AS n_rows,
        any_value(source_file) AS source_file, max(imported_at) AS imported_at
        FROM domain_labels GROUP BY list_name ORDER BY list_name""")


def label_of(store: Store, domain_or_url: str) -> dict[str, Any]:
    """The combined label of one host or URL (suffix match: ``de.rt.com`` gets ``rt.com``'s labels);
    ``{"host": ..., "labels": [...], "label_sources": [...]}``, empty lists when unlabelled."""
    host = _host_of(domain_or_url)
    if not has_labels(store) or not host:
        return {"host": host, "labels": [], "label_sources": []}
    df = store.query(f"SELECT * FROM ({COMBINED_SQL}) c WHERE ? = c.host OR ? LIKE '%.' || c.host",
                     [host, host])
    if df["from_user"].any():
        df = df[df["from_user"]]
    labels = sorted({x for v in df["labels"] for x in (v if v is not None else [])})
    sources = sorted({x for v in df["label_sources"] for x in (v if v is not None else [])})
    return {"host": host, "labels": labels, "label_sources": sources}
