"""X/Twitter API v1.1 tweet objects flattened to CSV by pandas (``DataFrame.to_csv``).

Format ``twitter-v1-csv``, platform ``twitter``. Layout (e.g. the CGTN/Xinhua COVID set,
``covid-state-media-cgtn-xinhua-vs-western/disaggregated/*.csv``): one column per top-level tweet
field; nested objects (``user``, ``entities``, ``extended_tweet``, ``retweeted_status``,
``quoted_status``, ...) written as Python literals (``{'id': 1, 'truncated': False, 'x': None}``);
booleans as ``True``/``False``; an empty cell is a missing field. Column order and presence vary
between files and are read from the header.

Each record is rebuilt as the tweet object and mapped by :func:`ioscope.sources.twitter_v1.tweet_to_record`
(the one mapping shared with ``twitter-v1``): kinds, texts, entities, context posts and flags are
exactly as documented there. Literals are parsed with :func:`ast.literal_eval` (never ``eval``), and
only in the columns the mapping reads (:data:`LITERAL_COLUMNS`).

Records are read by :class:`ioscope.sources.generic_csv.CsvRecords` (plain or gzip-compressed CSV):
``utf-8-sig``, quoted newlines
kept, ``source_line`` = the physical line where the record starts (header = line 1). Quarantined: a
record with the wrong number of fields, invalid UTF-8, or an unparseable literal (the column is named);
NUL bytes are removed and the post flagged ``had_nul``, as in the other CSV readers (case 12).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ioscope.errors import SourceError
from ioscope.sources.base import Bad, Record, Source, SourceOptions
from ioscope.sources.generic_csv import CsvRecords, sniff_header
from ioscope.sources.registry import register
from ioscope.sources.twitter_v1 import PLATFORM, tweet_to_record

LITERAL_COLUMNS = frozenset(("user", "entities", "extended_tweet", "retweeted_status", "quoted_status",
                             "quoted_status_permalink"))
"""Columns holding Python literals that the mapping reads; other literal columns are left as text."""

BOOL_COLUMNS = frozenset(("truncated", "is_quote_status"))
"""Columns holding ``True``/``False`` that the mapping reads."""


def parse_literal(cell: str, column: str) -> Any:
    """One literal cell (a dict or list written by pandas) as a Python value, with :func:`ast.literal_eval`.
    Raises ValueError naming the column when the cell is not a valid literal."""
    try:
        return ast.literal_eval(cell)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        detail = exc.msg if isinstance(exc, SyntaxError) else type(exc).__name__
        raise ValueError(f"unparseable Python literal in column {column!r}: {detail}") from None


@register
class TwitterV1Csv(Source):
    """X/Twitter v1.1 tweets flattened to CSV by pandas (see the module docstring)."""

    name = "twitter-v1-csv"
    platform = PLATFORM
    description = "X/Twitter API v1.1 tweets flattened to CSV by pandas (nested objects as Python literals)"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.9 when the header line names ``id_str`` and ``created_at`` and ``user`` or ``entities``."""
        names = set(sniff_header(head))
        if {"id_str", "created_at"} <= names and names & {"user", "entities"}:
            return 0.9
        return 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record or a Bad per CSV record (see the module docstring). ``options`` is not used:
        v1.1 times carry their offset. Raises SourceError when the header has no ``id_str``/``id``."""
        with CsvRecords(self, path, ",") as records:
            header = records.header
            if "id_str" not in header and "id" not in header:
                raise SourceError(path, "not a flattened v1.1 CSV: no id_str or id column; "
                                        f"header: {', '.join(header)}")
            columns = [(i, name, name in LITERAL_COLUMNS, name in BOOL_COLUMNS)
                       for i, name in enumerate(header) if name]
            for item in records:
                if isinstance(item, Bad):
                    yield item
                    continue
                line, cells, had_nul = item
                tweet: dict[str, Any] = {}
                try:
                    for i, name, literal, boolean in columns:
                        cell = cells[i]
                        if not cell:
                            continue
                        if literal:
                            tweet[name] = parse_literal(cell, name)
                        elif boolean:
                            tweet[name] = cell == "True"
                        else:
                            tweet[name] = cell
                except ValueError as exc:
                    yield Bad(line, str(exc), ",".join(cells))
                    continue
                result = tweet_to_record(tweet, line)
                if isinstance(result, Bad):
                    result.raw = ",".join(cells)
                elif had_nul and result.posts:
                    result.posts[0]["flags"] = [*result.posts[0]["flags"], "had_nul"]
                yield result
