"""Reporting and managing incidents: assessment and duties from `duties.py`, audited changes."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from flask import current_app
from sqlalchemy import Select, exists, select

from ai_register.apikit import page_of, show_each
from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.classification.rulesets import active_ruleset
from ai_register.exceptions import Conflict, InvalidInput
from ai_register.extensions import db
from ai_register.incidents import duties as rules
from ai_register.incidents.context import context_as_dict, regulatory_context
from ai_register.incidents.models import (
    ASSESSED,
    CLOSED,
    DUTY_DONE,
    DUTY_NOT_APPLICABLE,
    DUTY_OPEN,
    INCIDENT_STATUSES,
    REPORTED,
    REPORTED_TO_AUTHORITY,
    Incident,
    IncidentDuty,
)
from ai_register.notifications import services as notifications
from ai_register.notifications.settings import setting
from ai_register.reviews import sources
from ai_register.solutions.access import get_child, get_solution, require_id, visible_solutions_query
from ai_register.solutions.models import Decision, Solution
from ai_register.users.models import User, utcnow

ENTITY, DUTY_ENTITY = "incident", "incident_duty"
# Changes with every write and says nothing by itself.
NOT_AUDITED = frozenset({"updated_at", "version"})

FACT_FIELDS = ("patient_harm", "device_malfunction", "fundamental_rights_concern",
               "widespread_or_critical_infrastructure", "public_health_threat",
               "property_or_environment_harm")
EDITABLE_FIELDS = ("what_happened", "occurred_at", "became_aware_at", "care_unit", *FACT_FIELDS,
                   "assessment_notes", "actions_taken")

# reported → assessed → reported_to_authority → closed; forward only. An incident without an
# authority report (nothing serious) closes from assessed.
NEXT_STATUSES = {
    REPORTED: (ASSESSED,),
    ASSESSED: (REPORTED_TO_AUTHORITY, CLOSED),
    REPORTED_TO_AUTHORITY: (CLOSED,),
    CLOSED: (),
}


def duty_settings() -> rules.DutySettings:
    return rules.DutySettings(
        timezone=current_app.config.get("TIMEZONE", "Europe/Stockholm"),
        lex_maria_target_days=int(setting("LEX_MARIA_TARGET_DAYS")),
        device_report_target_days=int(setting("DEVICE_REPORT_TARGET_DAYS")),
        immediate_grace_hours=int(setting("INCIDENT_IMMEDIATE_GRACE_HOURS")),
    )


def incident_duty_texts():
    """The texts, citations and deadlines of the incident duties: the active rule set's (one source
    with the classification's obligations)."""

    return active_ruleset().incident_duties


def duty_text(duty, lang: str) -> tuple[str, str | None]:
    """(summary, fallback) of a stored duty in `lang`, from the active rule set; as stored when the
    rule set no longer has the duty."""
    entry = incident_duty_texts().get(duty.key)
    if entry is None:
        return duty.summary, duty.fallback
    days = duty.deadline_days
    if days is None and entry.fallback is not None:
        days, _ground = rules.art73_days(facts_of(duty.incident), incident_duty_texts())
    summary = entry.text.in_language(lang).format(days=days)
    fallback = entry.fallback.in_language(lang).format(days=days) if entry.fallback and duty.fallback else None
    return summary, fallback


