"""ioscope: make state-linked information operations visible.

The curated public API (see ``__all__``); everything else is internal and may change.
"""

from ioscope._version import __version__
from ioscope.errors import (
    AnalysisError,
    ConfigError,
    FormatDetectionError,
    IoscopeError,
    SchemaVersionError,
    SourceError,
    StoreError,
    StrictIngestError,
)
from ioscope.schema import SCHEMA_VERSION
from ioscope.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "AnalysisError",
    "ConfigError",
    "FormatDetectionError",
    "IoscopeError",
    "SchemaVersionError",
    "SourceError",
    "Store",
    "StoreError",
    "StrictIngestError",
    "__version__",
]
