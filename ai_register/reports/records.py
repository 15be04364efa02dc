"""A solution's records as plain JSON-ready dicts: for the present state read from the tables
(`audit.snapshot`, the shape every create event stores); for `as_of` rebuilt by replaying the solution's
audit events up to that instant (`replay.py`). One report builder reads either."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select

from ai_register.audit import services as audit
from ai_register.extensions import db
from ai_register.reports.events import iter_solution_events
from ai_register.reports.replay import Replay
from ai_register.reports.sources import SOURCES, available_sources
from ai_register.solutions import services as solution_services
from ai_register.solutions.models import RolloutUnit, Solution


@dataclass
class RecordSet:
    """A solution's records as plain dicts, by entity type, plus the kept histories."""

    solution: dict[str, Any]
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    histories: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    available: frozenset[str] = frozenset()
    # The rollout plan is audited as one list (entity "rollout_plan"), not unit by unit.
    rollout_plan: list[dict[str, Any]] = field(default_factory=list)

    def of(self, entity_type: str) -> list[dict[str, Any]]:
        return self.records.get(entity_type, [])


def live_records(solution: Solution, kinds: frozenset[str] | None = None) -> RecordSet:
    """The present state: one query per kind of record (constant in the number of rows); with `kinds`, only
    the records of those kinds (and the rollout plan only when `rollout_plan` is among them)."""
    models = available_sources()
    result = RecordSet(solution=solution_services.solution_record(solution), available=frozenset(models))
    ids: dict[str, list[Any]] = {}
    for source in SOURCES:
        model = models.get(source.entity_type)
        if model is None or (kinds is not None and source.entity_type not in kinds):
            continue
        query = select(model)
        if source.parent is not None:
            query = query.where(getattr(model, source.parent) == solution.id)
        elif source.via is not None:
            column, parent_type = source.via
            query = query.where(getattr(model, column).in_(ids.get(parent_type) or [-1]))
        rows = db.session.scalars(query.order_by(*[c for c in inspect(model).primary_key])).all()
        result.records[source.entity_type] = [audit.snapshot(row, exclude=source.exclude) for row in rows]
        ids[source.entity_type] = [row.id for row in rows]
    if kinds is None or "rollout_plan" in kinds:
        units = db.session.scalars(select(RolloutUnit).where(RolloutUnit.solution_id == solution.id)
                                   .order_by(RolloutUnit.position, RolloutUnit.id))
        result.rollout_plan = [audit.jsonable({"name": u.name, "planned_start": u.planned_start,
                                               "actual_start": u.actual_start}) for u in units]
    _attach_histories(result, solution.id, until=None, kinds=kinds)
    return result


def replayed_records(solution_id: int, until: datetime) -> RecordSet | None:
    """The state at `until`, rebuilt from the solution's audit events; None if it did not exist yet."""
    keep = [s.entity_type for s in SOURCES if s.history]
    replay = Replay(keep_history=keep)
    for event in iter_solution_events(solution_id, until=until):
        replay.apply(event)
    solution = replay.record("solution", solution_id)
    if solution is None:
        return None
    models = available_sources()
    result = RecordSet(solution=solution.fields, available=frozenset(models))
    plan = replay.record("rollout_plan", solution_id)
    result.rollout_plan = list((plan.fields.get("units") if plan else None) or [])
    for source in SOURCES:
        if source.entity_type not in models:
            continue
        result.records[source.entity_type] = [{**r.fields, "id": r.fields.get("id", id_value(r.entity_id))}
                                              for r in replay.records(source.entity_type)]
        if source.history:
            result.histories[source.entity_type] = {r.entity_id: _versions(r)
                                                    for r in replay.records(source.entity_type)}
    return result


def id_value(entity_id: str) -> Any:
    return int(entity_id) if entity_id.isdigit() else entity_id


def _versions(record) -> list[dict[str, Any]]:
    return [{"occurred_at": v.occurred_at, "action": v.action, "fields": v.fields} for v in record.history]


def _attach_histories(result: RecordSet, solution_id: int, until: datetime | None,
                      kinds: frozenset[str] | None = None) -> None:
    """For the live state, the versions of history-kept records come from the trail as well."""
    keep = [s.entity_type for s in SOURCES if s.history and s.entity_type in result.available
            and (kinds is None or s.entity_type in kinds)]
    if not keep:
        return
    replay = Replay(keep_history=keep)
    for event in iter_solution_events(solution_id, until=until, entity_types=keep):
        replay.apply(event)
    for entity_type in keep:
        result.histories[entity_type] = {r.entity_id: _versions(r) for r in replay.records(entity_type)}
