"""The obligations' codes as words: an obligation by its legal citation, its status, the kind of record that
meets it; and what its records read as in the audit trail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from ai_register.classification.rulesets import active_ruleset
from ai_register.formats import lookup
from ai_register.obligations import rules


def obligation_label(obligation_id) -> str:
    """An obligation by its legal citation in the active rule set (its id is a code)."""

    for obligation in active_ruleset().obligations:
        if obligation.id == obligation_id:
            return str(obligation.citation)
    return str(obligation_id)


STATUS_LABELS = {
    rules.OPEN: lazy_pgettext("obligation status", "Open"),
    rules.IN_PROGRESS: _l("In progress"),
    rules.MET: _l("Met"),
    rules.NOT_APPLICABLE: _l("Not applicable"),
}
RECORD_LABELS = {
    "oversight_assignment": _l("Human-oversight assignment"),
    "fria": _l("Fundamental-rights impact assessment (FRIA)"),
    "informing_record": _l("Record of informing the people concerned"),
    "log_retention": _l("Log retention (Art 26(6))"),
    "supplier_document": _l("Supplier document"),
    "supplier_product": _l("EU-database registration of the product version"),
    "monitoring_metric": _l("Monitoring metric"),
    "literacy_measure": _l("AI-literacy measure"),
}


# --------------------------------------------------------------------------- in the audit trail
# What its records read as in the audit trail, the privacy inventory and the reports (audit/record_labels.py
# takes each word the register's own tables do not already have).

RECORD_TYPES = {"solution_obligation": _l("Obligation")}
AUDIT_ACTIONS = {"set_status": _l("Status set")}
RECORD_FIELDS = {
    "obligation_id": _l("Obligation"), "applies_from": _l("Applies from"),
    "listed_by_classification_id": _l("Listed by classification"), "current": _l("Listed now"),
    "opened_on": _l("Opened on"), "evidence_id": _l("Evidence"), "record_type": _l("Kind of record"),
    "record_id": _l("Record"), "not_applicable_reason": _l("Why it does not apply"),
    "status_set_by_id": _l("Status set by"), "status_set_at": _l("Status set at"),
    "confirmed_at": _l("Confirmed at"),
}
CONDITIONS = {"significant_change": _l("when the design changes significantly")}
NOTIFICATION_KINDS = {"obligation_due": _l("obligation due"), "obligation_overdue": _l("obligation overdue")}


def record_type_label(code) -> str:
    """The kind of record that meets an obligation."""
    return lookup(RECORD_LABELS, code)


RECORD_VALUES = {
    ("solution_obligation", "status"): lambda code: lookup(STATUS_LABELS, code),
    ("solution_obligation", "record_type"): record_type_label,
    ("solution_obligation", "obligation_id"): obligation_label,
    ("solution_obligation", "condition"): lambda code: lookup(CONDITIONS, code),
}
