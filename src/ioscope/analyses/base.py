"""The contract every analysis follows (after scikit-learn's estimator conventions).

* ``__init__`` stores keyword parameters unchanged and does nothing else;
* ``run(store)`` validates, does the work (SQL in DuckDB) and returns a :class:`Result`;
* ``get_params()`` says exactly which parameters ran.

A result holds named tables (pandas DataFrames, each column documented in the analysis docstring and in
docs/outputs.md), named networks (networkx graphs), a small ``summary`` dict of headline numbers and the
parameters that ran. Outputs (report, Parquet, GEXF) render results without knowing the analysis.
Adding an analysis means adding one module and registering it in :mod:`ioscope.analyses`.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

import networkx as nx
import pandas as pd

from ioscope.store import Store


@dataclass
class Result:
    """What an analysis returns.

    ``name``: the analysis name (also the prefix of its exported files); ``params``: the parameters
    that ran; ``tables``: name -> DataFrame; ``graphs``: name -> networkx graph; ``summary``: headline
    numbers (JSON-serialisable); ``notes``: caveats a reader of the report must see.
    """

    name: str
    params: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    graphs: dict[str, nx.Graph] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Analysis(ABC):
    """Base class of analyses. Subclasses set ``name`` and ``title`` and implement :meth:`run`."""

    name: ClassVar[str]
    title: ClassVar[str]

    @abstractmethod
    def run(self, store: Store) -> Result:
        """Run on ``store`` and return a Result. Raises AnalysisError when it cannot run."""

    def get_params(self) -> dict[str, Any]:
        """The keyword parameters of ``__init__`` and their current values."""
        sig = inspect.signature(type(self).__init__)
        return {
            n: getattr(self, n)
            for n, p in sig.parameters.items()
            if n != "self" and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
        }

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"
