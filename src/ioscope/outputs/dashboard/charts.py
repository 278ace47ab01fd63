"""Plotly figures the report does not have: a cascade over time, a coordination network, daily
series with events and change points. Same rules as :mod:`ioscope.outputs.charts`: every string
from data is escaped with :func:`html.escape` before it reaches plotly; post text appears at most as
an escaped excerpt in a hover label. ``customdata`` of a point may hold an internal URL
(``/...``) that the dashboard's script opens on click.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ioscope.outputs.charts import _empty, _esc, _layout

_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf")


def _group(country: object, actor_type: object) -> str:
    if isinstance(country, str) and country:
        return country
    return "untracked" if actor_type == "untracked" else "tracked, no country"


def cascade_chart(cascade: pd.DataFrame, *, title: str = "Amplification over time") -> go.Figure:
    """Cumulative amplifying posts against hours after the original, one line per author group
    (country, "untracked", "tracked, no country"). ``cascade``: :func:`queries.cascade` rows
    (lag_s, country, actor_type, handle, kind). x: hours after the original (UTC times); y:
    cumulative amplifying posts. Rows without a lag are left out."""
    df = cascade.dropna(subset=["lag_s"])
    if df.empty:
        return _empty(title, "no amplifying posts with a known time")
    df = df.assign(group=[_group(c, t) for c, t in zip(df["country"], df["actor_type"], strict=True)],
                   hours=df["lag_s"].astype(float) / 3600.0)
    fig = go.Figure()
    order = df["group"].value_counts().index
    for i, group in enumerate(order):
        g = df[df["group"] == group].sort_values("hours")
        hover = [f"@{_esc(h, 30)} ({_esc(k)})" for h, k in zip(g["handle"], g["kind"], strict=True)]
        fig.add_scatter(x=g["hours"], y=np.arange(1, len(g) + 1), mode="lines+markers",
                        line_shape="hv", name=_esc(group), marker=dict(size=5),
                        line=dict(color=_PALETTE[i % len(_PALETTE)]), text=hover,
                        hovertemplate="%{text}<br>%{x:.2f} h after: %{y} posts<extra></extra>")
    fig.update_xaxes(title_text="hours after the original post")
    fig.update_yaxes(title_text="amplifying posts (cumulative)", rangemode="tozero")
    fig.update_layout(legend_title_text="amplifier")
    return _layout(fig, title, 360)


def network_chart(edges: pd.DataFrame, members: pd.DataFrame, *, seed: int = 0,
                  title: str = "Coordination network") -> go.Figure:
    """Accounts (nodes, coloured by cluster) and their coordination edges, in a spring layout
    (networkx, fixed ``seed``). ``edges``: account_a, account_b, weight, cluster_id (coordination
    ``edges``); ``members``: cluster_id, account_id, handle, country, actor_type (``cluster_members``).
    Clicking a node opens that account's posts."""
    if edges.empty:
        return _empty(title, "no coordination edges")
    g = nx.Graph()
    for a, b, w in zip(edges["account_a"], edges["account_b"], edges["weight"], strict=True):
        g.add_edge(str(a), str(b), weight=float(w) if w == w else 1.0)
    pos = nx.spring_layout(g, seed=seed, weight="weight", k=1.5 / math.sqrt(max(len(g), 1)))
    info = members.drop_duplicates("account_id").set_index("account_id") if not members.empty else None
    ex, ey = [], []
    for a, b in g.edges():
        ex += [pos[a][0], pos[b][0], None]
        ey += [pos[a][1], pos[b][1], None]
    fig = go.Figure()
    fig.add_scatter(x=ex, y=ey, mode="lines", line=dict(width=0.6, color="#b8c2cf"),
                    hoverinfo="skip", showlegend=False)
    nodes = pd.DataFrame({"account_id": list(g.nodes())})
    if info is not None:
        nodes = nodes.join(info[["cluster_id", "handle", "country", "actor_type"]], on="account_id")
    for col in ("cluster_id", "handle", "country", "actor_type"):
        if col not in nodes:
            nodes[col] = None
    nodes["cluster_id"] = nodes["cluster_id"].fillna(-1).astype(int)
    for i, (cid, grp) in enumerate(sorted(nodes.groupby("cluster_id"), key=lambda t: (t[0] < 0, t[0]))):
        label = f"cluster {cid}" if cid >= 0 else "no cluster"
        text = [f"@{_esc(h, 30) or _esc(a, 30)}<br>{_esc(c) or '–'} · {_esc(t) or 'untracked'}"
                for a, h, c, t in zip(grp["account_id"], grp["handle"], grp["country"],
                                      grp["actor_type"], strict=True)]
        urls = [f"/posts?account={_url_part(a)}" for a in grp["account_id"]]
        fig.add_scatter(x=[pos[a][0] for a in grp["account_id"]],
                        y=[pos[a][1] for a in grp["account_id"]], mode="markers", name=label,
                        marker=dict(size=9, color=_PALETTE[i % len(_PALETTE)],
                                    line=dict(width=0.5, color="#fff")),
                        text=text, customdata=urls, hovertemplate="%{text}<extra></extra>")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    fig.update_layout(legend_title_text="group")
    return _layout(fig, title, 520)


def _url_part(value: object) -> str:
    from urllib.parse import quote

    return quote(str(value), safe="")


def series_chart(daily: pd.DataFrame, *, group: str, value: str = "n_posts",
                 events: pd.DataFrame | None = None, change_points: pd.DataFrame | None = None,
                 title: str = "Posts per day") -> go.Figure:
    """Daily lines, one per value of ``group``; ``events`` (date, label) as dotted vertical lines,
    ``change_points`` (date, series) as red dashed ones. x: UTC day; y: ``value`` per day."""
    if daily.empty:
        return _empty(title)
    df = daily.assign(day=pd.to_datetime(daily["day"]), g=daily[group].fillna("–").astype(str))
    per = df.groupby(["g", "day"], as_index=False)[value].sum()
    fig = go.Figure()
    for i, (name, g) in enumerate(per.groupby("g")):
        full = g.set_index("day")[value].asfreq("D", fill_value=0)
        fig.add_scatter(x=full.index, y=full.values, mode="lines", name=_esc(name),
                        line=dict(color=_PALETTE[i % len(_PALETTE)], width=1.6),
                        hovertemplate=_esc(name) + "<br>%{x|%Y-%m-%d}: %{y}<extra></extra>")
    for frame, colour, dash in ((events, "#555", "dot"), (change_points, "#d62728", "dash")):
        if frame is None or frame.empty:
            continue
        for day, label in zip(pd.to_datetime(frame["date"]), frame.iloc[:, 1], strict=True):
            fig.add_vline(x=day, line=dict(color=colour, dash=dash, width=1))
            fig.add_annotation(x=day, y=1, yref="paper", text=_esc(label, 40), showarrow=False,
                               textangle=-90, xanchor="right", yanchor="top",
                               font=dict(size=10, color=colour))
    fig.update_xaxes(title_text="day (UTC)", type="date")
    fig.update_yaxes(title_text=f"{value.replace('_', ' ')} per day", rangemode="tozero")
    return _layout(fig, title, 380)
