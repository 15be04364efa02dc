"""What people read for a stored record: its type, its fields by name, its values in words (codes as labels,
dates and numbers in the reader's form, people by name), and the action, channel and reason of an audit event
on it. The audit trail, the privacy inventory and the reports read records through this; the labels of the
register's own codes (phases, categories, statuses) are each area's `labels.py`.

An area's own records (its types, fields, coded values, notifications and actions) are worded in the area
(`RECORD_TYPES`, `RECORD_FIELDS`, `RECORD_VALUES`, … in `<area>/labels.py`) and taken in at the end of this module.
"""

from __future__ import annotations

import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ai_register import formats
from ai_register.audit import reasons
from ai_register.classification import results
from ai_register.classification.labels import category_label, device_label, review_label
from ai_register.classification.rulesets import active_ruleset
from ai_register.formats import lookup
from ai_register.fria import labels as fria_labels
from ai_register.goals.labels import perspective_label
from ai_register.incidents import labels as incident_labels
from ai_register.incidents.labels import HARM_CHOICES, STATUS_LABELS
from ai_register.literacy import labels as literacy_labels
from ai_register.monitoring import labels as monitoring_labels
from ai_register.obligations import labels as obligation_labels
from ai_register.obligations.labels import record_type_label
from ai_register.portfolio import trustworthy
from ai_register.public import labels as public_labels
from ai_register.solutions.labels import (
    CIA_LEVELS,
    KINDS,
    SOURCINGS,
    checklist_label,
    decision_label,
    evidence_label,
    phase_label,
    request_label,
    status_label,
)
from ai_register.suppliers import labels as supplier_labels
from ai_register.users.labels import role_label

AUDIT_ACTIONS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Removed"),
    "revoke": _l("Revoked"),
    "revoke_all_tokens": _l("All tokens revoked"),
    "transition": _l("Phase changed"),
    "transition_requested": _l("Phase change requested"),
    "request_transition": _l("Phase change requested"),
    "approve": _l("Approved"),
    "reject": _l("Rejected"),
    "override": _l("Overridden"),
    "submit": _l("Submitted for review"),
    "decision": _l("Follow-up decision"),
    "confirm": _l("Confirmed"),
    "upload": _l("File uploaded"),
    "flag_rereview": _l("Flagged for re-review"),
    "scale_up": _l("Decision: scale up"),
    "adjust": _l("Decision: adjust"),
    "pause": _l("Decision: pause"),
    "resume": _l("Decision: resume"),
    "terminate": _l("Decision: terminate"),
    "withdraw": _l("Withdrawn"),
    "supersede": _l("Superseded"),
    "end": _l("Ended"),
    "tick": _l("Ticked"),
    "report": _l("Reported"),
    "import": _l("Imported"),
    "read": _l("Read"),
    "erase": _l("Erased"),
    "erase_text": _l("Text erased"),
    "pseudonymise": _l("Pseudonymised"),
    "export_personal_data": _l("Personal data exported"),
    "change_password": _l("Password changed"),
    "sign_out_everywhere": _l("Signed out everywhere"),
    "save_draft": _l("Answers saved"),
    "close_draft": _l("Answers stored as a version"),
    "discard_draft": _l("Unsaved answers discarded"),
}

