"""Charts of the ``claims`` analysis (``CHARTS``: table name -> figure function).

Claim texts and handles come from data: they are escaped with :func:`html.escape` (through
:mod:`ioscope.outputs.charts` helpers) before they reach plotly, and appear only in hover labels and
truncated tick labels.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ioscope.outputs.charts import _empty, _esc, _layout


def claims_bar(claims_summary: pd.DataFrame, *, top_n: int = 15,
               title: str = "Posts repeating each claim, before and after its fact-check") -> go.Figure:
    """Horizontal stacked bars for the ``top_n`` claims with most matching posts: posts before (or
    on) and after the review date. ``claims_summary``: the analysis table of that name. Returns a
    Figure ("no data" when empty)."""
    if claims_summary.empty:
        return _empty(title)
    df = claims_summary.head(top_n).iloc[::-1]
    after = df["n_posts_after_review"].fillna(0).astype(int)
    before = df["n_posts"].astype(int) - after
    labels = [_esc(t, 60) for t in df["claim_text"]]
    hover = [f"{_esc(t, 200)}<br>{_esc(r)} ({_esc(v)}), reviewed {_esc(d)}"
             for t, r, v, d in zip(df["claim_text"], df["rating"], df["reviewer"], df["review_date"],
                                   strict=True)]
    fig = go.Figure([
        go.Bar(y=labels, x=before, orientation="h", name="before the fact-check",
               hovertext=hover, hoverinfo="text+x", marker_color="#7f7f7f"),
        go.Bar(y=labels, x=after, orientation="h", name="after the fact-check",
               hovertext=hover, hoverinfo="text+x", marker_color="#d62728"),
    ])
    fig.update_layout(barmode="stack", xaxis_title="matching posts")
    return _layout(fig, title, 120 + 28 * len(df))


def claims_daily(claim_daily: pd.DataFrame, *, top_n: int = 8,
                 title: str = "Matching posts per day (UTC), most repeated claims") -> go.Figure:
    """One line per claim (the ``top_n`` with most posts): matching posts per UTC day."""
    if claim_daily.empty:
        return _empty(title)
    top = claim_daily.groupby("claim_id")["n_posts"].sum().nlargest(top_n).index
    fig = go.Figure([go.Scatter(x=g["day"], y=g["n_posts"], mode="lines+markers", name=_esc(cid, 40))
                     for cid, g in claim_daily[claim_daily["claim_id"].isin(top)].groupby("claim_id")])
    fig.update_layout(xaxis_title="day (UTC)", yaxis_title="posts per day")
    return _layout(fig, title, 360)


def group_share(group_share: pd.DataFrame, *, title: str = "Share of each group's posts that repeat "
                "debunked claims") -> go.Figure:
    """Bars of ``share_matching`` per (country, actor_type) group with at least one matching post."""
    df = group_share[group_share["n_matching"] > 0]
    if df.empty:
        return _empty(title)
    labels = [f"{_esc(c)} · {_esc(t)}" for c, t in zip(df["country"], df["actor_type"], strict=True)]
    fig = go.Figure(go.Bar(x=labels, y=df["share_matching"],
                           hovertext=[f"{int(a)} of {int(b)} posts" for a, b in
                                      zip(df["n_matching"], df["n_posts"], strict=True)]))
    fig.update_layout(yaxis_title="share of posts", yaxis_tickformat=".1%")
    return _layout(fig, title, 360)


CHARTS = {"claims_summary": claims_bar, "claim_daily": claims_daily, "group_share": group_share}
"""Table name -> chart function, found by ioscope.outputs.report.charts_for("claims")."""
