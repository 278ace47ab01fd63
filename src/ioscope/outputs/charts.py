"""Plotly figures drawn from analysis result tables (no store access, no network).

Every string that comes from data (country codes, actor types, handles, post text) is passed through
:func:`html.escape` before it reaches plotly: plotly renders hover labels, tick labels and legend
names as a small subset of HTML (``<a href>``, ``<b>``, ``<br>``), so unescaped data could become
markup. Post text never appears in a title, axis or legend; at most an escaped excerpt in a hover label.
Bidi control characters (U+202A-U+202E, U+2066-U+2069) in data are shown as visible markers.
"""

from __future__ import annotations

import html
import math

import pandas as pd
import plotly.graph_objects as go

from ioscope.outputs.bidi import show_bidi_controls

_FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
             size=12)
_KIND_COLOURS = {"repost": "#1f77b4", "quote": "#ff7f0e", "reply": "#7f7f7f"}


def _esc(value: object, max_len: int | None = None) -> str:
    """Escaped, single-line text for plotly labels (NULL -> ""); bidi control characters are shown
    as visible markers (:func:`ioscope.outputs.bidi.show_bidi_controls`)."""
    if value is None or value is pd.NA or value is pd.NaT or (
            isinstance(value, float) and math.isnan(value)):
        return ""
    text = " ".join(str(value).split())
    if max_len is not None and len(text) > max_len:
        text = text[: max_len - 1] + "…"
    return html.escape(show_bidi_controls(text))


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(title=dict(text=html.escape(title), x=0, xanchor="left"), template="plotly_white",
                      font=_FONT, height=height, margin=dict(l=60, r=20, t=50, b=50),
                      hoverlabel=dict(align="left"))
    return fig


def _empty(title: str, message: str = "no data") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=html.escape(message), showarrow=False, x=0.5, y=0.5,
                       xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, 200)


def daily_volume_chart(daily_volume: pd.DataFrame, *, title: str = "Daily volume by country") -> go.Figure:
    """Stacked bars of collected posts per UTC day, one colour per country.

    ``daily_volume``: the activity ``daily_volume`` table (day, country, actor_type, n_posts, ...).
    Untracked authors form the group "untracked"; tracked actors without a country "no country".
    x = day (UTC), y = posts per day (UTC). Returns a Figure (a "no data" figure when empty).
    """
    if daily_volume.empty:
        return _empty(title)
    df = daily_volume.assign(
        group=[("untracked" if t == "untracked" else "no country") if pd.isna(c) else str(c)
               for c, t in zip(daily_volume["country"], daily_volume["actor_type"], strict=False)],
        day=pd.to_datetime(daily_volume["day"]),
    )
    per = df.groupby(["group", "day"], as_index=False)["n_posts"].sum()
    order = per.groupby("group")["n_posts"].sum().sort_values(ascending=False).index
    fig = go.Figure()
    for group in order:
        g = per[per["group"] == group]
        label = _esc(group)
        fig.add_bar(x=g["day"], y=g["n_posts"], name=label, customdata=[label] * len(g),
                    hovertemplate="%{customdata}<br>%{x|%Y-%m-%d}: %{y} posts<extra></extra>")
    fig.update_layout(barmode="stack", legend_title_text="country")
    fig.update_xaxes(title_text="day (UTC)", type="date")
    fig.update_yaxes(title_text="posts per day (UTC)")
    return _layout(fig, title, 380)


def matrix_chart(
    matrix: pd.DataFrame,
    *,
    row: str = "amplifier_country",
    col: str = "amplified_country",
    value: str = "n_amplifications",
    title: str = "Amplification between countries",
) -> go.Figure:
    """Annotated heatmap of ``value`` by ``row`` (who amplifies, y) and ``col`` (whose posts, x).

    Defaults draw the amplification ``country_matrix``; pass ``row="amplifier_type",
    col="amplified_type"`` for the ``group_matrix``. Cells with no amplification show 0.
    """
    if matrix.empty:
        return _empty(title, "no amplification between tracked actors")
    z = matrix.pivot_table(index=row, columns=col, values=value, aggfunc="sum", fill_value=0)
    rows = z.sum(axis=1).sort_values(ascending=False).index
    cols = z.sum(axis=0).sort_values(ascending=False).index
    z = z.loc[rows, cols]
    fig = go.Figure(go.Heatmap(
        z=z.values, x=[_esc(c) for c in cols], y=[_esc(r) for r in rows], text=z.values,
        texttemplate="%{text}", colorscale="Blues", showscale=True,
        hovertemplate="%{y} → %{x}: %{z}<extra></extra>",
    ))
    fig.update_xaxes(title_text=f"{col.replace('_', ' ')} (whose posts)", type="category", side="top")
    fig.update_yaxes(title_text=f"{row.replace('_', ' ')} (who amplifies)", type="category",
                     autorange="reversed")
    height = max(260, 60 + 34 * len(rows))
    return _layout(fig, title, height)


def top_posts_chart(top_posts: pd.DataFrame, *, title: str = "Most amplified posts") -> go.Figure:
    """Horizontal stacked bars: amplifying posts by kind for each of the ``top_posts`` (rank 1 on top).

    ``top_posts``: the amplification ``top_posts`` table. Bars are labelled "#rank @handle"; the hover
    label holds an escaped excerpt of the post text, never the title.
    """
    if top_posts.empty:
        return _empty(title, "no amplified posts")
    labels = [f"#{r} @{_esc(h, 30) or '?'}" for r, h in zip(top_posts["rank"], top_posts["handle"], strict=False)]
    hover = [f"{lab} ({_esc(c) or 'untracked'})<br>{n} amplifying accounts<br>{_esc(t, 140)}"
             for lab, c, n, t in zip(labels, top_posts["country"], top_posts["n_amplifiers"],
                                     top_posts["text"], strict=False)]
    fig = go.Figure()
    for kind, column in (("repost", "n_reposts"), ("quote", "n_quotes"), ("reply", "n_replies")):
        fig.add_bar(y=labels, x=top_posts[column], name=kind, orientation="h",
                    marker_color=_KIND_COLOURS[kind], customdata=hover,
                    hovertemplate="%{customdata}<br>" + kind + "s: %{x}<extra></extra>")
    fig.update_layout(barmode="stack", legend_title_text="kind")
    fig.update_xaxes(title_text="amplifying posts")
    fig.update_yaxes(type="category", autorange="reversed")
    return _layout(fig, title, max(260, 80 + 26 * len(labels)))
