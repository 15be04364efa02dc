"""The data of the traceability report and the portfolio report: gathered here, rendered elsewhere
(`export.py` for JSON and CSV, `pdf.py` for PDF, `bundle.py` for the signed ZIP).

A report is built from plain JSON-ready records of the solution's entities. For the present state
they are read from the tables (`audit.snapshot`, the shape every create event stores); for `as_of`
they are rebuilt by replaying the solution's audit events up to that instant (`replay.py`). One
builder turns either into the report, so a past report and a present one read the same way.

Other areas' models are looked up by name: an area that does not exist yet leaves its section out
(listed under `omitted_sections`), never filled with made-up data. Audit events are read in
keyset batches, so a solution with thousands of events is reported in bounded memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, inspect, select

from ai_register.audit import services as audit
from ai_register.audit.chain import GENESIS_HASH, format_timestamp, link_hash
from ai_register.audit.models import AuditEvent
from ai_register.classification import models as classification_models
from ai_register.classification import services as classification_services
from ai_register.evidence import models as evidence_models
from ai_register.evidence.validity import is_valid_on
from ai_register.extensions import db
from ai_register.fria import models as fria_models
from ai_register.goals import models as goals_models
from ai_register.goals.benefit import calculate_benefit
from ai_register.incidents import models as incidents_models
from ai_register.literacy import models as literacy_models
from ai_register.obligations import models as obligations_models
from ai_register.oversight import models as oversight_models
from ai_register.portfolio import models as portfolio_models
from ai_register.reports.replay import Replay
from ai_register.reviews import models as reviews_models
from ai_register.solutions import lifecycle
from ai_register.solutions import models as solutions_models
from ai_register.solutions import services as solution_services
from ai_register.solutions.models import RolloutUnit, Solution
from ai_register.users.models import User

REPORT_FORMAT_VERSION = 1
EVENT_BATCH = 500
# Every stored field of an audit event, in the order the bundle and the report list them.
EVENT_FIELDS = ("id", "position", "occurred_at", "actor_id", "channel", "action", "entity_type", "entity_id",
                "solution_id", "solution_seq", "data", "reason", "request_id", "prev_hash", "hash")
_EVENT_COLUMNS = [getattr(AuditEvent, name) for name in EVENT_FIELDS]
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?$")


# --------------------------------------------------------------------------- where records come from


@dataclass(frozen=True)
class Source:
    """One kind of record of a solution: its audit entity type and, when present, its model.

    `parent` is the column that names the solution; `via` = (column, entity type) for records that
    hang off another record of the solution (a measurement off its goal). `exclude` leaves out
    storage details the trail does not keep either.
    """

    entity_type: str
    model: type
    parent: str | None = "solution_id"
    via: tuple[str, str] | None = None
    exclude: frozenset[str] = frozenset()
    history: bool = False


SOURCES: tuple[Source, ...] = (
    Source("classification", classification_models.Classification),
    Source("transition_request", solutions_models.TransitionRequest),
    Source("decision", solutions_models.Decision),
    Source("decommissioning_item", solutions_models.DecommissioningItem),
    Source("goal", goals_models.Goal),
    Source("goal_measurement", goals_models.Measurement, parent=None, via=("goal_id", "goal")),
    Source("benefit_estimate", goals_models.BenefitEstimate, history=True),
    Source("evidence", evidence_models.Evidence, exclude=frozenset({"stored_name"})),
    Source("oversight_assignment", oversight_models.OversightAssignment, history=True),
    Source("incident", incidents_models.Incident),
    Source("incident_duty", incidents_models.IncidentDuty, parent=None,
           via=("incident_id", "incident")),
    Source("review", reviews_models.Review),
    Source("trustworthy_assessment", portfolio_models.TrustworthyAssessment),
    # deployer duties as records (issue 21)
    Source("solution_obligation", obligations_models.SolutionObligation),
    Source("fria", fria_models.FriaAssessment),
    Source("literacy_measure", literacy_models.LiteracyMeasure),
)
SOURCE_BY_TYPE = {source.entity_type: source for source in SOURCES}

# Report sections and the record kinds they need; a section is left out while none of them exists.
SECTION_SOURCES: Mapping[str, tuple[str, ...]] = {
    "classifications": ("classification",),
    "oversight": ("oversight_assignment",),
    "goals": ("goal",),
    "evidence": ("evidence",),
    "incidents": ("incident",),
    "reviews": ("review",),
    "trustworthy_assessment": ("trustworthy_assessment",),
    "continuity": ("evidence",),
    "obligation_records": ("solution_obligation",),
    "fria": ("fria",),
    "literacy": ("literacy_measure",),
}


def available_sources() -> dict[str, Any]:
    """entity type → model class."""
    return {source.entity_type: source.model for source in SOURCES}


# --------------------------------------------------------------------------- instants and values


def region_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("TIMEZONE", "Europe/Stockholm"))


def as_of_instant(value: date | datetime) -> datetime:
    """A date means the end of that day in the region's time zone; a naive datetime is UTC."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    next_day = datetime.combine(value + timedelta(days=1), time.min, tzinfo=region_zone())
    return (next_day - timedelta(microseconds=1)).astimezone(UTC)


