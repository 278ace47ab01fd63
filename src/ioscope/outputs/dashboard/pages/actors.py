"""Actors: the registry of tracked accounts with their activity, filterable by country and type."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ioscope.outputs.dashboard import queries
from ioscope.outputs.dashboard.pages import common, filters, request_ctx
from ioscope.outputs.dashboard.views import TableSpec, build_table, posts_link, render, url

ACTORS = TableSpec(
    "actors", "Actor accounts",
    lambda ctx, f: queries.actors(ctx.con, f),
    links={"handle": posts_link(account="account_id"), "n_posts": posts_link(account="account_id"),
           "country": lambda r, f: url("/actors", f.with_(country=r["country"]))
           if isinstance(r.get("country"), str) else None,
           "actor_type": lambda r, f: url("/actors", f.with_(actor_type=r["actor_type"]))},
    per_page=50,
    intro="Every account of the actor registry seen in the data, most active in the period first. "
          "Post counts open the posts; country and type filter the registry.")

TABLES = [ACTORS]


def actors_page(request: Request) -> Response:
    """``/actors``."""
    f = filters(request)
    with request_ctx(request) as ctx:
        context = common(ctx, f, "Actors", table=build_table(request, ACTORS, ctx, f))
    return render(request, "actors.html.j2", **context)


ROUTES = [Route("/actors", actors_page)]
