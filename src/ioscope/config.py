"""Settings, declared once: name, default, unit, help, environment variable.

Precedence: command-line flag > environment variable > default. ``docs/cli.md`` documents every
setting (a test checks it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One setting: ``name``, ``default``, ``unit`` (or ""), ``help``, and its environment variable."""

    name: str
    default: str
    unit: str
    help: str

    @property
    def env(self) -> str:
        """The environment variable that sets it (``IOSCOPE_`` + upper-cased name)."""
        return "IOSCOPE_" + self.name.upper()

    def value(self) -> str:
        """The environment's value if set, else the default."""
        return os.environ.get(self.env) or self.default


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "ioscope.duckdb", "path", "the DuckDB store file"),
    Setting("tz", "UTC", "IANA zone", "zone in which naive timestamps in input files are read"),
    Setting("out", "ioscope-out", "path", "folder for report.html, tables/ and graphs/"),
    Setting("model", "e5-small", "name", "embedding model of narratives and claims: e5-small, tfidf, st:PATH"),
    Setting("token", "", "string", "access token of `ioscope serve` (generated for a non-local host)"),
)


def setting(name: str) -> Setting:
    """The Setting called ``name``. Raises KeyError for an unknown name."""
    return {s.name: s for s in SETTINGS}[name]