def _db_instant(moment: datetime) -> datetime:
    """The value to compare with stored timestamps: SQLite keeps naive UTC, PostgreSQL aware."""
    moment = moment.astimezone(UTC)
    if db.session.get_bind().dialect.name == "sqlite":
        return moment.replace(tzinfo=None)
    return moment


def parse_instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def parse_day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def normalise(value: Any) -> Any:
    """Stored timestamps in one form (ISO 8601 UTC with `Z`), whichever database wrote them."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str) and "T" in value and _ISO_DATETIME.match(value):
        return format_timestamp(parse_instant(value))
    return value


# --------------------------------------------------------------------------- the solution's records


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


def live_records(solution: Solution) -> RecordSet:
    """The present state: one query per kind of record (constant in the number of rows)."""
    models = available_sources()
    result = RecordSet(solution=solution_services.solution_record(solution), available=frozenset(models))
    ids: dict[str, list[Any]] = {}
    for source in SOURCES:
        model = models.get(source.entity_type)
        if model is None:
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
    units = db.session.scalars(select(RolloutUnit).where(RolloutUnit.solution_id == solution.id)
                               .order_by(RolloutUnit.position, RolloutUnit.id))
    result.rollout_plan = [audit.jsonable({"name": u.name, "planned_start": u.planned_start,
                                           "actual_start": u.actual_start}) for u in units]
    _attach_histories(result, solution.id, until=None)
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
        result.records[source.entity_type] = [{**r.fields, "id": r.fields.get("id", _id_value(r.entity_id))}
                                              for r in replay.records(source.entity_type)]
        if source.history:
            result.histories[source.entity_type] = {r.entity_id: _versions(r)
                                                    for r in replay.records(source.entity_type)}
    return result


def _id_value(entity_id: str) -> Any:
    return int(entity_id) if entity_id.isdigit() else entity_id


def _versions(record) -> list[dict[str, Any]]:
    return [{"occurred_at": v.occurred_at, "action": v.action, "fields": v.fields} for v in record.history]


def _attach_histories(result: RecordSet, solution_id: int, until: datetime | None) -> None:
    """For the live state, the versions of history-kept records come from the trail as well."""
    keep = [s.entity_type for s in SOURCES if s.history and s.entity_type in result.available]
    if not keep:
        return
    replay = Replay(keep_history=keep)
    for event in iter_solution_events(solution_id, until=until, entity_types=keep):
        replay.apply(event)
    for entity_type in keep:
        result.histories[entity_type] = {r.entity_id: _versions(r) for r in replay.records(entity_type)}


# --------------------------------------------------------------------------- audit events


def iter_solution_events(solution_id: int, *, until: datetime | None = None,
                         entity_types: list[str] | None = None, max_seq: int | None = None,
                         batch_size: int = EVENT_BATCH) -> Iterator[dict[str, Any]]:
    """The solution's events in per-solution sequence order, read in keyset batches.

    `max_seq` holds the set still while other requests append: every pass over the events of one
    report or bundle sees the same ones.
    """
    last = 0
    while True:
        query = select(*_EVENT_COLUMNS).where(AuditEvent.solution_id == solution_id,
                                              AuditEvent.solution_seq > last)
        if max_seq is not None:
            query = query.where(AuditEvent.solution_seq <= max_seq)
        if until is not None:
            query = query.where(AuditEvent.occurred_at <= _db_instant(until))
        if entity_types:
            query = query.where(AuditEvent.entity_type.in_(entity_types))
        rows = db.session.execute(query.order_by(AuditEvent.solution_seq).limit(batch_size)).mappings().all()
        if not rows:
            return
        for row in rows:
            yield dict(row)
        last = rows[-1]["solution_seq"]


def event_json(event: Mapping[str, Any]) -> dict[str, Any]:
    """An event with every chain field, its timestamp in the canonical form (so its hash recomputes)."""
    fields = {name: event[name] for name in EVENT_FIELDS}
    fields["occurred_at"] = format_timestamp(event["occurred_at"])
    return fields


def last_solution_seq(solution_id: int) -> int:
    query = select(func.max(AuditEvent.solution_seq)).where(AuditEvent.solution_id == solution_id)
    return db.session.scalar(query) or 0


def count_solution_events(solution_id: int, until: datetime | None = None, max_seq: int | None = None) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.solution_id == solution_id)
    if max_seq is not None:
        query = query.where(AuditEvent.solution_seq <= max_seq)
    if until is not None:
        query = query.where(AuditEvent.occurred_at <= _db_instant(until))
    return db.session.scalar(query) or 0


def chain_head_at(until: datetime | None = None) -> dict[str, Any]:
    if until is None:
        return audit.chain_head()
    head = db.session.execute(
        select(AuditEvent.position, AuditEvent.hash).where(AuditEvent.occurred_at <= _db_instant(until))
        .order_by(AuditEvent.position.desc()).limit(1)).first()
    return {"position": head.position, "hash": head.hash} if head else {"position": 0, "hash": GENESIS_HASH}


def verify_solution_events(solution_id: int, until: datetime | None = None, *, max_seq: int | None = None,
                           limit_problems: int = 20) -> dict:
    """Check the solution's events without walking the whole chain.

    Each event's hash is recomputed from its content and prev_hash; its per-solution sequence
    number must follow the previous one (a gap means an event is missing); and its prev_hash
    must be the stored hash of the event before it in the global chain.
    """
    problems: list[dict[str, Any]] = []
    checked = 0
    expected_seq = 1
    batch: list[dict[str, Any]] = []

    def check_links(events: list[dict[str, Any]]) -> None:
        wanted = [e["position"] - 1 for e in events if e["position"] > 1]
        before = {}
        if wanted:
            before = dict(db.session.execute(
                select(AuditEvent.position, AuditEvent.hash).where(AuditEvent.position.in_(wanted))).all())
        for event in events:
            prior = GENESIS_HASH if event["position"] == 1 else before.get(event["position"] - 1)
            if prior is None:
                problems.append(_problem(event, "the event before it in the chain is missing"))
            elif prior != event["prev_hash"]:
                problems.append(_problem(event, "prev_hash does not match the hash of the event before it"))

    for event in iter_solution_events(solution_id, until=until, max_seq=max_seq):
        checked += 1
        if link_hash(event["prev_hash"], event) != event["hash"]:
            problems.append(_problem(event, "stored hash does not match the event's content"))
        if event["solution_seq"] != expected_seq:
            found = event["solution_seq"]
            problems.append(_problem(event, f"expected solution_seq {expected_seq}, found {found} "
                                            "(an event of this solution is missing)"))
        expected_seq = event["solution_seq"] + 1
        batch.append(event)
        if len(batch) >= EVENT_BATCH:
            check_links(batch)
            batch = []
    if batch:
        check_links(batch)
    return {
        "scope": "solution",
        "intact": not problems,
        "events_checked": checked,
        "problems": problems[:limit_problems],
        "problem_count": len(problems),
        "checked_at": format_timestamp(datetime.now(UTC)),
    }


def _problem(event: Mapping[str, Any], reason: str) -> dict[str, Any]:
    return {"position": event["position"], "solution_seq": event["solution_seq"], "id": event["id"],
            "reason": reason}


def verify_whole_chain() -> dict:
    report = audit.verify_against_checkpoints()
    return {"scope": "chain", **report, "checked_at": format_timestamp(datetime.now(UTC))}


# --------------------------------------------------------------------------- people


def user_names(ids: set[int]) -> dict[int, str]:
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def solution_actor_names(solution_id: int) -> dict[int, str]:
    """Names of everyone who acted on the solution, for the events table (one query)."""
    actors = (select(AuditEvent.actor_id).where(AuditEvent.solution_id == solution_id).distinct()
              .scalar_subquery())
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(actors))).all())


def _is_user_key(key: str) -> bool:
    return key.endswith(("_by_id", "user_id")) or key == "owner_id"


def _referenced_user_ids(value: Any, key: str = "") -> set[int]:
    found: set[int] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            found |= _referenced_user_ids(v, k)
    elif isinstance(value, list):
        if key.endswith("_ids"):
            found |= {v for v in value if isinstance(v, int)}
        else:
            for v in value:
                found |= _referenced_user_ids(v, key)
    elif isinstance(value, int) and _is_user_key(key):
        found.add(value)
    return found


# --------------------------------------------------------------------------- the report


@dataclass
class ReportContext:
    solution_id: int
    as_of: datetime | None
    on: date
    names: dict[int, str]

    def person(self, user_id: Any) -> dict[str, Any] | None:
        if user_id is None:
            return None
        return {"id": user_id, "name": self.names.get(user_id, f"user {user_id}")}


def build_report(solution: Solution, *, generated_by: User, as_of: datetime | None = None,
                 verify: str = "solution", max_seq: int | None = None) -> dict[str, Any]:
    """Everything of the traceability report except the audit events themselves (streamed apart).

    Empty when the solution did not exist yet at `as_of`.
    """
    report = build_sections(solution, generated_by=generated_by, as_of=as_of)
    if report:
        report["chain"] = chain_section(solution.id, as_of=as_of, verify=verify, max_seq=max_seq)
    return report


def build_sections(solution: Solution, *, generated_by: User,
                   as_of: datetime | None = None) -> dict[str, Any]:
    """The report's record sections (identity, lifecycle, classifications, ...), without the chain."""
    now = datetime.now(UTC)
    if as_of is not None:
        records = replayed_records(solution.id, as_of)
        if records is None:
            return {}
        on = as_of.astimezone(region_zone()).date()
    else:
        records = live_records(solution)
        on = now.astimezone(region_zone()).date()
    context = ReportContext(solution.id, as_of, on, {})
    context.names = user_names(_referenced_user_ids(records.solution) | _referenced_user_ids(records.records)
                               | _referenced_user_ids(records.histories) | {generated_by.id})
    classifications = _classifications(records, context)
    current = _current_classification(records, classifications, live=as_of is None, solution=solution)
    report: dict[str, Any] = {
        "report": {
            "kind": "traceability",
            "format_version": REPORT_FORMAT_VERSION,
            "generated_at": format_timestamp(now),
            "generated_by": {"id": generated_by.id, "name": generated_by.display_name,
                             "role": generated_by.role},
            "as_of": format_timestamp(as_of) if as_of is not None else None,
            "state_source": "audit_trail_replay" if as_of is not None else "current_records",
            "report_date": on.isoformat(),
            "ruleset": report_ruleset(current),
        },
        "solution": _identity(records.solution, context),
        "lifecycle": _lifecycle(records, context),
    }
    sections = {
        "classifications": lambda: {"current": current, "versions": classifications},
        "obligations": lambda: _obligations(current, records, context),
        "oversight": lambda: _oversight(records, context),
        "goals": lambda: _goals(records, context),
        "evidence": lambda: _evidence(records, context),
        "incidents": lambda: _incidents(records, context),
        "reviews": lambda: [_with_people(normalise(r), context) for r in records.of("review")],
        "trustworthy_assessment": lambda: _trustworthy(records, context),
        "continuity": lambda: _continuity(records, context),
        "obligation_records": lambda: [_with_people(normalise(r), context) for r in records.of("solution_obligation")],
        "fria": lambda: [_with_people(normalise(r), context) for r in records.of("fria")],
        "literacy": lambda: [_with_people(normalise(r), context) for r in records.of("literacy_measure")],
    }
    omitted = []
    for name, build in sections.items():
        needed = SECTION_SOURCES.get(name, ("classification",))
        if any(kind in records.available for kind in needed):
            report[name] = build()
        else:
            omitted.append(name)
    report["omitted_sections"] = omitted
    return report


