"""The data of a solution's traceability report, gathered here and rendered elsewhere (`export.py` for
JSON, `pdf/traceability.py` for PDF, `bundle.py` for the signed ZIP): its record sections (identity, lifecycle,
classifications, obligations, oversight, goals, evidence, incidents, …) and its chain section.

The records come from `records.py` (present or replayed `as_of`), so a past report and a present one
read the same way; a section whose kind of record the register does not hold is listed under
`omitted_sections`, never filled with made-up data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app

from ai_register.audit import checkpoints
from ai_register.audit import services as audit
from ai_register.audit.chain import format_timestamp
from ai_register.classification.rulesets import active_ruleset
from ai_register.classification.validity import classification_validity
from ai_register.formats import both
from ai_register.goals import models as goals_models
from ai_register.goals.benefit import calculate_benefit
from ai_register.literacy import report as literacy_report
from ai_register.reports.events import (
    chain_head_at,
    count_solution_events,
    iter_solution_events,
    verify_solution_events,
    verify_whole_chain,
)
from ai_register.reports.instants import normalise, parse_day, parse_instant, region_zone
from ai_register.reports.people import is_user_key, person_names, referenced_user_ids, user_names
from ai_register.reports.records import RecordSet, id_value, live_records, replayed_records
from ai_register.reports.required_evidence import classification_fact, evidence_status, valid_on
from ai_register.reports.sources import SECTION_SOURCES
from ai_register.solutions.lifecycle.decisions import DECISION_LABELS, DecisionKind
from ai_register.solutions.lifecycle.evidence_table import required_evidence
from ai_register.solutions.lifecycle.facts import DECOMMISSIONING_CHECKLIST, EVIDENCE_LABELS, EvidenceType
from ai_register.solutions.lifecycle.phases import PHASE_LABELS, STATUS_LABELS, Phase, Status
from ai_register.solutions.models import Solution
from ai_register.suppliers import report as supplier_report
from ai_register.users.models import User

REPORT_FORMAT_VERSION = 1


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


# The sections built from their own kinds of record alone (SECTION_SOURCES), which `build_sections(only=...)`
# may build without the rest: the others read more (the obligations the evidence and the FRIA, the lifecycle
# the transitions, decisions, checklist and rollout plan, ...).
SECTIONS_OF_THEIR_RECORDS = frozenset({"classifications", "evidence"})


def build_sections(solution: Solution, *, generated_by: User, as_of: datetime | None = None,
                   only: frozenset[str] | None = None) -> dict[str, Any]:
    """The report's record sections (identity, lifecycle, classifications, ...), without the chain. With
    `only` (the present state), the report header, the solution's identity and the sections named there, each
    as the whole report has it, and only the records those need are read (the EU-database export reads its
    classifications and evidence: 10 statements where the whole report takes 35)."""
    now = datetime.now(UTC)
    if as_of is not None:
        records = replayed_records(solution.id, as_of)
        if records is None:
            return {}
        on = as_of.astimezone(region_zone()).date()
    else:
        if only is not None and not only <= SECTIONS_OF_THEIR_RECORDS:
            raise ValueError(f"sections that read other records too: {sorted(only - SECTIONS_OF_THEIR_RECORDS)}")
        kinds = None if only is None else frozenset(kind for name in only for kind in SECTION_SOURCES[name])
        records = live_records(solution, kinds)
        on = now.astimezone(region_zone()).date()
    context = ReportContext(solution.id, as_of, on, {})
    wanted = (lambda name: True) if only is None else only.__contains__
    region_measures = (literacy_report.region_wide(as_of) if "literacy_measure" in records.available
                       and only is None else [])
    context.names = user_names(referenced_user_ids(records.solution) | referenced_user_ids(records.records)
                               | referenced_user_ids(records.histories) | referenced_user_ids(region_measures)
                               | {generated_by.id})
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
    }
    if only is None:
        report["lifecycle"] = _lifecycle(records, context)
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
        # The solution's own measures, then the region-wide ones (solution_id null) that reach its staff too.
        "literacy": lambda: [_with_people(normalise(r), context)
                             for r in [*records.of("literacy_measure"), *region_measures]],
        "suppliers": lambda: supplier_report.section(records.of("solution_supplier_product"), as_of=as_of,
                                                     on=on),
        "monitoring": lambda: _monitoring(records, context),
    }
    omitted = []
    for name, build in sections.items():
        if not wanted(name):
            continue
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

    stored = audit.stored_checkpoints()
    found = checkpoints.contradictions(stored, audit.hashes_at(c["position"] for c in stored), head["position"])
    return {"checkpoint": max(stored, key=lambda c: c["position"], default=None),
            "checkpoint_contradictions": found}


def _with_people(record: dict[str, Any], context: ReportContext) -> dict[str, Any]:
    """Beside every `…_by_id` / `owner_id`, the person's name (`…_by`, `owner`)."""
    out = dict(record)
    for key, value in record.items():
        if is_user_key(key):
            out[key.removesuffix("_id")] = context.person(value)
    return out


