"""The dashboard's ASGI app: routes, security headers, token check, templates.

Security model (post text, handles and URLs are adversarial; the store may be sensitive):

* the store is opened read-only; each request reads through its own cursor;
* every page's SQL is fixed in :mod:`.queries`; request values are bound as parameters; there is
  no endpoint that runs SQL from a request;
* Jinja autoescaping is on and no data is marked safe; chart JSON travels in an (escaped) HTML
  attribute and is drawn by a static script, so the Content-Security-Policy allows scripts from
  this server only (``script-src 'self'``, no inline scripts);
* text from data goes through the ``bidi``/``bidi_attr`` filters of :mod:`ioscope.outputs.bidi`
  (bidi control characters shown as markers, right-to-left text isolated in ``<bdi>``);
* the Host header must name this machine unless a token is set (against DNS rebinding);
* with a token, every request needs it (``Authorization: Bearer``, or ``?token=`` once, which sets
  an HttpOnly, SameSite=Strict cookie).
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ioscope._version import __version__
from ioscope.outputs.bidi import install_filters
from ioscope.outputs.dashboard import pages
from ioscope.outputs.dashboard.results import RUN_ON_DEMAND, Results, default_results_dir
from ioscope.outputs.dashboard.views import TableSpec
from ioscope.store import Store

HERE = Path(__file__).parent
REPORT_TEMPLATES = HERE.parent / "templates"

CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
"""Content-Security-Policy of every response (plotly.js needs inline styles, nothing else)."""

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
TOKEN_COOKIE = "ioscope_token"

NAV = (("/", "Overview"), ("/actors", "Actors"), ("/narratives", "Narratives"),
       ("/amplification", "Amplification"), ("/coordination", "Coordination"),
       ("/domains", "Domains"), ("/claims", "Claims"), ("/shifts", "Shifts"), ("/posts", "Posts"))


@dataclass
class Dash:
    """State shared by all requests: the read-only store, analysis results, templates, tables."""

    store: Store
    results: Results
    env: Environment
    tables: dict[str, TableSpec]


def create_app(db_path: str | Path, *, token: str | None = None,
               allowed_hosts: tuple[str, ...] | None = None,
               results_dir: str | Path | None = None,
               run_on_demand: Collection[str] = RUN_ON_DEMAND) -> Starlette:
    """The dashboard as an ASGI app over the store ``db_path`` (opened read-only).

    ``token``: when set, every request must carry it (see the module docstring). ``allowed_hosts``:
    Host header values accepted (default: 127.0.0.1, localhost, ::1 without a token; any with one).
    ``results_dir``: exported result tables (``ioscope analyze --out``; default: the ``report``
    folder beside the store when it has ``tables/``); ``run_on_demand``: analyses the dashboard may
    run itself when no result is stored or exported (see :mod:`.results`).
    Raises StoreError when the store is missing or unreadable, SchemaVersionError when it was
    written by an incompatible schema.
    """
    store = Store(db_path, read_only=True)
    tables: dict[str, TableSpec] = {}
    for module in pages.MODULES:
        for spec in module.TABLES:
            if spec.name in tables:
                raise ValueError(f"dashboard: table {spec.name!r} declared twice")
            tables[spec.name] = spec
    dash = Dash(store=store, results=Results(
        store, results_dir=results_dir or default_results_dir(db_path), run_on_demand=run_on_demand), env=_env(),
                tables=tables)
    routes: list[Any] = [Route("/static/plotly.min.js", _plotly_js),
                         Route("/favicon.ico", lambda request: Response(status_code=204))]
    for module in pages.MODULES:
        routes.extend(module.ROUTES)
    routes.append(Route("/csv/{name}.csv", pages.csv_endpoint))
    routes.append(Mount("/static", StaticFiles(directory=HERE / "static"), name="static"))
    hosts = allowed_hosts or (("*",) if token else LOCAL_HOSTS)
    middleware = [Middleware(SecurityHeaders), Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))]
    if token:
        middleware.append(Middleware(TokenRequired, token=token))
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={400: pages.not_found, 404: pages.not_found,
                                        500: pages.server_error},
                    lifespan=_lifespan(store))
    app.state.dash = dash
    return app


def _lifespan(store: Store) -> Any:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        store.close()
    return lifespan


def _env() -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(HERE / "templates")),
                             FileSystemLoader(str(REPORT_TEMPLATES))]),
        autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(nav=NAV, version=__version__)
    return install_filters(env)


@lru_cache(maxsize=1)
def _plotly_bytes() -> bytes:
    import plotly.offline

    return plotly.offline.get_plotlyjs().encode("utf-8")


def _plotly_js(request: Request) -> Response:
    return Response(_plotly_bytes(), media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=86400"})


class SecurityHeaders:
    """ASGI middleware adding CSP, nosniff, no-referrer and frame denial to every response."""

    HEADERS = (
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
    )

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + list(self.HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class TokenRequired:
    """ASGI middleware: a request passes with the token as ``Authorization: Bearer <token>``, as
    the ``ioscope_token`` cookie, or as ``?token=`` (then it is redirected without it and the cookie
    is set). Anything else gets 401."""

    def __init__(self, app: Any, token: str):
        self.app = app
        self.token = token.encode()

    def _ok(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.token)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        auth = headers.get("authorization", "")
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is treated as no cookie
            cookie = SimpleCookie()
        if (auth.startswith("Bearer ") and self._ok(auth[7:].strip())) or (
                TOKEN_COOKIE in cookie and self._ok(cookie[TOKEN_COOKIE].value)):
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [v for k, v in query if k == "token"]
        if given and self._ok(given[-1]):
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            location = scope["path"] + (f"?{rest}" if rest else "")
            response: Response = Response(status_code=303, headers={"Location": location})
            response.set_cookie(TOKEN_COOKIE, self.token.decode(), httponly=True, samesite="strict")
        else:
            response = PlainTextResponse(
                "401: this dashboard needs its access token (open the link printed by "
                "`ioscope serve`, or send Authorization: Bearer <token>)", status_code=401)
        await response(scope, receive, send)