def chain_section(solution_id: int, *, as_of: datetime | None = None, verify: str = "solution",
                  max_seq: int | None = None) -> dict[str, Any]:
    """The chain head, the number of the solution's events and their verification."""
    chain: dict[str, Any] = {
        "head": audit.chain_head(),
        "events_of_solution": count_solution_events(solution_id, as_of, max_seq),
        "verification": verify_solution_events(solution_id, as_of, max_seq=max_seq),
    }
    if as_of is not None:
        chain["head_as_of"] = chain_head_at(as_of)
    chain.update(checkpoint_section(chain["head"]))
    if verify == "full":
        chain["full_verification"] = verify_whole_chain()
    return chain


def checkpoint_section(head: Mapping[str, Any]) -> dict[str, Any]:
    """The latest signed checkpoint, and every stored checkpoint the chain now contradicts (issue #19)."""
    from ai_register.audit import checkpoints

    stored = audit.stored_checkpoints()
    found = checkpoints.contradictions(stored, audit.hashes_at(c["position"] for c in stored), head["position"])
    return {"checkpoint": max(stored, key=lambda c: c["position"], default=None),
            "checkpoint_contradictions": found}


def _with_people(record: dict[str, Any], context: ReportContext) -> dict[str, Any]:
    """Beside every `…_by_id` / `owner_id`, the person's name (`…_by`, `owner`)."""
    out = dict(record)
    for key, value in record.items():
        if _is_user_key(key):
            out[key.removesuffix("_id")] = context.person(value)
    return out


