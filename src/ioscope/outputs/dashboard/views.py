"""What every page shares: named tables (paginated, downloadable as CSV), charts, rendering.

A page declares its tables as :class:`TableSpec` objects in a module-level ``TABLES`` list; the app
collects them into one registry, so ``/csv/<name>`` can only serve a table some page declared (with
the same filters as the page). Cells are formatted by the report's
:func:`ioscope.outputs.report.table_view` (times in UTC, ``*_s`` as durations); internal links
(``/posts?...``) are built here with URL-encoding, external ones only through ``safe_href``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ioscope.outputs.dashboard.filters import FILTER_KEYS, Filters, page_number
from ioscope.outputs.report import Cell, table_view

PER_PAGE = 25
"""Rows per page of a table."""

MAX_CHARS = 160
"""Cells longer than this are cut on the page (full text in the tooltip and the CSV)."""

LinkFn = Callable[[dict[str, Any], Filters], "str | None"]


@dataclass
class Ctx:
    """One request's view of the store: ``con`` (a cursor on the read-only store), ``results``
    (:class:`~ioscope.outputs.dashboard.results.Results`), ``args`` (query and path parameters)."""

    con: Any
    results: Any
    args: dict[str, str]


@dataclass
class TableSpec:
    """A named table: ``load(ctx, filters) -> DataFrame`` (all rows, for the page and the CSV);
    ``links``: column -> function(row, filters) -> internal URL or None; ``show``: the columns
    shown, in order (default: all but ``hide``; the CSV always has all); ``max_chars``: longer cells
    are cut (the full text is in the cell's tooltip and the CSV); ``paged``: optional ``(ctx, filters, limit, offset) -> (rows, total)`` used by
    pages instead of slicing ``load`` (post search)."""

    name: str
    title: str
    load: Callable[[Ctx, Filters], pd.DataFrame]
    links: dict[str, LinkFn] = field(default_factory=dict)
    hide: tuple[str, ...] = ()
    paged: Callable[[Ctx, Filters, int, int], tuple[pd.DataFrame, int]] | None = None
    per_page: int = PER_PAGE
    intro: str = ""
    show: tuple[str, ...] | None = None
    max_chars: int = MAX_CHARS


@dataclass
class DTable:
    """A table page as the template shows it (see ``templates/macros.html.j2``)."""

    name: str
    title: str
    intro: str
    columns: list[str]
    rows: list[list[Cell]]
    n_total: int
    page: int
    n_pages: int
    first_row: int
    prev_href: str | None
    next_href: str | None
    csv_href: str


def url(path: str, f: Filters | None = None, **extra: Any) -> str:
    """An internal URL: ``path`` (segments already quoted) plus the filters and ``extra`` params."""
    qs = f.query_string(**extra) if f is not None else urlencode(
        [(k, str(v)) for k, v in extra.items() if v not in (None, "")])
    return f"{path}?{qs}" if qs else path


def post_url(platform: Any, post_id: Any) -> str | None:
    """The dashboard's page of one post, or None when the key is missing."""
    if not isinstance(platform, str) or not isinstance(post_id, str) or not post_id:
        return None
    return f"/post/{quote(platform, safe='')}/{quote(post_id, safe='')}"


def posts_link(**fixed: str) -> LinkFn:
    """A link function to the post search with the row's filters plus ``fixed`` mapping
    (filter name -> row column), e.g. ``posts_link(hashtag="item")``."""
    def link(row: dict[str, Any], f: Filters) -> str | None:
        changes = {}
        for key, col in fixed.items():
            v = row.get(col)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                return None
            changes[key] = str(v)
        return url("/posts", f.with_(**changes))
    return link


def post_link(platform: str = "platform", post_id: str = "post_id") -> LinkFn:
    """A link function to the post page of the row's (``platform``, ``post_id``) columns."""
    return lambda row, f: post_url(row.get(platform), row.get(post_id))


def build_table(request: Request, spec: TableSpec, ctx: Ctx, f: Filters,
                df: pd.DataFrame | None = None) -> DTable:
    """One page of ``spec`` (page number from the ``page_<name>`` query parameter, or ``page`` for a
    paged spec). ``df``: the already loaded table, if the page needed it anyway."""
    key = "page" if spec.paged else f"page_{spec.name}"
    page = page_number(request.query_params, key)
    size = spec.per_page
    if spec.paged and df is None:
        rows, total = spec.paged(ctx, f, size, (page - 1) * size)
    else:
        full = spec.load(ctx, f) if df is None else df
        total = len(full)
        rows = full.iloc[(page - 1) * size: page * size]
    n_pages = max(1, math.ceil(total / size))
    if spec.show is not None:
        shown = [c for c in spec.show if c in rows.columns]
    else:
        shown = [c for c in rows.columns if c not in spec.hide]
    view = table_view(rows[shown], spec.name, max_rows=size)
    for cells in view.rows:
        for i, cell in enumerate(cells):
            if len(cell.text) > spec.max_chars:
                full = cell.title or cell.text
                cells[i] = Cell(cell.text[: spec.max_chars - 1] + "…", href=cell.href,
                                cls=cell.cls, title=full[:2000])
    records = rows.to_dict("records")
    for r, (cells, rec) in enumerate(zip(view.rows, records, strict=True)):
        for c, col in enumerate(shown):
            fn = spec.links.get(col)
            if fn is not None and cells[c].text:
                href = fn(rec, f)
                if href:
                    view.rows[r][c] = Cell(cells[c].text, href=href, cls=cells[c].cls,
                                           title=cells[c].title)

    def page_href(n: int) -> str:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != key]
        return f"{request.url.path}?{urlencode(params + [(key, str(n))])}"

    extra = {k: v for k, v in request.query_params.items()
             if k not in FILTER_KEYS and not k.startswith("page")}
    return DTable(
        name=spec.name, title=spec.title, intro=spec.intro, columns=shown, rows=view.rows,
        n_total=total, page=page, n_pages=n_pages, first_row=(page - 1) * size + 1,
        prev_href=page_href(page - 1) if page > 1 else None,
        next_href=page_href(page + 1) if page < n_pages else None,
        csv_href=url(f"/csv/{spec.name}.csv", f, **extra),
    )


# -- CSV -----------------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(v: Any) -> str:
    if isinstance(v, (list, tuple, np.ndarray)):
        return "; ".join(_csv_value(x) for x in v)
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        ts = pd.Timestamp(v)
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
        return ts.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, dt.date):
        return v.isoformat()
    text = str(v)
    # A cell that a spreadsheet would run as a formula is prefixed with ' (OWASP CSV injection).
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_response(df: pd.DataFrame, name: str) -> Response:
    """``df`` as a UTF-8 CSV download ``<name>.csv`` (times ISO 8601 UTC, lists joined by "; ",
    cells that would start a spreadsheet formula prefixed with ')."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(list(df.columns))
    for values in df.itertuples(index=False, name=None):
        writer.writerow([_csv_value(v) for v in values])
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


# -- charts --------------------------------------------------------------------------------------------

def chart(fig: go.Figure) -> str:
    """The figure as JSON for a ``data-figure`` attribute (the template escapes it; static/
    dashboard.js draws it). Data labels must already be escaped (see ioscope.outputs.charts)."""
    return json.dumps(json.loads(fig.to_json()), separators=(",", ":"))


# -- rendering -----------------------------------------------------------------------------------------

def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with ``context`` plus the shared context (filters form, navigation)."""
    dash = request.app.state.dash
    html = dash.env.get_template(template).render(request_path=request.url.path, **context)
    return HTMLResponse(html, status_code=status_code)
