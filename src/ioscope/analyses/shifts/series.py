"""Bucketed post counts for any slice of the store: SQL over ``posts`` and ``actor_accounts``.

A *slice* is a combination of dimension values; a *series* is the count of distinct collected posts per
time bucket for one slice, zero-filled over the whole period. Dimensions (:data:`DIMENSIONS`):

===============  ======================================================================================
country          the author's country from the actor registry (NULL for untracked authors)
actor_type       the author's actor type; ``untracked`` outside the registry, ``unknown`` when unset
overt            ``overt`` (registry overt true), ``covert`` (registry overt false: covert or suspected),
                 ``untracked``
platform         the post's platform
narrative        a narrative id, from a narrative table and/or keyword filters (:class:`NarrativeSource`)
domain_label     a label of a linked domain (:class:`DomainLabels`); ``no link`` for posts without a
                 domain, ``unlabelled`` for posts whose domains carry no label
===============  ======================================================================================

A post counts once per slice: a post in two narratives counts in both narrative series, a post linking
two domains of the same label counts once for that label. Buckets are wall-clock buckets in the chosen
IANA zone (``date_trunc(bucket, timezone(zone, created_at))``): ``bucket_start`` is the local start of
the bucket, a zone-less timestamp to be read in ``zone``. Weeks start on Monday. Around a daylight-
saving change a local hour bucket can hold two real hours or none (documented caveat).

The SQL is plain and portable (no Python UDFs): ``regexp_matches``, ``date_trunc``, ``timezone`` and
``generate_series`` have Spark counterparts (``rlike``, ``date_trunc``, ``from_utc_timestamp``,
``sequence``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from ioscope.errors import AnalysisError
from ioscope.store import Store

DIMENSIONS = ("country", "actor_type", "overt", "platform", "narrative", "domain_label")
BUCKETS = {"hour": "1 hour", "day": "1 day", "week": "7 days"}
"""Bucket name -> the SQL interval between bucket starts."""

NO_LINK = "no link"
UNLABELLED = "unlabelled"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")


@dataclass(frozen=True)
class NarrativeSource:
    """Where narrative assignments come from.

    ``table``: a store table with columns (platform, post_id, narrative_id[, score]) -- for example the
    ``narrative_assignments`` table of :mod:`ioscope.analyses.narratives`; ``min_score``: keep rows with
    ``score >= min_score`` (only when the table has a score column); ``text_filter``: narrative id ->
    list of regular expressions (RE2 syntax, case-insensitive), a post whose text matches any of them is
    in that narrative. Both may be given: the assignments are unioned.
    """

    table: str | None = None
    min_score: float | None = None
    text_filter: dict[str, list[str]] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        """True when any narrative assignment is available."""
        return bool(self.table or self.text_filter)


@dataclass(frozen=True)
class DomainLabels:
    """Labels of linked domains: a store ``table`` with columns (domain or host, label) -- such as the
    ``domain_labels`` table that ``ioscope domains import`` fills (rows labelled ``none`` are ignored;
    user-list overrides are not applied here) -- and/or a ``mapping`` label -> list of domains. Domains
    are compared lower-cased; a post domain matches a listed domain when equal or a subdomain of it."""

    table: str | None = None
    mapping: dict[str, list[str]] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        """True when any domain label is available."""
        return bool(self.table or self.mapping)


@dataclass(frozen=True)
class SliceSpec:
    """What to count: ``dims`` (subset of :data:`DIMENSIONS`, in order), the post ``kinds`` that count,
    the narratives to keep (``narratives``; empty = all), the narrative and domain sources, an optional
    period (``start``/``end``: local times in the zone, inclusive start, exclusive end) and ``zone``."""

    dims: tuple[str, ...]
    kinds: tuple[str, ...]
    zone: str = "UTC"
    narratives: tuple[str, ...] = ()
    narrative_source: NarrativeSource = field(default_factory=NarrativeSource)
    domain_labels: DomainLabels = field(default_factory=DomainLabels)
    start: str | None = None
    end: str | None = None
    only_tracked: bool = False
    low_credibility_labels: tuple[str, ...] = ("low_credibility", "low")


def table_exists(store: Store, name: str) -> bool:
    """True when ``name`` (``table`` or ``schema.table``) is a table or view in the store."""
    parts = name.split(".")
    sql = ("SELECT count(*) FROM information_schema.tables WHERE table_name = $t"
           + (" AND table_schema = $s" if len(parts) == 2 else ""))
    params: dict[str, Any] = {"t": parts[-1]}
    if len(parts) == 2:
        params["s"] = parts[0]
    return bool(store.scalar(sql, params))


def table_columns(store: Store, name: str) -> list[str]:
    """Column names of a store table (lower-cased)."""
    return [c.lower() for c in store.query(f"SELECT * FROM {name} LIMIT 0").columns]


def _check_table(store: Store, name: str, needed: tuple[str, ...], what: str) -> list[str]:
    if not _IDENT.fullmatch(name):
        raise AnalysisError(f"shifts: {what} table name {name!r} is not a plain table name")
    if not table_exists(store, name):
        raise AnalysisError(f"shifts: {what} table {name!r} is not in the store")
    cols = table_columns(store, name)
    missing = [c for c in needed if c not in cols]
    if missing:
        raise AnalysisError(f"shifts: {what} table {name!r} lacks column(s) {', '.join(missing)}")
    return cols


def check_regexes(store: Store, text_filter: dict[str, list[str]]) -> None:
    """Raise AnalysisError naming the narrative and pattern when a pattern is not valid RE2."""
    for name, patterns in text_filter.items():
        for pat in patterns:
            try:
                store.con.execute("SELECT regexp_matches('', ?)", [f"(?i){pat}"]).fetchone()
            except duckdb.Error as exc:
                raise AnalysisError(
                    f"shifts: text_filter[{name!r}]: bad regular expression {pat!r}: {exc}") from None


def _narrative_cte(store: Store, src: NarrativeSource, params: dict[str, Any]) -> str:
    parts = []
    if src.table:
        cols = _check_table(store, src.table, ("platform", "post_id", "narrative_id"), "narrative")
        where = ""
        if src.min_score is not None and "score" in cols:
            where = " WHERE score >= $min_score"
            params["min_score"] = float(src.min_score)
        parts.append(f"SELECT DISTINCT CAST(platform AS VARCHAR) AS platform, CAST(post_id AS VARCHAR)"
                     f" AS post_id, CAST(narrative_id AS VARCHAR) AS narrative FROM {src.table}{where}")
    for i, (name, patterns) in enumerate(sorted(src.text_filter.items())):
        # one SELECT per narrative, so that each pattern is a constant (compiled once, not per row)
        params[f"nn{i}"] = str(name)
        params[f"np{i}"] = "(?i)(" + "|".join(f"(?:{p})" for p in patterns) + ")"
        parts.append(f"SELECT DISTINCT platform, post_id, CAST($nn{i} AS VARCHAR) AS narrative FROM base"
                     f" WHERE text IS NOT NULL AND regexp_matches(text, $np{i})")
    return ",\nnar AS (" + " UNION ".join(parts) + ")"


def _domain_cte(store: Store, labels: DomainLabels, params: dict[str, Any],
                low_labels: tuple[str, ...]) -> str:
    params["low_labels"] = list(low_labels)
    parts = []
    if labels.table:
        cols = _check_table(store, labels.table, ("label",), "domain label")
        dom = "domain" if "domain" in cols else "host" if "host" in cols else None
        if dom is None:
            raise AnalysisError(f"shifts: domain label table {labels.table!r} needs a column domain "
                                "or host")
        parts.append(f"SELECT lower(CAST({dom} AS VARCHAR)) AS domain, CAST(label AS VARCHAR) AS label"
                     f" FROM {labels.table} WHERE label IS NOT NULL AND label <> 'none'")
    if labels.mapping:
        params["dl_domains"] = [d.lower() for lab in sorted(labels.mapping)
                                for d in labels.mapping[lab]]
        params["dl_labels"] = [str(lab) for lab in sorted(labels.mapping)
                               for _ in labels.mapping[lab]]
        parts.append("SELECT unnest($dl_domains) AS domain, unnest($dl_labels) AS label")
    return f""",
