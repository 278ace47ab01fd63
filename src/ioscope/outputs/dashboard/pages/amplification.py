"""Amplification: who amplifies whom between countries, the top cascades, and one cascade.

The cascade view reads the amplifying posts of one post straight from ``posts``
(:func:`queries.cascade`); when ``ioscope.analyses.cascade`` lands, it can take over there.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ioscope.outputs.charts import matrix_chart, top_posts_chart
from ioscope.outputs.dashboard import queries
from ioscope.outputs.dashboard.charts import cascade_chart
from ioscope.outputs.dashboard.filters import Filters
from ioscope.outputs.dashboard.pages import common, filters, request_ctx
from ioscope.outputs.dashboard.pages.overview import cascade_url
from ioscope.outputs.dashboard.views import (
    Ctx,
    TableSpec,
    build_table,
    chart,
    post_link,
    post_url,
    render,
    url,
)
from ioscope.outputs.links import permalink, safe_href
from ioscope.outputs.report import _text


def _matrix_posts(row: dict, f: Filters) -> str:
    return url("/posts", f.with_(country=row["amplifier_country"], actor_type="",
                                 to_country=row["amplified_country"]))


COUNTRY_MATRIX = TableSpec(
    "amplification_countries", "Between countries",
    lambda ctx, f: queries.amplification_matrix(ctx.con, f, "country"),
    links={"n_amplifications": _matrix_posts},
    intro="Reposts, quotes and replies in the period between tracked actors with a country on "
          "both sides (rows amplify). Counts open the amplifying posts.")
TYPE_MATRIX = TableSpec(
    "amplification_types", "Between actor types",
    lambda ctx, f: queries.amplification_matrix(ctx.con, f, "type"))
CASCADES = TableSpec(
    "amplification_cascades", "Top cascades",
    lambda ctx, f: queries.top_amplified(ctx.con, f),
    links={"text": post_link(), "post_id": post_link(),
           "n_amplifiers": lambda r, f: cascade_url(r["platform"], r["post_id"]),
           "rank": lambda r, f: cascade_url(r["platform"], r["post_id"])},
    show=("rank", "created_at", "handle", "country", "actor_type", "text", "n_amplifiers",
          "n_tracked_amplifiers", "n_reposts", "n_quotes", "n_replies", "first_amplified_at"),
    per_page=20,
    intro="Posts of the selected authors in the period, by the number of other accounts that "
          "amplified them. Open a cascade to see every amplifying post in time order.")


def _cascade_rows(ctx: Ctx, f: Filters):
    return queries.cascade(ctx.con, ctx.args.get("platform", ""), ctx.args.get("post_id", ""))


CASCADE = TableSpec(
    "amplification_cascade", "Amplifying posts", _cascade_rows,
    links={"post_id": post_link(), "text": post_link(),
           "handle": lambda r, f: url("/posts", account=r["account_id"])},
    show=("created_at", "lag_s", "handle", "country", "actor_type", "kind", "text", "post_id"),
    per_page=50, max_chars=80)

TABLES = [COUNTRY_MATRIX, TYPE_MATRIX, CASCADES, CASCADE]


def amplification_page(request: Request) -> Response:
    """``/amplification``."""
    f = filters(request)
    with request_ctx(request) as ctx:
        countries = COUNTRY_MATRIX.load(ctx, f)
        types = TYPE_MATRIX.load(ctx, f)
        cascades = CASCADES.load(ctx, f)
        context = common(
            ctx, f, "Amplification",
            country_chart=chart(matrix_chart(countries)),
            type_chart=chart(matrix_chart(types, row="amplifier_type", col="amplified_type",
                                          title="Amplification between actor types")),
            cascades_chart=chart(top_posts_chart(cascades.head(15),
                                                 title="Top cascades (amplifying posts by kind)")),
            countries=build_table(request, COUNTRY_MATRIX, ctx, f, countries),
            types=build_table(request, TYPE_MATRIX, ctx, f, types),
            cascades=build_table(request, CASCADES, ctx, f, cascades))
    return render(request, "amplification.html.j2", **context)


def cascade_page(request: Request) -> Response:
    """``/amplification/cascade?platform=&post_id=``: one post and everything that amplified it."""
    f = filters(request)
    platform = request.query_params.get("platform", "")
    post_id = request.query_params.get("post_id", "")
    with request_ctx(request) as ctx:
        original = queries.post(ctx.con, platform, post_id)
        if original is None:
            raise HTTPException(404, "no such post in the store")
        rows = CASCADE.load(ctx, f)
        lags = rows["lag_s"].dropna()
        stats = {
            "amplifying posts": len(rows),
            "amplifying accounts": rows["account_id"].nunique(),
            "tracked amplifiers": rows.loc[rows["actor_type"] != "untracked", "account_id"].nunique(),
            "countries": ", ".join(sorted(rows["country"].dropna().unique())) or "–",
            "median lag": _hours(lags.median()) if len(lags) else "–",
            "first amplification": _hours(lags.min()) if len(lags) else "–",
        }
        context = common(
            ctx, f, "Cascade", post=original, stats=stats,
            created=_text(original.get("created_at")),
            post_href=post_url(platform, post_id),
            external=safe_href(permalink(platform, post_id, original.get("account_handle"))),
            chart=chart(cascade_chart(rows)),
            table=build_table(request, CASCADE, ctx, f, rows))
    return render(request, "cascade.html.j2", **context)


def _hours(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


ROUTES = [Route("/amplification", amplification_page),
          Route("/amplification/cascade", cascade_page)]
