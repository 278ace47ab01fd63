"""Shifts over time: change points, events and overt-to-covert tactic changes.

Modules: :mod:`.series` (bucketed counts per slice, SQL), :mod:`.changepoints` (ruptures + permutation
check), :mod:`.events` (events file, before/after windows), :mod:`.ratetest` (quasi-Poisson rate ratio,
share test), :mod:`.tactic` (the overt-to-covert check), :mod:`.analysis` (the :class:`Shifts` analysis).
See docs/analyses/shifts.md.
"""

from __future__ import annotations

from ioscope.analyses.shifts.analysis import Shifts
from ioscope.analyses.shifts.events import read_events

__all__ = ["Shifts", "read_events"]