def as_utc(value: datetime | None) -> datetime | None:
    """In UTC, as stored: naive timestamps are read as UTC (SQLite returns them naive), others are
    converted (SQLite would otherwise keep the wall time of another zone and drop the zone)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def facts_of(incident: Incident) -> rules.IncidentFacts:
    return rules.IncidentFacts(
        became_aware_at=as_utc(incident.became_aware_at),
        **{name: getattr(incident, name) for name in FACT_FIELDS},
    )


# --------------------------------------------------------------------------- reading


def get_incident(incident_id: int, user: User, *, write: bool = False) -> Incident:
    """The incident if `user` may see its solution (404 otherwise); for `write`, 403 for auditors."""
    return get_child(Incident, incident_id, user, for_write=write)


def overdue_clause(now: datetime):
    """Incidents with at least one open, applicable duty past its deadline."""
    return exists().where(IncidentDuty.incident_id == Incident.id, IncidentDuty.status == DUTY_OPEN,
                          IncidentDuty.applies.is_(True), IncidentDuty.overdue_after < now)


def incidents_query(user: User, *, solution_id: int | None = None, overdue: bool | None = None,
                    status: str | None = None, serious: bool | None = None, now: datetime | None = None) -> Select:
    """The incidents of the solutions `user` may see."""
    visible = visible_solutions_query(user).with_only_columns(Solution.id)
    query = select(Incident).where(Incident.solution_id.in_(visible))
    if solution_id is not None:
        query = query.where(Incident.solution_id == solution_id)
    if status is not None:
        query = query.where(Incident.status == status)
    if serious is not None:
        query = query.where(Incident.serious.is_(serious))
    if overdue is not None:
        clause = overdue_clause(now or utcnow())
        query = query.where(clause if overdue else ~clause)
    return query


def list_incidents(user: User, *, page: int = 1, per_page: int = 50, **filters) -> dict:
    query = incidents_query(user, **filters).order_by(Incident.became_aware_at.desc(), Incident.id.desc())
    return page_of(query, {"page": page, "per_page": per_page})


def pause_decision_after(incident: Incident) -> Decision | None:
    return db.session.scalar(
        select(Decision).where(Decision.solution_id == incident.solution_id, Decision.kind == "pause",
                               Decision.created_at >= incident.reported_at)
        .order_by(Decision.created_at).limit(1)
    )


def suggested_decision(incident: Incident, solution: Solution | None = None) -> str | None:
    """"pause" while a serious incident is open on an active solution and nobody has decided a pause
    since it was reported. The decision itself is recorded only through the decisions API."""
    if not (incident.assessment or {}).get("prompts_pause") or incident.status == CLOSED:
        return None
    solution = solution or db.session.get(Solution, incident.solution_id)
    if solution.status != "active" or solution.phase in ("decommissioning", "retired"):
        return None
    return None if pause_decision_after(incident) is not None else "pause"


def is_overdue(incident: Incident, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return any(d.status == DUTY_OPEN and d.applies and as_utc(d.overdue_after) < now for d in incident.duties)


def shown(incident: Incident, now: datetime | None = None) -> Incident:
    """The incident as the API shows it: its duties in order (applicable first, then by deadline), each
    with its recipient's label and whether it is overdue; whether the incident is overdue, its next
    deadline and the decision it suggests."""
    now = now or utcnow()
    for duty in incident.duties:
        duty.recipient_label = rules.recipient_label(duty.recipient)
        duty.overdue = duty.status == DUTY_OPEN and duty.applies and as_utc(duty.overdue_after) < now
    incident.duties_in_order = sorted(incident.duties,
                                      key=lambda d: (not d.applies, as_utc(d.overdue_after), d.key))
    incident.overdue = is_overdue(incident, now)
    open_ = [as_utc(d.due_at) for d in incident.duties if d.status == DUTY_OPEN and d.applies]
    incident.next_due_at = min(open_).isoformat() if open_ else None
    incident.suggested_decision = suggested_decision(incident)
    return incident


def shown_page(page: dict) -> dict:
    """A page of incidents (`apikit.page_of`), each as the API shows it."""
    return show_each(page, partial(shown, now=utcnow()))


# --------------------------------------------------------------------------- reporting


def report_incident(solution_id: int, data: dict, *, by: User) -> Incident:
    solution = get_solution(require_id(solution_id, "solution"), by, write=True)
    return create_incident(solution, data, reporter=by, reported_at=utcnow())


def create_incident(solution: Solution, data: dict, *, reporter, reported_at: datetime) -> Incident:
    """The incident, its assessment and duties, audited. `reported_at` is when the region learnt of it:
    now for a report made here, the deviation report's time for one triaged later (deadlines run from it)."""
    now = utcnow()
    aware = _input_time(data.get("became_aware_at"), "became_aware_at") or reported_at
    occurred = _input_time(data.get("occurred_at"), "occurred_at") or aware
    _check_times(occurred, aware, now)
    what = (data.get("what_happened") or "").strip()
    if not what:
        raise InvalidInput("Invalid input: what_happened",
                           errors={"what_happened": ["Describe what happened."]})
    incident = Incident(
        solution_id=solution.id, what_happened=what, occurred_at=occurred,
        became_aware_at=aware, care_unit=(data.get("care_unit") or "").strip() or None,
        reported_by_id=reporter.id, reported_at=reported_at, status=REPORTED, status_changed_at=now,
        **{name: data.get(name, False) for name in FACT_FIELDS if name != "patient_harm"},
        patient_harm=data.get("patient_harm") or rules.PatientHarm.NONE.value,
    )
    db.session.add(incident)
    _recompute(incident, solution)
    audit.record_create(incident, ENTITY, solution_id=solution.id, reason=coded("incident_reported"))
    for duty in incident.duties:
        audit.record_create(duty, DUTY_ENTITY, solution_id=solution.id,
                            reason=coded("incident_duty", incident=incident.id))
    _prompt_pause(incident, solution)
    return incident