ENTITY_TYPES = {
    "solution": _l("Solution"),
    "classification": _l("Classification"),
    "transition_request": _l("Phase change request"),
    "transition": _l("Phase change"),
    "decision": _l("Follow-up decision"),
    "goal": _l("Goal"),
    "measurement": _l("Measurement"),
    "benefit": _l("Benefit estimate"),
    "benefit_estimate": _l("Benefit estimate"),
    "evidence": _l("Evidence"),
    "oversight": _l("Oversight owner"),
    "oversight_assignment": _l("Oversight owner"),
    "rollout_plan": _l("Rollout plan"),
    "rollout_unit": _l("Rollout unit"),
    "user": _l("User"),
    "person": _l("Person"),
    "goal_measurement": _l("Measured value"),
    "decommissioning_item": _l("Decommissioning checklist"),
    "incident": _l("Incident"),
    "review": _l("Periodic review"),
    "ruleset_snapshot": _l("Rule set"),
    "ruleset_impact_run": _l("Rule-set impact"),
    "api_token": _l("API token"),
    "incident_duty": _l("Reporting duty"),
    "notification": _l("Notification"),
    "trustworthy_assessment": _l("Trustworthy-AI self-assessment"),
    "indicator": _l("Common indicator"),
    "external_identity": _l("External identity"),
    "classification_draft": _l("Classification answers in progress"),
}