def _identity(record: dict[str, Any], context: ReportContext) -> dict[str, Any]:
    identity = _with_people(normalise(record), context)
    identity["co_owners"] = [context.person(i) for i in record.get("co_owner_ids") or []]
    identity["phase_label"] = _label(lifecycle.PHASE_LABELS, lifecycle.Phase, record.get("phase"))
    identity["status_label"] = _label(lifecycle.STATUS_LABELS, lifecycle.Status, record.get("status"))
    return identity


def _label(labels: Mapping, kind: Callable, code: Any) -> dict[str, str] | None:
    try:
        label = labels[kind(code)]
    except (ValueError, KeyError):
        return None
    return {"sv": label.sv, "en": label.en}


def _lifecycle(records: RecordSet, context: ReportContext) -> dict[str, Any]:
    phases = phase_history(context.solution_id, context.as_of)
    transitions = sorted((_with_people(normalise(r), context) for r in records.of("transition_request")),
                         key=lambda r: (str(r.get("requested_at")), r.get("id") or 0))
    decisions = sorted((_with_people(normalise(r), context) for r in records.of("decision")),
                       key=lambda r: (str(r.get("decided_on")), r.get("id") or 0))
    for decision in decisions:
        decision["kind_label"] = _label(lifecycle.DECISION_LABELS, lifecycle.DecisionKind,
                                        decision.get("kind"))
    units = [normalise(u) for u in records.rollout_plan]
    checklist = {r.get("key"): _with_people(normalise(r), context)
                 for r in records.of("decommissioning_item")}
    items = []
    for key, label in lifecycle.DECOMMISSIONING_CHECKLIST.items():
        item = checklist.get(key) or {"key": key, "done": False}
        items.append({**item, "label": {"sv": label.sv, "en": label.en}})
    return {
        "phase": records.solution.get("phase"),
        "status": records.solution.get("status"),
        "phase_history": phases,
        "transitions": transitions,
        "decisions": decisions,
        "rollout_plan": units,
        "decommissioning_checklist": items,
    }


