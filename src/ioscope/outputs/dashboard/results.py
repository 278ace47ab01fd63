"""Results of the analyses the dashboard shows but does not compute itself in SQL.

Pages for coordination, narratives, claims, domains and shifts read an analysis's result tables,
looking in this order:

1. the store: tables named ``<analysis>_<table>`` (e.g. ``coordination_edges``: the names of the
   Parquet exports);
2. ``results_dir``: the exports of ``ioscope analyze --out DIR`` (``DIR/tables/<analysis>_<table>
   .parquet``; by default the ``report`` folder beside the store, where ``ioscope demo`` writes;
   the run's parameters are read back from the files' ``ioscope.params`` metadata);
3. a run of the analysis on the read-only store with default parameters, only for names in
   ``run_on_demand`` (default: :data:`RUN_ON_DEMAND`, analyses measured to take seconds on the
   demo; others, like narratives with embeddings, can take many minutes and are not run from a
   web request). The class is the one registered in :data:`ioscope.analyses.ANALYSES`, else an
   :class:`~ioscope.analyses.base.Analysis` subclass with that ``name`` in module
   ``ioscope.analyses.<analysis>``;
4. nothing: :meth:`Results.get` returns None and the page says "not computed yet".

Results are kept in memory for the life of the server; runs are serialised by a lock. A run that
raises (AnalysisError, or anything else: the traceback goes to the log) is remembered as failed
with its message, so the page shows the reason instead of re-running it on every request.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import logging
import re
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ioscope.analyses.base import Analysis, Result
from ioscope.errors import IoscopeError
from ioscope.store import Store

log = logging.getLogger(__name__)

RUN_ON_DEMAND = ("coordination",)
"""Analyses the dashboard runs itself when no stored result exists (about 2 s on the demo)."""


@dataclass
class Loaded:
    """What :meth:`Results.get` found: ``tables`` (name -> DataFrame), ``summary``, ``notes``,
    ``params``, ``source`` (where it came from, in words), ``error`` (a message when a run failed)."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    summary: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)
    source: str = ""
    error: str | None = None


def analysis_class(name: str) -> type[Analysis] | None:
    """The Analysis class called ``name``: the registered one, else one found in module
    ``ioscope.analyses.<name>``; None when there is none (or the name is not ``[a-z0-9_]+``)."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        return None
    from ioscope.analyses import ANALYSES

    if name in ANALYSES:
        return ANALYSES[name]
    try:
        module = importlib.import_module(f"ioscope.analyses.{name}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith(f"ioscope.analyses.{name}"):
            return None
        raise
    for obj in vars(module).values():
        if (inspect.isclass(obj) and issubclass(obj, Analysis) and not inspect.isabstract(obj)
                and getattr(obj, "name", None) == name):
            return obj
    return None


def default_results_dir(db_path: str | Path) -> Path | None:
    """``<db folder>/report`` when it holds ``tables/`` (the layout ``ioscope demo`` writes)."""
    cand = Path(db_path).resolve().parent / "report"
    return cand if (cand / "tables").is_dir() else None


class Results:
    """Result tables per analysis name for one read-only store (see the module docstring)."""

    def __init__(self, store: Store, *, results_dir: str | Path | None = None,
                 run_on_demand: Collection[str] = RUN_ON_DEMAND):
        self.store = store
        self.results_dir = Path(results_dir) if results_dir else None
        self.run_on_demand = frozenset(run_on_demand)
        self._cache: dict[str, Loaded | None] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Loaded | None:
        """The result of analysis ``name``, or None when neither stored, exported nor runnable."""
        with self._lock:
            if name not in self._cache:
                self._cache[name] = self._load(name)
            return self._cache[name]

    def _load(self, name: str) -> Loaded | None:
        prefix = f"{name}_"
        con = self.store.con
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "ORDER BY table_name").fetchall()]
        stored = {t[len(prefix):]: con.execute(f'SELECT * FROM "{t}"').df()
                  for t in names if t.startswith(prefix) and re.fullmatch(r"[a-z0-9_]+", t)}
        if stored:
            return Loaded(tables=stored, source="tables stored in the store")
        exported = self._exported(name)
        if exported is not None:
            return exported
        if name not in self.run_on_demand:
            return None
        cls = analysis_class(name)
        if cls is None:
            return None
        started = time.perf_counter()
        try:
            result: Result = cls().run(self.store)
        except IoscopeError as exc:
            return Loaded(error=str(exc))
        except Exception as exc:  # an analysis still being written may fail in any way: show it
            log.exception("dashboard: analysis %s failed", name)
            return Loaded(error=f"{type(exc).__name__}: {exc}".splitlines()[0])
        log.info("dashboard: ran %s in %.1f s", name, time.perf_counter() - started)
        return Loaded(tables=result.tables, summary=result.summary, notes=result.notes,
                      params=result.params, source="computed by the dashboard when first shown")

    def _exported(self, name: str) -> Loaded | None:
        if self.results_dir is None:
            return None
        folder = self.results_dir / "tables"
        if not folder.is_dir():
            folder = self.results_dir
        files = sorted(folder.glob(f"{name}_*.parquet"))
        if not files:
            return None
        tables = {p.stem[len(name) + 1:]: pd.read_parquet(p) for p in files}
        when = dt.datetime.fromtimestamp(max(p.stat().st_mtime for p in files), dt.timezone.utc)
        return Loaded(tables=tables, params=_exported_params(files),
                      source=f"exported tables in {folder} (written {when:%Y-%m-%d %H:%M} UTC)")


def _exported_params(files: list[Path]) -> dict:
    """The run's parameters from the ``ioscope.params`` metadata (JSON) of the first exported file
    that has it (see :mod:`ioscope.outputs.exports`); {} when none has readable ones."""
    import pyarrow.parquet as pq

    for path in files:
        try:
            meta = pq.read_schema(path).metadata or {}
            params = json.loads(meta[b"ioscope.params"]) if b"ioscope.params" in meta else None
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if isinstance(params, dict):
            return params
    return {}
