"""Post search (full text, account, date, language, and every other filter) and the post view
(the full text, the author's labels, the provenance of the stored row, and what it links to)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ioscope.outputs.dashboard import queries
from ioscope.outputs.dashboard.filters import Filters
from ioscope.outputs.dashboard.pages import common, filters, request_ctx
from ioscope.outputs.dashboard.pages.overview import cascade_url
from ioscope.outputs.dashboard.views import (
    Ctx,
    TableSpec,
    build_table,
    post_link,
    post_url,
    render,
    url,
)
from ioscope.outputs.links import permalink, safe_href
from ioscope.outputs.report import _text


def _oldest(ctx: Ctx) -> bool:
    return ctx.args.get("order") == "oldest"


def _paged(ctx: Ctx, f: Filters, limit: int, offset: int) -> tuple[pd.DataFrame, int]:
    rows = queries.search_posts(ctx.con, f, limit=limit, offset=offset, oldest_first=_oldest(ctx))
    return rows, queries.count_posts(ctx.con, f)


SEARCH = TableSpec(
    "posts", "Posts",
    lambda ctx, f: queries.search_posts(ctx.con, f, limit=None, oldest_first=_oldest(ctx)),
    links={"text": post_link(), "post_id": post_link(),
           "handle": lambda r, f: url("/posts", f.with_(account=r["account_id"]))
           if isinstance(r.get("account_id"), str) else None,
           "ref_post_id": lambda r, f: post_url(r.get("platform"), r.get("ref_post_id"))},
    show=("created_at", "handle", "country", "actor_type", "kind", "lang", "text", "post_id",
          "ref_post_id"),
    paged=_paged, per_page=50, max_chars=280)

TABLES = [SEARCH]


def posts_page(request: Request) -> Response:
    """``/posts``: the post search."""
    f = filters(request)
    with request_ctx(request) as ctx:
        context = common(ctx, f, "Posts", table=build_table(request, SEARCH, ctx, f),
                         order=ctx.args.get("order", "newest"))
    return render(request, "posts.html.j2", **context)


_PROVENANCE = ("source_format", "source_file", "source_line", "ingested_at", "ioscope_version",
               "collected", "flags")
_COUNTS = ("like_count", "share_count", "reply_count", "quote_count", "view_count")


def post_page(request: Request) -> Response:
    """``/post/{platform}/{post_id}``: one post with its provenance and evidence links."""
    platform = request.path_params["platform"]
    post_id = request.path_params["post_id"]
    with request_ctx(request) as ctx:
        p = queries.post(ctx.con, platform, post_id)
        if p is None:
            raise HTTPException(404, "no such post in the store")
        n_amplifiers = len(queries.cascade(ctx.con, platform, post_id))
        ref = queries.post(ctx.con, platform, p["ref_post_id"]) if isinstance(
            p.get("ref_post_id"), str) else None
        context = common(
            ctx, Filters(), "Post",
            p=p, text=_text(p.get("text")),
            labels=_labels(p),
            fields=[(k, _text(p.get(k), k)) for k in ("platform", "post_id", "created_at", "kind",
                                                      "lang", "account_id", "account_handle",
                                                      "display_name", "followers")],
            lists=[(k, [str(x) for x in (p.get(k) if p.get(k) is not None else [])])
                   for k in ("hashtags", "mentions", "domains", "urls")],
            counts=[(k.removesuffix("_count"), _text(p.get(k))) for k in _COUNTS],
            provenance=[(k, _text(p.get(k), k)) for k in _PROVENANCE],
            external=safe_href(permalink(platform, post_id, p.get("account_handle"))),
            author_posts=url("/posts", account=p.get("account_id") or p.get("account_handle") or ""),
            amplifiers_href=url("/posts", ref=post_id, platform=platform),
            cascade_href=cascade_url(platform, post_id), n_amplifiers=n_amplifiers,
            ref=ref, ref_created=_text(ref.get("created_at")) if ref else "", ref_href=post_url(platform, p.get("ref_post_id")),
            safe_href=safe_href)
    return render(request, "post.html.j2", **context)


def _labels(p: dict[str, Any]) -> str:
    if p.get("actor_type") == "untracked":
        return "not a tracked actor"
    parts = [_text(p.get("actor_name")), _text(p.get("country")), _text(p.get("actor_type")),
             "overt" if p.get("overt") is True else ("covert/suspected" if p.get("overt") is False
                                                      else "")]
    return " · ".join(x for x in parts if x)


ROUTES = [Route("/posts", posts_page), Route("/post/{platform}/{post_id:path}", post_page)]