def phase_history(solution_id: int, until: datetime | None) -> list[dict[str, Any]]:
    """Each period in a phase and status, from the solution's own events (create record + diffs)."""
    periods: list[dict[str, Any]] = []
    state: dict[str, Any] = {}
    for event in iter_solution_events(solution_id, until=until, entity_types=["solution"]):
        if str(event["entity_id"]) != str(solution_id):
            continue
        data = event["data"] or {}
        new = dict(state)
        if isinstance(data.get("record"), Mapping):
            new.update({k: data["record"].get(k) for k in ("phase", "status")})
        for name in ("phase", "status"):
            change = (data.get("changes") or {}).get(name)
            if isinstance(change, Mapping):
                new[name] = change.get("after")
        if new != state:
            at = format_timestamp(event["occurred_at"])
            if periods:
                periods[-1]["until"] = at
            periods.append({
                "phase": new.get("phase"), "status": new.get("status"), "from": at, "until": None,
                "action": event["action"], "reason": event["reason"], "actor_id": event["actor_id"],
                "label": _label(lifecycle.PHASE_LABELS, lifecycle.Phase, new.get("phase")),
                "status_label": _label(lifecycle.STATUS_LABELS, lifecycle.Status, new.get("status")),
            })
            state = new
    return periods


def _classifications(records: RecordSet, context: ReportContext) -> list[dict[str, Any]]:
    versions = []
    for record in sorted(records.of("classification"), key=lambda r: r.get("version") or 0):
        item = _with_people(normalise(record), context)
        result = record.get("result") or {}
        item["ruleset"] = {"version": record.get("ruleset_version"), "sha256": record.get("ruleset_sha256")}
        item["fired_rules"] = result.get("fired_rules") or []
        overridden = record.get("status") == "overridden"
        ai_act = result.get("ai_act") or {}
        device = result.get("medical_device") or {}
        item["engine_category"] = ai_act.get("category")
        item["effective_category"] = ((overridden and record.get("override_category"))
                                      or ai_act.get("category"))
        item["effective_device_class"] = ((overridden and record.get("override_device_class"))
                                          or device.get("class"))
        versions.append(item)
    return versions


def _current_classification(records: RecordSet, versions: list[dict[str, Any]], *, live: bool,
                            solution: Solution) -> dict[str, Any] | None:
    decided = [v for v in versions if v.get("status") in ("approved", "overridden")]
    if not decided:
        return {"version": None, "valid": False, "reason": "none_approved"}
    latest = decided[-1]
    reason = "flagged_for_review" if records.solution.get("needs_rereview") else None
    if reason is None and live:
        # Only the present can be re-run under the current rule set; a past state keeps its flag.
        found = classification_services.classification_validity(solution)
        reason = found.reason.value if found.reason is not None else None
    answers = latest.get("answers") or {}
    return {
        "id": latest.get("id"),
        "version": latest.get("version"),
        "status": latest.get("status"),
        "effective_category": latest["effective_category"],
        "effective_device_class": latest["effective_device_class"],
        "role": answers.get("role"),
        "public_authority": answers.get("public_authority"),
        "ruleset": latest["ruleset"],
        "valid": reason is None,
        "reason": reason,
    }


