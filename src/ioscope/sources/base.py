"""The contract every source adapter follows.

A source turns one input format into canonical rows (see :mod:`ioscope.schema`). It has two steps:

* ``sniff(path, head)`` — look at the first bytes of a file (never consuming records) and return a
  confidence between 0 and 1 that the file is in this format;
* ``read(path, options)`` — yield, for every input record in file order, either a :class:`Record`
  (the posts and accounts it holds) or a :class:`Bad` (the reason it could not be read). A bad record
  never stops the file: the rest keeps loading, and the ingest quarantines it.

Provenance (source_format, source_file, source_line, ingested_at, ioscope_version) is stamped by the
ingest, not by the adapter. Adding a format means adding one module with a :class:`Source` subclass and
registering it in :mod:`ioscope.sources.registry`.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import re
import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

GZIP_MAGIC = b"\x1f\x8b"
"""The first two bytes of a gzip stream (RFC 1952)."""


def gunzip_head(head: bytes, limit: int = 65536) -> bytes:
    """The first bytes of a file as a sniffer should see them: ``head`` itself, or, when it starts with
    the gzip magic, as much of its decompressed content as ``head`` holds (at most ``limit`` bytes; the
    sniff buffer is a truncated stream, so this never raises for a cut; ``b""`` for a damaged one)."""
    if not head.startswith(GZIP_MAGIC):
        return head
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, limit)
    except zlib.error:
        return b""


_ASSUMED_UTC_NAMES = frozenset(("UTC", "utc", "Z", "Etc/UTC"))
_EPOCH_TEXT = re.compile(r"[+-]?\d+(?:\.\d*)?")
_UTC_SUFFIX = re.compile(r"\s*(?:UTC|GMT)$")


ASSUMED_UTC_FLAG = "assumed_utc"
"""The flag of a post whose time was written without a zone and read as UTC (the default ``--tz``)."""

ASSUMED_TZ_PREFIX = "assumed_tz:"
"""Prefix of the flag of a post whose zone-less time was read in another zone: ``assumed_tz:<zone>``."""


def assumed_zone_flag(tz: str) -> str:
    """The flag of a post whose ``created_at`` was written without a zone and read in ``tz`` (the
    IANA zone given with ``--tz``): ``assumed_utc`` when ``tz`` is UTC (``"UTC"``, ``"utc"``, ``"Z"``,
    ``"Etc/UTC"``: the default, so UTC is an assumption), else ``assumed_tz:<tz>``, e.g.
    ``assumed_tz:Europe/Moscow``, so each post says which zone was applied. The one spelling of every
    source (rule of docs/sources.md, "Times"; issue #3: "a naive time is read in the zone the user
    gives, and the report says which"). The zone is written in its canonical spelling
    (:func:`ioscope.timeparse.canonical_zone`: ``"europe/moscow"`` -> ``assumed_tz:Europe/Moscow``);
    an unknown name is kept as given. Never raises."""
    name = _known_zone(tz)
    return ASSUMED_UTC_FLAG if name in _ASSUMED_UTC_NAMES else f"{ASSUMED_TZ_PREFIX}{name}"


def _known_zone(tz: str) -> str:
    # The canonical spelling of a known zone name; anything else unchanged (its reader reports it).
    from ioscope.timeparse import canonical_zone

    try:
        return canonical_zone(tz)
    except ValueError:
        return tz


def assumed_zone_of(flag: str) -> str | None:
    """The zone a flag of :func:`assumed_zone_flag` names: ``"UTC"`` for ``assumed_utc``, ``<zone>``
    for ``assumed_tz:<zone>``; None for any other flag (and for ``assumed_tz:`` with no zone)."""
    if flag == ASSUMED_UTC_FLAG:
        return "UTC"
    if flag.startswith(ASSUMED_TZ_PREFIX) and len(flag) > len(ASSUMED_TZ_PREFIX):
        return flag[len(ASSUMED_TZ_PREFIX):]
    return None


def time_is_naive(value: Any) -> bool:
    """True when :func:`ioscope.timeparse.parse_time` would read ``value`` as wall time in a zone it was
    given rather than from the value itself: a naive ISO-like string (``"2020-03-25 10:00"``, a date
    alone) or a naive ``datetime``. False for a value with ``Z``/an offset/a trailing ``UTC``/``GMT``,
    the Twitter v1.1 layout, epoch numbers (always UTC), and anything unparseable. Never raises."""
    if isinstance(value, dt.datetime):
        return value.tzinfo is None or value.utcoffset() is None
    if not isinstance(value, str):
        return False
    s = value.strip()
    if not s or s[0].isalpha() or _EPOCH_TEXT.fullmatch(s) or _UTC_SUFFIX.search(s):
        return False
    try:
        return dt.datetime.fromisoformat(s).tzinfo is None
    except ValueError:
        return False


@dataclass
class Record:
    """What one input record holds.

    ``posts``: dicts with canonical ``posts`` columns (missing keys become NULL); the collected post
    first (``collected=True``), then context posts embedded in it (``collected=False``), e.g. the
    original of a retweet. ``accounts``: dicts with canonical ``accounts`` columns.
    ``line``: 1-based line or record number in the file.
    """

    line: int
    posts: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Bad:
    """An input record that could not be read: 1-based ``line``, ``reason``, and the ``raw`` text."""

    line: int
    reason: str
    raw: str = ""


@dataclass(frozen=True)
class SourceOptions:
    """Options a source may use.

    ``tz``: IANA zone in which naive timestamps are read (default ``"UTC"``), matched
    case-insensitively and kept in its canonical spelling (``"europe/moscow"`` -> ``"Europe/Moscow"``,
    ``"utc"`` -> ``"UTC"``; :func:`ioscope.timeparse.canonical_zone`), so the ``assumed_tz:<zone>``
    flags always spell it one way; an unknown name is kept as given and the reader raises ConfigError
    for it. ``mapping``: for mapping-driven readers, canonical column -> input column; ``platform``:
    override the platform name.
    """

    tz: str = "UTC"
    mapping: dict[str, str] | None = None
    platform: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "tz", _known_zone(self.tz))


class Source(ABC):
    """Base class of source adapters. Subclasses set ``name``, ``platform`` and ``description``."""

    name: ClassVar[str]
    platform: ClassVar[str]
    description: ClassVar[str]

    def __init__(self) -> None:
        self._raw: io.RawIOBase | None = None

    @abstractmethod
    def sniff(self, path: Path, head: bytes) -> float:
        """Confidence in [0, 1] that ``path`` (whose first bytes are ``head``) is in this format."""

    @abstractmethod
    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record or Bad for every input record, in file order. Raises SourceError only when
        the file as a whole cannot be read (missing, unreadable header)."""

    def actor_rows(self, paths: list[Path]) -> list[dict[str, Any]] | None:
        """Actor-registry rows (columns of :data:`ioscope.schema.ACTORS`) that the files themselves
        attest (a dataset that labels each account's country), or None when the format carries no
        such labels (the default). ``ioscope actors-from FORMAT FILES`` writes them as a CSV."""
        return None

    # -- helpers for subclasses -------------------------------------------------------------------

    def open_binary(self, path: Path, *, gunzip: bool = False) -> io.BufferedIOBase:
        """Open ``path`` for reading bytes and remember it so the ingest can show byte progress.

        ``gunzip=True`` (default False): a file that starts with the gzip magic (whatever its name) is
        decompressed on the fly; progress then follows the compressed bytes. A damaged or truncated
        stream raises ``EOFError``/``OSError``/``zlib.error`` from ``read`` (the CSV reader turns that
        into one quarantined record). Raises OSError when the file cannot be opened."""
        if gunzip:
            with open(path, "rb") as probe:
                magic = probe.read(2)
            if magic == GZIP_MAGIC:
                gz = gzip.open(path, "rb")  # noqa: SIM115 - closed by the caller's with-block
                self._raw = gz.fileobj  # type: ignore[assignment]  # the compressed file, for progress
                return gz
        fh = open(path, "rb")  # noqa: SIM115 - closed by the caller's with-block
        self._raw = fh.raw
        return fh

    def bytes_read(self) -> int:
        """Bytes read so far from the file opened with :meth:`open_binary` (0 if none)."""
        try:
            return self._raw.tell() if self._raw is not None and not self._raw.closed else 0
        except (OSError, ValueError):
            return 0
