"""Benefit realisation (nyttorealisering), pure: measured values against goals, per goal and per
goal perspective, with a trend. No Flask, no database; the web charts the result.

Progress is how far the latest measured value has moved from the baseline towards the target:
0 % at the baseline, 100 % at the target, below 0 when it moved away and above 100 when it went
beyond. The trend compares the latest value with the one before, in the goal's direction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

PERSPECTIVES = ("society_citizens", "operations", "staff_managers", "knowledge_renewal", "economy")
IMPROVING, WORSENING, STABLE, INSUFFICIENT = "improving", "worsening", "stable", "insufficient_data"
# A change smaller than this share of the baseline-to-target distance counts as no change.
STABLE_SHARE = Decimal("0.01")


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _float(value: Decimal | None, places: int = 1) -> float | None:
    return None if value is None else round(float(value), places)


def _direction(baseline: Decimal | None, target: Decimal | None, higher_is_better: bool) -> int:
    if baseline is not None and target is not None and target != baseline:
        return 1 if target > baseline else -1
    return 1 if higher_is_better else -1


def progress_pct(value: Decimal, baseline: Decimal | None, target: Decimal | None,
                 higher_is_better: bool = True) -> Decimal | None:
    if baseline is None or target is None:
        return None
    if target == baseline:
        met = value >= target if higher_is_better else value <= target
        return Decimal(100) if met else Decimal(0)
    return (value - baseline) / (target - baseline) * 100


def trend(values: Sequence[Decimal], baseline: Decimal | None, target: Decimal | None,
          higher_is_better: bool = True) -> str:
    if len(values) < 2:
        return INSUFFICIENT
    delta = (values[-1] - values[-2]) * _direction(baseline, target, higher_is_better)
    known = baseline is not None and target is not None and target != baseline
    scale = abs(target - baseline) if known else None
    tolerance = scale * STABLE_SHARE if scale else Decimal(0)
    if delta > tolerance:
        return IMPROVING
    if delta < -tolerance:
        return WORSENING
    return STABLE


def goal_realisation(goal: Mapping[str, Any]) -> dict:
    """One goal: latest value, progress %, whether the target is met, trend, and the series to chart.

    `goal` holds `id`, `perspective`, `title`, `baseline`, `target`, `higher_is_better` and
    `measurements` as (date, value) pairs in any order.
    """
    baseline, target = _decimal(goal.get("baseline")), _decimal(goal.get("target"))
    higher = bool(goal.get("higher_is_better", True))
    points = sorted(((day, _decimal(value)) for day, value in goal.get("measurements") or ()),
                    key=lambda point: point[0])
    values = [value for _, value in points]
    latest = values[-1] if values else None
    progress = progress_pct(latest, baseline, target, higher) if latest is not None else None
    met = None
    if latest is not None and target is not None:
        met = latest >= target if higher else latest <= target
    return {
        "goal_id": goal.get("id"),
        "perspective": goal.get("perspective"),
        "title": goal.get("title"),
        "unit": goal.get("unit"),
        "baseline": _float(baseline, 6),
        "target": _float(target, 6),
        "higher_is_better": higher,
        "latest_value": _float(latest, 6),
        "latest_measured_on": points[-1][0].isoformat() if points else None,
        "progress_pct": _float(progress),
        "target_met": met,
        "trend": trend(values, baseline, target, higher),
        "measurements": len(points),
        "series": [{"measured_on": day.isoformat(), "value": _float(value, 6),
                    "progress_pct": _float(progress_pct(value, baseline, target, higher))}
                   for day, value in points],
    }


def _summary(goals: list[dict]) -> dict:
    measured = [g["progress_pct"] for g in goals if g["progress_pct"] is not None]
    trends = [g["trend"] for g in goals if g["trend"] != INSUFFICIENT]
    if not trends:
        overall_trend = INSUFFICIENT
    elif trends.count(WORSENING) > trends.count(IMPROVING):
        overall_trend = WORSENING
    elif trends.count(IMPROVING) > trends.count(WORSENING):
        overall_trend = IMPROVING
    else:
        overall_trend = STABLE
    return {
        "goals": len(goals),
        "goals_measured": len(measured),
        "goals_met": sum(1 for g in goals if g["target_met"]),
        "progress_pct": round(sum(measured) / len(measured), 1) if measured else None,
        "trend": overall_trend,
    }


def realisation(goals: Iterable[Mapping[str, Any]], *, as_of: date | None = None) -> dict:
    """Per goal, per perspective (all five, in the strategy's order) and overall.

    `as_of` leaves out measurements taken after that day (to show the state at a review).
    """
    rows = []
    for goal in goals:
        if as_of is not None:
            goal = {**goal, "measurements": [(d, v) for d, v in goal.get("measurements") or () if d <= as_of]}
        rows.append(goal_realisation(goal))
    by_perspective = []
    for perspective in PERSPECTIVES + tuple(sorted({r["perspective"] for r in rows} - set(PERSPECTIVES),
                                                   key=str)):
        members = [r for r in rows if r["perspective"] == perspective]
        by_perspective.append({"perspective": perspective, **_summary(members)})
    return {
        "as_of": as_of.isoformat() if as_of else None,
        "goals": rows,
        "perspectives": by_perspective,
        "overall": _summary(rows),
    }