def report_ruleset(current: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The rule set of the current classification, else the active one (for the PDF footer)."""
    if current and current.get("ruleset", {}).get("sha256"):
        return {**current["ruleset"], "source": "current_classification"}
    try:
        ruleset = classification_services.active_ruleset()
    except (OSError, ValueError):  # an unreadable rule set only loses the footer's hash
        return None
    return {"version": ruleset.version, "sha256": ruleset.sha256, "source": "active_ruleset"}


def _role_matches(obligation_role: str | None, role: str | None) -> bool:
    if obligation_role in (None, "any") or role in (None, "provider_and_deployer"):
        return True
    return obligation_role == role


def _obligations(current: dict[str, Any] | None, records: RecordSet,
                 context: ReportContext) -> dict[str, Any]:
    """The duties of the current classification (from its result) and the evidence they call for."""
    if not current or current.get("version") is None:
        return {"role": None, "items": [], "required_evidence": []}
    version = next(r for r in records.of("classification") if r.get("version") == current["version"])
    result, answers = version.get("result") or {}, version.get("answers") or {}
    role = answers.get("role")
    items = []
    for obligation in result.get("obligations") or []:
        if not _role_matches(obligation.get("role"), role):
            continue
        starts = parse_day(obligation.get("applies_from"))
        status = "applies" if starts is None or starts <= context.on else "upcoming"
        items.append({**obligation, "status": status})
    required = []
    fact = _classification_fact(version)
    if fact is not None:
        evidence = [e for e in records.of("evidence") if not e.get("superseded_by_id")]
        for kind, need in lifecycle.required_evidence(fact, context.on).items():
            required.append(_evidence_status(kind, need, evidence, context.on))
    return {"role": role, "public_authority": answers.get("public_authority"), "items": items,
            "required_evidence": required}


def _classification_fact(version: Mapping[str, Any]) -> lifecycle.ClassificationFact | None:
    """The lifecycle's view of a stored classification record (the officer's values for an override)."""
    overridden = version.get("status") == "overridden"
    try:
        return lifecycle.ClassificationFact.from_result(
            version.get("result") or {}, version.get("answers") or {},
            override_category=version.get("override_category") if overridden else None,
            override_device_class=version.get("override_device_class") if overridden else None)
    except (KeyError, ValueError, TypeError):
        return None


def _evidence_status(kind: lifecycle.EvidenceType, need: lifecycle.EvidenceNeed, evidence: list[dict],
                     on: date) -> dict[str, Any]:
    accepted = {t.value for t in need.accepted}
    matching = [e for e in evidence if e.get("type") in accepted]
    valid = [e for e in matching if _valid_on(e, on)]
    if valid:
        status = "met"
    elif not matching:
        status = "missing"
    elif any((parse_day(e.get("issued_on")) or on) <= on for e in matching):
        status = "expired"
    else:
        status = "not_yet_issued"
    label = lifecycle.EVIDENCE_LABELS[kind]
    return {"type": kind.value, "label": {"sv": label.sv, "en": label.en}, "accepted_types": sorted(accepted),
            "basis": need.basis, "status": status, "evidence_ids": [e.get("id") for e in valid]}


def _valid_on(evidence: Mapping[str, Any], on: date) -> bool:
    issued, expires = parse_day(evidence.get("issued_on")), parse_day(evidence.get("expires_on"))
    if issued is None:
        return False
    return is_valid_on(_Dated(issued, expires), on)


@dataclass(frozen=True)
class _Dated:
    issued_on: date
    expires_on: date | None


def _evidence(records: RecordSet, context: ReportContext) -> list[dict[str, Any]]:
    items = []
    for record in sorted(records.of("evidence"), key=lambda r: (str(r.get("type")), str(r.get("issued_on")))):
        item = _with_people(normalise(record), context)
        expires = parse_day(record.get("expires_on"))
        item["superseded"] = record.get("superseded_by_id") is not None
        item["valid_on_report_date"] = _valid_on(record, context.on)
        item["expired"] = expires is not None and expires < context.on
        item["days_to_expiry"] = (expires - context.on).days if expires is not None else None
        label = _label(lifecycle.EVIDENCE_LABELS, lifecycle.EvidenceType, record.get("type"))
        item["type_label"] = label
        items.append(item)
    return items


def _trustworthy(records: RecordSet, context: ReportContext) -> dict[str, Any]:
    """The latest self-assessment against the seven requirements (a refresh is a new version), and
    how many were made."""
    assessments = sorted(records.of("trustworthy_assessment"),
                         key=lambda r: (str(r.get("assessed_on")), r.get("id") or 0))
    latest = _with_people(normalise(assessments[-1]), context) if assessments else None
    return {"latest": latest, "versions": len(assessments)}


CONTINUITY_EVIDENCE = ("fallback_routine", "recovery_plan")


def _continuity(records: RecordSet, context: ReportContext) -> dict[str, Any]:
    """Criticality for patient care, the longest tolerable outage, the fallback routine and the
    recovery plan with its last test."""
    solution = records.solution
    evidence = [e for e in records.of("evidence") if e.get("type") in CONTINUITY_EVIDENCE
                and not e.get("superseded_by_id")]
    return {
        "critical_for_patient_care": solution.get("critical_for_patient_care"),
        "max_tolerable_outage_hours": solution.get("max_tolerable_outage_hours"),
        "recovery_plan_tested_on": solution.get("recovery_plan_tested_on"),
        "evidence": [{**_with_people(normalise(e), context), "valid_on_report_date": _valid_on(e, context.on)}
                     for e in sorted(evidence, key=lambda r: (str(r.get("type")), str(r.get("issued_on"))))],
    }


def _goals(records: RecordSet, context: ReportContext) -> dict[str, Any]:
    measurements: dict[Any, list[dict[str, Any]]] = {}
    for m in records.of("goal_measurement"):
        measurements.setdefault(m.get("goal_id"), []).append(_with_people(normalise(m), context))
    goals = []
    for record in sorted(records.of("goal"), key=lambda r: (str(r.get("perspective")), r.get("id") or 0)):
        item = _with_people(normalise(record), context)
        values = sorted(measurements.get(record.get("id"), []),
                        key=lambda m: (str(m.get("measured_on")), m.get("id")))
        item["measurements"] = values
        item["latest_value"] = values[-1]["value"] if values else None
        item["target_met"] = _target_met(record, values[-1] if values else None)
        label = {str(k): v for k, v in goals_models.PERSPECTIVE_LABELS.items()}.get(str(record.get("perspective")))
        item["perspective_label"] = {"sv": label[0], "en": label[1]} if label else None
        goals.append(item)
    benefit = None
    estimates = records.of("benefit_estimate")
    if estimates:
        benefit = _with_people(normalise(estimates[-1]), context)
        benefit["result"] = _benefit_result(estimates[-1])
        history = records.histories.get("benefit_estimate", {}).get(str(estimates[-1].get("id")), [])
        benefit["versions"] = len(history)
    return {"items": goals, "benefit_estimate": benefit}


def _target_met(goal: Mapping[str, Any], latest: Mapping[str, Any] | None) -> bool | None:
    from decimal import Decimal, InvalidOperation

    if latest is None or goal.get("target") is None:
        return None
    try:
        value, target = Decimal(str(latest["value"])), Decimal(str(goal["target"]))
    except (InvalidOperation, KeyError):
        return None
    return value >= target if goal.get("higher_is_better", True) else value <= target


def _benefit_result(estimate: Mapping[str, Any]) -> dict[str, Any] | None:
    from decimal import Decimal, InvalidOperation

    try:
        hourly = estimate.get("hourly_cost")
        result = calculate_benefit(
            one_off_cost=Decimal(str(estimate["one_off_cost"])),
            yearly_cost=Decimal(str(estimate["yearly_cost"])),
            yearly_savings=Decimal(str(estimate.get("yearly_savings") or 0)),
            hours_freed_per_year=Decimal(str(estimate.get("hours_freed_per_year") or 0)),
            hourly_cost=Decimal(str(hourly)) if hourly is not None else None)
    except (InvalidOperation, KeyError):
        return None
    return {"value_of_time_freed": str(result.value_of_time_freed),
            "yearly_net_benefit": str(result.yearly_net_benefit),
            "payback_years": None if result.payback_years is None else str(result.payback_years)}


def _oversight(records: RecordSet, context: ReportContext) -> dict[str, Any]:
    """The owners over time: every assignment in start order, the current one, and every recorded
    change of an assignment (acceptance, re-confirmation, end) from the trail."""
    people = person_names({r.get(k) for r in records.of("oversight_assignment")
                           for k in ("person_id", "deputy_person_id")})

    def describe(record: dict[str, Any]) -> dict[str, Any]:
        item = _with_people(normalise(record), context)
        item["owner"] = _oversight_party(record.get("user_id"), record.get("person_id"), context, people)
        item["deputy"] = _oversight_party(record.get("deputy_user_id"), record.get("deputy_person_id"),
                                          context, people)
        item.pop("user", None)
        item.pop("deputy_user", None)
        item["current"] = record.get("ended_at") is None
        return item

    assignments = sorted((describe(r) for r in records.of("oversight_assignment")),
                         key=lambda a: (str(a.get("started_at")), a.get("id") or 0))
    history = []
    for entity_id, versions in records.histories.get("oversight_assignment", {}).items():
        for version in versions:
            fields = describe(version["fields"])
            history.append({
                "assignment_id": _id_value(entity_id), "occurred_at": normalise(version["occurred_at"]),
                "action": version["action"], "owner": fields["owner"],
                "accepted_on": fields.get("accepted_on"), "confirmed_on": fields.get("confirmed_on"),
                "ended_at": fields.get("ended_at"),
            })
    history.sort(key=lambda h: str(h["occurred_at"]))
    current = [a for a in assignments if a["current"]]
    return {"current": current[-1] if current else None, "assignments": assignments, "history": history}


def _oversight_party(user_id: Any, person_id: Any, context: ReportContext,
                     people: dict[int, dict[str, Any]]) -> dict[str, Any] | None:
    """Who holds the role: an account (name) or a person record (name, title, unit); no contact details."""
    if user_id is not None:
        return {"kind": "user", "user_id": user_id, "name": context.names.get(user_id, f"user {user_id}")}
    if person_id is not None:
        person = people.get(person_id) or {}
        return {"kind": "person", "person_id": person_id, "name": person.get("name"),
                "title": person.get("title"), "unit": person.get("unit")}
    return None


def person_names(ids: set[Any]) -> dict[int, dict[str, Any]]:
    """Person records (people without accounts) as they are now: name, title, unit."""
    model = oversight_models.Person
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    rows = db.session.execute(select(model.id, model.name, model.title, model.unit).where(model.id.in_(ids)))
    return {row.id: {"name": row.name, "title": row.title, "unit": row.unit} for row in rows}


def _incidents(records: RecordSet, context: ReportContext) -> list[dict[str, Any]]:
    duties: dict[Any, list[dict[str, Any]]] = {}
    for duty in records.of("incident_duty"):
        duties.setdefault(duty.get("incident_id"), []).append(_with_people(normalise(duty), context))
    items = []
    for record in sorted(records.of("incident"), key=lambda r: (str(r.get("occurred_at")), r.get("id") or 0)):
        item = _with_people(normalise(record), context)
        item["duties"] = sorted(duties.get(record.get("id"), []),
                                key=lambda d: (str(d.get("due_at")), d.get("id")))
        items.append(item)
    return items


# --------------------------------------------------------------------------- portfolio


PORTFOLIO_COLUMNS = ("id", "name", "phase", "status", "ai_act_category", "device_class", "owner",
                     "oversight_owner", "next_review_on", "review_overdue", "open_obligations", "care_units",
                     "needs_rereview")


def portfolio_query(user: User, args: Mapping[str, Any]):
    """The solutions the user may read, filtered as the solutions list filters them."""
    return solution_services.solutions_query(user, dict(args))


def iter_portfolio(user: User, args: Mapping[str, Any], *, batch_size: int = 200) -> Iterator[dict[str, Any]]:
    """One row per solution, in name order, read in batches: a few queries per batch, not per row.

    Which solutions is decided now, with the user; the rows are read as they are consumed, so a
    streamed answer (CSV) can read them after the request's session has ended."""
    base = portfolio_query(user, args).order_by(None).with_only_columns(Solution.id)
    ordered = select(Solution.id, Solution.name).where(Solution.id.in_(base.scalar_subquery())).order_by(
        func.lower(Solution.name), Solution.id)
    ids = [row.id for row in db.session.execute(ordered)]
    return _portfolio_rows(ids, batch_size)


