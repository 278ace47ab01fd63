"""The self-contained HTML report: one file that opens without a network.

Safety rules (post text, handles and URLs are adversarial):

* Jinja2 with autoescaping on for every template; data is never marked safe. The only markup that is
  marked safe is what plotly generates for a chart (its JSON escapes ``<`` as ``\\u003c``) and the
  plotly.js bundle itself, which is inlined once from the installed plotly package.
* A URL becomes an ``href`` only when :func:`ioscope.outputs.links.safe_href` accepts it (absolute
  http(s)); links carry ``rel="noopener noreferrer"``. ``javascript:`` URLs stay text.
* A Content-Security-Policy forbids loading anything from the network.
* Post-derived text goes through the ``bidi`` filter (``bidi_attr`` in attributes) of
  :mod:`ioscope.outputs.bidi`: bidi control characters are shown as visible markers and text that
  could reorder its neighbours is isolated in ``<bdi>``.

Long tables show their first rows and say how many more are in the exported Parquet file. The
coordination section gives every group its own budget of members and evidence rows
(:data:`CLUSTER_MEMBER_ROWS`, :data:`CLUSTER_EVIDENCE_ROWS`; :func:`cluster_views`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.offline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from ioscope._version import __version__
from ioscope.analyses.base import Result
from ioscope.outputs.bidi import install_filters
from ioscope.outputs.charts import daily_volume_chart, matrix_chart, top_posts_chart
from ioscope.outputs.coordination_view import edges_caption, layer_corrections
from ioscope.outputs.links import safe_href

MAX_ROWS = 50
"""Rows shown per table in the report (the rest are in the Parquet export)."""

EVIDENCE_ROWS = 100
"""Amplifying posts shown under each top amplified post."""

TEXT_CHARS = 300
"""Longer text cells are cut to this many characters (the full text is in the exports)."""

CLUSTER_MEMBER_ROWS = 50
"""Members listed under each coordinated group (highest degree first); a group with more says so and
points to ``coordination_cluster_members.parquet``. The budget is per group, not shared."""

CLUSTER_EVIDENCE_ROWS = 50
"""Co-actions listed under each coordinated group: the earliest co-action of every link in the group
first, then the second of each, and so on (so that as many links as possible show the posts behind
them), listed link by link in time order; a group with more says so and points to
``coordination_evidence.parquet``. The budget is per group, not shared."""

CLUSTER_EVIDENCE_COLUMNS = ("handle_a", "handle_b", "behaviour", "object", "time_a", "url_a", "time_b",
                            "url_b", "delta_s")
"""Evidence columns shown under a coordinated group (all columns are in the export)."""

P_VALUE_COLUMNS = ("p_value", "q_value")
"""Columns (also any ``*_p_value`` / ``*_q_value``) shown with two significant digits: 0.013,
3.4e-06, 2e-115, 1."""

NONE_PARAM_WORDS = {"correction": "default (per behaviour; see correction above)",
                    "window_s": "default (per behaviour; see windows above)"}
"""Parameters whose None means "the analysis default", shown in these words instead of "–" in the
"Parameters of this run" table (other None values stay "–": for most parameters None means "off")."""

_TEMPLATES = Path(__file__).parent / "templates"
_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                  "modeBarButtonsToRemove": ["select2d", "lasso2d"]}

# (analysis, table) -> function(table) -> Figure. Charts a section template can show as charts[table].
CHARTS: dict[tuple[str, str], Callable[[pd.DataFrame], go.Figure]] = {
    ("activity", "daily_volume"): daily_volume_chart,
    ("amplification", "top_posts"): top_posts_chart,
    ("amplification", "country_matrix"): matrix_chart,
    ("amplification", "group_matrix"): partial(
        matrix_chart, row="amplifier_type", col="amplified_type",
        title="Amplification between actor types"),
}

_STORE_LABELS = (
    ("files", "files ingested"), ("collected_posts", "collected posts"),
    ("context_posts", "context posts"), ("posts", "posts stored"), ("accounts", "accounts"),
    ("actors", "actors in registry"), ("quarantined", "quarantined records"),
)


@dataclass
class Cell:
    """One rendered table cell: text (escaped by the template), optional safe href, CSS class, title."""

    text: str
    href: str | None = None
    cls: str = ""
    title: str | None = None


@dataclass
class TableView:
    """The first rows of a table, formatted for the template; ``export``: its Parquet file name."""

    name: str
    columns: list[str]
    rows: list[list[Cell]]
    n_total: int
    export: str
    n_shown: int = field(init=False)
    n_more: int = field(init=False)

    def __post_init__(self) -> None:
        self.n_shown = len(self.rows)
        self.n_more = self.n_total - self.n_shown


def render_report(
    results: list[Result],
    path: Path,
    *,
    title: str = "ioscope report",
    store_summary: dict | None = None,
    ingest_summary: list[dict] | None = None,
    max_rows: int = MAX_ROWS,
) -> Path:
    """Write the report for ``results`` to ``path`` (one self-contained HTML file) and return ``path``.

    ``store_summary``: headline facts of the store (keys of ``Store.counts()`` plus ``first_post_at``,
    ``last_post_at`` as UTC datetimes, ``db``, and ``assumed_zones``: zone -> posts whose time had no
    zone and was read in it, as :func:`ioscope.ingest.assumed_zones` returns, shown as "times without a
    zone: 2,314 posts read as UTC"; all optional); ``ingest_summary``: one dict per ingested
    file (any keys, shown as a table); ``max_rows``: rows shown per table. Creates the parent folder.
    Raises OSError when the file cannot be written.
    """
    path = Path(path)
    sections = [_section(r, max_rows) for r in results]
    toc = [(r.name, _title(r.name)) for r in results]
    html = _env().get_template("report.html.j2").render(
        title=title,
        generated_at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        version=__version__,
        facts=_facts(store_summary or {}, results),
        ingest=_ingest_view(ingest_summary or [], max_rows),
        sections=sections,
        toc=toc,
        plotly_js=Markup(plotly.offline.get_plotlyjs()),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


@lru_cache(maxsize=1)
def _env() -> Environment:
    return install_filters(Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=True,
                                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True))


def charts_for(analysis: str) -> dict[str, Callable[[pd.DataFrame], go.Figure]]:
    """Chart functions of one analysis, table name -> function(table) -> Figure: the built-in
    :data:`CHARTS`, plus the ``CHARTS`` dict of module ``ioscope.outputs.charts_<analysis>`` when that
    module exists (so a new analysis adds its charts without editing this file)."""
    found = {name: fn for (a, name), fn in CHARTS.items() if a == analysis}
    if re.fullmatch(r"[a-z0-9_]+", analysis):
        try:
            module = importlib.import_module(f"ioscope.outputs.charts_{analysis}")
        except ModuleNotFoundError as exc:
            if exc.name != f"ioscope.outputs.charts_{analysis}":
                raise
        else:
            found.update(getattr(module, "CHARTS", {}))
    return found


def _section_template(name: str) -> Template:
    names = ["sections/generic.html.j2"]
    if re.fullmatch(r"[a-z0-9_]+", name):
        names.insert(0, f"sections/{name}.html.j2")
    return _env().select_template(names)


def _section(result: Result, max_rows: int) -> Markup:
    tables = {name: table_view(df, f"{result.name}_{name}.parquet", max_rows)
              for name, df in result.tables.items()}
    charts = {name: _chart_html(fn(result.tables[name]), f"{result.name}-{name}")
              for name, fn in charts_for(result.name).items() if name in result.tables}
    context = {
        "name": result.name,
        "title": _title(result.name),
        "summary": [(_summary_label(k), _plain(v)) for k, v in result.summary.items()],
        "summary_raw": dict(result.summary),
        "notes": result.notes,
        "params": [(k, NONE_PARAM_WORDS[k] if v is None and k in NONE_PARAM_WORDS else _plain(v))
                   for k, v in result.params.items()],
        "tables": tables,
        "charts": charts,
        "graphs": [(n, g.number_of_nodes(), g.number_of_edges()) for n, g in result.graphs.items()],
        "top_posts": _top_posts(result) if "top_posts" in result.tables else [],
    }
    if result.name == "coordination":
        context["edges_caption"] = edges_caption(
            result.summary.get("null"),
            result.summary.get("correction") or layer_corrections(result.tables.get("layers")) or None)
        if {"clusters", "cluster_members", "evidence"} <= set(result.tables):
            context["clusters"] = cluster_views(result.tables, max_rows)
    return Markup(_section_template(result.name).render(s=context))


def _title(name: str) -> str:
    from ioscope.analyses import ANALYSES

    cls = ANALYSES.get(name)
    return cls.title if cls else name.replace("_", " ").capitalize()


def _chart_html(fig: go.Figure, div_id: str) -> Markup:
    """Plotly's own markup for ``fig`` (data inside is escaped by our labels and plotly's JSON)."""
    height = fig.layout.height or 400
    return Markup(fig.to_html(full_html=False, include_plotlyjs=False, config=_PLOTLY_CONFIG,
                              div_id=f"chart-{div_id}", default_width="100%",
                              default_height=f"{height}px"))


def _top_posts(result: Result) -> list[dict[str, Any]]:
    top = result.tables["top_posts"]
    evidence = result.tables.get("top_posts_evidence", pd.DataFrame())
    by_rank = dict(tuple(evidence.groupby("rank"))) if "rank" in evidence.columns else {}
    shown = ["created_at", "handle", "country", "actor_type", "kind", "lag_s", "post_id", "permalink"]
    export = f"{result.name}_top_posts_evidence.parquet"
    posts = []
    for row in top.to_dict("records"):
        ev = by_rank.get(row["rank"], pd.DataFrame(columns=shown))
        posts.append({
            "rank": row["rank"],
            "handle": _text(row.get("handle")) or "?",
            "labels": " · ".join(x for x in (_text(row.get("country")),
                                             _text(row.get("actor_type")) or "untracked") if x),
            "created_at": _text(row.get("created_at")),
            "text": _text(row.get("text")),
            "href": safe_href(row.get("permalink")),
            "n_amplifiers": row["n_amplifiers"],
            "n_tracked_amplifiers": row.get("n_tracked_amplifiers"),
            "kinds": f"reposts: {_text(row.get('n_reposts'))} · quotes: {_text(row.get('n_quotes'))}"
                     f" · replies: {_text(row.get('n_replies'))}",
            "median_lag": _text(row.get("median_lag_s"), "median_lag_s"),
            "first_amplified_at": _text(row.get("first_amplified_at")),
            "tracked_handles": _text(row.get("tracked_amplifier_handles")),
            "engagement": f"likes: {_text(row.get('like_count')) or 'unknown'} · "
                          f"shares: {_text(row.get('share_count')) or 'unknown'} (as collected)",
            "evidence": table_view(ev[[c for c in shown if c in ev.columns]], export, EVIDENCE_ROWS),
        })
    return posts


def cluster_views(tables: dict[str, pd.DataFrame], max_groups: int = MAX_ROWS,
                  member_rows: int = CLUSTER_MEMBER_ROWS,
                  evidence_rows: int = CLUSTER_EVIDENCE_ROWS) -> list[dict[str, Any]]:
    """The first ``max_groups`` groups of a coordination result (``tables``: its ``clusters``,
    ``cluster_members`` and ``evidence`` tables) as the coordination section shows them: one dict
    per group with cluster_id, n_accounts, behaviours, labels (countries · actor types), first_at,
    last_at, top_objects, top_domains (plain text), ``members`` (a :class:`TableView` of at most
    ``member_rows`` of the group's members, without cluster_id; ``n_total``: all its members) and
    ``evidence`` (a :class:`TableView` of at most ``evidence_rows`` of its co-actions, columns
    :data:`CLUSTER_EVIDENCE_COLUMNS`, chosen as :data:`CLUSTER_EVIDENCE_ROWS` says; ``n_total``: all
    its co-actions). Budgets are per group. Exports: ``coordination_cluster_members.parquet`` and
    ``coordination_evidence.parquet``."""
    clusters, members, evidence = tables["clusters"], tables["cluster_members"], tables["evidence"]
    mem_by = dict(tuple(members.groupby("cluster_id"))) if "cluster_id" in members.columns else {}
    ev_by = dict(tuple(evidence.groupby("cluster_id"))) if "cluster_id" in evidence.columns else {}
    mcols = [c for c in members.columns if c != "cluster_id"]
    ecols = [c for c in CLUSTER_EVIDENCE_COLUMNS if c in evidence.columns]
    out = []
    for row in clusters.head(max_groups).to_dict("records"):
        cid = row["cluster_id"]
        mem = mem_by.get(cid, members.iloc[:0])
        ev = ev_by.get(cid, evidence.iloc[:0])
        shown_ev = _spread_evidence(ev, evidence_rows)
        mview = table_view(mem[mcols], "coordination_cluster_members.parquet", member_rows)
        eview = table_view(shown_ev[ecols], "coordination_evidence.parquet", evidence_rows)
        eview.n_total, eview.n_more = len(ev), len(ev) - eview.n_shown
        out.append({
            "cluster_id": str(cid),
            "n_accounts": _text(row.get("n_accounts")),
            "behaviours": _text(row.get("behaviours")),
            "labels": " · ".join(x for x in (_text(row.get("countries")),
                                             _text(row.get("actor_types"))) if x),
            "first_at": _text(row.get("first_at")),
            "last_at": _text(row.get("last_at")),
            "top_objects": _text(row.get("top_objects")),
            "top_domains": _text(row.get("top_domains")),
            "members": mview,
            "evidence": eview,
        })
    return out


def _spread_evidence(ev: pd.DataFrame, n: int) -> pd.DataFrame:
    """At most ``n`` rows of one group's evidence: the first row of every link (account pair) first,
    then the second of each, ...; returned in the table's own order (link by link, time order)."""
    if len(ev) <= n or not {"account_a", "account_b"} <= set(ev.columns):
        return ev.head(n)
    k = ev.groupby(["account_a", "account_b"], sort=False).cumcount().to_numpy()
    order = np.lexsort((np.arange(len(ev)), k))[:n]
    return ev.iloc[np.sort(order)]


def table_view(df: pd.DataFrame, export: str, max_rows: int = MAX_ROWS) -> TableView:
    """The first ``max_rows`` rows of ``df`` as formatted :class:`Cell` rows (permalink columns become
    "open" links when safe; timestamps in UTC; ``*_s`` columns as durations)."""
    head = df.head(max_rows)
    cols = list(df.columns)
    rows = [[_cell(c, v) for c, v in zip(cols, values, strict=False)]
            for values in head.itertuples(index=False, name=None)]
    return TableView(name=export.removesuffix(".parquet"), columns=cols, rows=rows,
                     n_total=len(df), export=export)


def _is_null(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _summary_label(key: str) -> str:
    """A summary key as a label: words, with a unit suffix in brackets (``windows_s`` -> "windows (s)")."""
    for suffix, unit in (("_s", "s"), ("_pct", "%"), ("_mib", "MiB")):
        if key.endswith(suffix):
            return f"{key[: -len(suffix)].replace('_', ' ')} ({unit})"
    return key.replace("_", " ")


def _text(v: Any, col: str = "") -> str:
    """Plain text of one value (NULL -> "", lists joined, times in UTC, ``*_s`` as durations)."""
    if isinstance(v, (list, tuple, np.ndarray)):
        return ", ".join(_text(x) for x in v)
    if _is_null(v):
        return ""
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        ts = pd.Timestamp(v)
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
        if ts == ts.normalize():  # a day, week or month bucket: the date says it all
            return ts.strftime("%Y-%m-%d")
        return ts.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if col.endswith("_s") and isinstance(v, (int, float, np.number)):
        return _duration(float(v))
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if _is_p_value(col) or 0 < abs(v) < 0.01:
            # p-values, and small shares (not 0): two significant digits — 0.013, 0.0016; scientific
            # below 1e-4 (3.4e-06, 2e-115), never a 100-digit decimal
            return f"{v:.2g}"
        if abs(v) >= 1e15:  # no 16-digit integers either
            return f"{v:.3g}"
        return f"{v:,.2f}".rstrip("0").rstrip(".")
    return str(v)


def _is_p_value(col: str) -> bool:
    return col in P_VALUE_COLUMNS or col.endswith(tuple("_" + c for c in P_VALUE_COLUMNS))


def _duration(s: float) -> str:
    if abs(s) < 60:
        return f"{s:,.0f} s"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if abs(s) >= size:
            return f"{s:,.0f} s ({s / size:.1f} {unit})"
    return f"{s:,.0f} s"


def _cell(col: str, v: Any) -> Cell:
    if col == "permalink":
        href = safe_href(v)
        return Cell("open", href=href) if href else Cell("" if _is_null(v) else "no link", cls="muted")
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)) and not _is_null(v):
        return Cell(_text(v, col), cls="date")  # dates never wrap (CSS td.date)
    text = _text(v, col)
    numeric = (isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_))
               and not _is_null(v))
    if len(text) > TEXT_CHARS:
        return Cell(text[: TEXT_CHARS - 1] + "…", title=text[:2000], cls="long")
    return Cell(text, cls="num" if numeric else "")


