"""Shared fixtures: where the real public datasets live (../shared beside the project)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
SHARED_DATA = SHARED / "data"
SHARED_CASES = SHARED / "cases"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; the test is skipped when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_cases() -> Path:
    """``../shared/cases``; the test is skipped when it is absent."""
    if not SHARED_CASES.is_dir():
        pytest.skip("../shared/cases is absent")
    return SHARED_CASES
