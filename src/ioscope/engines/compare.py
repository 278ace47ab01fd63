"""Compare result tables from two engines: same columns, same dtypes, same rows (in any order), floats
within a tolerance. Used by the parity tests, and by analysts checking a cluster run against DuckDB.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd


def _norm(value: Any, sort_list: bool) -> Any:
    """A hashable, comparable form of one cell (lists -> tuples, missing -> None)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        items = tuple(_norm(v, sort_list) for v in value)
        return tuple(sorted(items, key=repr)) if sort_list else items
    if isinstance(value, dict):
        return tuple(sorted((k, _norm(v, sort_list)) for k, v in value.items()))
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


_UTC_ALIASES = ("Etc/UTC", "Etc/Universal", "Etc/Zulu", "Etc/UCT", "Universal", "Zulu", "UCT")


def dtype_name(dtype: Any) -> str:
    """A column dtype as text, with every alias of UTC spelled ``UTC`` (``datetime64[us, Etc/UTC]``
    and ``datetime64[us, UTC]`` are the same type: DuckDB names the zone of a fresh cursor after the
    machine's default, ``Etc/UTC`` on most servers)."""
    text = str(dtype)
    for alias in _UTC_ALIASES:
        text = text.replace(f", {alias}]", ", UTC]")
    return text


def summary_diff(left: dict, right: dict, *, ignore_timings: bool = True) -> list[str]:
    """Differences between two result summaries, as sentences (empty: the same). With
    ``ignore_timings`` keys naming a duration (``seconds*``, ``*_seconds``, ``*_s``) are left out:
    they measure the run, not the data."""
    def timing(key: str) -> bool:
        return ignore_timings and (key.startswith("seconds") or key.endswith(("_seconds", "_s")))

    keys = [k for k in dict.fromkeys([*left, *right]) if not timing(k)]
    return [f"summary {k}: {left.get(k, '(absent)')!r} != {right.get(k, '(absent)')!r}"
            for k in keys if left.get(k, "(absent)") != right.get(k, "(absent)")]


def _key(row: tuple) -> tuple:
    # Sort key robust to float noise: floats rounded, None first, mixed types by their repr.
    out = []
    for v in row:
        if isinstance(v, float):
            v = float(f"{v:.6g}")
        out.append((v is not None, repr(type(v)), v if isinstance(v, (int, float, str)) else repr(v)))
    return tuple(out)


def _close(a: Any, b: Any, rel: float, abs_: float) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is None and b is None
        return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_close(x, y, rel, abs_) for x, y in zip(a, b, strict=True))
    return a == b


def table_diff(left: pd.DataFrame, right: pd.DataFrame, *, rel_tol: float = 1e-9,
               abs_tol: float = 1e-9, unordered_lists: Iterable[str] = (), check_dtypes: bool = True,
               max_rows: int = 5) -> list[str]:
    """Differences between two tables, as sentences (empty list: the tables are the same).

    Same column names in the same order, same dtypes (``check_dtypes``; UTC aliases are one zone, see
    :func:`dtype_name`), same number of rows and the
    same multiset of rows: rows are sorted before comparing, floats are equal within ``rel_tol`` /
    ``abs_tol``, NaN/None/NA/NaT are one missing value, lists compare element-wise in order except in
    the columns named in ``unordered_lists`` (compared as sorted lists). At most ``max_rows``
    differing rows are named.
    """
    diffs: list[str] = []
    if list(left.columns) != list(right.columns):
        return [f"columns differ: {list(left.columns)} != {list(right.columns)}"]
    if check_dtypes:
        for c in left.columns:
            if dtype_name(left[c].dtype) != dtype_name(right[c].dtype):
                diffs.append(f"column {c}: dtype {left[c].dtype} != {right[c].dtype}")
    if len(left) != len(right):
        return diffs + [f"row counts differ: {len(left)} != {len(right)}"]
    unordered = set(unordered_lists)

    def rows(df: pd.DataFrame) -> list[tuple]:
        cols = [[_norm(v, c in unordered) for v in df[c].tolist()] for c in df.columns]
        return sorted(zip(*cols, strict=True), key=_key) if cols else []

    bad = 0
    for a, b in zip(rows(left), rows(right), strict=True):
        if not all(_close(x, y, rel_tol, abs_tol) for x, y in zip(a, b, strict=True)):
            bad += 1
            if bad <= max_rows:
                cols = [c for c, x, y in zip(left.columns, a, b, strict=True)
                        if not _close(x, y, rel_tol, abs_tol)]
                diffs.append(f"row differs in {cols}: {a} != {b}")
    if bad > max_rows:
        diffs.append(f"... {bad} rows differ in all")
    return diffs
