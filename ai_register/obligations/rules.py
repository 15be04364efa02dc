"""Pure rules of obligation records: due dates, what counts as closed, overdue, and what a status
needs. No Flask, no database."""

from __future__ import annotations

from datetime import date, timedelta

from ai_register.monitoring import rules as monitoring_rules
from ai_register.suppliers import rules as supplier_rules

OPEN, IN_PROGRESS, MET, NOT_APPLICABLE = "open", "in_progress", "met", "not_applicable"
STATUSES = (OPEN, IN_PROGRESS, MET, NOT_APPLICABLE)

# An obligation that already applies when it opens (a rule-set change adds Art 4, say) gets this many
# days from the day it opened; the region sets the period (AI_REGISTER_OBLIGATION_DUE_DAYS).
DEFAULT_DUE_DAYS = 90


def due_on(applies_from: date | None, opened_on: date, due_days: int, condition: str | None = None) -> date | None:
    """The date it applies from, or, when it already applies on the day it opened, `due_days` later.
    An obligation that applies only once a condition holds (Art 111(2): a significant change) has no
    due date until then."""
    if applies_from is None:
        return None if condition else opened_on + timedelta(days=due_days)
    if applies_from > opened_on:
        return applies_from
    return opened_on + timedelta(days=due_days)


def is_closed(status: str, confirmed: bool) -> bool:
    """Met, or not applicable with the reason confirmed by compliance."""
    return status == MET or (status == NOT_APPLICABLE and confirmed)


def is_overdue(*, status: str, confirmed: bool, current: bool, due: date | None, today: date) -> bool:
    return current and not is_closed(status, confirmed) and due is not None and due < today


def status_errors(status: str, *, evidence: bool, record: bool, reason: str | None) -> dict[str, list[str]]:
    """What a status asks for: met names the evidence or record meeting it; not applicable gives why."""
    errors: dict[str, list[str]] = {}
    if status not in STATUSES:
        errors["status"] = [f"Must be one of: {', '.join(STATUSES)}."]
    elif status == MET and not (evidence or record):
        errors["evidence_id"] = ["Name the evidence or the record that meets the obligation."]
    elif status == NOT_APPLICABLE and not (reason or "").strip():
        errors["not_applicable_reason"] = ["Say why the obligation does not apply; compliance confirms it."]
    return errors


# The supplier register's records that can meet an obligation: the provider's document (of the product version
# the solution uses) that the obligation asks for or asks the region to check. `EU_DATABASE_REGISTRATION` is
# the product version's registration number in the EU database (AI Act Art 49). Obligations not listed here are
# met by evidence or the region's own records.
EU_DATABASE_REGISTRATION = "eu_database_registration"
_DOC, _CE = supplier_rules.DECLARATION, supplier_rules.CERTIFICATE
_IFU, _ART6_4 = supplier_rules.INSTRUCTIONS, supplier_rules.ART6_4
SUPPLIER_FITS: dict[str, frozenset[str]] = {
    # The deployer's checks (region policy and Art 49(2)).
    "ai_act_art6_4_request_assessment": frozenset({_ART6_4}),
    "ai_act_art49_2_check_registration": frozenset({EU_DATABASE_REGISTRATION}),
    # The provider's own documents, where the classification lists the provider's obligations.
    "ai_act_art6_4": frozenset({_ART6_4}),
    "ai_act_art13": frozenset({_IFU}),
    "ai_act_art47": frozenset({_DOC}),
    "ai_act_art48": frozenset({_DOC, _CE}),
    "ai_act_art49_1": frozenset({EU_DATABASE_REGISTRATION}),
    "ai_act_art49_2": frozenset({EU_DATABASE_REGISTRATION}),
    "mdr_art52_notified_body": frozenset({_CE}),
    "mdr_art52_7_self_declaration": frozenset({_DOC}),
    "mdr_art20_ce_marking": frozenset({_DOC, _CE}),
    "ivdr_art48_notified_body": frozenset({_CE}),
    "ivdr_art48_self_declaration": frozenset({_DOC}),
    "ivdr_art18_ce_marking": frozenset({_DOC, _CE}),
}


