"""The test tree itself: pytest's default import mode needs every test module basename to be unique."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_test_module_basenames_are_unique():
    names = Counter(p.name for p in TESTS.rglob("*.py") if p.name != "conftest.py")
    assert [n for n, c in names.items() if c > 1] == []


def test_no_test_imports_from_conftest():
    # Several folders have a conftest.py; `from conftest import x` gets whichever was imported first.
    offenders = [str(p.relative_to(TESTS)) for p in TESTS.rglob("*.py")
                 if p.name != "test_layout.py" and "from conftest import" in p.read_text(encoding="utf-8")]
    assert offenders == []
