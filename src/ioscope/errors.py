"""The one exception tree of ioscope.

::

    IoscopeError                 base of every error ioscope raises on purpose
    ├── ConfigError              a bad setting, option or mapping (typo'd keys are errors, not warnings)
    ├── SourceError              an input file cannot be read at all (names file, line, reason)
    │   └── FormatDetectionError no source format recognises the file
    ├── StrictIngestError        ``--strict`` ingest met a record that would be quarantined
    ├── StoreError               the DuckDB store cannot be opened or written
    │   └── SchemaVersionError   the store was written by an incompatible schema version
    └── AnalysisError            an analysis cannot run on what the store holds

A single bad *record* never raises: it is quarantined with its reason and the rest of the file loads.
The CLI prints one line for any of these and exits with status 1.
"""

from __future__ import annotations

from pathlib import Path


class IoscopeError(Exception):
    """Base class of every error ioscope raises on purpose."""


class ConfigError(IoscopeError):
    """A setting, option or column mapping is wrong (unknown key, bad value)."""


class SourceError(IoscopeError):
    """An input file cannot be read at all.

    Attributes: ``path`` (file), ``line`` (1-based line or record number, or None), ``reason``.
    """

    def __init__(self, path: str | Path, reason: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class FormatDetectionError(SourceError):
    """No registered source recognises the file; pass ``--format`` to choose one."""


class StrictIngestError(SourceError):
    """Raised in strict mode when a record would have been quarantined."""


class StoreError(IoscopeError):
    """The DuckDB store cannot be opened, migrated or written."""


class SchemaVersionError(StoreError):
    """The store's schema version is not one this ioscope can read."""


class AnalysisError(IoscopeError):
    """An analysis cannot run (missing tables, bad parameters)."""
