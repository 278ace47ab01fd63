"""Outputs: render analysis results without knowing the analyses.

* :func:`write_outputs` — everything at once: ``report.html``, ``tables/*.parquet``, ``graphs/*.gexf``;
* :mod:`ioscope.outputs.report` — the self-contained HTML report;
* :mod:`ioscope.outputs.exports` — Parquet and GEXF files (documented in docs/outputs.md);
* :mod:`ioscope.outputs.charts` — plotly figures from result tables;
* :mod:`ioscope.outputs.links` — permalinks to posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ioscope.analyses.base import Result

__all__ = ["write_outputs"]


def write_outputs(
    results: Sequence[Result],
    out_dir: str | Path,
    *,
    title: str = "ioscope report",
    store_summary: dict | None = None,
    ingest_summary: list[dict] | None = None,
) -> dict[str, Path | list[Path]]:
    """Write ``out_dir/report.html``, ``out_dir/tables/<analysis>_<table>.parquet`` and
    ``out_dir/graphs/<analysis>_<graph>.gexf`` for ``results``; creates the folders.

    Returns ``{"report": Path, "tables": [Path, ...], "graphs": [Path, ...]}``. ``title``,
    ``store_summary`` and ``ingest_summary`` go to :func:`ioscope.outputs.report.render_report`.
    Raises OSError when a file cannot be written.
    """
    from ioscope.outputs.exports import write_graphs, write_tables
    from ioscope.outputs.report import render_report

    out = Path(out_dir)
    results = list(results)
    tables = write_tables(results, out / "tables")
    graphs = write_graphs(results, out / "graphs")
    report = render_report(results, out / "report.html", title=title, store_summary=store_summary,
                           ingest_summary=ingest_summary)
    return {"report": report, "tables": tables, "graphs": graphs}