def _plain(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):  # e.g. windows per behaviour: "co_repost: 60; co_text: 600"
        return "; ".join(f"{k}: {_plain(x)}" for k, x in v.items()) if v else "–"
    if isinstance(v, (list, tuple)) and not any(isinstance(x, (dict, list, tuple)) for x in v):
        return ", ".join(_plain(x) for x in v) if v else "–"
    return _text(v) if not _is_null(v) else "–"


def _facts(store: dict, results: list[Result]) -> list[tuple[str, str]]:
    """(label, value) pairs for the report header."""
    facts = [(label, _plain(store[key])) for key, label in _STORE_LABELS if key in store]
    by_name = {r.name: r for r in results}
    activity = by_name.get("activity")
    if activity and "n_tracked_accounts" in activity.summary:
        facts.append(("tracked actor accounts active", _plain(activity.summary["n_tracked_accounts"])))
    first, last = store.get("first_post_at"), store.get("last_post_at")
    if _is_null(first) and activity:
        first, last = activity.summary.get("first_day"), activity.summary.get("last_day")
    if not _is_null(first):
        facts.append(("time span (UTC)", f"{_text(first)} – {_text(last)}"))
    zones = _zones_text(store.get("assumed_zones") or {})
    if zones:  # issue #3: a naive time is read in the zone the user gives, and the report says which
        facts.append(("times without a zone", zones))
    if store.get("db"):
        facts.append(("store", str(store["db"])))
    return facts


def _zones_text(zones: dict[str, int]) -> str:
    """``{"UTC": 2314}`` -> "2,314 posts read as UTC"; several zones joined with "; " (most posts
    first, as given); "" when no post was read in an assumed zone. Plain text (the template escapes)."""
    parts = []
    for zone, n in zones.items():
        if n:
            where = "as UTC" if zone == "UTC" else f"in {zone}"
            parts.append(f"{n:,} post{'s' if n != 1 else ''} read {where}")
    return "; ".join(parts)


def _ingest_view(rows: list[dict], max_rows: int) -> TableView | None:
    if not rows:
        return None
    return table_view(pd.DataFrame(rows), "ingest", max(max_rows, 1000))
