"""The analyst's events file, and before/after tests of every series around every event.

An events file is CSV or YAML.

* **CSV**: a header with ``date`` and ``label`` and optionally ``scope`` (order free, names
  case-insensitive), e.g. ``2020-03-26,Trump–Xi call: tentative truce,``.
* **YAML**: a list of mappings with keys ``date``, ``label`` and optionally ``scope``, or a mapping with
  one key ``events`` holding that list.

``date`` is an ISO date (``2020-03-26``: the start of that day in the analysis zone) or an ISO
date-time (``2020-03-26T14:00``, read in the analysis zone; ``2020-03-26T14:00+00:00`` with its own
offset). ``scope`` says which series an event's before/after test applies to: empty (all series), a
value matched against any dimension (``CN`` matches country CN), or ``key=value`` terms joined by ``;``
(``country=CN;overt=overt``). Events are drawn on every chart whatever their scope. Any other column or
key, a missing date or label, or an unreadable date is an error (ConfigError) naming the file and line.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ioscope.analyses.shifts.ratetest import rate_ratio_test
from ioscope.analyses.shifts.series import DIMENSIONS
from ioscope.errors import ConfigError, SourceError

EVENT_KEYS = ("date", "label", "scope")
EVENT_COLUMNS = ["event_date", "label", "scope", "source_line"]
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")


def _check_date(value: str, where: str) -> str:
    text = value.strip()
    try:
        ok = bool(_ISO.fullmatch(text)) and not pd.isna(pd.Timestamp(text))
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raise ConfigError(f"{where}: date {text!r} is not an ISO date (2020-03-26) or date-time")
    return text


def _row(raw: dict[str, Any], where: str) -> dict[str, Any]:
    if not str(raw.get("date") or "").strip():
        raise ConfigError(f"{where}: date is missing")
    if not str(raw.get("label") or "").strip():
        raise ConfigError(f"{where}: label is missing")
    return {"event_date": _check_date(str(raw["date"]), where), "label": str(raw["label"]).strip(),
            "scope": str(raw.get("scope") or "").strip()}


def _read_csv(path: Path, text: str) -> list[dict[str, Any]]:
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None:
        raise ConfigError(f"{path}:1: empty events file (need a header date,label[,scope])")
    cols = [h.strip().lower() for h in header]
    for c in cols:
        if c not in EVENT_KEYS:
            raise ConfigError(f"{path}:1: unknown column {c!r}; events columns are date, label, scope")
    rows = []
    for line_no, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(cols):
            raise ConfigError(f"{path}:{line_no}: {len(values)} fields, header has {len(cols)}")
        row = _row(dict(zip(cols, values, strict=False)), f"{path}:{line_no}")
        rows.append(dict(row, source_line=line_no))
    return rows


def _read_yaml(path: Path, text: str) -> list[dict[str, Any]]:
    try:
        import yaml
    except ImportError:
        raise ConfigError(f"{path}: reading YAML needs PyYAML: pip install pyyaml") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if node is None:
        return []
    if isinstance(node, yaml.MappingNode):
        keys = [k.value for k, _ in node.value]
        if keys != ["events"]:
            raise ConfigError(f"{path}:{node.start_mark.line + 1}: expected a list of events or a "
                              f"mapping with the one key 'events', found keys {keys}")
        node = node.value[0][1]
    if not isinstance(node, yaml.SequenceNode):
        raise ConfigError(f"{path}:{node.start_mark.line + 1}: expected a list of events")
    rows = []
    for item in node.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise ConfigError(f"{path}:{line}: an event must be a mapping with date, label, scope")
        raw: dict[str, Any] = {}
        for k, v in item.value:
            key = str(k.value).strip().lower()
            if key not in EVENT_KEYS:
                raise ConfigError(f"{path}:{k.start_mark.line + 1}: unknown key {k.value!r}; "
                                  "event keys are date, label, scope")
            if not isinstance(v, yaml.ScalarNode):
                raise ConfigError(f"{path}:{v.start_mark.line + 1}: {key} must be a single value")
            raw[key] = v.value
        rows.append(dict(_row(raw, f"{path}:{line}"), source_line=line))
    return rows


def read_events(path: str | Path) -> pd.DataFrame:
    """Read an events file (CSV, or YAML for ``.yaml``/``.yml``; see the module docstring).

    Returns a DataFrame (event_date: the date text as given, label, scope: "" when none, source_line),
    in file order. Raises SourceError when the file cannot be read, ConfigError (naming file and line)
    for an unknown column or key, a missing date or label or a bad date.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SourceError(path, f"cannot read events file: {exc.strerror or exc}") from exc
    rows = _read_yaml(path, text) if path.suffix.lower() in (".yaml", ".yml") else _read_csv(path, text)
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def events_frame(events: Any) -> pd.DataFrame:
    """Events from a path (str or Path) or a list of dicts with date, label[, scope]; None -> empty.
    Raises ConfigError as :func:`read_events` (list items are named ``events[i]``)."""
    if events is None:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    if isinstance(events, (str, Path)):
        return read_events(events)
    if isinstance(events, (list, tuple)):
        rows = []
        for i, raw in enumerate(events):
            if not isinstance(raw, dict):
                raise ConfigError(f"events[{i}]: expected a mapping with date, label, scope")
            bad = [k for k in raw if str(k).lower() not in EVENT_KEYS]
            if bad:
                raise ConfigError(f"events[{i}]: unknown key(s) {bad}; event keys are date, label, scope")
            rows.append(dict(_row({str(k).lower(): v for k, v in raw.items()}, f"events[{i}]"),
                             source_line=i + 1))
        return pd.DataFrame(rows, columns=EVENT_COLUMNS)
    raise ConfigError(f"events must be a file path or a list of mappings, got {type(events).__name__}")


