"""Overview: what the tracked accounts said in a period (default: the last 7 days of data).

Volume by country and actor type, and the top hashtags, domains, links and most amplified posts,
each count linking to the posts behind it (after Hamilton 2.0's weekly view, with evidence).
"""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ioscope.outputs.charts import daily_volume_chart
from ioscope.outputs.dashboard import queries
from ioscope.outputs.dashboard.filters import Filters
from ioscope.outputs.dashboard.pages import common, filters, request_ctx
from ioscope.outputs.dashboard.views import (
    Ctx,
    TableSpec,
    build_table,
    chart,
    post_link,
    posts_link,
    render,
    url,
)

DEFAULT_DAYS = 7
"""Days shown when no period is chosen: the last 7 UTC days with data."""


def default_period(ctx: Ctx, f: Filters, days: int = DEFAULT_DAYS) -> Filters:
    """``f`` with the period set to the last ``days`` days of data when neither bound is set: from
    ``last - (days - 1)`` to ``last``, the start clamped to the first day with data (a store that spans
    fewer days gets its whole span, so the date inputs' value never falls outside their min/max and
    the filter form stays valid)."""
    if f.start or f.end:
        return f
    first, last = queries.data_range(ctx.con)
    if last is None:
        return f
    start = last - dt.timedelta(days=days - 1)
    if first is not None:
        start = min(max(start, first), last)
    return f.with_(start=start, end=last)


def _period(fn):
    return lambda ctx, f: fn(ctx, default_period(ctx, f))


GROUPS = TableSpec(
    "overview_groups", "Volume by country and actor type",
    _period(lambda ctx, f: queries.volume_by_group(ctx.con, f)),
    links={"n_posts": lambda r, f: _group_posts(r, f)},
    intro="Collected posts in the period by the author's country and actor type.")
HASHTAGS = TableSpec(
    "overview_hashtags", "Top hashtags",
    _period(lambda ctx, f: queries.top_items(ctx.con, f, "hashtags")),
    links={"item": posts_link(hashtag="item"), "n_posts": posts_link(hashtag="item")}, per_page=10)
DOMAINS = TableSpec(
    "overview_domains", "Top domains",
    _period(lambda ctx, f: queries.top_items(ctx.con, f, "domains")),
    links={"item": posts_link(domain="item"), "n_posts": posts_link(domain="item")}, per_page=10)
URLS = TableSpec(
    "overview_urls", "Top links",
    _period(lambda ctx, f: queries.top_items(ctx.con, f, "urls")),
    links={"item": posts_link(url="item"), "n_posts": posts_link(url="item")}, per_page=10,
    intro="Shown as text; open the posts to see them in context.")
POSTS = TableSpec(
    "overview_posts", "Most amplified posts",
    _period(lambda ctx, f: queries.top_amplified(ctx.con, f)),
    links={"text": post_link(), "post_id": post_link(),
           "n_amplifiers": lambda r, f: cascade_url(r["platform"], r["post_id"])},
    show=("rank", "created_at", "handle", "country", "actor_type", "text", "n_amplifiers",
          "n_reposts", "n_quotes", "n_replies"), per_page=10,
    intro="Posts of the period by the selected authors, by the number of other accounts that "
          "reposted, quoted or replied to them.")

TABLES = [GROUPS, HASHTAGS, DOMAINS, URLS, POSTS]


def cascade_url(platform: str, post_id: str) -> str:
    """The cascade view of one post."""
    return url("/amplification/cascade", platform=platform, post_id=post_id)


def _group_posts(row: dict, f: Filters) -> str:
    country = row.get("country")
    changes = {"actor_type": row.get("actor_type") or ""}
    if isinstance(country, str):
        changes["country"] = country
    return url("/posts", f.with_(**changes))


def overview(request: Request) -> Response:
    """``/``: the overview page."""
    f = filters(request)
    with request_ctx(request) as ctx:
        fp = default_period(ctx, f)
        volume = queries.daily_volume(ctx.con, fp)
        tables = {s.name: build_table(request, s, ctx, fp) for s in TABLES}
        facts = queries.store_facts(ctx.con)
        context = common(ctx, fp, "Overview", tables=tables, facts=facts,
                         defaulted=fp is not f,
                         volume_chart=chart(daily_volume_chart(
                             volume, title="Posts per day by the author's country")))
    return render(request, "overview.html.j2", **context)


ROUTES = [Route("/", overview)]
