"""The main job: ingest files, load the actor registry, run every analysis, write the outputs.

This is what ``ioscope analyze`` and ``ioscope demo`` call; notebooks can call it too::

    from ioscope.pipeline import analyze
    outcome = analyze(["tweets.jsonl"], db="ioscope.duckdb", actors="actors.csv", out="out/")
    outcome.results[0].tables["daily_volume"]   # a pandas DataFrame
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from pathlib import Path

from ioscope.actors import read_actors_csv
from ioscope.analyses import default_analyses
from ioscope.analyses.base import Analysis, Result
from ioscope.errors import ConfigError
from ioscope.ingest import IngestReport, ProgressFn, ingest, ingest_rows  # noqa: F401  (re-exported)
from ioscope.outputs import write_outputs
from ioscope.sources.base import SourceOptions
from ioscope.store import Store

if TYPE_CHECKING:
    from ioscope.engines.base import StoreLike

log = logging.getLogger(__name__)
"""Progress of the main job (``<analysis>: running`` / ``<analysis>: done in N s``, level INFO); the
command line prints it, a notebook can show it with ``logging.basicConfig(level=logging.INFO)``."""


@dataclass
class Outcome:
    """What :func:`analyze` did: the ingest report (None when nothing was ingested), the analysis
    results, the output paths (``report``, ``tables``, ``graphs``) and the store's row counts."""

    ingest: IngestReport | None
    results: list[Result]
    outputs: dict[str, object] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def run_analyses(store: StoreLike, analyses: Sequence[Analysis] | None = None) -> list[Result]:
    """Run ``analyses`` (default: every registered analysis with default parameters) on ``store``, in
    order. On a writable store each result table is also saved in the store as
    ``<analysis>_<table>`` (e.g. ``coordination_cluster_members``), so that later analyses (claims
    reads coordination clusters, shifts reads narrative assignments), the dashboard and any DuckDB
    client can use it (a :class:`ioscope.engines.spark.SparkStore` keeps them as driver tables for
    its lifetime)."""
    results = []
    for analysis in analyses if analyses is not None else default_analyses():
        log.info("%s: running", analysis.name)
        started = time.perf_counter()
        result = analysis.run(store)
        log.info("%s: done in %.1f s", analysis.name, time.perf_counter() - started)
        if not store.read_only:
            save_results(store, result)
        results.append(result)
    return results


def save_results(store: Store, result: Result) -> None:
    """Save every table of ``result`` in ``store`` as ``<analysis>_<table>`` (see :func:`run_analyses`)."""
    for name, frame in result.tables.items():
        store.save_result_table(f"{result.name}_{name}", frame)


def store_summary(store: Store) -> dict:
    """Headline facts about a store: row counts (see :meth:`Store.counts`), the first and last post
    time (UTC) of collected posts, the database path, and ``assumed_zones`` (zone -> posts whose time
    had no zone and was read in it; :func:`ioscope.ingest.assumed_zones`; DuckDB stores only)."""
    counts = store.counts()
    first, last = store.con.execute(
        "SELECT min(created_at), max(created_at) FROM posts WHERE collected"
    ).fetchall()[0]
    summary = dict(counts, first_post_at=first, last_post_at=last, db=str(store.path))
    if isinstance(store, Store):  # DuckDB SQL (unnest/list_contains); a Spark store has no such query
        from ioscope.ingest import assumed_zones

        summary["assumed_zones"] = assumed_zones(store)
    return summary


