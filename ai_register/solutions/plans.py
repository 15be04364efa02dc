"""The rollout plan (care units with planned and actual start) and the decommissioning checklist.

Both feed gates: management needs every planned unit started, retired needs every checklist item
ticked. Both are audited as one record per solution with before/after of the whole list, which is
all it takes to rebuild any past state.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ai_register.apikit import N_, Message
from ai_register.audit import services as audit
from ai_register.exceptions import Conflict, InvalidInput
from ai_register.extensions import db
from ai_register.formats import both
from ai_register.solutions.lifecycle.facts import DECOMMISSIONING_CHECKLIST
from ai_register.solutions.lifecycle.phases import Phase
from ai_register.solutions.models import DecommissioningItem, RolloutUnit, Solution
from ai_register.solutions.services import region_today, touch
from ai_register.users.models import User, utcnow

# --------------------------------------------------------------------------- rollout plan


def rollout_units(solution: Solution) -> list[RolloutUnit]:
    return list(db.session.scalars(select(RolloutUnit).where(RolloutUnit.solution_id == solution.id)
                                   .order_by(RolloutUnit.position, RolloutUnit.id)))


def _unit_record(unit: RolloutUnit) -> dict:
    return audit.jsonable({"name": unit.name, "planned_start": unit.planned_start,
                           "actual_start": unit.actual_start})


def rollout_plan(solution: Solution, units: list[RolloutUnit] | None = None) -> dict[str, Any]:
    """The plan; `units`: its units as `rollout_units` reads them, when the caller has them."""
    today = region_today()
    units = [{**_unit_record(u), "planned_start": u.planned_start, "actual_start": u.actual_start,
              "started": u.actual_start is not None and u.actual_start <= today}
             for u in (rollout_units(solution) if units is None else units)]
    return {"solution_id": solution.id, "units": units,
            "all_started": bool(units) and all(u["started"] for u in units)}


def replace_rollout_plan(solution: Solution, units: list[dict], by: User, *,
                         reason: str | None = None) -> None:
    """Replace the plan with `units` (matched by name, so a unit keeps its row while it stays). Each unit is
    named, once (names are trimmed; case does not tell two units apart), and none started after today."""
    _check_names(units)
    today = region_today()
    late = {index: {"actual_start": ["A unit cannot have started after today; use planned_start."]}
            for index, unit in enumerate(units) if unit.get("actual_start") and unit["actual_start"] > today}
    if late:
        raise InvalidInput("Invalid input: units", errors={"units": late})
    existing = {u.name.casefold(): u for u in rollout_units(solution)}
    before = [_unit_record(u) for u in existing.values()]
    kept: set[int] = set()
    for position, data in enumerate(units):
        unit = existing.get(data["name"].casefold())
        if unit is None:
            unit = RolloutUnit(solution_id=solution.id)
            db.session.add(unit)
        unit.position, unit.name = position, data["name"]
        unit.planned_start, unit.actual_start = data["planned_start"], data.get("actual_start")
        if unit.id is not None:
            kept.add(unit.id)
    for unit in existing.values():
        if unit.id not in kept:
            db.session.delete(unit)
    db.session.flush()
    after = [_unit_record(u) for u in rollout_units(solution)]
    if after != before:
        touch(solution)
        audit.record("update", "rollout_plan", solution.id, solution_id=solution.id,
                     data={"changes": {"units": {"before": before, "after": after}}}, reason=reason)


def _check_names(units: list[dict]) -> None:
    seen: set[str] = set()
    for index, unit in enumerate(units):
        unit["name"] = unit["name"].strip()
        key = unit["name"].casefold()
        if not key:
            raise InvalidInput("Invalid input: units", errors={"units": {index: {"name": [
                Message(N_("Name the care unit."))]}}})
        if key in seen:
            raise InvalidInput("Invalid input: units", errors={"units": {index: {"name": [
                Message(N_("{name!r} is listed twice."), name=unit["name"])]}}})
        seen.add(key)


# --------------------------------------------------------------------------- decommissioning checklist


def checklist_items(solution: Solution) -> dict[str, DecommissioningItem]:
    """The items stored for the solution (ticked or not), by key."""
    items = db.session.scalars(select(DecommissioningItem)
                               .where(DecommissioningItem.solution_id == solution.id))
    return {item.key: item for item in items}


def decommissioning_checklist(solution: Solution,
                              stored: dict[str, DecommissioningItem] | None = None) -> dict[str, Any]:
    """Every item of the checklist, ticked or not; `stored`: the items as `checklist_items` reads them, when
    the caller has them."""
    stored = checklist_items(solution) if stored is None else stored
    items = []
    for key, label in DECOMMISSIONING_CHECKLIST.items():
        item = stored.get(key)
        words = both(label)
        items.append({"key": key, "label_sv": words["sv"], "label_en": words["en"],
                      "done": bool(item and item.done), "done_by": item.done_by if item else None,
                      "done_at": item.done_at if item else None, "note": item.note if item else None})
    return {"solution_id": solution.id, "items": items, "complete": all(i["done"] for i in items)}


def update_checklist(solution: Solution, changes: list[dict], by: User, *, reason: str | None = None) -> None:
    """Tick or untick items, each named once; who ticked what and when is kept on the item and in the audit
    trail."""
    keys = [change["key"] for change in changes]
    if len(keys) != len(set(keys)):
        raise InvalidInput("Invalid input: items",
                           errors={"items": [Message(N_("Each checklist item may be listed once."))]})
    if solution.phase != Phase.DECOMMISSIONING.value:
        raise Conflict("The decommissioning checklist can be changed only in the decommissioning phase.")
    stored = checklist_items(solution)
    changed = False
    for change in changes:
        item = stored.get(change["key"])
        if item is None:
            item = DecommissioningItem(solution_id=solution.id, key=change["key"], done=False)
            db.session.add(item)
            _apply_tick(item, change, by)
            audit.record_create(item, "decommissioning_item", solution_id=solution.id, reason=reason)
            changed = True
            continue
        before = audit.snapshot(item)
        _apply_tick(item, change, by)
        event = audit.record_update(item, "decommissioning_item", before, solution_id=solution.id,
                                    reason=reason,
                                    action="tick" if item.done and not before["done"] else "update")
        changed = changed or event is not None
    if changed:
        touch(solution)


def _apply_tick(item: DecommissioningItem, change: dict, by: User) -> None:
    if change["done"] != item.done:
        item.done = change["done"]
        item.done_by_id, item.done_at = (by.id, utcnow()) if item.done else (None, None)
        item.done_by = by if item.done else None
    if "note" in change:
        item.note = change["note"]
