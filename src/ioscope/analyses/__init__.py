"""The analysis registry: every analysis ioscope runs, by name.

Adding an analysis means adding one module with an :class:`~ioscope.analyses.base.Analysis` subclass
and one line in :data:`ANALYSES`. The order of :data:`ANALYSES` is the order of the report's sections.
"""

from __future__ import annotations

from typing import Any

from ioscope.analyses.activity import Activity
from ioscope.analyses.amplification import Amplification
from ioscope.analyses.base import Analysis, Result
from ioscope.analyses.claims import Claims
from ioscope.analyses.coordination import Coordination
from ioscope.analyses.domains import Domains
from ioscope.analyses.narratives import Narratives
from ioscope.analyses.shifts import Shifts
from ioscope.errors import ConfigError

ANALYSES: dict[str, type[Analysis]] = {
    Activity.name: Activity,
    Amplification.name: Amplification,
    Coordination.name: Coordination,
    Domains.name: Domains,
    Narratives.name: Narratives,
    Claims.name: Claims,  # after coordination (reads its clusters) and narratives (shares embeddings)
    Shifts.name: Shifts,  # last: slices by the narratives' post assignments
}
"""Registered analyses: name -> class."""

__all__ = ["ANALYSES", "Activity", "Amplification", "Analysis", "Claims", "Coordination", "Domains",
           "Narratives", "Result", "Shifts", "default_analyses", "get"]


def get(name: str, **params: Any) -> Analysis:
    """A new instance of the analysis ``name`` with keyword ``params``.

    Raises ConfigError for an unknown name or a parameter the analysis does not take (parameter
    *values* are checked when the analysis runs, which raises AnalysisError).
    """
    try:
        cls = ANALYSES[name]
    except KeyError:
        known = ", ".join(sorted(ANALYSES))
        raise ConfigError(f"unknown analysis {name!r}; known: {known}") from None
    try:
        return cls(**params)
    except TypeError as exc:
        raise ConfigError(f"analysis {name!r}: {exc}") from None


def default_analyses(params: dict[str, dict[str, Any]] | None = None) -> list[Analysis]:
    """One instance of every registered analysis, in registry order, with default parameters except
    those given in ``params`` (analysis name -> keyword parameters). Raises ConfigError for an
    unknown analysis name or parameter."""
    params = params or {}
    unknown = sorted(set(params) - set(ANALYSES))
    if unknown:
        raise ConfigError(f"unknown analysis {unknown[0]!r}; known: {', '.join(sorted(ANALYSES))}")
    return [get(name, **params.get(name, {})) for name in ANALYSES]