# Every field of every record, as the audit trail, the privacy inventory and the reports name it.
FIELDS = {
    "id": _l("Id"),
    "active": _l("Active"),
    "created_at": _l("Created"),
    "updated_at": _l("Updated"),
    "created_by_id": _l("Created by"),
    "updated_by_id": _l("Updated by"),
    "deactivated_at": _l("Deactivated"),
    "display_name": _l("Name"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "code": _l("Code"),
    "definition": _l("Definition"),
    "higher_is_better": _l("Higher is better"),
    "withdrawn_at": _l("Withdrawn on"),
    "withdrawn_by_id": _l("Withdrawn by"),
    "withdrawal_reason": _l("Reason for withdrawal"),
    "name_en": _l("Name in English"),
    "name_sv": _l("Name in Swedish"),
    "unit": _l("Unit"),
    "alternatives": _l("Alternatives"),
    "availability": _l("Availability"),
    "care_units": _l("Care units"),
    "co_owner_ids": _l("Co-owners"),
    "confidentiality": _l("Confidentiality"),
    "integrity": _l("Integrity"),
    "critical_for_patient_care": _l("Critical for patient care"),
    "current_ai_act_category": _l("AI Act category"),
    "current_device_class": _l("Device class (MDR/IVDR)"),
    "decommission_rationale": _l("Decommissioning rationale"),
    "external_id": _l("External id"),
    "in_service_since": _l("In service since"),
    "intended_use": _l("Intended use"),
    "kind": _l("Kind"),
    "legal_basis": _l("Legal basis"),
    "max_tolerable_outage_hours": _l("Longest tolerable outage (hours)"),
    "name": _l("Name"),
    "need_statement": _l("Need statement"),
    "needs_rereview": _l("Needs re-review"),
    "next_review_on": _l("Next review"),
    "owner_id": _l("AI owner"),
    "phase": _l("Phase"),
    "phase_changed_at": _l("Phase changed"),
    "processes_health_data": _l("Health data"),
    "processes_personal_data": _l("Personal data"),
    "product": _l("Product"),
    "product_version": _l("Product version"),
    "public": _l("Public in the transparency register"),
    "purpose": _l("Purpose"),
    "recovery_plan_tested_on": _l("Recovery plan tested"),
    "review_interval_months": _l("Review interval (months)"),
    "sourcing": _l("Sourcing"),
    "status": _l("Status"),
    "supplier": _l("Supplier"),
    "tags": _l("Tags"),
    "user_groups": _l("User groups"),
    "version": _l("Version"),
    "baseline": _l("Baseline"),
    "indicator": _l("Indicator"),
    "indicator_id": _l("Common indicator"),
    "perspective": _l("Goal perspective"),
    "solution_id": _l("Solution"),
    "target": _l("Target"),
    "title": _l("Title"),
    "goal_id": _l("Goal"),
    "measured_on": _l("Measured on"),
    "note": _l("Note"),
    "recorded_at": _l("Recorded"),
    "recorded_by_id": _l("Recorded by"),
    "value": _l("Value"),
    "assumptions": _l("Assumptions"),
    "currency": _l("Currency"),
    "hourly_cost": _l("Hourly cost"),
    "value_of_time_freed": _l("Value of the time freed per year"),
    "yearly_net_benefit": _l("Yearly net benefit"),
    "payback_years": _l("Payback time (years)"),
    "hours_freed_per_year": _l("Hours freed per year"),
    "one_off_cost": _l("One-off cost"),
    "yearly_cost": _l("Yearly cost"),
    "yearly_savings": _l("Yearly savings"),
    "contact": _l("Contact"),
    "accepted_on": _l("Accepted"),
    "authority_to_suspend": _l("Authority to suspend use"),
    "aware_of_automation_bias": _l("Aware of automation bias"),
    "can_disregard_override_reverse": _l("Can disregard, override or reverse the output"),
    "can_interrupt_stop": _l("Can interrupt or stop the system"),
    "competence": _l("Competence"),
    "confirmed_by_id": _l("Confirmed by"),
    "confirmed_on": _l("Confirmed"),
    "deputy_person_id": _l("Deputy (person)"),
    "deputy_user_id": _l("Deputy (account)"),
    "ended_at": _l("Ended"),
    "ended_by_id": _l("Ended by"),
    "interprets_output": _l("Interprets the output"),
    "person_id": _l("Person"),
    "started_at": _l("Started"),
    "training": _l("Training"),
    "training_completed_on": _l("Training completed"),
    "understands_capabilities_limits": _l("Understands capabilities and limits"),
    "user_id": _l("Account"),
    "answers": _l("Answers"),
    "assessed_by_id": _l("Assessed by"),
    "assessed_on": _l("Assessed on"),
    "review_id": _l("Periodic review"),
    "summary": _l("Summary"),
    "expires_on": _l("Expires"),
    "file_content_type": _l("File type"),
    "file_name": _l("File name"),
    "file_sha256": _l("File checksum (SHA-256)"),
    "file_size": _l("File size (bytes)"),
    "issued_on": _l("Issued"),
    "issuer": _l("Issuer"),
    "reference": _l("Reference"),
    "superseded_at": _l("Superseded"),
    "superseded_by_id": _l("Superseded by"),
    "type": _l("Type"),
    "sha256": _l("Checksum (SHA-256)"),
    "answered_by_id": _l("Answered by"),
    "override_category": _l("Overriding category"),
    "override_device_class": _l("Overriding device class"),
    "result": _l("Result"),
    "review_justification": _l("Justification"),
    "reviewed_at": _l("Reviewed"),
    "reviewed_by_id": _l("Reviewed by"),
    "ruleset_sha256": _l("Rule-set checksum"),
    "ruleset_version": _l("Rule-set version"),
    "submitted_at": _l("Submitted"),
    "submitted_by_id": _l("Submitted by"),
    "approval_required": _l("Approval required"),
    "decided_at": _l("Decided"),
    "decided_by_id": _l("Decided by"),
    "decision_reason": _l("Reason for the decision"),
    "from_phase": _l("From phase"),
    "reason": _l("Reason"),
    "requested_at": _l("Requested"),
    "requested_by_id": _l("Requested by"),
    "to_phase": _l("To phase"),
    "units": _l("Care units"),
    "checked": _l("Checked"),
    "interval_months": _l("Interval (months)"),
    "notes": _l("Notes"),
    "outcome": _l("Outcome"),
    "reviewed_on": _l("Reviewed on"),
    "due_on": _l("Due"),
    "email_attempts": _l("E-mail attempts"),
    "email_error": _l("E-mail error"),
    "emailed_at": _l("E-mailed"),
    "key": _l("Item"),
    "link": _l("Link"),
    "read_at": _l("Read"),
    "subject_id": _l("Concerns (id)"),
    "subject_type": _l("Concerns"),
    "decided_on": _l("Decided on"),
    "follow_up_data": _l("Follow-up data"),
    "meeting_reference": _l("Meeting reference"),
    "rationale": _l("Rationale"),
    "status_after": _l("Status after"),
    "status_before": _l("Status before"),
    "transition_request_id": _l("Phase change request"),
    "done": _l("Done"),
    "done_at": _l("Done at"),
    "done_by_id": _l("Done by"),
    "actions_taken": _l("Actions taken"),
    "assessment": _l("Assessment"),
    "assessment_notes": _l("Assessment notes"),
    "became_aware_at": _l("Became aware"),
    "care_unit": _l("Care unit"),
    "closed_at": _l("Closed"),
    "device_malfunction": _l("Device malfunction"),
    "fundamental_rights_concern": _l("Fundamental rights concern"),
    "occurred_at": _l("Occurred"),
    "patient_harm": _l("Patient harm"),
    "property_or_environment_harm": _l("Harm to property or environment"),
    "public_health_threat": _l("Public health threat"),
    "regulatory_context": _l("Regulatory context"),
    "reported_at": _l("Reported"),
    "reported_by_id": _l("Reported by"),
    "serious": _l("Serious"),
    "status_changed_at": _l("Status changed"),
    "what_happened": _l("What happened"),
    "widespread_or_critical_infrastructure": _l("Widespread or critical infrastructure"),
    "from": _l("From"),
    "to": _l("To"),
    "decision_id": _l("Follow-up decision"),
    "issuer_subject": _l("Identity"),
    "subject": _l("Subject"),
    "last_groups": _l("Groups at last sign-in"),
    "records": _l("Records"),
    "session_id": _l("Session"),
    "planned_start": _l("Planned start"),
    "actual_start": _l("Actual start"),
    "open_actions": _l("Open actions"),
    "evidence": _l("Evidence"),
    "answer": _l("Answer"),
    "position": _l("Position"),
    "actor_id": _l("Who"),
    "channel": _l("Channel"),
    "action": _l("What"),
    "entity_type": _l("Record"),
    "entity_id": _l("Record id"),
    "solution_seq": _l("Event number of the solution"),
    "data": _l("Data"),
    "request_id": _l("Request"),
    "prev_hash": _l("Previous hash"),
    "hash": _l("Hash"),
    "files": _l("Files"),
    "password_hash": _l("Password (hashed)"),
    "jti": _l("Token id"),
    "expires_at": _l("Expires"),
    "revoked_at": _l("Revoked"),
    "revoked_by_id": _l("Revoked by"),
    "last_used_at": _l("Last used"),
    "last_sign_in_at": _l("Last sign-in"),
    "run_at": _l("Run at"),
    "changed_classification_ids": _l("Changed classifications"),
    "flagged_solution_ids": _l("Flagged solutions"),
    "applied_by_id": _l("Applied by"),
    "applied_at": _l("Applied"),
    "stored_name": _l("Stored file"),
    "params": _l("Details"),
    "incident_id": _l("Incident"),
    "recipient": _l("Recipient"),
    "citation": _l("Legal basis"),
    "deadline_kind": _l("Kind of deadline"),
    "deadline_days": _l("Deadline (days)"),
    "ground": _l("Ground"),
    "due_at": _l("Due"),
    "overdue_after": _l("Overdue after"),
    "condition": _l("Condition"),
    "fallback": _l("Fallback"),
    "applies": _l("Applies"),
}


def field_label(name: str) -> str:
    """A record's field as people name it (the audit trail, the privacy inventory, the reports)."""
    return str(FIELDS[name]) if name in FIELDS else name.replace("_", " ").capitalize()


def action_label(action: str | None) -> str:
    return str(AUDIT_ACTIONS[action]) if action in AUDIT_ACTIONS else (action or "").replace("_", " ")


CHANNELS = {"web": _l("web"), "api": _l("API"), "cli": _l("command line")}


def channel_label(channel: str | None) -> str:
    return str(CHANNELS.get(channel, channel or ""))


def entity_label(entity_type: str | None) -> str:
    return (
        str(ENTITY_TYPES[entity_type])
        if entity_type in ENTITY_TYPES
        else (entity_type or "").replace("_", " ")
    )


# --------------------------------------------------------------------------- values by field

EMPTY = "–"


def _yes_no(value: bool) -> str:
    return str(_l("yes") if value else _l("no"))


def _incident_status(code):
    return lookup(STATUS_LABELS, code)


def _harm(code):
    return lookup(dict(HARM_CHOICES), code)


def _trustworthy_answers(answers) -> str:
    parts = []
    for key in trustworthy.REQUIREMENT_KEYS:
        item = answers.get(key) if isinstance(answers, dict) else None
        if isinstance(item, dict):
            answer = trustworthy.ANSWER_LABELS.get(item.get("answer"))
            parts.append(f"{gettext(trustworthy.BY_KEY[key].name)}: {gettext(answer) if answer else EMPTY}")
    return "; ".join(parts)


def _classification_answers(answers) -> str:
    rows = results.question_rows(answers, active_ruleset())
    return "; ".join(f"{row['text']} {row['answer']}" for row in rows)


def _classification_result(result) -> str:
    if not isinstance(result, dict):
        return EMPTY
    device = result.get("medical_device") or {}
    parts = [category_label((result.get("ai_act") or {}).get("category")),
             device_label(device.get("regulation"), device.get("class"))]
    return "; ".join(p for p in parts if p)


# Coded values by field name (and, where one name means different things, by record type).
_BY_FIELD = {
    "phase": phase_label, "from_phase": phase_label, "to_phase": phase_label, "from": phase_label,
    "to": phase_label,
    "status_before": status_label, "status_after": status_label,
    "current_ai_act_category": category_label, "override_category": category_label,
    "ai_act_category": category_label,
    "type": evidence_label,
    "perspective": perspective_label,
    "role": role_label,
    "sourcing": lambda c: lookup(SOURCINGS, c),
    "confidentiality": lambda c: lookup(CIA_LEVELS, c),
    "integrity": lambda c: lookup(CIA_LEVELS, c),
    "availability": lambda c: lookup(CIA_LEVELS, c),
    "patient_harm": _harm,
}
_BY_RECORD = {
    ("solution", "status"): status_label,
    ("solution", "kind"): lambda c: lookup(KINDS, c),
    ("classification", "status"): review_label,
    ("classification", "answers"): _classification_answers,
    ("classification", "result"): _classification_result,
    ("transition_request", "status"): request_label,
    ("incident", "status"): _incident_status,
    ("decision", "kind"): decision_label,
    ("decommissioning_item", "key"): checklist_label,
    ("trustworthy_assessment", "answers"): _trustworthy_answers,
    ("user", "role"): role_label,
}
_REFERENCES_PEOPLE = re.compile(r"(_by_id|^owner_id|^user_id|^deputy_user_id|^actor_id)$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def value_text(name: str, value, entity_type: str | None = None, people: dict | None = None) -> str:
    """A stored value in words: codes as labels, dates and numbers in the reader's form, people by
    name. The API and the trail keep the codes; this is what a person reads."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    render = _BY_RECORD.get((entity_type, name)) or _BY_FIELD.get(name)
    if render is not None:
        try:
            return str(render(value))
        except (TypeError, ValueError, KeyError, AttributeError):
            pass
    if isinstance(value, bool):
        return _yes_no(value)
    if people is not None and isinstance(value, int) and _REFERENCES_PEOPLE.search(name):
        return people.get(value, f"#{value}")
    if name == "co_owner_ids" and isinstance(value, list):
        return ", ".join(people.get(v, f"#{v}") if people else f"#{v}" for v in value)
    if isinstance(value, list):
        return ", ".join(value_text(name, item, entity_type, people) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {value_text(k, v, entity_type, people)}" for k, v in value.items())
    if isinstance(value, str):
        if _ISO_MOMENT.match(value):
            return formats.moment(value)
        if _ISO_DAY.match(value):
            return formats.day(value)
        if _DECIMAL.match(value):
            return formats.number(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return formats.number(value)
    return str(value)


NOTIFICATION_KINDS = {
    "incident_duty_due": _l("reporting duty of an incident due"),
    "incident_duty_overdue": _l("reporting duty of an incident overdue"),
    "incident_serious_consider_pause": _l("serious incident: consider pausing"),
    "review_due": _l("periodic review due"),
    "review_overdue": _l("periodic review overdue"),
    "oversight_confirmation_due": _l("oversight re-confirmation due"),
    "oversight_confirmation_overdue": _l("oversight re-confirmation overdue"),
    "evidence_expiring": _l("evidence expiring"),
    "evidence_expired": _l("evidence expired"),
    "continuity_overdue": _l("fallback routine or recovery-plan test missing"),
    "trustworthy_assessment_refresh": _l("trustworthy-AI assessment to refresh"),
    "follow_up_decision": _l("a follow-up decision is due"),
}
_BY_RECORD[("notification", "kind")] = lambda c: lookup(NOTIFICATION_KINDS, c)
# The notification's key is "kind:subject type:subject id:due day", kept so a reminder is sent once.
_BY_RECORD[("notification", "key")] = lambda key: lookup(NOTIFICATION_KINDS, key.split(":")[0])
_BY_RECORD[("notification", "subject_type")] = entity_label

# Each area's words for its own records, after the register's (a name the register already has keeps its word).
def _with(table: dict, *more: dict) -> dict:
    merged = dict(table)
    for words in more:
        for key, word in words.items():
            merged.setdefault(key, word)
    return merged


ENTITY_TYPES = _with(ENTITY_TYPES, obligation_labels.RECORD_TYPES, literacy_labels.RECORD_TYPES,
                     fria_labels.RECORD_TYPES, monitoring_labels.RECORD_TYPES, incident_labels.RECORD_TYPES,
                     supplier_labels.RECORD_TYPES, public_labels.RECORD_TYPES)
AUDIT_ACTIONS = _with(AUDIT_ACTIONS, obligation_labels.AUDIT_ACTIONS, monitoring_labels.AUDIT_ACTIONS)
FIELDS = _with(FIELDS, obligation_labels.RECORD_FIELDS, fria_labels.RECORD_FIELDS, literacy_labels.RECORD_FIELDS,
               monitoring_labels.RECORD_FIELDS, incident_labels.RECORD_FIELDS, supplier_labels.RECORD_FIELDS,
               public_labels.RECORD_FIELDS)
NOTIFICATION_KINDS = _with(NOTIFICATION_KINDS, obligation_labels.NOTIFICATION_KINDS,
                           monitoring_labels.NOTIFICATION_KINDS, incident_labels.NOTIFICATION_KINDS,
                           supplier_labels.NOTIFICATION_KINDS)
_BY_RECORD = _with(_BY_RECORD, fria_labels.RECORD_VALUES, literacy_labels.RECORD_VALUES,
                   obligation_labels.RECORD_VALUES, incident_labels.RECORD_VALUES, monitoring_labels.RECORD_VALUES,
                   supplier_labels.RECORD_VALUES)


# The parameters of the register's own audit reasons (audit.reasons), in words.
_REASON_PARAMS = {"kind": lambda c: lookup(NOTIFICATION_KINDS, c), "status": lambda s: review_label(s).lower(),
                  "record_type": record_type_label, "value": lambda v: formats.number(v)}


def reason_text(event) -> str | None:
    """An audit event's reason in the reader's language (see audit.reasons)."""

    def param(name, raw):
        render = _REASON_PARAMS.get(name)
        return render(raw) if render else str(raw)

    return reasons.render(event.data, event.reason, gettext, param)
