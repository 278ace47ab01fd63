"""Charts of the domains analysis (picked up by the report through :data:`CHARTS`)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ioscope.outputs.charts import _empty, _esc, _layout


def share_chart(share: pd.DataFrame, *, column: str = "share_low_credibility",
                title: str = "Share of links to low-credibility sites, per group and month") -> go.Figure:
    """Lines of ``column`` (a share, 0–1) per group over UTC months, from ``share_by_month``;
    groups with the most links first (at most 12)."""
    if share.empty:
        return _empty(title, "no links")
    order = share.groupby("group")["n_links"].sum().sort_values(ascending=False).index[:12]
    fig = go.Figure()
    for g in order:
        part = share[share["group"] == g].sort_values("month")
        label = _esc(g, 40)
        fig.add_scatter(x=pd.to_datetime(part["month"]), y=part[column], mode="lines+markers", name=label,
                        customdata=part["n_links"],
                        hovertemplate=label + "<br>%{x|%Y-%m}: %{y:.0%} of %{customdata} links<extra></extra>")
    fig.update_yaxes(title_text="share of links", tickformat=".0%", rangemode="tozero")
    fig.update_xaxes(title_text="month (UTC)", type="date")
    return _layout(fig, title, 380)


CHARTS = {"share_by_month": share_chart}
