"""A solution's codes as words: phase, status, follow-up decision, evidence type and decommissioning
checklist (their catalog messages live with the lifecycle, `lifecycle/labels.py`), a phase-change request's
status and its tone, kind, sourcing and CIA levels."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ai_register.formats import lookup
from ai_register.solutions.lifecycle.decisions import DecisionKind
from ai_register.solutions.lifecycle.facts import DECOMMISSIONING_CHECKLIST, EvidenceType
from ai_register.solutions.lifecycle.phases import PHASE_ORDER, Phase, Status

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


KINDS = {
    "machine_learning": _l("Machine learning"),
    "generative": _l("Generative AI"),
    "rule_based": _l("Rule-based"),
    "other": _l("Other"),
}


SOURCINGS = {"in_house": _l("Developed in-house"), "procured": _l("Procured")}


CIA_LEVELS = {1: _l("1 – low"), 2: _l("2 – moderate"), 3: _l("3 – high"), 4: _l("4 – very high")}


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


def request_label(status: str | None) -> str:
    return lookup(REQUEST_STATUSES, status)


def phase_choices() -> list[tuple[str, str]]:
    return [(phase.value, gettext(phase.label())) for phase in PHASE_ORDER]


def evidence_choices() -> list[tuple[str, str]]:
    return [(kind.value, gettext(kind.label())) for kind in EvidenceType]