dlab AS (SELECT DISTINCT domain, label FROM ({' UNION '.join(parts)})),
pdom AS (SELECT DISTINCT b.platform, b.post_id, lower(d.domain) AS domain
         FROM base b, unnest(b.domains) AS d(domain) WHERE d.domain IS NOT NULL AND d.domain <> ''),
plab AS (
    SELECT DISTINCT platform, post_id,
           CASE WHEN domain IS NULL THEN '{NO_LINK}' ELSE coalesce(label, '{UNLABELLED}') END
               AS domain_label
    FROM (SELECT b.platform, b.post_id, pd.domain, l.label,
                 count(l.label) OVER (PARTITION BY b.platform, b.post_id) AS n_labels
          FROM base b
          LEFT JOIN pdom pd ON pd.platform = b.platform AND pd.post_id = b.post_id
          LEFT JOIN dlab l ON l.domain = pd.domain OR pd.domain LIKE '%.' || l.domain)
    WHERE label IS NOT NULL OR n_labels = 0
),
pcred AS (
    SELECT platform, post_id,
           CASE WHEN bool_or(domain_label = '{NO_LINK}') THEN '{NO_LINK}'
                WHEN bool_or(list_contains($low_labels, domain_label)) THEN 'low'
                ELSE 'other' END AS link_credibility
    FROM plab GROUP BY platform, post_id
)"""


def _sliced_sql(store: Store, spec: SliceSpec, params: dict[str, Any]) -> str:
    """SQL (CTEs ending in ``sliced``) with one row per (post, slice): platform, post_id, t_local,
    and one column per dimension of ``spec.dims``."""
    unknown = [d for d in spec.dims if d not in (*DIMENSIONS, "link_credibility")]
    if unknown:
        raise AnalysisError(f"shifts: unknown dimension(s) {', '.join(unknown)}; "
                            f"known: {', '.join(DIMENSIONS)}")
    params["kinds"] = list(spec.kinds)
    params["zone"] = spec.zone
    period = ""
    if spec.start:
        params["t_start"] = spec.start
        period += " AND timezone($zone, p.created_at) >= CAST($t_start AS TIMESTAMP)"
    if spec.end:
        params["t_end"] = spec.end
        period += " AND timezone($zone, p.created_at) < CAST($t_end AS TIMESTAMP)"
    tracked = " AND aa.account_id IS NOT NULL" if spec.only_tracked else ""
    sql = f"""