def analyze(
    paths: Iterable[str | Path],
    *,
    db: str | Path,
    out: str | Path,
    actors: str | Path | None = None,
    format: str | None = None,
    options: SourceOptions | None = None,
    strict: bool = False,
    title: str = "ioscope report",
    progress: ProgressFn | None = None,
    params: dict[str, dict] | None = None,
    domain_lists: Sequence[tuple[str | Path, str]] = (),
    claims: Sequence[str | Path] = (),
    engine: str = "duckdb",
    dataset: str | Path | None = None,
    master: str = "local[*]",
    conf: Mapping[str, str] | None = None,
) -> Outcome:
    """Ingest ``paths`` into the store ``db``, load ``actors`` (replacing the registry) if given, run
    all analyses and write ``out/report.html``, ``out/tables/*.parquet`` and ``out/graphs/*.gexf``.
    ``params``: per-analysis keyword parameters (analysis name -> dict), e.g.
    ``{"shifts": {"events": "events.csv"}}``; the rest run with their defaults. ``domain_lists``:
    (file, format) pairs imported before the analyses (see :func:`ioscope.domain_lists.import_domain_list`);
    ``claims``: fact-check files imported before the analyses (see :func:`ioscope.claims.import_claims`).

    ``engine``: ``duckdb`` (default: the analyses run on the store) or ``spark``: the store (with its
    actors, domain lists and claims) is written as the Parquet dataset ``dataset`` (required;
    replaced if present, see :func:`ioscope.engines.write_parquet`) and the analyses run on Spark
    over it (:func:`ioscope.engines.report_parquet`; ``master``, ``conf`` as there), giving the same
    tables and report numbers (docs/scale.md).

    Raises the errors of :func:`ioscope.ingest.ingest` and :func:`ioscope.actors.read_actors_csv`;
    ConfigError for an unknown engine, or ``spark`` without ``dataset``, pyspark or Java.
    """
    from ioscope.engines import ENGINES

    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    if engine != "duckdb" and dataset is None:
        raise ConfigError(f"engine {engine!r} runs on a Parquet dataset: pass dataset=DIR")
    paths = list(paths)
    actor_rows = read_actors_csv(actors) if actors else None  # fail on a bad registry before ingesting
    with Store(db) as store:
        report = ingest(store, paths, format=format, options=options, strict=strict,
                        progress=progress) if paths else None
        if actor_rows is not None:
            store.set_actors(actor_rows)
        for list_path, list_format in domain_lists:
            from ioscope.domain_lists import import_domain_list

            import_domain_list(store, list_path, list_format)
        if claims:
            from ioscope.claims import import_claims

            import_claims(store, claims)
        if engine == "duckdb":
            return report_store(store, out, title=title, ingest_report=report, params=params)
        from ioscope.engines import write_parquet

        write_parquet(store, dataset, overwrite=True)
    from ioscope.engines import report_parquet

    return report_parquet(dataset, out, engine=engine, master=master, conf=conf, title=title,
                          params=params, ingest_report=report)


def report_store(store: StoreLike, out: str | Path, *, title: str = "ioscope report",
                 ingest_report: IngestReport | None = None,
                 params: dict[str, dict] | None = None) -> Outcome:
    """Run all analyses on an open store (a DuckDB :class:`Store` or any
    :class:`ioscope.engines.base.StoreLike`, e.g. a Spark store) and write the outputs to ``out``
    (see :func:`analyze`)."""
    results = run_analyses(store, default_analyses(params))
    summary = store_summary(store)
    outputs = write_outputs(results, Path(out), title=title, store_summary=summary,
                            ingest_summary=ingest_rows(ingest_report))
    return Outcome(ingest=ingest_report, results=results, outputs=outputs, counts=store.counts())


def run_one(db: str | Path, name: str, out: str | Path | None = None, *,
            title: str | None = None, **params) -> Result:
    """Run the analysis ``name`` with keyword ``params`` on the store ``db`` and, when ``out`` is
    given, write its report section, tables and graphs there (``out/report.html`` holds only it).

    Raises ConfigError for an unknown analysis or parameter, AnalysisError when it cannot run.
    """
    from ioscope.analyses import get

    analysis = get(name, **params)
    with Store(db, create=False) as store:
        result = analysis.run(store)
        save_results(store, result)
        if out is not None:
            write_outputs([result], Path(out), title=title or f"ioscope {name}",
                          store_summary=store_summary(store))
    return result
