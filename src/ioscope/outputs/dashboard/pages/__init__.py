"""The dashboard's pages, one module per page group. Each module exposes ``ROUTES`` (Starlette
routes) and ``TABLES`` (:class:`~ioscope.outputs.dashboard.views.TableSpec` list); this package
adds what they share: the per-request context, the common template context, CSV downloads and the
error pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ioscope.outputs.dashboard import queries
from ioscope.outputs.dashboard.filters import Filters, FilterError
from ioscope.outputs.dashboard.views import Ctx, csv_response, render


@contextmanager
def request_ctx(request: Request) -> Iterator[Ctx]:
    """A :class:`Ctx` with a fresh cursor on the read-only store (closed afterwards)."""
    dash = request.app.state.dash
    con = dash.store.con.cursor()
    try:
        con.execute("SET TimeZone = 'UTC'")
        args = dict(request.query_params)
        args.update(request.path_params)
        yield Ctx(con=con, results=dash.results, args=args)
    finally:
        con.close()


def filters(request: Request) -> Filters:
    """The request's filters; raises HTTPException(400) with the reason when they cannot be read."""
    try:
        return Filters.from_query(request.query_params)
    except FilterError as exc:
        raise HTTPException(400, str(exc)) from None


def common(ctx: Ctx, f: Filters, title: str, **extra: Any) -> dict[str, Any]:
    """Context every page template gets: title, filters, filter choices, data range."""
    first, last = queries.data_range(ctx.con)
    return dict(title=title, f=f, choices=queries.choices(ctx.con), first_day=first,
                last_day=last, **extra)


def csv_endpoint(request: Request) -> Response:
    """``/csv/<name>.csv``: a declared table, all rows, with the request's filters."""
    name = request.path_params["name"]
    spec = request.app.state.dash.tables.get(name) or analyses.dynamic_spec(name)
    if spec is None:
        raise HTTPException(404, "no such table")
    f = filters(request)
    with request_ctx(request) as ctx:
        df = spec.load(ctx, f)
    return csv_response(df, spec.name)


async def not_found(request: Request, exc: Exception) -> Response:
    """The 404 (and 400) page: the reason, escaped."""
    status = getattr(exc, "status_code", 404)
    detail = getattr(exc, "detail", "not found")
    return render(request, "error.html.j2", status_code=status, title=f"Error {status}",
                  status=status, detail=detail)


async def server_error(request: Request, exc: Exception) -> Response:
    """The 500 page (the traceback stays in the server log)."""
    return render(request, "error.html.j2", status_code=500, title="Error 500", status=500,
                  detail="internal error; see the server log")


from ioscope.outputs.dashboard.pages import (  # noqa: E402  (modules use the helpers above)
    actors,
    amplification,
    analyses,
    coordination,
    overview,
    posts,
)

MODULES = (overview, actors, amplification, coordination, analyses, posts)
"""Page modules in navigation order."""
