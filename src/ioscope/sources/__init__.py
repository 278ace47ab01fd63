"""Source adapters: one module per input format, each registered in :mod:`.registry`.

Importing this package registers the built-in formats.
"""

from ioscope.sources import generic_csv, ira_csv, twitter_v1, twitter_v1_csv  # noqa: F401  (register)
from ioscope.sources.base import Bad, Record, Source, SourceOptions
from ioscope.sources.registry import detect, get, names, register

__all__ = ["Bad", "Record", "Source", "SourceOptions", "detect", "get", "names", "register"]
