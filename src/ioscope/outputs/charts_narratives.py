"""Charts of the narratives analysis (picked up by the report as ``CHARTS``).

Labels from data (narrative ids and names, countries) are escaped with :func:`html.escape` before
they reach plotly (see :mod:`ioscope.outputs.charts`); no post text is drawn.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ioscope.outputs.charts import _empty, _esc, _layout


def narrative_volume_chart(volume: pd.DataFrame, *, title: str = "Narrative posts per day") -> go.Figure:
    """Lines of posts per UTC day, one per narrative (catalog narratives, else the 8 largest
    discovered ones), overt and covert/untracked summed.

    ``volume``: the ``narrative_volume`` table (source, narrative_id, day, ..., n_posts). x = day
    (UTC), y = posts per day. Returns a Figure ("no data" when empty).
    """
    if volume.empty:
        return _empty(title)
    src = "catalog" if (volume["source"] == "catalog").any() else "discovered"
    v = volume[volume["source"] == src]
    per = v.groupby(["narrative_id", "day"], as_index=False)["n_posts"].sum()
    top = per.groupby("narrative_id")["n_posts"].sum().sort_values(ascending=False).head(8).index
    fig = go.Figure()
    for nid in top:
        g = per[per["narrative_id"] == nid].sort_values("day")
        label = _esc(nid)
        fig.add_scatter(x=pd.to_datetime(g["day"]), y=g["n_posts"], mode="lines", name=label,
                        customdata=[label] * len(g),
                        hovertemplate="%{customdata}<br>%{x|%Y-%m-%d}: %{y} posts<extra></extra>")
    fig.update_xaxes(title_text="day (UTC)", type="date")
    fig.update_yaxes(title_text="posts per day (UTC)")
    return _layout(fig, f"{title} ({src})", 380)


def first_movers_chart(first_movers: pd.DataFrame, *, title: str = "Who posted first") -> go.Figure:
    """Horizontal bars: lag (hours after the narrative's first post) of each actor group's first
    post, per catalog narrative (or the 5 largest discovered ones). Returns a Figure."""
    if first_movers.empty:
        return _empty(title)
    src = "catalog" if (first_movers["source"] == "catalog").any() else "discovered"
    fm = first_movers[(first_movers["source"] == src)]
    keep = fm.groupby("narrative_id")["n_posts"].sum().sort_values(ascending=False).head(5).index
    fig = go.Figure()
    for nid in keep:
        g = fm[fm["narrative_id"] == nid].sort_values("rank").head(10)
        fig.add_bar(y=[_esc(x) for x in g["actor_group"]], x=g["lag_s"] / 3600.0, orientation="h",
                    name=_esc(nid), customdata=[_esc(nid)] * len(g),
                    hovertemplate="%{customdata}: %{y} +%{x:.1f} h<extra></extra>")
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text="hours after the narrative's first post")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, f"{title} ({src})", 380)


CHARTS = {"narrative_volume": narrative_volume_chart, "first_movers": first_movers_chart}
