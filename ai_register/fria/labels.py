"""The FRIA's codes as words: a version's status and its tone, a risk level, why a version is out of date.
Its pages (fria/views.py) and the trail's and reports' record labels (audit/record_labels.py) read them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ai_register.fria import rules

STATUS_TONE = {rules.DRAFT: "neutral", rules.SUBMITTED: "info", rules.APPROVED: "ok", rules.RETURNED: "warn"}
STATUS_NAMES = {rules.DRAFT: _l("Draft"), rules.SUBMITTED: _l("Submitted"), rules.APPROVED: _l("Approved"),
                rules.RETURNED: _l("Returned")}
LEVELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
OUTDATED = {"oversight_owner_changed": _l("The oversight owner changed since this version: update the FRIA "
                                          "(Art 27(2)).")}


def status_label(code: str):
    return STATUS_NAMES.get(code, code)


def status_tone(code: str) -> str:
    return STATUS_TONE.get(code, "neutral")


def level_label(value: str | None):
    return LEVELS.get(value, value or "—")


def outdated_text(code: str):
    return OUTDATED.get(code, code)


def template_labels() -> dict:
    """The label functions the FRIA's templates call, by the names they use."""
    return {"fria_status": status_label, "fria_tone": status_tone, "level_label": level_label,
            "outdated_text": outdated_text}


# --------------------------------------------------------------------------- in the audit trail
# What its records read as in the audit trail, the privacy inventory and the reports (audit/record_labels.py
# takes each word the register's own tables do not already have).

RECORD_TYPES = {"fria": _l("Fundamental-rights impact assessment (FRIA)")}
RECORD_FIELDS = {
    "processes": _l("The region's processes where the system is used"),
    "period_and_frequency": _l("Period and frequency of use"),
    "affected_persons": _l("Persons and groups likely affected"), "risks": _l("Specific risks of harm"),
    "provider_information": _l("The provider's information taken into account"),
    "instructions_evidence_id": _l("Instructions for use"), "oversight_measures": _l("Human oversight measures"),
    "oversight_assignment_id": _l("Oversight owner"),
    "materialisation_measures": _l("Measures if the risks materialise"),
    "internal_governance": _l("Internal governance"), "complaint_mechanisms": _l("Complaint mechanisms"),
    "dpia_evidence_id": _l("The DPIA it complements"), "dpia_complement": _l("How the FRIA complements the DPIA"),
    "attachment_evidence_id": _l("Attached document"), "review_note": _l("Review note"),
    "notified_on": _l("Notified"), "notification_reference": _l("Notification reference"),
}


def risks_text(risks) -> str:
    return "; ".join(f"{r.get('group')}: {r.get('description')}" for r in risks or [] if isinstance(r, dict))


RECORD_VALUES = {("fria", "status"): lambda code: str(status_label(code)), ("fria", "risks"): risks_text}