def supplier_record_fits(obligation_id: str, kind: str) -> bool:
    """Whether a supplier document of `kind` (or the EU-database registration) can meet the obligation."""
    return kind in SUPPLIER_FITS.get(obligation_id, frozenset())


# The region's own monitoring that can meet an obligation: a metric of the solution watched against what the
# provider states in the instructions for use (Art 26(5): monitor the operation on the basis of the
# instructions for use; the IFU states the accuracy and its metrics, Art 13(3)(b)(ii)). Log retention (Art
# 26(6)) and the other records of the solution are chosen as before.
MONITORING_METRIC = "monitoring_metric"
MONITORING_FITS: dict[str, frozenset[str]] = {
    "ai_act_art26_5": frozenset({MONITORING_METRIC}),
}

# An AI-literacy measure (Art 4) of the solution's staff, or region-wide, meets the deployer's Art 4 duty.
LITERACY_MEASURE = "literacy_measure"
LITERACY_FITS = frozenset({"ai_act_art4_deployer"})


# The solution's own records of the other areas (by the record type the API names) and the obligations each can
# meet. An oversight assignment is the deployer's Art 26(2) (the provider's Art 14 is the system's design, which
# no assignment shows); an approved FRIA is Art 27; the log retention record is Art 26(6), part of
# `ai_act_art26`, and for a system the region provides itself Art 19(1) (the provider keeps the logs under its
# control, at least six months). Informing records fit by their kind (`INFORMING_FITS`).
OVERSIGHT_ASSIGNMENT, FRIA, INFORMING_RECORD, LOG_RETENTION = (
    "oversight_assignment", "fria", "informing_record", "log_retention")
OWN_RECORD_TYPES = (OVERSIGHT_ASSIGNMENT, FRIA, INFORMING_RECORD, LOG_RETENTION)
OWN_RECORD_FITS: dict[str, frozenset[str]] = {
    OVERSIGHT_ASSIGNMENT: frozenset({"ai_act_art26_2"}),
    FRIA: frozenset({"ai_act_art27"}),
    LOG_RETENTION: frozenset({"ai_act_art26", "ai_act_art19"}),
}
# Workers and their representatives before the system is put into service (Art 26(7), part of `ai_act_art26`);
# persons subject to its decisions (Art 26(11)) or exposed to emotion recognition or biometric categorisation
# (Art 50(3)); how a person asks for an explanation of a decision (Art 86).
INFORMING_FITS: dict[str, frozenset[str]] = {
    monitoring_rules.WORKERS: frozenset({"ai_act_art26"}),
    monitoring_rules.AFFECTED_PERSONS: frozenset({"ai_act_art26_11", "ai_act_art50_3"}),
    monitoring_rules.EXPLANATION_PROCEDURE: frozenset({"ai_act_art86"}),
}


def own_record_fits(obligation_id: str, record_type: str, kind: str | None = None) -> bool:
    """Whether one of the solution's own records (an informing record of `kind`) can meet the obligation."""
    if record_type == INFORMING_RECORD:
        return obligation_id in INFORMING_FITS.get(kind or "", frozenset())
    return obligation_id in OWN_RECORD_FITS.get(record_type, frozenset())


def monitoring_metric_errors(obligation_id: str, *, active: bool, stated_in_instructions: bool) -> list[str]:
    """Why a monitoring metric of the solution cannot meet the obligation (none: it can): it must fit the
    obligation, still be reported, and compare with a value the instructions for use of the product version the
    solution uses state (its thresholds the region's, checked when it was defined)."""
    if MONITORING_METRIC not in MONITORING_FITS.get(obligation_id, frozenset()):
        return ["A monitoring metric does not meet this obligation."]
    if not active:
        return ["The metric is retired: choose one whose values are still reported."]
    if not stated_in_instructions:
        return ["The metric compares with no value stated in the instructions for use of the product version the "
                "solution uses: give the provider's stated value on the metric."]
    return []
