"""The registry of source formats and format detection.

Built-in sources register here; a plug-in registers with :func:`register`. Detection reads the first
64 KiB of a file (the records themselves are read again from the start by the chosen source, so
detection never consumes or loses a record) and picks the source with the highest ``sniff`` score.
"""

from __future__ import annotations

from pathlib import Path

from ioscope.errors import ConfigError, FormatDetectionError, SourceError
from ioscope.sources.base import Source

_SOURCES: dict[str, type[Source]] = {}

SNIFF_BYTES = 65536


def register(cls: type[Source]) -> type[Source]:
    """Register a Source subclass under ``cls.name`` (usable as a class decorator)."""
    _SOURCES[cls.name] = cls
    return cls


def names() -> list[str]:
    """Names of all registered source formats, sorted."""
    _load_builtins()
    return sorted(_SOURCES)


def get(name: str) -> Source:
    """A new instance of the source called ``name``. Raises ConfigError for an unknown name."""
    _load_builtins()
    try:
        return _SOURCES[name]()
    except KeyError:
        raise ConfigError(f"unknown format {name!r}; known formats: {', '.join(sorted(_SOURCES))}") from None


def detect(path: Path) -> Source:
    """The source whose ``sniff`` gives ``path`` the highest score (> 0).

    Raises SourceError when the file cannot be opened, FormatDetectionError when no source claims it.
    """
    _load_builtins()
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise SourceError(path, f"cannot open: {exc.strerror or exc}") from exc
    if not head.strip():
        raise FormatDetectionError(path, "file is empty")
    scored = sorted(((_score(cls, path, head), name) for name, cls in _SOURCES.items()), reverse=True)
    best_score, best = scored[0] if scored else (0.0, "")
    if best_score <= 0:
        raise FormatDetectionError(
            path, f"format not recognised; pass --format (one of: {', '.join(sorted(_SOURCES))})"
        )
    return _SOURCES[best]()


def _score(cls: type[Source], path: Path, head: bytes) -> float:
    """A source's sniff score; a sniff that fails on odd bytes counts as "not mine" (0), so one
    source's bug cannot stop detection for every file."""
    try:
        return float(cls().sniff(path, head))
    except (ValueError, TypeError, LookupError, UnicodeError, OSError):
        return 0.0


def _load_builtins() -> None:
    # Importing the package registers the built-in sources (each module calls ``register``).
    import ioscope.sources  # noqa: F401