def _portfolio_rows(ids: list[int], batch_size: int) -> Iterator[dict[str, Any]]:
    today = datetime.now(region_zone()).date()
    for start in range(0, len(ids), batch_size):
        chunk = ids[start:start + batch_size]
        solutions = {s.id: s for s in db.session.scalars(select(Solution).where(Solution.id.in_(chunk)))}
        owners = user_names({s.owner_id for s in solutions.values()})
        oversight = _oversight_names(chunk)
        obligations = _open_obligations(chunk, today)
        for solution_id in chunk:
            solution = solutions[solution_id]
            next_review = solution.next_review_on
            yield {
                "id": solution.id,
                "name": solution.name,
                "phase": solution.phase,
                "status": solution.status,
                "ai_act_category": solution.current_ai_act_category,
                "device_class": solution.current_device_class,
                "owner": owners.get(solution.owner_id),
                "oversight_owner": oversight.get(solution.id),
                "next_review_on": next_review.isoformat() if next_review else None,
                "review_overdue": bool(next_review and next_review < today),
                "open_obligations": obligations.get(solution.id, []),
                "care_units": list(solution.care_units or []),
                "needs_rereview": solution.needs_rereview,
            }


def _oversight_names(solution_ids: list[int]) -> dict[int, str | None]:
    return {sid: owner["name"] for sid, owner in current_oversight_owners(solution_ids).items()}


