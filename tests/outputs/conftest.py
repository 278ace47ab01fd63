"""Reuse the fixtures of tests/analyses/conftest.py (tests/ has no packages, so load it by path):
``make_store``, ``scenario`` (the row helpers) and ``scenario_store`` (the hand-checked scenario)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "ioscope_tests_scenario", Path(__file__).parent.parent / "analyses" / "conftest.py"
)
_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _module
_spec.loader.exec_module(_module)

make_store = _module.make_store
scenario = _module.scenario
scenario_store = _module.scenario_store