def _input_time(value: datetime | None, field: str) -> datetime | None:
    try:
        return as_utc(value)
    except OverflowError:
        raise InvalidInput(f"Invalid input: {field}",
                           errors={field: ["Not a valid point in time."]}) from None


def _check_times(occurred: datetime, aware: datetime, now: datetime) -> None:
    errors = {}
    # A little slack for clocks that disagree; a report from the future is a typing error.
    slack = now.replace(microsecond=0).timestamp() + 300
    if occurred.timestamp() > slack:
        errors["occurred_at"] = ["Must not be in the future."]
    if aware.timestamp() > slack:
        errors["became_aware_at"] = ["Must not be in the future."]
    if aware < occurred:
        errors["became_aware_at"] = ["Awareness cannot come before the incident occurred."]
    if errors:
        raise InvalidInput("Invalid input: " + ", ".join(sorted(errors)), errors=errors)


def _recompute(incident: Incident, solution: Solution) -> None:
    """Assessment and duties from the current facts and the current classification.

    Existing duties keep their status; a duty that no longer applies is kept with `applies` false;
    a duty that applies again is reopened only if it was never done.
    """
    context = regulatory_context(solution)
    facts = facts_of(incident)
    assessment = rules.assess(facts, context)
    computed = {duty.key: duty for duty in rules.duties(facts, context, duty_settings(), incident_duty_texts())}
    incident.serious = assessment.serious
    incident.assessment = {**assessment.as_dict(), "prompts_pause": assessment.prompts_pause}
    incident.regulatory_context = context_as_dict(context)
    by_key = {duty.key: duty for duty in incident.duties}
    for key, duty in computed.items():
        row = by_key.get(key)
        if row is None:
            row = IncidentDuty(key=key)
            incident.duties.append(row)
        values = {"recipient": duty.recipient, "citation": duty.citation, "summary": duty.summary,
                  "deadline_kind": duty.deadline_kind, "deadline_days": duty.days, "ground": duty.ground,
                  "due_on": duty.due_on, "due_at": duty.due_at, "overdue_after": duty.overdue_after,
                  "condition": duty.condition, "fallback": duty.fallback, "applies": True}
        for name, value in values.items():
            current = getattr(row, name)
            if isinstance(current, datetime):
                current = as_utc(current)  # SQLite hands times back without a zone
            if current != value:
                setattr(row, name, value)
        if row.status is None:
            row.status = DUTY_OPEN
    for key, row in by_key.items():
        if key not in computed:
            row.applies = False


def _prompt_pause(incident: Incident, solution: Solution) -> None:
    if suggested_decision(incident, solution) != "pause":
        return

    recipients = notifications.active_users(sources.oversight_user_ids(solution) or solution.owner_ids())
    notifications.notify_many(
        recipients, "incident_serious_consider_pause", subject_type="incident", subject_id=incident.id,
        solution_id=solution.id, params={"solution": solution.name, "incident_id": incident.id},
        link=f"/incidents/{incident.id}",
    )


# --------------------------------------------------------------------------- managing


