"""Charts of the shifts analysis: counts over time with change points and the analyst's events.

Every chart says its time zone and bucket size in its title and on its time axis. Events are grey
dotted vertical lines labelled at the top of the chart; significant change points are red dashed
vertical lines, and the fitted level (mean between change points) is drawn as a step line. All data
strings (labels, dimension values) go through :func:`ioscope.outputs.charts._esc`.

``CHARTS`` maps a table of the ``shifts`` result to its chart function (found by the report through
:func:`ioscope.outputs.report.charts_for`).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ioscope.outputs.charts import _empty, _esc, _layout

MAX_PANELS = 12
"""Series drawn per chart (the largest by total); the rest are in the tables."""

_EVENT = dict(color="#7f7f7f", width=1, dash="dot")
_CP = dict(color="#d62728", width=2, dash="dash")
_COLOURS = {"overt": "#1f77b4", "covert": "#d62728", "untracked": "#7f7f7f"}


def _zone_bucket(df: pd.DataFrame) -> tuple[str, str]:
    zone = str(df["zone"].iloc[0]) if "zone" in df.columns and len(df) else "UTC"
    bucket = str(df["bucket"].iloc[0]) if "bucket" in df.columns and len(df) else "day"
    return zone, bucket


def _vline(fig: go.Figure, x: pd.Timestamp, row: int, line: dict) -> None:
    fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="y domain", line=line, row=row, col=1)


def _events(df: pd.DataFrame) -> list[tuple[pd.Timestamp, str]]:
    if "event_label" not in df.columns:
        return []
    ev = df.dropna(subset=["event_label"]).drop_duplicates("bucket_start")
    return [(pd.Timestamp(t), str(lab)) for t, lab in zip(ev["bucket_start"], ev["event_label"],
                                                          strict=True)]


def _mark_events(fig: go.Figure, events: list[tuple[pd.Timestamp, str]], n_rows: int) -> None:
    for i, (t, label) in enumerate(events):
        for row in range(1, n_rows + 1):
            _vline(fig, t, row, _EVENT)
        fig.add_annotation(x=t, y=1.0, yref="paper", yanchor="bottom", xanchor="left", showarrow=False,
                           text=_esc(label, 40), textangle=-30, font=dict(size=10, color="#555"),
                           yshift=4 + 14 * (i % 3))


def _frame(n: int, title: str, subtitles: list[str], zone: str, bucket: str) -> go.Figure:
    fig = make_subplots(rows=n, cols=1, shared_xaxes=True, vertical_spacing=min(0.08, 0.3 / max(n, 1)),
                        subplot_titles=subtitles)
    height = 200 + 180 * n
    _layout(fig, title, height)
    plot_h = height - 150 - 110
    fig.update_layout(margin=dict(l=60, r=20, t=150, b=110),
                      legend=dict(orientation="h", x=0, y=-75 / plot_h, yanchor="top"))
    fig.update_xaxes(type="date")
    fig.update_xaxes(title_text=f"{bucket} start ({zone})", row=n, col=1)
    return fig


def series_chart(series: pd.DataFrame) -> go.Figure:
    """Posts per bucket for each series (largest :data:`MAX_PANELS`), with the fitted level, the
    significant change points and the events. ``series``: the shifts ``series`` table."""
    zone, bucket = _zone_bucket(series)
    title = f"Posts per {bucket} ({zone}): change points (red dashed) and events (grey dotted)"
    if series.empty:
        return _empty(title)
    totals = series.groupby("series_id", sort=False)["n_posts"].sum().sort_values(ascending=False)
    ids = list(totals.index[:MAX_PANELS])
    fig = _frame(len(ids), title, [_esc(s, 90) for s in ids], zone, bucket)
    for row, sid in enumerate(ids, start=1):
        g = series[series["series_id"] == sid]
        fig.add_scatter(x=g["bucket_start"], y=g["n_posts"], mode="lines", line=dict(color="#1f77b4"),
                        name=f"posts per {bucket}", legendgroup="n", showlegend=row == 1,
                        hovertemplate=f"%{{x}} ({_esc(zone)}): %{{y}} posts<extra></extra>",
                        row=row, col=1)
        fig.add_scatter(x=g["bucket_start"], y=g["level"], mode="lines", line=dict(color="#ff7f0e",
                        shape="hv"), name="level between change points", legendgroup="l",
                        showlegend=row == 1, hoverinfo="skip", row=row, col=1)
        for t in g.loc[g["change_point"].astype(bool), "bucket_start"]:
            _vline(fig, t, row, _CP)
        fig.update_yaxes(title_text=f"posts / {bucket}", row=row, col=1)
    _mark_events(fig, _events(series), len(ids))
    return fig


def tactic_chart(tactic_series: pd.DataFrame) -> go.Figure:
    """Overt vs covert/suspected posts per bucket for each topic (and country), with change points
    of each side and the events. ``tactic_series``: the shifts ``tactic_series`` table."""
    zone, bucket = _zone_bucket(tactic_series)
    title = f"Tactic shift: overt vs covert/suspected posts per {bucket} ({zone})"
    if tactic_series.empty:
        return _empty(title)
    dims = [c for c in tactic_series.columns if c in ("country", "platform")] + ["topic"]
    df = tactic_series.copy()
    df["_panel"] = [" · ".join(_esc(v) if pd.notna(v) else "none" for v in r)
                    for r in df[dims].itertuples(index=False, name=None)]
    totals = (df["n_overt"] + df["n_covert"]).groupby(df["_panel"], sort=False).sum()
    panels = list(totals.sort_values(ascending=False).index[:MAX_PANELS])
    fig = _frame(len(panels), title, panels, zone, bucket)
    for row, panel in enumerate(panels, start=1):
        g = df[df["_panel"] == panel]
        for side in ("overt", "covert"):
            fig.add_scatter(x=g["bucket_start"], y=g[f"n_{side}"], mode="lines",
                            line=dict(color=_COLOURS[side]), name=f"{side} posts per {bucket}",
                            legendgroup=side, showlegend=row == 1,
                            hovertemplate=f"%{{x}} ({_esc(zone)}): %{{y}} {side}<extra></extra>",
                            row=row, col=1)
            for t in g.loc[g[f"{side}_change"].astype(bool), "bucket_start"]:
                _vline(fig, t, row, dict(_CP, color=_COLOURS[side]))
        fig.update_yaxes(title_text=f"posts / {bucket}", row=row, col=1)
    _mark_events(fig, _events(df), len(panels))
    return fig


def ratios_chart(ratios: pd.DataFrame) -> go.Figure:
    """Shares over time (covert share, low-credibility share of links), one line per series and ratio
    (largest denominators first). ``ratios``: the shifts ``ratios`` table."""
    zone, bucket = _zone_bucket(ratios)
    title = f"Shares per {bucket} ({zone})"
    if ratios.empty:
        return _empty(title)
    key = ratios["ratio"].astype(str) + ": " + ratios["series_id"].astype(str)
    order = ratios.groupby(key, sort=False)["denominator"].sum().sort_values(ascending=False)
    fig = _frame(1, title, [""], zone, bucket)
    _layout(fig, title, 420)
    fig.update_layout(margin=dict(l=60, r=20, t=150, b=50))
    for k in order.index[:MAX_PANELS]:
        g = ratios[key == k]
        fig.add_scatter(x=g["bucket_start"], y=g["share"], mode="lines", name=_esc(k, 60),
                        customdata=g[["numerator", "denominator"]].to_numpy(),
                        hovertemplate=f"%{{x}} ({_esc(zone)}): %{{y:.2f}} "
                                      "(%{customdata[0]} of %{customdata[1]})<extra></extra>",
                        row=1, col=1)
    fig.update_yaxes(title_text="share", range=[0, 1], row=1, col=1)
    _mark_events(fig, _events(ratios), 1)
    return fig


CHARTS: dict[str, Callable[[pd.DataFrame], go.Figure]] = {
    "series": series_chart,
    "tactic_series": tactic_chart,
    "ratios": ratios_chart,
}
"""Table of the shifts result -> its chart."""