def _monitoring(records: RecordSet, context: ReportContext) -> dict[str, Any]:
    """Monitoring in operation (Art 26(5), (6)) and informing (Art 26(7), 26(11), Art 86), as held on the
    report's date: metrics, values (with the thresholds they were judged by), breaches and their assessment,
    log retention (newest first: the first is in force), informing records and explanation requests."""
    def rows(kind: str) -> list[dict[str, Any]]:
        return [_with_people(normalise(r), context) for r in records.of(kind)]

    assessments = rows("monitoring_assessment")
    context.names.update(user_names({a["assignee_id"] for a in assessments if a.get("assignee_id")}
                                    - set(context.names)))
    for assessment in assessments:
        assessment["assignee"] = context.person(assessment.get("assignee_id"))
        assessment["overdue"] = assessment.get("status") == "open" and str(assessment.get("due_on") or "9999") \
            < context.on.isoformat()
    requests = rows("explanation_request")
    for request in requests:
        request["overdue"] = not request.get("answered_on") and str(request.get("due_on") or "9999") \
            < context.on.isoformat()
    values = sorted(rows("monitoring_value"), key=lambda v: (v.get("metric_id") or 0, str(v.get("period_end"))))
    return {
        "metrics": rows("monitoring_metric"),
        "values": values,
        "breaches": [v for v in values if v.get("breach")],
        "assessments": assessments,
        "log_retention": sorted(rows("log_retention"), key=lambda r: str(r.get("recorded_at")), reverse=True),
        "informing": rows("informing_record"),
        "explanation_requests": requests,
    }


def _identity(record: dict[str, Any], context: ReportContext) -> dict[str, Any]:
    identity = _with_people(normalise(record), context)
    identity["co_owners"] = [context.person(i) for i in record.get("co_owner_ids") or []]
    identity["phase_label"] = _label(PHASE_LABELS, Phase, record.get("phase"))
    identity["status_label"] = _label(STATUS_LABELS, Status, record.get("status"))
    return identity


def _label(labels: Mapping, kind: Callable, code: Any) -> dict[str, str] | None:
    try:
        label = labels[kind(code)]
    except (ValueError, KeyError):
        return None
    return both(label)


def _lifecycle(records: RecordSet, context: ReportContext) -> dict[str, Any]:
    phases = phase_history(context.solution_id, context.as_of)
    transitions = sorted((_with_people(normalise(r), context) for r in records.of("transition_request")),
                         key=lambda r: (str(r.get("requested_at")), r.get("id") or 0))
    decisions = sorted((_with_people(normalise(r), context) for r in records.of("decision")),
                       key=lambda r: (str(r.get("decided_on")), r.get("id") or 0))
    for decision in decisions:
        decision["kind_label"] = _label(DECISION_LABELS, DecisionKind, decision.get("kind"))
    units = [normalise(u) for u in records.rollout_plan]
    checklist = {r.get("key"): _with_people(normalise(r), context)
                 for r in records.of("decommissioning_item")}
    items = []
    for key, label in DECOMMISSIONING_CHECKLIST.items():
        item = checklist.get(key) or {"key": key, "done": False}
        items.append({**item, "label": both(label)})
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
                "label": _label(PHASE_LABELS, Phase, new.get("phase")),
                "status_label": _label(STATUS_LABELS, Status, new.get("status")),
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
        found = classification_validity(solution)
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
        ruleset = active_ruleset()
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
    fact = classification_fact(version)
    if fact is not None:
        evidence, fria_ids = _gate_evidence(records)
        for kind, need in required_evidence(fact, context.on).items():
            status = evidence_status(kind, need, evidence, context.on)
            if kind == EvidenceType.FRIA:
                # The structured FRIA is what the gate counts (issue 21): name its approved version.
                status["fria_ids"] = [fid for fid in fria_ids if status["status"] == "met"]
                status["evidence_ids"] = [i for i in status["evidence_ids"] if i is not None]
            required.append(status)
    return {"role": role, "public_authority": answers.get("public_authority"), "items": items,
            "required_evidence": required}


def _gate_evidence(records: RecordSet) -> tuple[list[dict[str, Any]], list[int]]:
    """The evidence as the gates see it: an uploaded FRIA document does not count unless the region
    allows it (AI_REGISTER_FRIA_UPLOAD_COUNTS); the latest approved FRIA version counts from the day it
    was approved (fria.services.gate_evidence, here over the records as held on the report's date)."""
    evidence = [e for e in records.of("evidence") if not e.get("superseded_by_id")]
    if not current_app.config.get("FRIA_UPLOAD_COUNTS", False):
        evidence = [e for e in evidence if e.get("type") != EvidenceType.FRIA.value]
    approved = sorted((f for f in records.of("fria") if f.get("status") == "approved" and f.get("reviewed_at")),
                      key=lambda f: f.get("version") or 0)
    if not approved:
        return evidence, []
    latest = approved[-1]
    moment = parse_instant(latest["reviewed_at"])
    day = moment.astimezone(region_zone()).date() if moment is not None else None
    return [*evidence, {"type": EvidenceType.FRIA.value, "issued_on": day, "expires_on": None,
                        "id": None}], [latest.get("id")]


def _evidence(records: RecordSet, context: ReportContext) -> list[dict[str, Any]]:
    items = []
    for record in sorted(records.of("evidence"), key=lambda r: (str(r.get("type")), str(r.get("issued_on")))):
        item = _with_people(normalise(record), context)
        expires = parse_day(record.get("expires_on"))
        item["superseded"] = record.get("superseded_by_id") is not None
        item["valid_on_report_date"] = valid_on(record, context.on)
        item["expired"] = expires is not None and expires < context.on
        item["days_to_expiry"] = (expires - context.on).days if expires is not None else None
        label = _label(EVIDENCE_LABELS, EvidenceType, record.get("type"))
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
        "evidence": [{**_with_people(normalise(e), context), "valid_on_report_date": valid_on(e, context.on)}
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
        item["perspective_label"] = both(label) if label else None
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
    if latest is None or goal.get("target") is None:
        return None
    try:
        value, target = Decimal(str(latest["value"])), Decimal(str(goal["target"]))
    except (InvalidOperation, KeyError):
        return None
    return value >= target if goal.get("higher_is_better", True) else value <= target


def _benefit_result(estimate: Mapping[str, Any]) -> dict[str, Any] | None:
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
                "assignment_id": id_value(entity_id), "occurred_at": normalise(version["occurred_at"]),
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