def event_local_time(event_date: str, zone: str) -> pd.Timestamp:
    """The event's time as a zone-less local timestamp in ``zone`` (dates are local midnight)."""
    ts = pd.Timestamp(event_date)
    if ts.tzinfo is not None:
        ts = ts.tz_convert(zone).tz_localize(None)
    return ts


def scope_matches(scope: str, values: dict[str, Any], dims: tuple[str, ...]) -> bool:
    """True when a series with dimension ``values`` is in the event's ``scope`` (module docstring).
    Raises ConfigError for a ``key=value`` term whose key is not a dimension name."""
    if not scope:
        return True
    for term in (t.strip() for t in scope.split(";")):
        if not term:
            continue
        if "=" in term:
            key, val = (s.strip() for s in term.split("=", 1))
            if key not in DIMENSIONS:
                raise ConfigError(f"event scope {scope!r}: unknown dimension {key!r}")
            if key in dims and str(values.get(key)).lower() != val.lower():
                return False
        elif not any(str(values.get(d)).lower() == term.lower() for d in dims):
            return False
    return True


def window_test(daily: pd.DataFrame, at: pd.Timestamp, window_days: int) -> dict[str, Any]:
    """Before/after test of one daily series around local time ``at``.

    ``daily``: columns bucket_start (local midnight, zone-less), n_posts, zero-filled. Before = the
    ``window_days`` days before the day of ``at``; after = the day of ``at`` and the ``window_days - 1``
    days after it. Returns n_days_before, n_days_after, mean_before, mean_after (posts per day),
    rate_ratio, ci_low, ci_high, p_value (two-sided), p_down, p_up, dispersion, method; the test fields are
    NaN when either side has no day in the data.
    """
    day0 = at.normalize()
    start, end = day0 - pd.Timedelta(days=window_days), day0 + pd.Timedelta(days=window_days)
    w = daily[(daily["bucket_start"] >= start) & (daily["bucket_start"] < end)]
    after = (w["bucket_start"] >= day0).to_numpy()
    y = w["n_posts"].to_numpy(dtype=float)
    out: dict[str, Any] = {
        "n_days_before": int((~after).sum()), "n_days_after": int(after.sum()),
        "mean_before": float(y[~after].mean()) if (~after).any() else np.nan,
        "mean_after": float(y[after].mean()) if after.any() else np.nan,
    }
    if after.all() or not after.any():
        return dict(out, rate_ratio=np.nan, ci_low=np.nan, ci_high=np.nan, p_value=np.nan,
                    p_down=np.nan, p_up=np.nan, dispersion=np.nan, method="window outside the data")
    res = rate_ratio_test(y, after, w["bucket_start"].dt.day_of_week.to_numpy())
    return dict(out, rate_ratio=res.rate_ratio, ci_low=res.ci_low, ci_high=res.ci_high,
                p_value=res.p_value, p_down=res.p_down, p_up=res.p_up, dispersion=res.dispersion,
                method=res.method)