WITH base AS (
    SELECT p.platform, p.post_id, p.text, p.domains,
           timezone($zone, p.created_at) AS t_local,
           aa.country,
           CASE WHEN aa.account_id IS NULL THEN 'untracked'
                ELSE coalesce(aa.actor_type, 'unknown') END AS actor_type,
           CASE WHEN aa.account_id IS NULL THEN 'untracked'
                WHEN aa.overt THEN 'overt' ELSE 'covert' END AS overt
    FROM posts p
    LEFT JOIN actor_accounts aa ON aa.platform = p.platform AND aa.account_id = p.account_id
    WHERE p.collected AND p.created_at IS NOT NULL AND list_contains($kinds, p.kind){period}{tracked}
)"""
    joins, cols = "", ["b.platform", "b.post_id", "b.t_local"]
    for d in spec.dims:
        if d in ("country", "actor_type", "overt"):
            cols.append(f"b.{d}")
    if "platform" in spec.dims:
        cols.append("b.platform AS platform_dim")
    if "narrative" in spec.dims or spec.narratives:
        if not spec.narrative_source.active:
            raise AnalysisError(
                "shifts: narrative slicing needs narratives: pass text_filter (keywords per narrative) "
                "or build a narrative_assignments table (ioscope analyze narratives)")
        sql += _narrative_cte(store, spec.narrative_source, params)
        joins += " JOIN nar n ON n.platform = b.platform AND n.post_id = b.post_id"
        if spec.narratives:
            params["narratives"] = list(spec.narratives)
            joins += " AND list_contains($narratives, n.narrative)"
        if "narrative" in spec.dims:
            cols.append("n.narrative")
    if "domain_label" in spec.dims or "link_credibility" in spec.dims:
        if not spec.domain_labels.active:
            raise AnalysisError("shifts: domain_label slicing needs domain_labels (a table name "
                                "with columns domain, label, or a mapping label -> domains)")
        sql += _domain_cte(store, spec.domain_labels, params, spec.low_credibility_labels)
    if "domain_label" in spec.dims:
        joins += " JOIN plab dl ON dl.platform = b.platform AND dl.post_id = b.post_id"
        cols.append("dl.domain_label")
    if "link_credibility" in spec.dims:
        joins += " JOIN pcred lc ON lc.platform = b.platform AND lc.post_id = b.post_id"
        cols.append("lc.link_credibility")
    sql += f",\nsliced AS (SELECT DISTINCT {', '.join(cols)} FROM base b{joins})"
    return sql


def _dim_cols(dims: tuple[str, ...]) -> list[str]:
    return ["platform_dim" if d == "platform" else d for d in dims]


def bucketed_counts(store: Store, spec: SliceSpec, bucket: str, *, max_series: int | None = None,
                    min_posts: int = 1) -> pd.DataFrame:
    """Zero-filled counts per bucket for every slice of ``spec``.

    Returns one row per (slice, bucket): the dimension columns of ``spec.dims`` (in order),
    ``bucket_start`` (zone-less local timestamp, read in ``spec.zone``), ``n_posts`` (distinct collected
    posts of the slice in the bucket). The grid runs from the first to the last bucket holding any
    post of the kinds counted (over the whole store, not only the slice, so a narrative that starts late
    is zero before it starts), or over ``spec.start``..``spec.end`` when given. Slices with fewer than
    ``min_posts`` posts are dropped; ``max_series`` keeps the largest slices (ties by values). Raises
    AnalysisError for an unknown bucket or dimension or a missing narrative/domain source.
    """
    if bucket not in BUCKETS:
        raise AnalysisError(f"shifts: bucket must be one of {', '.join(BUCKETS)}, got {bucket!r}")
    params: dict[str, Any] = {}
    sql = _sliced_sql(store, spec, params)
    dcols = _dim_cols(spec.dims)
    dsel = "".join(f"{c}, " for c in dcols)
    join_on = " AND ".join(["c.bucket_start = g.bucket_start"]
                           + [f"c.{c} IS NOT DISTINCT FROM k.{c}" for c in dcols])
    order = ", ".join(f"{c} NULLS LAST" for c in dcols)
    params["min_posts"] = int(min_posts)
    limit = ""
    if max_series is not None:
        params["max_series"] = int(max_series)
        limit = " QUALIFY row_number() OVER (ORDER BY total DESC" + "".join(
            f", {c} NULLS LAST" for c in dcols) + ") <= $max_series"
    lo = "min(CAST($t_start AS TIMESTAMP))" if spec.start else "min(t_local)"
    group = " GROUP BY ALL" if dcols else ""
    hi = "max(CAST($t_end AS TIMESTAMP) - INTERVAL 1 microsecond)" if spec.end else "max(t_local)"
    sql += f""",