def current_oversight_owners(solution_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The current oversight owner of each solution (one query): kind, name, and a person's title and unit."""
    assignment = oversight_models.OversightAssignment
    person = oversight_models.Person
    if not solution_ids:
        return {}
    rows = db.session.execute(
        select(assignment.solution_id, assignment.user_id, User.display_name, person.name, person.title,
               person.unit)
        .outerjoin(User, User.id == assignment.user_id)
        .outerjoin(person, person.id == assignment.person_id)
        .where(assignment.solution_id.in_(solution_ids), assignment.ended_at.is_(None)))
    owners = {}
    for row in rows:
        if row.user_id is not None:
            owners[row.solution_id] = {"kind": "user", "name": row.display_name, "title": None, "unit": None}
        else:
            owners[row.solution_id] = {"kind": "person", "name": row[3], "title": row.title, "unit": row.unit}
    return owners


def _open_obligations(solution_ids: list[int], today: date) -> dict[int, list[str]]:
    """Per solution, the evidence its current classification calls for that is not valid today.

    Reads the latest decided classification of each solution (only it, and only the columns the
    lifecycle reads) and their evidence in two queries.
    """
    model = classification_models.Classification
    evidence_model = evidence_models.Evidence
    newest = (select(model.solution_id, func.max(model.version).label("version"))
              .where(model.solution_id.in_(solution_ids), model.status.in_(("approved", "overridden")))
              .group_by(model.solution_id).subquery())
    latest: dict[int, Any] = {
        row.solution_id: row._asdict() for row in db.session.execute(
            select(model.solution_id, model.status, model.result, model.answers, model.override_category,
                   model.override_device_class)
            .join(newest, (model.solution_id == newest.c.solution_id) & (model.version == newest.c.version)))}
    evidence: dict[int, list[dict[str, Any]]] = {}
    rows = db.session.scalars(select(evidence_model).where(evidence_model.solution_id.in_(solution_ids)))
    for row in rows:
        if row.superseded_by_id is None:
            evidence.setdefault(row.solution_id, []).append({"type": row.type, "issued_on": row.issued_on,
                                                             "expires_on": row.expires_on, "id": row.id})
    open_items: dict[int, list[str]] = {}
    for solution_id, classification in latest.items():
        fact = _classification_fact(classification)
        if fact is None:
            continue
        needs = lifecycle.required_evidence(fact, today)
        missing = [kind.value for kind, need in needs.items()
                   if _evidence_status(kind, need, evidence.get(solution_id, []), today)["status"] != "met"]
        if missing:
            open_items[solution_id] = missing
    return open_items
