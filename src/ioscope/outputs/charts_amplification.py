"""Extra amplification charts (the report picks up :data:`CHARTS`; the built-in ones stay in
:mod:`ioscope.outputs.charts`). Data strings are escaped by the shared helpers."""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go

from ioscope.outputs.charts import _empty, _esc, _layout, matrix_chart


def baseline_chart(table: pd.DataFrame) -> go.Figure:
    """Heatmap of observed / expected amplification between countries (``country_baseline``);
    cells marked excess carry a ``*``. Amplifier rows include ``(untracked)`` for comparison."""
    title = "Amplification between countries: observed / expected (* = excess)"
    if table.empty:
        return _empty(title, "no amplification between tracked actors")
    df = table.assign(ratio=table["ratio"].fillna(0.0))
    z = df.pivot_table(index="amplifier_country", columns="amplified_country", values="ratio",
                       aggfunc="sum", fill_value=0.0)
    ex = df.pivot_table(index="amplifier_country", columns="amplified_country", values="excess",
                        aggfunc="max", fill_value=False)
    n = df.pivot_table(index="amplifier_country", columns="amplified_country", values="n_amplifications",
                       aggfunc="sum", fill_value=0)
    text = [[f"{z.iloc[i, j]:.1f}{'*' if bool(ex.iloc[i, j]) else ''} ({int(n.iloc[i, j])})"
             for j in range(z.shape[1])] for i in range(z.shape[0])]
    fig = go.Figure(go.Heatmap(z=z.values, x=[_esc(c) for c in z.columns], y=[_esc(r) for r in z.index],
                               text=text, texttemplate="%{text}", colorscale="Reds", zmin=0,
                               hovertemplate="%{y} → %{x}: ratio %{z:.2f}<extra></extra>"))
    fig.update_xaxes(title_text="amplified country (whose posts)", type="category", side="top")
    fig.update_yaxes(title_text="amplifier country", type="category", autorange="reversed")
    return _layout(fig, title, max(260, 60 + 34 * len(z.index)))


CHARTS = {
    "country_baseline": baseline_chart,
    "overt_baseline": partial(matrix_chart, row="amplifier_overt", col="amplified_overt",
                              title="Amplification between overt and covert accounts"),
}