def update_incident(incident_id: int, data: dict, *, by: User) -> Incident:
    incident = get_incident(incident_id, by, write=True)
    solution = db.session.get(Solution, incident.solution_id)
    if incident.status == CLOSED:
        raise Conflict("The incident is closed; its record can no longer change.")
    before = audit.snapshot(incident, exclude=NOT_AUDITED)
    duty_before = {duty.id: audit.snapshot(duty) for duty in incident.duties}
    known_keys = {duty.key for duty in incident.duties}
    facts_changed = False
    for name in EDITABLE_FIELDS:
        if name in data:
            value = data[name]
            if name in ("occurred_at", "became_aware_at"):
                value = _input_time(value, name)
                if value is None:
                    raise InvalidInput(f"Invalid input: {name}", errors={name: ["Field may not be null."]})
            elif isinstance(value, str):
                value = value.strip() or None
                if name == "what_happened" and value is None:
                    raise InvalidInput("Invalid input: what_happened",
                                       errors={"what_happened": ["Describe what happened."]})
            if getattr(incident, name) != value:
                setattr(incident, name, value)
                facts_changed = facts_changed or name in (*FACT_FIELDS, "became_aware_at")
    if "occurred_at" in data or "became_aware_at" in data:
        _check_times(as_utc(incident.occurred_at), as_utc(incident.became_aware_at), utcnow())
    # The assessment also picks up a classification approved since the report.
    if facts_changed or data.get("recompute") or data.get("status") == ASSESSED:
        _recompute(incident, solution)
    for change in data.get("duties") or ():
        _update_duty(incident, change, by)
    if "status" in data and data["status"] != incident.status:
        _move(incident, data["status"])
    incident.updated_at = utcnow()
    reason = data.get("reason")
    audit.record_update(incident, ENTITY, before, solution_id=solution.id, reason=reason,
                        action="transition" if before["status"] != incident.status else "update",
                        exclude=NOT_AUDITED)
    for duty in incident.duties:
        if duty.key not in known_keys:
            audit.record_create(duty, DUTY_ENTITY, solution_id=solution.id,
                                reason=coded("incident_duty_reassessed", incident=incident.id))
        else:
            audit.record_update(duty, DUTY_ENTITY, duty_before[duty.id], solution_id=solution.id,
                                reason=reason)
    if facts_changed:
        _prompt_pause(incident, solution)
    return incident


def _update_duty(incident: Incident, change: dict, by: User) -> None:
    row = next((duty for duty in incident.duties if duty.key == change["key"]), None)
    if row is None:
        raise InvalidInput("Invalid input: duties", errors={"duties": [f"No duty {change['key']!r} on this "
                           f"incident."]})
    status = change.get("status", row.status)
    if status == DUTY_DONE:
        if row.status != DUTY_DONE:
            row.done_at = as_utc(change.get("done_at")) or utcnow()
            row.done_by_id = by.id
        elif change.get("done_at"):
            row.done_at = as_utc(change["done_at"])
    elif status == DUTY_NOT_APPLICABLE:
        if not (change.get("note") or row.note):
            raise InvalidInput("Invalid input: duties",
                               errors={"duties": [f"Say why {row.key!r} does not apply (note)."]})
        row.done_at, row.done_by_id = utcnow(), by.id
    else:
        row.done_at, row.done_by_id = None, None
    if row.done_at is not None and row.done_at.timestamp() > utcnow().timestamp() + 300:
        raise InvalidInput("Invalid input: duties", errors={"duties": ["done_at must not be in the future."]})
    row.status = status
    if "reference" in change:
        row.reference = (change["reference"] or "").strip() or None
    if "note" in change:
        row.note = (change["note"] or "").strip() or None


def _move(incident: Incident, to: str) -> None:
    if to not in INCIDENT_STATUSES:
        raise InvalidInput("Invalid input: status", errors={"status": [f"Unknown status {to!r}."]})
    allowed = NEXT_STATUSES[incident.status]
    if to not in allowed:
        raise Conflict(f"An incident moves {incident.status} → {' | '.join(allowed) or 'nothing'}; "
                       f"not to {to}.", allowed=list(allowed))
    applicable = [d for d in incident.duties if d.applies]
    if to == REPORTED_TO_AUTHORITY and not any(d.status == DUTY_DONE for d in applicable):
        raise Conflict("Mark the report you made (a duty as done, with its reference) first.",
                       unmet=["no_duty_done"])
    if to == CLOSED:
        still_open = [d.key for d in applicable if d.status == DUTY_OPEN]
        if still_open:
            raise Conflict("Every reporting duty must be done, or marked not applicable with a reason, "
                           "before the incident is closed.", open_duties=still_open)
        incident.closed_at = utcnow()
    incident.status = to
    incident.status_changed_at = utcnow()
