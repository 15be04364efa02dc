"""What people read for the codes the register stores: Swedish labels from DOMAIN.md, English beside.

Phase, status, decision and evidence labels live with the lifecycle (one source); the rest are message ids
translated by Flask-Babel. What a stored record's fields, values and audit events read as (the audit trail,
the privacy inventory, the reports) is `web/record_labels.py`.
"""

from __future__ import annotations

import re

from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from ai_register.classification.rulesets import active_ruleset
from ai_register.incidents.context import UNKNOWN_NO_CLASSIFICATION, UNKNOWN_NO_MODULE
from ai_register.rules.citations import localise
from ai_register.solutions.lifecycle.decisions import DecisionKind
from ai_register.solutions.lifecycle.facts import DECOMMISSIONING_CHECKLIST, EvidenceType
from ai_register.solutions.lifecycle.phases import PHASE_ORDER, Phase, Status


def lang() -> str:
    return "en" if str(get_locale()) == "en" else "sv"


ROLES = {
    "owner": _l("AI owner"),
    "compliance": _l("Compliance officer"),
    "auditor": _l("Auditor"),
    "admin": _l("Administrator"),
    "staff": _l("Staff member"),
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
    "withdrawn": _l("Withdrawn"),
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


def catalog_text(message: str | None) -> str:
    """A text a pure module stored in English (a catalog message marked `N_`) in the reader's language;
    a stored text the catalog does not know (an older wording) as it is."""
    return gettext(message) if message else ""


def joined_text(text: str | None, separator: str = "; ") -> str:
    """Several catalog messages a pure module joined ("if the region is a deployer only …; if the system
    is high-risk …", "AI Act Art 27; AI Act Art 49(3)"), each in the reader's language."""
    if not text:
        return ""
    return separator.join(catalog_text(part) for part in text.split(separator))


def role_label(role: str | None) -> str:
    return str(ROLES.get(role, role or ""))


def phase_label(phase: str | None) -> str:
    try:
        return gettext(Phase(phase).label())
    except ValueError:
        return phase or ""


def phase_name(phase: str | None) -> str:
    """The phase as a common noun inside a sentence ("redo för breddinförande")."""
    return phase_label(phase).lower()


def status_label(status: str | None) -> str:
    try:
        return gettext(Status(status).label())
    except ValueError:
        return status or ""


def decision_label(kind: str | None) -> str:
    try:
        return gettext(DecisionKind(kind).label())
    except ValueError:
        return kind or ""


def evidence_label(kind: str | None) -> str:
    try:
        return gettext(EvidenceType(kind).label())
    except ValueError:
        return kind or ""


def checklist_label(key: str) -> str:
    label = DECOMMISSIONING_CHECKLIST.get(key)
    return gettext(label) if label else key


def lookup(table: dict, code) -> str:
    """A code's label from `table`; a code the table does not know as it is."""
    value = table.get(code)
    return str(value) if value is not None else (str(code) if code is not None else "")


def category_label(category: str | None) -> str:
    return lookup(CATEGORIES, category)


def device_label(regulation: str | None, device_class: str | None = None) -> str:
    base = lookup(REGULATIONS, regulation)
    if regulation in ("mdr", "ivdr") and device_class:
        return str(
            _l("%(device)s, class %(c)s", device=base, c=device_class.replace("_sterile", " (sterile)"))
        )
    return base


def review_label(status: str | None) -> str:
    return lookup(REVIEW_STATUSES, status)


def request_label(status: str | None) -> str:
    return lookup(REQUEST_STATUSES, status)


def ai_act_role_label(role: str | None) -> str:
    """The region's AI Act role (provider, deployer) as the classification's answers give it."""
    return lookup(AI_ACT_ROLES, role)


_CONTEXT_SOURCE = re.compile(r"classification \d+ \(version (?P<version>\d+), (?P<status>\w+)\)")


def context_source_label(source: str | None) -> str:
    """Where an incident's regulatory context came from, as incidents.context words it."""

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
    return lookup(PERSPECTIVES, code)


def phase_choices() -> list[tuple[str, str]]:
    return [(phase.value, gettext(phase.label())) for phase in PHASE_ORDER]


def evidence_choices() -> list[tuple[str, str]]:
    return [(kind.value, gettext(kind.label())) for kind in EvidenceType]


def category_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in CATEGORIES.items() if code is not None]


def obligation_label(obligation_id) -> str:
    """An obligation by its legal citation in the active rule set (its id is a code)."""

    for obligation in active_ruleset().obligations:
        if obligation.id == obligation_id:
            return str(obligation.citation)
    return str(obligation_id)


def cite(text: str | None) -> str:
    """A legal citation stored as the contract's English text, in the reader's language (rules.citations);
    a citation the active rule set does not know is shown as stored."""

    ruleset = active_ruleset()
    return localise(text, ruleset.citations, ruleset.acts, lang())
