"""Exports of results: every table as Parquet, every graph as GEXF (for Gephi and networkx).

File names are stable across versions and documented, with every column, in docs/outputs.md:
``<analysis>_<table>.parquet`` and ``<analysis>_<graph>.gexf``.

Parquet types: strings as ``string``, counts as ``int64``, seconds as ``double``, times as
``timestamp[us, tz=UTC]``, days as ``date32``, lists as ``list<string>``. Each file carries key-value
metadata ``ioscope.analysis``, ``ioscope.table``, ``ioscope.params`` (JSON) and ``ioscope.version``.

An analysis can pin a column's Parquet type with ``df.attrs["arrow_types"] = {column: pyarrow type}``
(see :data:`ARROW_TYPES_ATTR`), so that an empty or all-NULL column keeps its documented type.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ioscope._version import __version__
from ioscope.analyses.base import Result

ARROW_TYPES_ATTR = "arrow_types"
"""DataFrame ``attrs`` key: a dict column -> pyarrow type that the Parquet export casts to."""

LIST_SEPARATOR = "; "
"""How list attributes are joined in GEXF (GEXF has no list type that Gephi and networkx share)."""


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name).lstrip(".") or "_"


def write_tables(results: Iterable[Result], dir: Path) -> list[Path]:
    """Write every table of every result as ``dir/<analysis>_<table>.parquet`` and return the paths.

    Creates ``dir``. List columns stay lists (``list<string>``); times become ``timestamp[us, UTC]``
    (naive times are taken as UTC); columns that hold only NULLs are typed ``string``. Raises OSError.
    """
    out = Path(dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for result in results:
        for name, df in result.tables.items():
            path = out / f"{_safe_name(result.name)}_{_safe_name(name)}.parquet"
            table = to_arrow(df)
            meta = dict(table.schema.metadata or {})
            meta.update({
                b"ioscope.analysis": result.name.encode(),
                b"ioscope.table": name.encode(),
                b"ioscope.params": json.dumps(result.params, default=str).encode(),
                b"ioscope.version": __version__.encode(),
            })
            pq.write_table(table.replace_schema_metadata(meta), path)
            paths.append(path)
    return paths


def to_arrow(df: pd.DataFrame) -> pa.Table:
    """``df`` as a pyarrow Table with the export types of this module (see the module docstring)."""
    pinned = dict(df.attrs.get(ARROW_TYPES_ATTR) or {})
    df = df.reset_index(drop=True)
    df.attrs = {}  # pyarrow would try to store attrs as JSON in the pandas metadata
    table = pa.Table.from_pandas(df, preserve_index=False)
    fields = [pa.field(f.name, pinned.get(f.name) or _export_type(f.type)) for f in table.schema]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def _export_type(t: pa.DataType) -> pa.DataType:
    if pa.types.is_null(t) or pa.types.is_large_string(t):
        return pa.string()
    if pa.types.is_timestamp(t):
        return pa.timestamp("us", tz="UTC")
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return pa.list_(_export_type(t.value_type))
    return t


def write_graphs(results: Iterable[Result], dir: Path) -> list[Path]:
    """Write every graph of every result as ``dir/<analysis>_<graph>.gexf`` (GEXF 1.2) and return the
    paths. Creates ``dir``. Attributes are sanitised first (see :func:`sanitise_graph`) so that Gephi
    and ``networkx.read_gexf`` read the files back. Raises OSError."""
    out = Path(dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for result in results:
        for name, graph in result.graphs.items():
            path = out / f"{_safe_name(result.name)}_{_safe_name(name)}.gexf"
            nx.write_gexf(sanitise_graph(graph), path)
            paths.append(path)
    return paths


def sanitise_graph(graph: nx.Graph) -> nx.Graph:
    """A copy of ``graph`` that GEXF can hold: node IDs as strings; attribute values as bool, int,
    float or str (None -> "", lists joined with ``"; "``, times as ISO 8601, anything else str()).
    An attribute whose values mix types across nodes (or edges) is written as str everywhere, so that
    its declared GEXF type matches every value."""
    out = graph.__class__()
    out.graph.update({k: _value(v) for k, v in graph.graph.items()})
    nodes = [(str(n), {k: _value(v) for k, v in d.items()}) for n, d in graph.nodes(data=True)]
    edges = [(str(a), str(b), {k: _value(v) for k, v in d.items()})
             for a, b, d in graph.edges(data=True)]
    _unify([d for _, d in nodes])
    _unify([d for _, _, d in edges])
    out.add_nodes_from(nodes)
    out.add_edges_from(edges)
    return out


def _value(v: Any) -> bool | int | float | str:
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return "" if math.isnan(v) else float(v)
    if isinstance(v, (list, tuple, set, frozenset, np.ndarray)):
        return LIST_SEPARATOR.join(str(_value(x)) for x in v)
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
        return v.isoformat()
    if isinstance(v, dict):
        return json.dumps(v, default=str, ensure_ascii=False)
    return str(v)


def _unify(attrs: list[dict[str, Any]]) -> None:
    """In place: make each attribute key hold one type across ``attrs`` (int+float -> float; other
    mixes -> str)."""
    types: dict[str, set[type]] = {}
    for d in attrs:
        for k, v in d.items():
            types.setdefault(k, set()).add(type(v))
    for k, ts in types.items():
        if len(ts) <= 1:
            continue
        cast = float if ts <= {int, float} else str
        for d in attrs:
            if k in d:
                d[k] = cast(d[k])
