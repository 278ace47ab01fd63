"""Fixtures for the source-adapter tests: a fresh store, an ingest helper, tweet builders."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson
import pytest

from ioscope.ingest import IngestReport, ingest
from ioscope.sources.base import SourceOptions
from ioscope.store import Store

BASE_TWEET: dict[str, Any] = {
    "created_at": "Wed Mar 25 10:00:00 +0000 2020",
    "id": 1242750000000000001,
    "id_str": "1242750000000000001",
    "full_text": "Invented post #Topic_A https://t.co/AAAAAAAAAA",
    "entities": {
        "hashtags": [{"text": "Topic_A", "indices": [14, 22]}],
        "urls": [{"url": "https://t.co/AAAAAAAAAA", "expanded_url": "https://news-site.example/a/1"}],
        "user_mentions": [],
    },
    "user": {"id": 1000000001, "id_str": "1000000001", "screen_name": "acct_001", "name": "Account 1",
             "followers_count": 10, "friends_count": 5, "created_at": "Thu Jan 24 03:18:59 +0000 2013",
             "description": "invented"},
    "lang": "en",
    "favorite_count": 3, "retweet_count": 2, "reply_count": 1, "quote_count": 0,
}


def make_tweet(n: int = 1, **fields: Any) -> dict[str, Any]:
    """A v1.1 tweet with id 12427500000000000NN and user acct_001, with ``fields`` overriding keys
    (a value of None deletes the key)."""
    t = copy.deepcopy(BASE_TWEET)
    t["id"] = 1242750000000000000 + n
    t["id_str"] = str(t["id"])
    for key, value in fields.items():
        if value is None:
            t.pop(key, None)
        else:
            t[key] = value
    return t


@pytest.fixture
def tweet() -> Callable[..., dict[str, Any]]:
    """The :func:`make_tweet` builder."""
    return make_tweet


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[..., Path]:
    """Write objects (dicts, or raw ``bytes``/``str`` lines) as JSON lines; returns the path."""

    def write(items: Iterable[Any], name: str = "tweets.jsonl") -> Path:
        path = tmp_path / name
        with open(path, "wb") as fh:
            for item in items:
                if isinstance(item, bytes):
                    fh.write(item.rstrip(b"\n") + b"\n")
                elif isinstance(item, str):
                    fh.write(item.encode("utf-8").rstrip(b"\n") + b"\n")
                else:
                    fh.write(orjson.dumps(item) + b"\n")
        return path

    return write


@pytest.fixture
def store(tmp_path: Path) -> Iterable[Store]:
    """A new store in ``tmp_path/s.duckdb``, closed after the test."""
    s = Store(tmp_path / "s.duckdb")
    yield s
    s.close()


@pytest.fixture
def load(store: Store) -> Callable[..., IngestReport]:
    """``load(*paths, format=None, **options)``: ingest into the test's store and return the report."""

    def run(*paths: Path, format: str | None = None, **options: Any) -> IngestReport:
        return ingest(store, list(paths), format=format, options=SourceOptions(**options))

    return run


def rows(store: Store, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    """Run SQL on the store and return plain dicts (lists stay Python lists, times aware UTC)."""
    cur = store.con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


@pytest.fixture
def fetch(store: Store) -> Callable[..., dict[str, dict[str, Any]]]:
    """``fetch(where="true")``: stored posts by post_id, each a dict of column -> value."""

    def run(where: str = "true") -> dict[str, dict[str, Any]]:
        found = rows(store, f"SELECT * FROM posts WHERE {where} ORDER BY source_line, post_id")
        return {r["post_id"]: r for r in found}

    return run


@pytest.fixture
def sql(store: Store) -> Callable[..., list[dict[str, Any]]]:
    """``sql(query, params=None)``: rows of a query on the test's store, as dicts."""
    return lambda query, params=None: rows(store, query, params)
