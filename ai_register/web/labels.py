"""What people read for the codes the register stores: Swedish labels from DOMAIN.md, English beside.

Phase, status, decision and evidence labels live with the lifecycle module (one source); the
rest are message ids translated by Flask-Babel.
"""

from __future__ import annotations

import re

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ai_register.solutions import lifecycle


def lang() -> str:
    return "en" if str(get_locale()) == "en" else "sv"


ROLES = {
    "owner": _l("AI owner"),
    "compliance": _l("Compliance officer"),
    "auditor": _l("Auditor"),
    "admin": _l("Administrator"),
}

CATEGORIES = {
    "out_of_scope": _l("Outside the AI Act"),
    "prohibited": _l("Prohibited"),
    "high_risk": _l("High risk"),
    "limited_risk": _l("Limited risk (transparency)"),
    "minimal_risk": _l("Minimal risk"),
    "needs_review": _l("Needs review"),
    None: _l("Not classified"),
}

CATEGORY_TONE = {
    "out_of_scope": "neutral",
    "minimal_risk": "ok",
    "limited_risk": "info",
    "high_risk": "warn",
    "prohibited": "bad",
    "needs_review": "warn",
    None: "neutral",
}

REGULATIONS = {
    "none": _l("Not a medical device"),
    "mdr": _l("Medical device (MDR)"),
    "ivdr": _l("In-vitro diagnostic (IVDR)"),
    "needs_review": _l("Device status needs review"),
    None: _l("Not classified"),
}

REVIEW_STATUSES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted for review"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "overridden": _l("Overridden by compliance"),
}

REVIEW_TONE = {
    "draft": "neutral",
    "submitted": "info",
    "approved": "ok",
    "rejected": "bad",
    "overridden": "ok",
}

REQUEST_STATUSES = {
    "pending": _l("Awaiting approval"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "applied": _l("Took effect"),
    "cancelled": _l("Cancelled"),
}

REQUEST_TONE = {
    "pending": "info",
    "approved": "ok",
    "applied": "ok",
    "rejected": "bad",
    "cancelled": "neutral",
}

PERSPECTIVES = {
    "society_citizens": _l("Society and citizens"),
    "operations": _l("Operations"),
    "staff_managers": _l("Staff and managers"),
    "knowledge_renewal": _l("Knowledge and renewal"),
    "economy": _l("Economy"),
}

KINDS = {
    "machine_learning": _l("Machine learning"),
    "generative": _l("Generative AI"),
    "rule_based": _l("Rule-based"),
    "other": _l("Other"),
}

SOURCINGS = {"in_house": _l("Developed in-house"), "procured": _l("Procured")}

CIA_LEVELS = {1: _l("1 – low"), 2: _l("2 – moderate"), 3: _l("3 – high"), 4: _l("4 – very high")}

AI_ACT_ROLES = {
    "provider": _l("Provider"),
    "deployer": _l("Deployer"),
    "provider_and_deployer": _l("Provider and deployer"),
}

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
}


def role_label(role: str | None) -> str:
    return str(ROLES.get(role, role or ""))


def phase_label(phase: str | None) -> str:
    try:
        return lifecycle.Phase(phase).label(lang())
    except ValueError:
        return phase or ""


def phase_name(phase: str | None) -> str:
    """The phase as a common noun inside a sentence ("redo för breddinförande")."""
    return phase_label(phase).lower()


def status_label(status: str | None) -> str:
    try:
        return lifecycle.Status(status).label(lang())
    except ValueError:
        return status or ""


def decision_label(kind: str | None) -> str:
    try:
        return lifecycle.DecisionKind(kind).label(lang())
    except ValueError:
        return kind or ""


def evidence_label(kind: str | None) -> str:
    try:
        return lifecycle.EvidenceType(kind).label(lang())
    except ValueError:
        return kind or ""


def checklist_label(key: str) -> str:
    label = lifecycle.DECOMMISSIONING_CHECKLIST.get(key)
    return getattr(label, lang()) if label else key


def _lookup(table: dict, code) -> str:
    value = table.get(code)
    return str(value) if value is not None else (str(code) if code is not None else "")


def category_label(category: str | None) -> str:
    return _lookup(CATEGORIES, category)


def device_label(regulation: str | None, device_class: str | None = None) -> str:
    base = _lookup(REGULATIONS, regulation)
    if regulation in ("mdr", "ivdr") and device_class:
        return str(
            _l("%(device)s, class %(c)s", device=base, c=device_class.replace("_sterile", " (sterile)"))
        )
    return base


def review_label(status: str | None) -> str:
    return _lookup(REVIEW_STATUSES, status)


def request_label(status: str | None) -> str:
    return _lookup(REQUEST_STATUSES, status)


def ai_act_role_label(role: str | None) -> str:
    """The region's AI Act role (provider, deployer) as the classification's answers give it."""
    return _lookup(AI_ACT_ROLES, role)


_CONTEXT_SOURCE = re.compile(r"classification \d+ \(version (?P<version>\d+), (?P<status>\w+)\)")


def context_source_label(source: str | None) -> str:
    """Where an incident's regulatory context came from, as incidents.context words it."""
    from ai_register.incidents.context import UNKNOWN_NO_CLASSIFICATION, UNKNOWN_NO_MODULE

    if source == UNKNOWN_NO_CLASSIFICATION:
        return str(_l("no approved classification"))
    if source == UNKNOWN_NO_MODULE:
        return str(_l("the classification could not be read"))
    match = _CONTEXT_SOURCE.fullmatch(source or "")
    if match:
        return str(_l("classification version %(version)s, %(status)s", version=match["version"],
                      status=review_label(match["status"]).lower()))
    return source or ""


def overdue_label(code: str) -> str:
    """An overdue item of the portfolio ("review_overdue", "evidence_expired:dpia", "continuity:…")."""
    kind, _sep, rest = code.partition(":")
    if code == "review_overdue":
        return str(_l("Periodic review overdue"))
    if code == "trustworthy_assessment_refresh_due":
        return str(_l("Trustworthy-AI assessment to refresh"))
    if kind == "evidence_expired":
        return str(_l("Expired: %(kind)s", kind=evidence_label(rest)))
    if kind == "continuity":
        what = rest.partition(":")
        if what[0] == "evidence_missing":
            return str(_l("Missing: %(kind)s", kind=evidence_label(what[2])))
        if rest == "recovery_plan_test_missing":
            return str(_l("Recovery plan not tested"))
    return code.replace("_", " ")


def perspective_label(code: str | None) -> str:
    return _lookup(PERSPECTIVES, code)


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


def phase_choices() -> list[tuple[str, str]]:
    return [(phase.value, phase.label(lang())) for phase in lifecycle.PHASE_ORDER]


def evidence_choices() -> list[tuple[str, str]]:
    return [(kind.value, kind.label(lang())) for kind in lifecycle.EvidenceType]


def category_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in CATEGORIES.items() if code is not None]
