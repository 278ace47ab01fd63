"""Narratives, domains, claims and shifts: pages over analyses that other modules compute.

Each page shows every table of its analysis's result (stored ``<analysis>_<table>`` tables, or one
run of the analysis; see :mod:`~ioscope.outputs.dashboard.results`), paginated and downloadable,
with post IDs, accounts, domains and hashtags linked to the posts behind them. When there is no
result the page says "not computed yet". What the store itself allows is shown regardless: the
domains page lists linked domains from ``posts``; the shifts page draws daily volume of overt and
covert actors (events and change points come from the shifts result when present).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ioscope.outputs.dashboard import queries
from ioscope.outputs.dashboard.charts import series_chart
from ioscope.outputs.dashboard.filters import Filters
from ioscope.outputs.dashboard.pages import common, filters, request_ctx
from ioscope.outputs.dashboard.views import (
    Ctx,
    LinkFn,
    TableSpec,
    build_table,
    chart,
    post_url,
    posts_link,
    render,
)

# page -> (analysis name, title, introduction)
PAGES: dict[str, tuple[str, str, str]] = {
    "narratives": ("narratives", "Narratives",
                   "Which narratives the accounts push, in which languages, and when."),
    "domains": ("domains", "Domains",
                "Which sites the accounts link, and which of them are rated low-credibility."),
    "claims": ("claims", "Claims",
               "Posts that repeat claims fact-checkers already rated, with the fact-check."),
    "shifts": ("shifts", "Shifts",
               "Change points in what the accounts post and how (overt to covert), with events."),
}


def _links(columns: list[str]) -> dict[str, LinkFn]:
    """Evidence links for the usual column names of result tables."""
    links: dict[str, LinkFn] = {}
    cols = set(columns)
    for col in columns:
        m = re.fullmatch(r"post_id(_\w+)?|post(_\w+)", col)
        if m:
            suffix = m.group(1) or m.group(2) or ""
            plat = next((p for p in (f"platform{suffix}", "platform") if p in cols), None)
            if plat:
                links[col] = (lambda p, c: lambda r, f: post_url(r.get(p), r.get(c)))(plat, col)
        elif col in ("handle", "account_handle") and "account_id" in cols:
            links[col] = posts_link(account="account_id")
        elif col == "domain":
            links[col] = posts_link(domain="domain")
        elif col == "hashtag":
            links[col] = posts_link(hashtag="hashtag")
    return links


def _result(ctx: Ctx, page: str):
    name = PAGES[page][0]
    return ctx.results.get(name)


def dynamic_spec(name: str) -> TableSpec | None:
    """The spec of a result table ``<page>__<table>`` (for CSV downloads), or None."""
    page, sep, table = name.partition("__")
    if not sep or page not in PAGES or not re.fullmatch(r"[a-z0-9_]+", table):
        return None

    def load(ctx: Ctx, f: Filters) -> pd.DataFrame:
        res = _result(ctx, page)
        if res is None or table not in res.tables:
            return pd.DataFrame()
        return res.tables[table]

    return TableSpec(name, table.replace("_", " ").capitalize(), load)


def _result_tables(request: Request, ctx: Ctx, f: Filters, page: str) -> list[Any]:
    res = _result(ctx, page)
    if res is None or res.error:
        return []
    out = []
    for table, df in res.tables.items():
        spec = dynamic_spec(f"{page}__{table}")
        spec.links = _links(list(df.columns))
        out.append(build_table(request, spec, ctx, f, df))
    return out


DOMAINS = TableSpec(
    "domains_linked", "Linked domains (from posts)",
    lambda ctx, f: queries.domains(ctx.con, f),
    links={"domain": posts_link(domain="domain"), "n_posts": posts_link(domain="domain")},
    intro="Registered domains of the links in the selected posts. Counts open the posts.")

TABLES = [DOMAINS]


def _page(page: str):
    def endpoint(request: Request) -> Response:
        f = filters(request)
        name, title, intro = PAGES[page]
        with request_ctx(request) as ctx:
            res = _result(ctx, page)
            context = common(ctx, f, title, analysis=name, intro=intro, result=res,
                             tables=_result_tables(request, ctx, f, page), extra_tables=[],
                             charts=[])
            if page == "domains":
                context["extra_tables"].append(build_table(request, DOMAINS, ctx, f))
            if page == "shifts":
                context["charts"].append(chart(_shifts_chart(ctx, f, res)))
        return render(request, "analysis.html.j2", **context)
    endpoint.__name__ = f"{page}_page"
    endpoint.__doc__ = f"``/{page}``."
    return endpoint


def _shifts_chart(ctx: Ctx, f: Filters, res: Any):
    daily = queries.daily_by_overt(ctx.con, f)
    daily = daily.assign(series=daily["country"].fillna("–") + " " + daily["overt"])
    events = change_points = None
    if res is not None and not res.error:
        for df in res.tables.values():
            cols = set(df.columns)
            if {"date", "label"} <= cols and events is None:
                events = df[["date", "label"]]
            elif {"date", "series"} <= cols and change_points is None:
                change_points = df[["date", "series"]]
    return series_chart(daily, group="series", events=events, change_points=change_points,
                        title="Posts per day by tracked actors: country, overt or covert")


ROUTES = [Route(f"/{page}", _page(page)) for page in PAGES]
