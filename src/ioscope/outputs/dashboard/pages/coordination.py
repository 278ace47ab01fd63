"""Coordination: the groups of accounts that act together, a network view, and the evidence (the
co-actions: pairs of posts) behind every edge.

Reads the ``coordination`` analysis result (tables ``clusters``, ``cluster_members``, ``edges``,
``evidence``) through :class:`~ioscope.outputs.dashboard.results.Results`: stored tables
``coordination_<table>`` when present, else one run of the analysis on the read-only store.
The edges table's intro names the null model and the correction (per behaviour, from the
``layers`` table's ``correction`` column) behind the p-values
(:func:`ioscope.outputs.coordination_view.p_value_note`).
"""

from __future__ import annotations

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ioscope.outputs.coordination_view import p_value_note
from ioscope.outputs.dashboard.charts import network_chart
from ioscope.outputs.dashboard.filters import Filters
from ioscope.outputs.dashboard.pages import common, filters, request_ctx
from ioscope.outputs.dashboard.views import Ctx, TableSpec, build_table, chart, post_url, render, url

NAME = "coordination"


def _result(ctx: Ctx):
    return ctx.results.get(NAME)


def _table(ctx: Ctx, name: str) -> pd.DataFrame:
    res = _result(ctx)
    if res is None or name not in res.tables:
        return pd.DataFrame()
    return res.tables[name]


def _cluster_arg(ctx: Ctx) -> int | None:
    try:
        return int(ctx.args.get("cluster", ""))
    except ValueError:
        return None


def _members(ctx: Ctx, f: Filters) -> pd.DataFrame:
    df = _table(ctx, "cluster_members")
    cid = _cluster_arg(ctx)
    if cid is not None and "cluster_id" in df:
        df = df[df["cluster_id"] == cid]
    if f.country and "country" in df:
        df = df[df["country"] == f.country.upper()]
    if f.actor_type and "actor_type" in df:
        df = df[df["actor_type"].fillna("untracked") == f.actor_type]
    return df.reset_index(drop=True)


def _edges(ctx: Ctx, f: Filters) -> pd.DataFrame:
    df = _table(ctx, "edges")
    cid = _cluster_arg(ctx)
    if cid is not None and "cluster_id" in df:
        df = df[df["cluster_id"] == cid]
    if not df.empty:
        df = df.assign(evidence="open")
    return df.reset_index(drop=True)


def _evidence(ctx: Ctx, f: Filters) -> pd.DataFrame:
    df = _table(ctx, "evidence")
    a, b = ctx.args.get("a", ""), ctx.args.get("b", "")
    if df.empty:
        return df
    pair = ((df["account_a"] == a) & (df["account_b"] == b)) | (
        (df["account_a"] == b) & (df["account_b"] == a))
    return df[pair].reset_index(drop=True)


def edge_url(row: dict, f: Filters) -> str:
    """The evidence page of one edge."""
    return url("/coordination/edge", a=row["account_a"], b=row["account_b"])


CLUSTERS = TableSpec(
    "coordination_clusters", "Clusters", lambda ctx, f: _table(ctx, "clusters"),
    links={"cluster_id": lambda r, f: url("/coordination", cluster=r["cluster_id"])},
    max_chars=120,
    intro="Groups of accounts linked by co-actions (Leiden, CPM). Open a cluster to see its "
          "members and edges.")
MEMBERS = TableSpec(
    "coordination_members", "Cluster members", _members,
    links={"handle": lambda r, f: url("/posts", account=r["account_id"]),
           "cluster_id": lambda r, f: url("/coordination", cluster=r["cluster_id"])},
    show=("cluster_id", "handle", "actor_name", "country", "actor_type", "overt", "degree",
          "strength", "n_coactions"),
    per_page=30)
EDGES = TableSpec(
    "coordination_edges", "Edges", _edges,
    links={"evidence": edge_url, "n_coactions": edge_url,
           "handle_a": lambda r, f: url("/posts", account=r["account_a"]),
           "handle_b": lambda r, f: url("/posts", account=r["account_b"])},
    show=("handle_a", "handle_b", "behaviours", "n_coactions", "n_objects", "weight", "p_value",
          "leader", "leader_share", "first_at", "last_at", "cluster_id", "evidence"),
    per_page=30,
    intro="One row per linked pair, behaviours fused. 'open' shows the co-actions behind it.")
EVIDENCE = TableSpec(
    "coordination_evidence", "Co-actions behind the edge", _evidence,
    links={"post_a": lambda r, f: post_url(r.get("platform_a"), r.get("post_a")),
           "post_b": lambda r, f: post_url(r.get("platform_b"), r.get("post_b"))},
    show=("behaviour", "window_s", "object", "handle_a", "post_a", "time_a", "handle_b", "post_b",
          "time_b", "delta_s"),
    per_page=50,
    intro="Each row is one co-action: both accounts acted on the same object within the window. "
          "Open both posts before drawing a conclusion.")

TABLES = [CLUSTERS, MEMBERS, EDGES, EVIDENCE]


def coordination_page(request: Request) -> Response:
    """``/coordination[?cluster=N]``."""
    f = filters(request)
    with request_ctx(request) as ctx:
        res = _result(ctx)
        context = common(ctx, f, "Coordination", result=res, cluster=_cluster_arg(ctx))
        if res is not None and res.error is None:
            members, edges = _members(ctx, f), _edges(ctx, f)
            edges_view = build_table(request, EDGES, ctx, f, edges)
            edges_view.intro = " ".join(x for x in (edges_view.intro, p_value_note(
                res.summary, res.params, res.tables.get("layers"))) if x)
            context.update(
                summary=[(k.replace("_", " "), v) for k, v in res.summary.items()
                         if not isinstance(v, dict)],
                notes=res.notes,
                network=chart(network_chart(edges, members)),
                clusters=build_table(request, CLUSTERS, ctx, f),
                members=build_table(request, MEMBERS, ctx, f, members),
                edges=edges_view)
    return render(request, "coordination.html.j2", **context)


def edge_page(request: Request) -> Response:
    """``/coordination/edge?a=&b=``: the evidence table of one edge."""
    f = filters(request)
    with request_ctx(request) as ctx:
        res = _result(ctx)
        rows = _evidence(ctx, f)
        handles = ("", "")
        if not rows.empty:
            first = rows.iloc[0]
            handles = (first.get("handle_a") or first["account_a"], first.get("handle_b") or first["account_b"])
        context = common(ctx, f, "Coordination evidence", result=res, handles=handles,
                         a=ctx.args.get("a", ""), b=ctx.args.get("b", ""),
                         table=build_table(request, EVIDENCE, ctx, f, rows))
    return render(request, "edge.html.j2", **context)


ROUTES = [Route("/coordination", coordination_page), Route("/coordination/edge", edge_page)]
