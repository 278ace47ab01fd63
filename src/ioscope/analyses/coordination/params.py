"""Validation of the Coordination parameters and the window plan (which windows run per behaviour).

Every check raises :class:`ioscope.errors.AnalysisError` with a message that names the parameter; an
unknown behaviour name or window key is an error, never a warning (a typo must not silently change
which edges are kept).
"""

from __future__ import annotations

import math
from typing import Any

from ioscope.analyses.coordination.actions import BEHAVIOURS, DEFAULT_WINDOWS_S
from ioscope.analyses.coordination.weights import CORRECTIONS, NULLS
from ioscope.errors import AnalysisError

AUTO = "auto"
WEIGHTS = ("tfidf", "coactions", "objects")
MAX_AUTO_WINDOW_S = 86_400.0
"""Sanity bound on an automatic window (seconds; 1 day). CooRnet's estimate follows the data and can
pick weeks (about 40 days for near_text on the demo); a longer one is kept, as asked, but the result
says so in a note (:func:`auto_window_warnings`) and the command line prints it as a warning."""


def _err(msg: str) -> AnalysisError:
    return AnalysisError(f"coordination: {msg}")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check_int(name: str, v: Any, lo: int) -> None:
    """``v`` must be an int >= ``lo``."""
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        raise _err(f"{name} must be an integer >= {lo}, got {v!r}")


def check_float(name: str, v: Any, lo: float, hi: float, *, allow_none: bool = False,
                lo_open: bool = False) -> None:
    """``v`` must be a number in [lo, hi] (or (lo, hi] with ``lo_open``), or None if allowed."""
    if v is None and allow_none:
        return
    ok = _is_number(v) and (v > lo if lo_open else v >= lo) and v <= hi
    if not ok:
        bracket = "(" if lo_open else "["
        none = " or None" if allow_none else ""
        raise _err(f"{name} must be a number in {bracket}{lo}, {hi}]{none}, got {v!r}")


def check_behaviours(behaviours: Any) -> tuple[str, ...]:
    """A non-empty tuple of distinct known behaviour names."""
    if isinstance(behaviours, str) or not isinstance(behaviours, (list, tuple)) or not behaviours:
        raise _err(f"behaviours must be a non-empty list of names (one of {', '.join(BEHAVIOURS)}), "
                   f"got {behaviours!r}")
    unknown = [b for b in behaviours if b not in BEHAVIOURS]
    if unknown:
        raise _err(f"unknown behaviour(s) {unknown}; known: {', '.join(BEHAVIOURS)}")
    if len(set(behaviours)) != len(behaviours):
        raise _err(f"behaviours lists a name twice: {list(behaviours)}")
    return tuple(behaviours)


def _window_list(name: str, v: Any) -> list[float | str]:
    items = list(v) if isinstance(v, (list, tuple)) else [v]
    if not items:
        raise _err(f"{name}: empty list of windows")
    out: list[float | str] = []
    for w in items:
        if w == AUTO:
            out.append(AUTO)
        elif _is_number(w) and w > 0:
            out.append(float(w))
        else:
            raise _err(f"{name}: a window is a number of seconds > 0 or 'auto', got {w!r}")
    seen: list[float | str] = []
    for w in out:
        if w not in seen:
            seen.append(w)
    return seen


def window_plan(window_s: Any, behaviours: tuple[str, ...]) -> dict[str, list[float | str]]:
    """Windows to run per behaviour. ``window_s``: None (defaults, :data:`DEFAULT_WINDOWS_S`), a number
    or ``'auto'`` or a list of them (every behaviour), or a dict behaviour -> any of those (behaviours
    not in the dict keep their default). ``sync`` has no automatic window (its default bin is used)."""
    plan: dict[str, list[float | str]] = {b: [DEFAULT_WINDOWS_S[b]] for b in behaviours}
    if window_s is None:
        pass
    elif isinstance(window_s, dict):
        for key, value in window_s.items():
            if key not in BEHAVIOURS:
                raise _err(f"window_s: unknown behaviour {key!r}; known: {', '.join(BEHAVIOURS)}")
            if key not in behaviours:
                raise _err(f"window_s: {key!r} is not in behaviours {list(behaviours)}; add it there "
                           "or remove its window")
            plan[key] = _window_list(f"window_s[{key!r}]", value)
    else:
        windows = _window_list("window_s", window_s)
        plan = {b: list(windows) for b in behaviours}
    if "sync" in plan and AUTO in plan["sync"]:
        plan["sync"] = [w for w in plan["sync"] if w != AUTO] or [DEFAULT_WINDOWS_S["sync"]]
    return plan