span AS (SELECT date_trunc('{bucket}', {lo}) AS lo, date_trunc('{bucket}', {hi}) AS hi FROM base),
grid AS (SELECT unnest(generate_series(lo, hi, INTERVAL '{BUCKETS[bucket]}')) AS bucket_start
         FROM span WHERE lo IS NOT NULL),
c AS (SELECT {dsel}date_trunc('{bucket}', t_local) AS bucket_start, count(*) AS n_posts
      FROM sliced GROUP BY ALL),
k AS (SELECT {dsel}sum(n_posts) AS total FROM c{group} HAVING sum(n_posts) >= $min_posts{limit})
SELECT {''.join(f'k.{c}, ' for c in dcols)}g.bucket_start, coalesce(c.n_posts, 0) AS n_posts
FROM k CROSS JOIN grid g LEFT JOIN c ON {join_on}
ORDER BY {order + ', ' if order else ''}g.bucket_start
"""
    df = store.query(sql, params)
    df = df.rename(columns={"platform_dim": "platform"})
    df["n_posts"] = df["n_posts"].astype("int64")
    df["bucket_start"] = pd.to_datetime(df["bucket_start"])
    return df


def series_key(row: dict[str, Any], dims: tuple[str, ...]) -> str:
    """A readable id of one slice: ``country=CN|overt=overt`` (``all`` for no dimension; NULL -> ``none``)."""
    if not dims:
        return "all"
    return "|".join(f"{d}={'none' if _isnull(row.get(d)) else row.get(d)}" for d in dims)


def _isnull(v: Any) -> bool:
    return v is None or (not isinstance(v, (list, tuple, str)) and bool(pd.isna(v)))


def slice_sources(store: Store, spec: SliceSpec) -> pd.DataFrame:
    """The input files feeding each slice of ``spec``: one row per (slice, source_file) with at
    least one counted post of the slice (kinds, period and filters of ``spec``). Columns: the
    dimension columns of ``spec.dims``, source_file (``""`` when unset). Raises AnalysisError as
    :func:`bucketed_counts`."""
    params: dict[str, Any] = {}
    sql = _sliced_sql(store, spec, params)
    dcols = _dim_cols(spec.dims)
    sql += (f"\nSELECT DISTINCT {''.join(f's.{c}, ' for c in dcols)}"
            "coalesce(p.source_file, '') AS source_file FROM sliced s "
            "JOIN posts p ON p.platform = s.platform AND p.post_id = s.post_id")
    return store.query(sql, params).rename(columns={"platform_dim": "platform"})
