"""Fixtures for the coordination tests (helpers live in coord_helpers.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from coord_helpers import build_store

from ioscope.store import Store


@pytest.fixture
def make_store(tmp_path) -> Callable[..., Store]:
    """``make_store(posts, actors=())`` -> an open Store in a temporary directory (closed afterwards)."""
    opened: list[Store] = []

    def make(posts: list[dict], actors: Iterable[dict] = (), name: str = "s.duckdb") -> Store:
        s = build_store(tmp_path / name, posts, actors)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()