def auto_window_warnings(auto_windows_s: dict[str, float]) -> list[str]:
    """One warning line per behaviour whose automatic window (``auto_windows_s``: behaviour ->
    seconds, the summary's ``auto_windows_s``) exceeds :data:`MAX_AUTO_WINDOW_S`, in the dict's
    order: the behaviour, the window chosen (seconds and days) and how to give that behaviour an
    explicit window (its default, :data:`DEFAULT_WINDOWS_S`) — in Python a per-behaviour dict
    ``window_s={"near_text": 600}``; on the command line, where ``--window`` applies to every
    behaviour given with ``-b``, by running it on its own (``-b near_text -w 600``). Empty when none
    does. Never raises for numbers."""
    lines = []
    for behaviour, window in auto_windows_s.items():
        if window > MAX_AUTO_WINDOW_S:
            default = DEFAULT_WINDOWS_S.get(behaviour)
            w = f"{default:g}" if default is not None else "SECONDS"
            why = f" ({w} s is {behaviour}'s default)" if default is not None else ""
            lines.append(
                f"{behaviour}: the automatic window is {window:,.0f} s ({window / 86_400:,.1f} days), "
                f"over the {MAX_AUTO_WINDOW_S:,.0f} s (1 day) sanity bound: it pairs actions days apart "
                f"and finds many weak edges. Give {behaviour} an explicit window: in Python "
                f"window_s={{\"{behaviour}\": {w}}} (behaviours not in the dict keep their default "
                f"windows); on the command line --window applies to every behaviour given, so run "
                f"{behaviour} on its own with -b {behaviour} -w {w}{why}.")
    return lines


def validate(a: Any) -> tuple[tuple[str, ...], dict[str, list[float | str]]]:
    """Check every parameter of a Coordination instance ``a``; return (behaviours, window plan)."""
    behaviours = check_behaviours(a.behaviours)
    plan = window_plan(a.window_s, behaviours)
    check_int("min_actions", a.min_actions, 1)
    check_int("min_coactions", a.min_coactions, 1)
    check_float("p_value", a.p_value, 0.0, 1.0, allow_none=True, lo_open=True)
    check_int("n_null", a.n_null, 1)
    if a.null not in NULLS:
        raise _err(f"null must be one of {NULLS}, got {a.null!r}")
    if a.correction is not None and a.correction not in CORRECTIONS:
        raise _err(f"correction must be one of {CORRECTIONS}, got {a.correction!r}")
    if a.null == "shuffle_mc" and a.correction not in (None, "none"):
        raise _err(f"correction {a.correction!r} cannot apply to null 'shuffle_mc': its smallest "
                   "p-value is 1/(n_null + 1); use null 'shuffle' (closed form) to adjust p-values")
    check_float("min_cosine", a.min_cosine, 0.0, 1.0, allow_none=True)
    check_float("strong_cosine", a.strong_cosine, 0.0, 1.0, allow_none=True)
    if a.weight not in WEIGHTS:
        raise _err(f"weight must be one of {WEIGHTS}, got {a.weight!r}")
    check_float("weight_percentile", a.weight_percentile, 0.0, 1.0, allow_none=True)
    check_float("resolution", a.resolution, 0.0, math.inf, lo_open=True)
    check_int("seed", a.seed, 0)
    check_int("max_pairs_per_action", a.max_pairs_per_action, 1)
    check_int("min_text_chars", a.min_text_chars, 1)
    check_float("near_text_threshold", a.near_text_threshold, 0.0, 1.0, lo_open=True)
    check_int("shingle_chars", a.shingle_chars, 1)
    check_int("min_cluster_size", a.min_cluster_size, 2)
    check_int("max_evidence_per_edge", a.max_evidence_per_edge, 1)
    check_float("timeline_bin_s", a.timeline_bin_s, 0.0, math.inf, lo_open=True)
    check_float("sync_min_cosine", a.sync_min_cosine, 0.0, 1.0)
    check_int("top_n", a.top_n, 1)
    if not isinstance(a.attach, bool):
        raise _err(f"attach must be true or false, got {a.attach!r}")
    return behaviours, plan
