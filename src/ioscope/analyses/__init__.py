"""The analysis registry: every analysis ioscope runs, by name.

Adding an analysis means adding one module with an :class:`~ioscope.analyses.base.Analysis` subclass
and one line in ``_CLASSES`` (module and class; imported on first use). The order of :data:`ANALYSES`
is the order of the report's sections.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ioscope.analyses.base import Analysis, Result
from ioscope.errors import ConfigError

if TYPE_CHECKING:
    from ioscope.analyses.activity import Activity
    from ioscope.analyses.amplification import Amplification
    from ioscope.analyses.claims import Claims
    from ioscope.analyses.coordination import Coordination
    from ioscope.analyses.domains import Domains
    from ioscope.analyses.narratives import Narratives
    from ioscope.analyses.shifts import Shifts

_CLASSES = {  # name -> (module, class), in report order
    "activity": ("ioscope.analyses.activity", "Activity"),
    "amplification": ("ioscope.analyses.amplification", "Amplification"),
    "coordination": ("ioscope.analyses.coordination", "Coordination"),
    "domains": ("ioscope.analyses.domains", "Domains"),
    "narratives": ("ioscope.analyses.narratives", "Narratives"),
    # after coordination (reads its clusters) and narratives (shares embeddings)
    "claims": ("ioscope.analyses.claims", "Claims"),
    "shifts": ("ioscope.analyses.shifts", "Shifts"),  # last: slices by the narratives' post assignments
}


class _Registry(Mapping[str, "type[Analysis]"]):
    """Name -> analysis class, each module imported on first use (a run of one analysis does not pay
    for the imports of the others: networkx, scipy, the claim readers ...)."""

    def __getitem__(self, name: str) -> type[Analysis]:
        module, cls = _CLASSES[name]
        return getattr(import_module(module), cls)

    def __iter__(self) -> Iterator[str]:
        return iter(_CLASSES)

    def __len__(self) -> int:
        return len(_CLASSES)


def __getattr__(name: str) -> Any:  # PEP 562: ``from ioscope.analyses import Coordination``
    for module, cls in _CLASSES.values():
        if cls == name:
            return getattr(import_module(module), cls)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


ANALYSES: Mapping[str, type[Analysis]] = _Registry()
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
