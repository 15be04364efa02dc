"""Pure rules of AI-literacy measures: kinds, and which care units a set of measures reaches by a date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

KINDS = ("training", "instructions", "supervised_start", "other")


@dataclass(frozen=True)
class MeasureFact:
    """A measure as the rollout gate sees it. A region-wide measure that names no care unit reaches every unit."""

    held_on: date
    care_units: frozenset[str] = frozenset()
    region_wide: bool = False


def unreached_units(units: Iterable[str], measures: Iterable[MeasureFact], on: date) -> list[str]:
    """The care units of the rollout plan that no measure held on or before `on` reaches (names compared
    without case or surrounding spaces)."""
    held = [m for m in measures if m.held_on <= on]
    if any(m.region_wide and not m.care_units for m in held):
        return []
    reached = {unit.strip().casefold() for m in held for unit in m.care_units}
    return [unit for unit in units if unit.strip().casefold() not in reached]
